"""ETag and Last-Modified for API responses, computed before any rendering.

What changed is read from the audit history (django-simple-history) rather than from
``updated_at``: every save, deletion and publication-state change writes a history row with
its ``history_date``, while ``updated_at`` misses deletions and the admin's bulk workflow
actions.

- A **list** response depends on which records match and on everything it shows, and a
  filter can read any part of a record: its version is the state of all the curated data
  (``casetracker.cases.versions.data_version()``: the newest history row of every model,
  one query), so a change elsewhere costs a client one needless download, never a stale
  one. The row count the page envelope needs is cached under that state: counting every
  published person costs more than the rest of the response at 100,000 people. A single
  record of another kind (an event, a source) is versioned the same way.
- A **person's record** depends on that person: its version is the latest change to the
  person and every part of their record, and to the shared reference data it names (one
  query of index-backed subqueries, compiled once per process).

The ETag hashes the version with the absolute URL (so the query string, the page and the
host are part of it) and the media type (JSON, CSV and HTML differ).
"""

import hashlib
from dataclasses import dataclass
from datetime import datetime
from functools import cache

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import OuterRef, Q, Subquery
from django.db.models.expressions import RawSQL
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date

from casetracker.cases.models import (
    Affiliation,
    Alias,
    Charge,
    Citation,
    Detention,
    Event,
    Organisation,
    Person,
    Proceeding,
    ProceedingCharge,
    Relationship,
    Source,
)
from casetracker.cases.versions import (
    IN_PROGRESS_SQL,
    cached_count,
    data_version,
    history_model,
    latest,
)


@dataclass(frozen=True)
class Version:
    count: int | None
    changed: datetime | None
    #: What identifies the state of the data beyond ``changed`` (``DataVersion.key``).
    stamp: str = ""

    @property
    def key(self) -> str:
        changed = self.changed.isoformat() if self.changed else "-"
        return f"{self.count}|{changed}|{self.stamp}"


def latest_change(model, *conditions, **lookups):
    """A subquery: the most recent ``history_date`` of ``model`` (matching the conditions)."""
    history = history_model(model).objects.filter(*conditions, **lookups)
    return Subquery(history.order_by("-history_date").values("history_date")[:1])


def list_version(queryset, *, count: bool = True) -> Version:
    """The version of a list response, with the number of rows ``queryset`` matches unless
    ``count`` is false (a CSV export has no page envelope)."""
    version = data_version(queryset.db)
    rows = cached_count(queryset, version=version) if count else None
    return Version(rows, version.changed, version.key)


def person_version(pk, using=DEFAULT_DB_ALIAS) -> Version | None:
    """The latest change to the public person ``pk``'s record; None if there is no such person.

    One query, compiled once per process: building its twenty subqueries through the ORM
    took a third of each record's response time.
    """
    sql, params, id_slots = _person_version_query(using)
    params = [pk if index in id_slots else value for index, value in enumerate(params)]
    connection = connections[using]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        return None
    if connection.vendor == "postgresql":  # the last column: writes in progress
        return Version(None, latest(row[:-1], connection), row[-1] or "")
    return Version(None, latest(row, connection))


# An id no record has, marking where the person's id goes in the compiled query.
_ID_SENTINEL = -7_412_356_903


@cache
def _person_version_query(using) -> tuple[str, tuple, frozenset[int]]:
    """The SQL of ``_person_version_queryset()``, its parameters and where the id goes."""
    queryset = _person_version_queryset(_ID_SENTINEL)
    if connections[using].vendor == "postgresql":
        # A change committed late, with an older date, must still change the version.
        queryset = queryset.annotate(in_progress=RawSQL(IN_PROGRESS_SQL, []))
    sql, params = queryset.query.get_compiler(using).as_sql()
    id_slots = frozenset(index for index, value in enumerate(params) if value == _ID_SENTINEL)
    if not id_slots:  # a change to the query would show here, not as a wrong ETag
        raise RuntimeError("The person version query no longer takes the person's id.")
    return sql, tuple(params), id_slots


def _person_version_queryset(pk):
    """The latest change to each part of a published person's record, as one row.

    Each part is its own small subquery on an indexed foreign key (an OR across them makes
    PostgreSQL scan whole history tables).
    """
    person = OuterRef("pk")
    # Inside a subquery's subquery, the person is one level further out.
    outer_person = OuterRef(person)
    facts = {
        "event": Event.objects.filter(person=outer_person),
        "proceeding": Proceeding.objects.filter(person=outer_person),
        "detention": Detention.objects.filter(person=outer_person),
        "affiliation": Affiliation.objects.filter(person=outer_person),
        "relationship": Relationship.objects.filter(
            Q(person=outer_person) | Q(relative=outer_person)),
    }
    changes = {
        "person": latest_change(Person, id=person),
        "aliases": latest_change(Alias, person_id=person),
        "events": latest_change(Event, person_id=person),
        "proceedings": latest_change(Proceeding, person_id=person),
        "detentions": latest_change(Detention, person_id=person),
        "affiliations": latest_change(Affiliation, person_id=person),
        "relationships": latest_change(Relationship, person_id=person),
        "relationships_to": latest_change(Relationship, relative_id=person),
        "charges_brought": latest_change(ProceedingCharge, proceeding_id__in=facts["proceeding"]
                                         .values("pk")),
        # Relatives' names appear on the record.
        "relatives": latest_change(Person, id__in=Relationship.objects.filter(
            relative=outer_person).values("person_id")),
        "relatives_of": latest_change(Person, id__in=Relationship.objects.filter(
            person=outer_person).values("relative_id")),
        # Sources, organisations and charges are shared: any change to them counts.
        "sources": latest_change(Source),
        "organisations": latest_change(Organisation),
        "charges": latest_change(Charge),
    }
    for name, queryset in facts.items():
        # Historical rows keep the id of the fact they cited: deleted citations count too.
        changes[f"{name}_citations"] = latest_change(
            Citation, **{f"{name}_id__in": queryset.values("pk")})
    changes = {f"changed_{name}": subquery for name, subquery in changes.items()}
    return (Person.objects.published().filter(pk=pk).annotate(**changes)
            .values(*changes).order_by())


def etag_for(request, version: Version) -> str:
    media_type = getattr(request, "accepted_media_type", "") or ""
    text = f"{request.build_absolute_uri()}|{media_type}|{version.key}"
    return f'W/"{hashlib.sha256(text.encode()).hexdigest()[:32]}"'


def not_modified(request, version: Version):
    """A 304 (or 412) response if the client's copy is current, else None."""
    etag = etag_for(request, version)
    last_modified = int(version.changed.timestamp()) if version.changed else None
    response = get_conditional_response(request, etag=etag, last_modified=last_modified)
    if response is not None:
        add_validators(response, request, version)
    return response


def add_validators(response, request, version: Version):
    response["ETag"] = etag_for(request, version)
    if version.changed:
        response["Last-Modified"] = http_date(version.changed.timestamp())
    patch_vary_headers(response, ["Accept"])
    return response
