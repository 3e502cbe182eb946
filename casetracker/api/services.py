"""Writes made by partners through the API.

A partner never publishes: whatever they create or update lands as a draft, attributed to
their account in the audit history, for staff to review in the admin. A partner may update
only what they submitted themselves (whatever its state since), so a token cannot take a
published case off the site by editing it; they may attach new facts to any published person
and cite any published source.
"""

from django.db import transaction
from django.db.models import Q

from casetracker.cases.models import (
    Alias,
    Citation,
    Event,
    Person,
    Proceeding,
    ProceedingCharge,
    PublicationState,
    Source,
    unique_slug,
)

CHANGE_REASON = "Submitted through the API"


def submitted_by(model, user):
    """Records of ``model`` whose creation the history attributes to ``user``."""
    created = model.history.filter(history_type="+", history_user=user).values("id")
    return model.objects.filter(pk__in=created)


def writable(model, user, *, include_published=False):
    """What ``user`` may update (their submissions), or refer to (also what is public)."""
    queryset = submitted_by(model, user)
    if include_published:
        queryset = model.objects.filter(
            Q(pk__in=queryset.values("pk")) | Q(pk__in=model.objects.published().values("pk"))
        )
    return queryset


def computed_fields(instance) -> list[str]:
    """Fields the model fills in itself on save (search keys, slugs…): not validated before."""
    return [field.name for field in instance._meta.fields if not field.editable]


def _save_draft(instance, fields: dict, *, user, exclude=()):
    """Apply ``fields``, validate the whole record, save it as a draft attributed to ``user``."""
    for name, value in fields.items():
        setattr(instance, name, value)
    instance.publication_state = PublicationState.DRAFT
    instance.full_clean(exclude=[*computed_fields(instance), *exclude])
    instance._history_user = user
    instance._change_reason = CHANGE_REASON
    instance.save()
    return instance


def _lock(instance):
    """Re-read ``instance`` FOR UPDATE so concurrent writes to one record queue up, each
    applied to the version the one before it saved (not to the copy read before waiting,
    which would write back the old values of the fields it does not change)."""
    if instance.pk:
        instance.refresh_from_db(from_queryset=type(instance).objects.select_for_update())


def _replace_citations(fact, citations, *, user, fact_field):
    if citations is None:
        return
    for old in fact.citations.all():
        old._history_user = user
        old.delete()
    for citation in citations:
        new = Citation(source=citation["source"], passage=citation["passage"],
                       **{fact_field: fact})
        new.full_clean()
        new._history_user = user
        new._change_reason = CHANGE_REASON
        new.save()


@transaction.atomic
def submit_person(*, user, instance: Person | None = None, aliases=None, **fields) -> Person:
    """Create (or update ``instance``) a person as a draft; ``aliases`` replaces the public ones."""
    person = instance or Person()
    _lock(person)
    if person.pk:
        person.version += 1  # an admin form opened on the old version must not overwrite this
    _save_draft(person, fields, user=user, exclude=["slug"])
    if aliases is not None:
        wanted = list(dict.fromkeys(name.strip() for name in aliases if name.strip()))
        for alias in person.aliases.filter(is_restricted=False).exclude(name__in=wanted):
            alias._history_user = user
            alias.delete()
        existing = set(person.aliases.values_list("name", flat=True))
        for name in wanted:
            if name not in existing:
                alias = Alias(person=person, name=name)
                alias.full_clean(exclude=computed_fields(alias))
                alias._history_user = user
                alias._change_reason = CHANGE_REASON
                alias.save()
    return person


@transaction.atomic
def submit_event(*, user, instance=None, citations=None, **fields):
    event = instance or Event()
    _lock(event)
    _save_draft(event, fields, user=user)
    _replace_citations(event, citations, user=user, fact_field="event")
    return event


@transaction.atomic
def submit_proceeding(*, user, instance=None, charges=None, citations=None, **fields):
    proceeding = instance or Proceeding()
    _lock(proceeding)
    _save_draft(proceeding, fields, user=user)
    if charges is not None:
        wanted = {charge.pk: charge for charge in charges}
        for link in proceeding.proceeding_charges.exclude(charge__in=list(wanted)):
            link._history_user = user
            link.delete()
        existing = set(proceeding.proceeding_charges.values_list("charge_id", flat=True))
        for charge_id, charge in wanted.items():
            if charge_id not in existing:
                link = ProceedingCharge(proceeding=proceeding, charge=charge)
                link._history_user = user
                link._change_reason = CHANGE_REASON
                link.save()
    _replace_citations(proceeding, citations, user=user, fact_field="proceeding")
    return proceeding


@transaction.atomic
def submit_source(*, user, instance=None, **fields):
    source = instance or Source()
    _lock(source)
    if not (fields.get("slug") or source.slug):
        fields["slug"] = unique_slug(Source, f"{fields.get('publisher', '')} {fields['title']}")
    _save_draft(source, fields, user=user)
    return source
