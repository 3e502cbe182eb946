"""Results cached until what they are computed from changes.

What the public sees is versioned by the public change log (``casetracker.changes.log``):
its cursor moves with every change the public can see, and with nothing else. Figures
computed from public data (counts, the statistics, the home page, the case list's filter
choices) are cached under it, so they are recomputed only after a public change, and a
hidden change (a draft, a restricted field) costs no recomputation and moves no validator.

What staff see in the admin (the year filters) is versioned by the newest history row of
the records it reads: every save and deletion writes one.
"""

import hashlib
from functools import cache

from django.core.cache import cache as shared_cache
from django.core.exceptions import EmptyResultSet
from django.db.models import Max

from casetracker.changes.log import Version
from casetracker.changes.log import version as public_version

__all__ = ["CACHE_TIMEOUT", "Version", "cached", "cached_count", "history_model",
           "public_version", "records_version"]

#: How long a cached result is kept. Every change the public can see moves the version it is
#: cached under; this bounds what a change made behind the ORM's back (raw SQL) can leave.
CACHE_TIMEOUT = 600


@cache
def history_model(model):
    """The model of ``model``'s history rows (``model.history`` builds a manager class on
    every access: 0.5 ms, twenty times a request)."""
    return model.history.model


def records_version(model) -> str:
    """The version of every record of ``model``, hidden ones included: its newest history id."""
    newest = history_model(model).objects.aggregate(newest=Max("history_id"))["newest"]
    return f"{model._meta.label}:{newest or 0}"


def cached(name: str, compute, *, version, parts=()):
    """``compute()``, computed once per ``version`` (a :class:`Version`, or a string) and
    ``parts``.

    ``parts`` names what else the result depends on (a query's SQL and parameters, a
    language); the result must pickle.
    """
    key = version.key if isinstance(version, Version) else str(version)
    digest = hashlib.sha256(repr((parts, key)).encode()).hexdigest()
    cache_key = f"casetracker:{name}:{digest}"
    result = shared_cache.get(cache_key)
    if result is None:
        result = compute()
        shared_cache.set(cache_key, result, CACHE_TIMEOUT)
    return result


def cached_count(queryset, *, version) -> int:
    """``queryset.count()``, cached until the public data changes: a list's page envelope
    needs it, and over 100,000 cases counting costs more than reading a page."""
    # Without ordering and annotations the rows are the same, and compiling the query for
    # the cache key costs 0.1 ms instead of 3 ms.
    queryset = queryset.order_by().values("pk")
    try:
        parts = queryset.query.sql_with_params()
    except EmptyResultSet:  # e.g. pk__in=[]: matches nothing, asks the database nothing
        return 0
    return cached("count", queryset.count, version=version, parts=parts)
