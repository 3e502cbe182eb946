"""Writing the public change log: which public records a write touched, and whether what the
public sees of them changed.

Every write of a record that can reach a public person's record (the person, their
aliases, affiliations, relationships on both sides, events, proceedings and their charges,
detentions, the citations of all of these, and the sources, organisations and charges
they name) calls :func:`touch` with the people whose records it may change, from the
models' ``save()`` and ``delete()`` (``casetracker.cases.models.Logged``) or, for bulk
writes, from the code that makes them. Inside a :func:`batch` the people are collected
and logged once when the outermost batch ends, still inside the transaction; outside one
(a plain ``save()`` in ``manage.py shell``) at once, in the save's transaction.

Logging a person means computing their public representation (the API's record, which the
site shows too) and comparing its digest with the last one logged: a change nobody outside
can see (a draft added, a restricted field edited) writes nothing.
"""

import hashlib
from contextlib import contextmanager
from contextvars import ContextVar

import orjson
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from casetracker.changes.models import Action, Change, LogHead

PERSON = "person"
#: People touched in the batch under way (None: no batch).
_touched: ContextVar[set | None] = ContextVar("casetracker_changes_touched", default=None)
#: How many public records are serialised at once when logging many.
CHUNK = 500


@contextmanager
def batch():
    """Collect the people touched until the outermost batch ends, then log them once.

    Use it inside the transaction of a write of several steps (a form with inlines, a
    merge, an import), so the log records its result, not each step. Nothing is logged if
    the batch ends with an exception (the transaction is rolled back with it).
    """
    if _touched.get() is not None:
        yield
        return
    token = _touched.set(set())
    try:
        yield
        people = _touched.get()
    finally:
        _touched.reset(token)
    log_people(people)


def touch(people):
    """The public records of ``people`` (ids) may have changed."""
    people = {pk for pk in people if pk is not None}
    if not people:
        return
    collected = _touched.get()
    if collected is not None:
        collected |= people
    else:
        log_people(people)


def touch_records(records):
    """Each of ``records`` (saved, changed in bulk) may have changed public records."""
    people = set()
    for record in records:
        people |= people_of(record)
    touch(people)


# ---------------------------------------------------------------------------------------
# Which people's public records a record appears in
# ---------------------------------------------------------------------------------------


def people_of(record) -> set[int]:
    """The people whose public record ``record`` (as it is in memory) is part of."""
    from casetracker.cases.models import (
        CITED_FACTS,
        Citation,
        Proceeding,
        ProceedingCharge,
        Relationship,
    )

    label = record._meta.label_lower
    if label == "cases.person":
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
        from casetracker.cases.models import Affiliation, Event

        return {*Affiliation.objects.filter(organisation=record.pk).values_list("person_id",
                                                                                flat=True),
                *Event.objects.filter(perpetrator=record.pk).values_list("person_id", flat=True),
                *Proceeding.objects.filter(court=record.pk).values_list("person_id", flat=True)}
    if label == "cases.charge":
        return set(ProceedingCharge.objects.filter(charge=record.pk)
                   .values_list("proceeding__person_id", flat=True))
    return set()


def people_of_stored(record) -> set[int]:
    """The people the stored version of ``record`` is part of (before it changes)."""
    if record.pk is None:
        return set()
    stored = type(record)._default_manager.filter(pk=record.pk).first()
    return people_of(stored) if stored is not None else set()


# ---------------------------------------------------------------------------------------
# Deciding and writing
# ---------------------------------------------------------------------------------------


def public_records(people) -> dict[int, dict]:
    """``{id: public representation}`` of the people among ``people`` who are public."""
    from casetracker.api.serializers import ApiUrls, PersonDetailSerializer
    from casetracker.cases.models import Person

    records = {}
    people = sorted(people)
    for start in range(0, len(people), CHUNK):
        chunk = Person.objects.published().with_record().filter(pk__in=people[start:start
                                                                                + CHUNK])
        serializer = PersonDetailSerializer(chunk, many=True, context={"urls": ApiUrls(None)})
        for data in serializer.data:
            data.pop("updated_at", None)  # the log's own time, not part of what changed
            records[data["id"]] = data
    return records


def digest(representation: dict) -> str:
    return hashlib.sha256(orjson.dumps(representation, option=orjson.OPT_SORT_KEYS)).hexdigest()


def log_people(people, *, at=None) -> list[Change]:
    """Log what changed of ``people``'s public records since their last logged change.

    In one transaction with the write (the caller's, or its own): the log head is locked
    first, so changes are numbered in commit order.
    """
    from casetracker.cases.models import Person

    people = {pk for pk in people if pk is not None}
    if not people:
        return []
    at = at or timezone.now()
    public_now = set(Person.objects.published().filter(pk__in=people).values_list("pk",
                                                                                   flat=True))
    if not public_now and not Change.objects.of(PERSON, people).exists():
        return []  # none of them is, or ever was, public: the public saw nothing
    with transaction.atomic():
        # The migration makes the row; a test database flushed between tests has none.
        head, _created = LogHead.objects.select_for_update().get_or_create(pk=1)
        latest = Change.objects.latest_per_record(PERSON, people)
        digests = {pk: digest(record) for pk, record in public_records(people).items()}
        merged = dict(Person.objects.filter(pk__in=people - digests.keys(),
                                            merged_into__isnull=False)
                      .values_list("pk", "merged_into"))
        changes = []
        for pk in sorted(people):
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
            change.id, change.record_type, change.at = head.last, PERSON, at
        if changes:
            Change.objects.bulk_create(changes)
            head.save(update_fields=["last"])
            _announce(changes)
    return changes


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


def current() -> int:
    """The cursor of the latest change (0 before any)."""
    return LogHead.objects.values_list("last", flat=True).first() or 0
