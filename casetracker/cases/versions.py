"""The state the curated data is in, and results cached until it changes.

Every save and deletion of a curated record writes a history row (django-simple-history),
and history ids only grow: the newest id of each history table names the state of the data.
Reading them costs one query of index-backed ``MAX()`` lookups, so a figure that takes a
second to compute over 100,000 cases (a count, the statistics) can be cached under the
state it was computed from, and is recomputed only after something changed.

Ids are handed out when a transaction writes but become visible when it commits, and
PostgreSQL transactions may commit out of order: one holding id 500 can commit after
another has committed 501, leaving the newest id unchanged. So on PostgreSQL the version
also names the write transactions in progress on the database (``pg_stat_activity``'s
``backend_xid``; the app's connections share one role, which sees them): when the late one
commits, that list changes, and so does the version. (SQLite runs one writer at a time.)
"""

import hashlib
from dataclasses import dataclass
from datetime import datetime
from functools import cache

from django.apps import apps
from django.core.cache import cache as shared_cache
from django.core.exceptions import EmptyResultSet
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import DateTimeField, Value

#: How long a cached result is kept. Every change through the ORM moves the version it is
#: cached under; this bounds what a change made behind its back (raw SQL) can leave.
CACHE_TIMEOUT = 600


#: PostgreSQL: the ids of the other write transactions in progress, as text (see above).
#: The activity view is read once per transaction unless cleared: the lateral join clears it
#: first, so a version read twice in one transaction sees a commit in between.
IN_PROGRESS_SQL = (
    "(SELECT string_agg(writer.backend_xid::text, ',' ORDER BY writer.backend_xid::text) "
    "FROM (SELECT pg_stat_clear_snapshot()) AS fresh CROSS JOIN LATERAL ("
    "SELECT backend_xid FROM pg_stat_activity WHERE datname = current_database() "
    "AND backend_xid IS NOT NULL AND pid <> pg_backend_pid()) AS writer)"
)


@dataclass(frozen=True)
class DataVersion:
    #: The latest change to any curated record (None in an empty database).
    changed: datetime | None
    #: The newest history id of every curated model: moves with every change, even two
    #: changes in the same microsecond.
    stamp: str
    #: PostgreSQL: the write transactions in progress, whose changes may yet appear.
    in_progress: str = ""

    @property
    def key(self) -> str:
        changed = self.changed.isoformat() if self.changed else "-"
        return f"{self.stamp}|{changed}|{self.in_progress}"


@cache
def history_model(model):
    """The model of ``model``'s history rows (``model.history`` builds a manager class on
    every access: 0.5 ms, twenty times a request)."""
    return model.history.model


@cache
def _history_tables() -> tuple[tuple[str, str], ...]:
    """``(table, primary key column)`` of the history of every curated model."""
    tables = []
    for model in apps.get_app_config("cases").get_models():
        if hasattr(model, "history"):
            history = history_model(model)._meta
            tables.append((history.db_table, history.pk.column))
    return tuple(sorted(tables))


def data_version(using: str = DEFAULT_DB_ALIAS) -> DataVersion:
    """The current :class:`DataVersion`, in one query."""
    connection = connections[using]
    quote = connection.ops.quote_name
    columns = []
    for table, pk in _history_tables():
        columns.append(f"(SELECT MAX({quote(pk)}) FROM {quote(table)})")
        columns.append(f"(SELECT MAX({quote('history_date')}) FROM {quote(table)})")
    if connection.vendor == "postgresql":
        columns.append(IN_PROGRESS_SQL)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(columns)}")
        row = cursor.fetchone()
    in_progress = row[-1] or "" if connection.vendor == "postgresql" else ""
    pairs = row[:2 * len(_history_tables())]
    ids, dates = pairs[0::2], pairs[1::2]
    return DataVersion(latest(dates, connection), ",".join(str(value or 0) for value in ids),
                       in_progress)


def latest(values, connection) -> datetime | None:
    """The latest of the date-times of a raw row (None for none), read as the ORM would:
    raw rows skip its conversions, and SQLite hands back text."""
    expression = Value(None, output_field=DateTimeField())
    converters = connection.ops.get_db_converters(expression)
    dates = []
    for value in values:
        for converter in converters:
            value = converter(value, expression, connection)
        if value is not None:
            dates.append(value)
    return max(dates, default=None)


def cached(name: str, compute, *, version: DataVersion, parts=()):
    """``compute()``, computed once per state of the data (``version``) and ``parts``.

    ``parts`` names what else the result depends on (a query's SQL and parameters, a
    language); the result must pickle.
    """
    digest = hashlib.sha256(repr((parts, version.key)).encode()).hexdigest()
    key = f"casetracker:{name}:{digest}"
    result = shared_cache.get(key)
    if result is None:
        result = compute()
        shared_cache.set(key, result, CACHE_TIMEOUT)
    return result


def cached_count(queryset, *, version: DataVersion) -> int:
    """``queryset.count()``, cached until a record changes: a list's page envelope needs
    it, and over 100,000 cases counting costs more than reading a page."""
    # Without ordering and annotations the rows are the same, and compiling the query for
    # the cache key costs 0.1 ms instead of 3 ms.
    queryset = queryset.order_by().values("pk")
    try:
        parts = queryset.query.sql_with_params()
    except EmptyResultSet:  # e.g. pk__in=[]: matches nothing, asks the database nothing
        return 0
    return cached("count", queryset.count, version=version, parts=parts)
