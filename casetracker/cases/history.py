"""The history of a whole case: every change to a person and to every part of their record."""

from dataclasses import dataclass
from datetime import datetime
from itertools import pairwise

from casetracker.cases.models import (
    Affiliation,
    Alias,
    Citation,
    Detention,
    Event,
    Person,
    Proceeding,
    ProceedingCharge,
    Relationship,
)

RELATED = {Affiliation: ["organisation"], Proceeding: ["court"]}
CHANGE_TYPES = {"+": "created", "~": "changed", "-": "deleted"}
# Parts of a record that point at the person directly.
PERSON_PARTS = [Alias, Affiliation, Event, Proceeding, Detention]
# Labels read from the historical row itself, so building the page costs no extra query.
LABELS = {
    Person: lambda r: r.name,
    Alias: lambda r: r.name,
    Affiliation: lambda r: f"{r.role}, {r.organisation}" if r.role else str(r.organisation),
    Relationship: lambda r: f"{r.person} — {r.kind} — {r.relative}",
    Event: lambda r: f"{Event.Kind(r.kind).label}, {r.date or '?'}",
    Proceeding: lambda r: f"{r.court or '?'}, {r.verdict_date or '?'}",
    ProceedingCharge: lambda r: str(r.charge),
    Detention: lambda r: f"{r.start or '?'} – {r.end or '…'}",
    Citation: lambda r: r.passage[:80],
}
CITED_PARTS = {"event": Event, "proceeding": Proceeding, "detention": Detention,
               "affiliation": Affiliation, "relationship": Relationship}


@dataclass(frozen=True)
class HistoryEntry:
    date: datetime
    user: object
    kind: str  # verbose name of the model
    label: str
    change_type: str
    changes: list  # [(field verbose name, old, new)]
    reason: str


RESTRICTED_FIELDS = {"real_name", "place"}


def _entries(records, model, *, include_restricted) -> list[HistoryEntry]:
    """Turn one model's historical records into entries, each diffed against the one before."""
    entries = []
    by_object: dict = {}
    for record in sorted(records, key=lambda r: (r.id, r.history_date, r.history_id)):
        by_object.setdefault(record.id, []).append(record)
    for versions in by_object.values():
        previous_of = {new.history_id: old for old, new in pairwise(versions)}
        for record in versions:
            previous = previous_of.get(record.history_id)
            changes = []
            if previous is not None:
                delta = record.diff_against(previous, foreign_keys_are_objs=False)
                changes = [
                    (str(model._meta.get_field(change.field).verbose_name), change.old, change.new)
                    for change in delta.changes
                    if change.field not in {"updated_at", "version", "name_key"}
                    and (include_restricted or change.field not in RESTRICTED_FIELDS)
                ]
            if not include_restricted and getattr(record, "is_restricted", False):
                continue
            entries.append(HistoryEntry(
                date=record.history_date,
                user=record.history_user,
                kind=str(model._meta.verbose_name),
                label=LABELS[model](record),
                change_type=CHANGE_TYPES[record.history_type],
                changes=changes,
                reason=record.history_change_reason or "",
            ))
    return entries


def record_history(person: Person, *, include_restricted: bool) -> list[HistoryEntry]:
    """Every change to ``person`` and the parts of their record, newest first.

    Without ``include_restricted``, restricted parts and changes to restricted fields (a
    real name, a place) are left out, as they are everywhere else for that user.

    Parts deleted since are included: their ids come from the history tables, not the
    live ones; so are the histories of duplicates merged into ``person``. The number of
    queries is fixed (one or two per model).
    """
    # A merged-away duplicate's history is part of the surviving record's story.
    merged = Person.objects.filter(merged_into=person).values_list("pk", flat=True)
    person_ids = [person.pk, *merged]
    histories = {Person: Person.history.filter(id__in=person_ids).select_related(
        "history_user")}
    fact_ids = {}
    for model in PERSON_PARTS:
        histories[model] = model.history.filter(person_id__in=person_ids).select_related(
            "history_user", *RELATED.get(model, []))
        fact_ids[model] = {record.id for record in histories[model]}
    histories[Relationship] = (
        Relationship.history.filter(person_id__in=person_ids)
        | Relationship.history.filter(relative_id__in=person_ids)
    ).select_related("history_user", "person", "relative")
    fact_ids[Relationship] = {record.id for record in histories[Relationship]}
    histories[ProceedingCharge] = ProceedingCharge.history.filter(
        proceeding_id__in=fact_ids[Proceeding]).select_related("history_user", "charge")
    citation_filter = None
    for field, model in CITED_PARTS.items():
        term = Citation.history.filter(**{f"{field}_id__in": fact_ids[model]})
        citation_filter = term if citation_filter is None else citation_filter | term
    histories[Citation] = citation_filter.select_related("history_user")

    entries = []
    for model, records in histories.items():
        entries.extend(_entries(list(records), model, include_restricted=include_restricted))
    return sorted(entries, key=lambda entry: entry.date, reverse=True)
