"""Writing the public change log: which public records a write touched, and whether what the
public sees of them changed.

The log follows the public records partners mirror: people (with everything their record
shows: aliases, affiliations, relationships on both sides, events, proceedings and their
charges, detentions, the citations of all of these, and the names of the sources,
organisations and charges they cite or name) and sources. Every write of a record that can
reach one calls :func:`touch` with the records it may change, from the models' ``save()``
and ``delete()`` (``casetracker.cases.models.Logged``) or, for bulk writes, from the code
that makes them. :func:`touch` writes a :class:`Touched` row per record in the write's own
transaction, so a committed change is never lost (inside a :func:`batch`, once per record
for the whole batch).

:func:`catch_up` then decides, for the records touched since, whether what the public sees
changed, by comparing the digest of their public representation (the API's, which the site
shows too) with the last one logged: a change nobody outside can see (a draft added, a
restricted field edited) writes nothing, and several writes before a catch-up are one
change. Everything that reads the log catches up first (the feed, ``updated_since``, the
validators, the version that keys the caches), and the worker does it within seconds of
each commit, so a write pays an insert and the log is exact whenever it is read.
"""

import hashlib
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime

import orjson
from django.db import transaction
from django.db.models import Exists, Q
from django.utils import timezone

from casetracker.changes.models import Action, Change, LogHead, RecordType, Touched

PERSON, SOURCE = RecordType.PERSON.value, RecordType.SOURCE.value
#: Records touched in the batch under way: {(type, id)}, or None outside a batch.
_touched: ContextVar[set | None] = ContextVar("casetracker_changes_touched", default=None)
#: How many public records are serialised at once when logging many.
CHUNK = 500


@contextmanager
def batch():
    """Collect the records touched until the outermost batch ends, then note them once.

    Use it inside the transaction of a write of several steps (a form with inlines, a
    merge, an import). Nothing is noted if the batch ends with an exception (the
    transaction is rolled back with it).
    """
    if _touched.get() is not None:
        yield
        return
    token = _touched.set(set())
    try:
        yield
        subjects = _touched.get()
    finally:
        _touched.reset(token)
    _note(subjects)


def touch(subjects):
    """The public records ``subjects`` (``(type, id)`` pairs) may have changed."""
    subjects = {(kind, pk) for kind, pk in subjects if pk is not None}
    if not subjects:
        return
    collected = _touched.get()
    if collected is not None:
        collected |= subjects
    else:
        _note(subjects)


def touch_people(people):
    touch((PERSON, pk) for pk in people)


def touch_records(records):
    """Each of ``records`` (written in bulk, past their ``save()``) may have changed
    public records."""
    subjects = set()
    for record in records:
        subjects |= subjects_of(record)
    touch(subjects)


def _note(subjects):
    if not subjects:
        return
    from casetracker.changes import tasks

    Touched.objects.bulk_create([Touched(record_type=kind, record_id=pk)
                                 for kind, pk in sorted(subjects)])
    transaction.on_commit(tasks.catch_up.enqueue)


# ---------------------------------------------------------------------------------------
# Which public records a record appears in
# ---------------------------------------------------------------------------------------


def subjects_of(record) -> set[tuple[str, int]]:
    """The public records ``record`` (as it is in memory) is part of."""
    return {(PERSON, pk) for pk in people_of(record) if pk is not None} | (
        {(SOURCE, record.pk)} if record._meta.label_lower == "cases.source" else set())


def subjects_of_stored(record) -> set[tuple[str, int]]:
    """The public records the stored version of ``record`` is part of (before it changes)."""
    if record.pk is None:
        return set()
    stored = type(record)._default_manager.filter(pk=record.pk).first()
    return subjects_of(stored) if stored is not None else set()


def people_of(record) -> set[int]:
    """The people whose public record ``record`` is part of, or names."""
    from casetracker.cases.models import (
        CITED_FACTS,
        Affiliation,
        Citation,
        Event,
        Proceeding,
        ProceedingCharge,
        Relationship,
    )

    label = record._meta.label_lower
    if label == "cases.person":  # their name is on their relatives' records too
        ends = Relationship.objects.filter(Q(person=record.pk) | Q(relative=record.pk)) \
            .values_list("person_id", "relative_id")
        return {record.pk, *(pk for pair in ends for pk in pair)}
    if label == "cases.relationship":
        return {record.person_id, record.relative_id}
    if label in ("cases.alias", "cases.affiliation", "cases.event", "cases.proceeding",
                 "cases.detention"):
        return {record.person_id}
    if label == "cases.proceedingcharge":
        return set(Proceeding.objects.filter(pk=record.proceeding_id)
                   .values_list("person_id", flat=True))
    if label == "cases.citation":
        fact = record.fact
        return people_of(fact) if fact is not None else set()
    if label == "cases.source":
        people = set()
        for name, model in CITED_FACTS.items():
            facts = model.objects.filter(pk__in=Citation.objects.filter(source=record.pk)
                                         .values(name))
            people |= set(facts.values_list("person_id", flat=True))
            if name == "relationship":
                people |= set(facts.values_list("relative_id", flat=True))
        return people
    if label == "cases.organisation":
        return {*Affiliation.objects.filter(organisation=record.pk).values_list(
                    "person_id", flat=True),
                *Event.objects.filter(perpetrator=record.pk).values_list("person_id", flat=True),
                *Proceeding.objects.filter(court=record.pk).values_list("person_id", flat=True)}
    if label == "cases.charge":
        return set(ProceedingCharge.objects.filter(charge=record.pk)
                   .values_list("proceeding__person_id", flat=True))
    return set()


# ---------------------------------------------------------------------------------------
# Deciding and writing
# ---------------------------------------------------------------------------------------


def public_records(record_type: str, ids) -> dict[int, dict]:
    """``{id: public representation}`` of the records among ``ids`` the public can see."""
    from casetracker.api import serializers
    from casetracker.cases.models import Person, Source

    if record_type == PERSON:
        queryset, serializer = (Person.objects.published().with_record(),
                                serializers.PersonDetailSerializer)
    else:
        queryset, serializer = Source.objects.published(), serializers.SourceSerializer
    records = {}
    ids = sorted(ids)
    for start in range(0, len(ids), CHUNK):
        chunk = queryset.filter(pk__in=ids[start:start + CHUNK])
        for data in serializer(chunk, many=True,
                               context={"urls": serializers.ApiUrls(None)}).data:
            data.pop("updated_at", None)  # the log's own time, not part of what changed
            records[data["id"]] = data
    return records


def digest(representation: dict) -> str:
    return hashlib.sha256(orjson.dumps(representation, option=orjson.OPT_SORT_KEYS)).hexdigest()


def catch_up() -> list[Change]:
    """Log what changed for the public of the records touched by committed writes.

    Under the log head's lock, so two catch-ups never log one change twice, and cursors
    are numbered in the order changes are logged: a reader that saw cursor N never sees a
    change below N appear later.
    """
    if not Touched.objects.exists():  # the common case: one cheap query
        return []
    with transaction.atomic():
        _head()
        rows = list(Touched.objects.values_list("pk", "record_type", "record_id", "at"))
        changes = []
        for record_type in (PERSON, SOURCE):
            # A change is dated by the write that made it, not by when it was compared.
            times = {}
            for _row, kind, pk, at in rows:
                if kind == record_type:
                    times[pk] = max(at, times.get(pk, at))
            changes += log_records(record_type, times.keys(), times=times)
        # Only the rows read: one committed since (out of order) waits for the next.
        Touched.objects.filter(pk__in=[row[0] for row in rows]).delete()
    return changes


def _head() -> LogHead:
    """The log head, locked until the transaction ends (the migration makes the row; a
    test database flushed between tests has none)."""
    head, _created = LogHead.objects.select_for_update().get_or_create(pk=1)
    return head


def log_records(record_type: str, ids, *, times=None) -> list[Change]:
    """Log what changed of the public records ``ids`` since their last logged change,
    each dated by ``times`` (``{id: when it was written}``; now by default)."""
    from casetracker.cases.models import Person

    ids = {pk for pk in ids if pk is not None}
    if not ids:
        return []
    with transaction.atomic():
        head = _head()
        latest = Change.objects.latest_per_record(record_type, ids)
        digests = {pk: digest(record) for pk, record in public_records(record_type,
                                                                       ids).items()}
        merged = {}
        if record_type == PERSON:
            merged = dict(Person.objects.filter(pk__in=ids - digests.keys(),
                                                merged_into__isnull=False)
                          .values_list("pk", "merged_into"))
        now = timezone.now()
        times = times or {}
        _restore_times(record_type, digests.keys(), latest)
        changes = []
        for pk in sorted(ids):
            last = latest.get(pk)
            was_public = last is not None and last.action == Action.CHANGED
            if pk in digests:
                if not was_public or last.digest != digests[pk]:
                    changes.append(Change(record_id=pk, action=Action.CHANGED,
                                          digest=digests[pk]))
            elif was_public:
                survivor = _public_survivor(merged.get(pk))
                changes.append(Change(record_id=pk, into=survivor,
                                      action=Action.MERGED if survivor else Action.REMOVED))
        for change in changes:
            head.last += 1
            change.id, change.record_type = head.last, record_type
            change.at = times.get(change.record_id, now)
        if changes:
            Change.objects.bulk_create(changes)
            head.last_at = max(change.at for change in changes)
            head.save(update_fields=["last", "last_at"])
            # Kept on the record for lists sorted and filtered by it; an update() writes no
            # history (the log is the history of what the public saw).
            by_time = {}
            for change in changes:
                if change.action == Action.CHANGED:
                    by_time.setdefault(change.at, []).append(change.record_id)
            for at, ids in by_time.items():
                _model(record_type).objects.filter(pk__in=ids).update(public_changed_at=at)
            _announce(changes)
    return changes


def _restore_times(record_type, public, latest):
    """Public records whose time was lost (reloaded from a fixture) get it back from the log."""
    model = _model(record_type)
    for pk in model.objects.filter(pk__in=public, public_changed_at__isnull=True) \
            .values_list("pk", flat=True):
        if pk in latest:
            model.objects.filter(pk=pk).update(public_changed_at=latest[pk].at)


def _model(record_type):
    from casetracker.cases.models import Person, Source

    return {PERSON: Person, SOURCE: Source}[record_type]


def _public_survivor(pk):
    """The public record a merged person now lives on, or None."""
    from casetracker.cases.models import Person
    from casetracker.cases.services import resolve_merged

    if pk is None:
        return None
    survivor = resolve_merged(Person.objects.get(pk=pk))
    return survivor.pk if Person.objects.published().filter(pk=survivor.pk).exists() else None


def _announce(changes):
    """Have the worker deliver the changes to the webhooks and refresh what is cached."""
    from casetracker.changes import delivery

    delivery.schedule(changes)


# ---------------------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Version:
    """The state of the public data: the latest change's cursor and time."""

    cursor: int
    changed: datetime | None

    @property
    def key(self) -> str:
        return f"{self.cursor}|{self.changed.isoformat() if self.changed else '-'}"


PENDING = Exists(Touched.objects.all())


def version() -> Version:
    """The current :class:`Version`, caught up: one query when nothing is waiting."""
    head = LogHead.objects.annotate(pending=PENDING).values("last", "last_at", "pending") \
        .first()
    if head is None or head["pending"]:
        catch_up()
        head = LogHead.objects.values("last", "last_at").first() or {"last": 0,
                                                                     "last_at": None}
    return Version(head["last"], head["last_at"])


def latest_change(record_type: str, pk) -> Change | None:
    """One record's latest change, caught up: one query when nothing is waiting."""
    change = Change.objects.filter(record_type=record_type, record_id=pk) \
        .annotate(pending=PENDING).order_by("-id").first()
    if change is None or change.pending:
        if not catch_up() and change is not None:
            return change
        change = Change.objects.latest(record_type, pk)
    return change
