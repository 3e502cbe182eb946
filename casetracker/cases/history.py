"""The history of a whole case: every change to a person and to every part of their record.

Everything here is read as a user may see it (``policy.py``): the rows of records they may
see, each diffed against the previous row they may see, with the values they may not read
and the records they may not see masked.
"""

from dataclasses import dataclass
from datetime import datetime
from functools import reduce
from itertools import pairwise
from operator import or_

from django.core.exceptions import FieldDoesNotExist

from casetracker.cases import policy
from casetracker.cases.models import (
    CITED_FACTS,
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
)

CHANGE_TYPES = {"+": "created", "~": "changed", "-": "deleted"}
# Parts of a record that point at the person directly.
PERSON_PARTS = [Alias, Affiliation, Event, Proceeding, Detention]
#: Fields a record keeps up by itself: no diff shows them.
UNSHOWN_FIELDS = {"updated_at", "version", "name_key", "phonetic_key"}


@dataclass(frozen=True)
class HistoryEntry:
    date: datetime
    user: object
    kind: str  # verbose name of the model
    label: str
    change_type: str
    changes: list  # [{"field", "old", "new"}]
    reason: str
    url: str = ""  # the part's own history page, where an earlier version can be restored


class Referents:
    """Records a history page names by id, shown as a user may see them.

    ``show`` takes the record when the row already joined it (``select_related``); a record
    of a model the user sees all of is shown as it is, others are checked once each (or in
    one query for many, with ``prime``).
    """

    def __init__(self, user):
        self.user = user
        self.shown: dict = {}

    def prime(self, model, pks):
        pks = {pk for pk in pks if pk is not None and (model, pk) not in self.shown}
        if not pks or not policy.hides_some(model, self.user):
            return
        seen = policy.visible(model._default_manager.filter(pk__in=pks), self.user).in_bulk()
        for pk in pks:
            self.shown[(model, pk)] = str(seen[pk]) if pk in seen else policy.MASK

    def show(self, model, pk, record=None) -> str:
        if pk is None:
            return "—"
        key = (model, pk)
        if key not in self.shown:
            if record is None or policy.hides_some(model, self.user):
                record = policy.visible(model._default_manager.filter(pk=pk), self.user).first()
            self.shown[key] = str(record) if record is not None else policy.MASK
        return self.shown[key]


def describe_texts(model, name, old, new, user, *, hidden=frozenset(), referents=None) -> dict:
    """A change of field ``name`` from ``old`` to ``new`` (stored values or their text), as
    ``user`` may see it: masked when ``name`` is ``hidden``, a related record by its name
    when the user may see it."""
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return {"field": name, "old": old, "new": new}
    label = str(field.verbose_name)
    if name in hidden:
        return {"field": label, "old": policy.MASK, "new": policy.MASK}
    if field.is_relation and field.many_to_one:
        referents = referents or Referents(user)
        return {"field": label, "old": referents.show(field.related_model, old),
                "new": referents.show(field.related_model, new)}
    if field.choices:
        choices = {str(value): label for value, label in field.flatchoices}
        old, new = choices.get(str(old), old), choices.get(str(new), new)
    return {"field": label, "old": old if old not in (None, "") else "—",
            "new": new if new not in (None, "") else "—"}


def describe_change(change, newer, older, user, *, live=None, referents=None) -> dict:
    """A simple-history ``ModelChange`` between two rows, as ``user`` may see it."""
    hidden = policy.masked_fields(newer, user, also=live) | policy.masked_fields(
        older, user, also=live)
    return describe_texts(policy.history_of(type(newer)), change.field, change.old,
                          change.new, user, hidden=hidden, referents=referents)


# Labels read from the historical row itself, so building the page costs few queries.
LABELS = {
    Person: lambda r, show: r.name,
    Alias: lambda r, show: r.name,
    Affiliation: lambda r, show: (f"{r.role}, " if r.role else "")
    + show(Organisation, r.organisation_id, r.organisation),
    Relationship: lambda r, show: f"{show(Person, r.person_id, r.person)} is the "
    f"{r.get_kind_display()} of {show(Person, r.relative_id, r.relative)}",
    Event: lambda r, show: f"{Event.Kind(r.kind).label}, {r.date or 'date unknown'}",
    Proceeding: lambda r, show: f"{r.get_outcome_display()}, "
    f"{r.verdict_date or 'date unknown'}",
    ProceedingCharge: lambda r, show: show(Charge, r.charge_id, r.charge),
    Detention: lambda r, show: f"from {r.start or 'an unknown date'}"
    + (f" until {r.end}" if r.end else ", still held"),
    Citation: lambda r, show: r.passage[:80],
}


def entries(records, model, user, *, lives=None, referents) -> list[HistoryEntry]:
    """One model's historical rows as entries, each diffed against the row before it."""
    from django.urls import NoReverseMatch, reverse

    result = []
    by_object: dict = {}
    for record in sorted(records, key=lambda r: (r.id, r.history_date, r.history_id)):
        by_object.setdefault(record.id, []).append(record)
    for object_id, versions in by_object.items():
        live = (lives or {}).get(object_id)
        previous_of = {new.history_id: old for old, new in pairwise(versions)}
        try:
            url = reverse(f"admin:cases_{model._meta.model_name}_history", args=[object_id])
        except NoReverseMatch:
            url = ""
        for record in versions:
            previous = previous_of.get(record.history_id)
            changes = []
            if previous is not None:
                delta = record.diff_against(previous, foreign_keys_are_objs=False)
                changes = [describe_change(change, record, previous, user, live=live,
                                           referents=referents)
                           for change in delta.changes if change.field not in UNSHOWN_FIELDS]
            label = policy.MASK if "name" in policy.masked_fields(
                record, user, also=live) else LABELS[model](record, referents.show)
            result.append(HistoryEntry(
                date=record.history_date,
                user=record.history_user,
                kind=str(model._meta.verbose_name),
                label=label,
                change_type=CHANGE_TYPES[record.history_type],
                changes=changes,
                reason=record.history_change_reason or "",
                url=url,
            ))
    return result


#: What each model's rows join to make their labels without a query per row.
RELATED = {Affiliation: ["organisation"], ProceedingCharge: ["charge"],
           Relationship: ["person", "relative"]}


def record_history(person: Person, user) -> list[HistoryEntry]:
    """Every change to ``person`` and the parts of their record that ``user`` may see, newest
    first.

    Parts deleted since are included (their ids come from the history tables, not the live
    ones), and so are the histories of the duplicates merged into ``person``. The number of
    queries is fixed: one per model, and for staff who may not see everything a few more to
    check the records named and to mask values restricted now.
    """
    merged = policy.visible(Person.objects.filter(merged_into=person), user).values_list(
        "pk", flat=True)
    person_ids = [person.pk, *merged]

    def rows(model, queryset):
        return list(policy.visible(queryset, user).select_related(
            "history_user", *RELATED.get(model, [])))

    histories = {Person: rows(Person, Person.history.filter(id__in=person_ids))}
    fact_ids = {}
    for model in PERSON_PARTS:
        histories[model] = rows(model, model.history.filter(person_id__in=person_ids))
        fact_ids[model] = {record.id for record in histories[model]}
    histories[Relationship] = rows(Relationship, Relationship.history.filter(
        person_id__in=person_ids) | Relationship.history.filter(relative_id__in=person_ids))
    fact_ids[Relationship] = {record.id for record in histories[Relationship]}
    histories[ProceedingCharge] = rows(ProceedingCharge, ProceedingCharge.history.filter(
        proceeding_id__in=fact_ids[Proceeding]))
    cited = reduce(or_, (Citation.history.filter(**{f"{name}_id__in": fact_ids[model]})
                         for name, model in CITED_FACTS.items()))
    histories[Citation] = rows(Citation, cited)

    referents = Referents(user)
    referents.prime(Person, {pk for record in histories[Relationship]
                             for pk in (record.person_id, record.relative_id)})
    result = []
    for model, records in histories.items():
        lives = {}
        if policy.hides_some(model, user) and model._meta.label_lower in \
                policy.RESTRICTED_VALUES:
            lives = model._default_manager.in_bulk({record.id for record in records})
        result.extend(entries(records, model, user, lives=lives, referents=referents))
    return sorted(result, key=lambda entry: entry.date, reverse=True)
