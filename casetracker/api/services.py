"""Writes made by partners through the API.

A partner never publishes, and its writes never reach back into what staff did:

- what it creates lands as a draft, attributed to it (``submitted_by`` and the audit
  history), for staff to review;
- it may update only what it submitted. An update of a record that is still a draft (or in
  review) applies at once; an update of a locked record (published or withdrawn: see
  ``casetracker/cases/policy.py``) becomes pending revisions for a reviewer, and the public
  record stays as it is;
- every write is kept as a :class:`~casetracker.api.models.Submission`, and the API answers
  with the partner's own submissions merged (``partner_view``), never with the stored
  record, which staff may have corrected, completed or restricted since.

A partner may attach new facts to any published person and cite any published source.
"""

import copy

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q

from casetracker.api.models import Submission
from casetracker.cases import policy
from casetracker.cases.models import (
    Alias,
    Citation,
    Event,
    Person,
    Proceeding,
    ProceedingCharge,
    PublicationState,
    Revision,
    Source,
    unique_slug,
)
from casetracker.cases.services import (
    attribute,
    propose_addition,
    propose_change,
    propose_deletion,
)

CHANGE_REASON = "Submitted through the API"


def submitted_by(model, user):
    """Records of ``model`` that ``user`` submitted through the API."""
    return model.objects.filter(submitted_by=user)


def writable(model, user, *, include_published=False):
    """What ``user`` may update (their submissions), or refer to (also what is public)."""
    if include_published:
        return model.objects.filter(Q(submitted_by=user) | Q(pk__in=policy.public(
            model.objects.all()).values("pk")))
    return submitted_by(model, user)


def computed_fields(instance) -> list[str]:
    """Fields the model fills in itself on save (search keys, slugs…): not validated before.
    (``submitted_by`` is set here, and validated: a partner's external IDs are its own.)"""
    return [field.name for field in instance._meta.fields
            if not field.editable and field.name != "submitted_by"]


def partner_view(record, user, *, represent) -> dict:
    """What ``user`` submitted for ``record`` (in the representation ``represent`` gives),
    merged oldest first, with the record's id and publication state.

    Records submitted before submissions were kept, or by a script, start from the first
    version in the history, which the partner wrote.
    """
    submissions = Submission.objects.filter(
        user=user, content_type=ContentType.objects.get_for_model(record), object_id=record.pk)
    first = record.history.order_by("history_date", "history_id").first()
    view = represent(first.instance) if first is not None and first.history_user_id == \
        user.pk else {}
    for submission in submissions:
        view.update({name: value for name, value in submission.data.items() if name in view})
    pending = Revision.objects.pending().filter(pk__in=submissions.values("revisions")).exists()
    return {**view, "id": record.pk, "publication_state": record.publication_state,
            "pending_review": pending}


def _lock(instance):
    """Re-read ``instance`` FOR UPDATE so concurrent writes to one record queue up, each
    applied to the version the one before it saved (not to the copy read before waiting,
    which would write back the old values of the fields it does not change)."""
    if instance.pk:
        instance.refresh_from_db(from_queryset=type(instance).objects.select_for_update())


class Write:
    """One partner write: the record, the fields sent, and whether it waits for review."""

    def __init__(self, *, user, instance, fields, exclude=()):
        self.user, self.fields, self.exclude = user, fields, exclude
        self.creating = instance.pk is None
        _lock(instance)
        self.record = instance
        self.locked = not self.creating and policy.is_locked(instance)
        self.revisions = []

    def save(self):
        """Save the record's fields, or propose them when the record is locked.

        What only staff decide stays as they left it: a partner lifts no restriction they
        set (``policy.protected_fields``), whatever it sends.
        """
        record = self.record
        if not self.creating:
            protected = policy.protected_fields(record, self.user)
            self.fields = {name: value for name, value in self.fields.items()
                           if name not in protected}
        if self.locked:
            proposed = copy.copy(record)
            for name, value in self.fields.items():
                setattr(proposed, name, value)
            proposed.full_clean(exclude=[*computed_fields(proposed), *self.exclude])
            self._proposed(propose_change(user=self.user, stored=record, instance=proposed,
                                          reason=CHANGE_REASON))
            return
        for name, value in self.fields.items():
            setattr(record, name, value)
        if self.creating:
            record.publication_state = PublicationState.DRAFT
            record.submitted_by = self.user
        record.full_clean(exclude=[*computed_fields(record), *self.exclude])
        attribute(record, user=self.user, reason=CHANGE_REASON)
        record.save()

    def add(self, part):
        """Add a part of the record (an alias, a citation, a charge)."""
        part.full_clean(exclude=computed_fields(part))
        if self.locked:
            self._proposed(propose_addition(user=self.user, instance=part,
                                            reason=CHANGE_REASON))
        else:
            attribute(part, user=self.user, reason=CHANGE_REASON)
            part.save()

    def remove(self, part):
        if self.locked:
            self._proposed(propose_deletion(user=self.user, instance=part,
                                            reason=CHANGE_REASON))
        else:
            attribute(part, user=self.user, reason=CHANGE_REASON)
            part.delete()

    def _proposed(self, revision):
        if revision is not None:
            self.revisions.append(revision)

    def keep(self, represent, sent, *, also=None):
        """Keep what the partner sent (the record as created, or the fields of an update),
        as ``represent`` renders it (the API's representation)."""
        representation = {**(represent(sent) if represent else {}), **(also or {})}
        submission = Submission.objects.create(
            user=self.user, content_type=ContentType.objects.get_for_model(self.record),
            object_id=self.record.pk,
            data={name: value for name, value in representation.items()
                  if name not in ("id", "publication_state", "pending_review")})
        submission.revisions.set(self.revisions)


def _replace_citations(write, citations, *, fact_field):
    if citations is None:
        return
    for old in write.record.citations.all():
        write.remove(old)
    for citation in citations:
        write.add(Citation(source=citation["source"], passage=citation["passage"],
                           **{fact_field: write.record}))


@transaction.atomic
def submit_person(*, user, instance: Person | None = None, aliases=None, represent=None,
                  **fields) -> Person:
    """Create (or update ``instance``) a person; ``aliases`` replaces the public ones.

    ``represent`` turns a record (or the fields sent) into the API's representation, which
    is kept as the partner's submission (``partner_view``).
    """
    write = Write(user=user, instance=instance or Person(), fields=fields, exclude=["slug"])
    write.save()
    person = write.record
    if aliases is not None:
        wanted = list(dict.fromkeys(name.strip() for name in aliases if name.strip()))
        for alias in person.aliases.filter(is_restricted=False).exclude(name__in=wanted):
            write.remove(alias)
        existing = set(person.aliases.values_list("name", flat=True))
        for name in wanted:
            if name not in existing:
                write.add(Alias(person=person, name=name))
    sent = {**fields, **({"aliases": aliases} if aliases is not None else {})}
    write.keep(represent, person if write.creating else sent)
    return person


@transaction.atomic
def submit_event(*, user, instance=None, citations=None, represent=None, **fields) -> Event:
    write = Write(user=user, instance=instance or Event(), fields=fields)
    write.save()
    _replace_citations(write, citations, fact_field="event")
    write.keep(represent, write.record if write.creating else fields)
    return write.record


@transaction.atomic
def submit_proceeding(*, user, instance=None, charges=None, citations=None, represent=None,
                      **fields) -> Proceeding:
    write = Write(user=user, instance=instance or Proceeding(), fields=fields)
    write.save()
    proceeding = write.record
    if charges is not None:
        wanted = {charge.pk: charge for charge in charges}
        for link in proceeding.proceeding_charges.exclude(charge__in=list(wanted)):
            write.remove(link)
        existing = set(proceeding.proceeding_charges.values_list("charge_id", flat=True))
        for charge_id, charge in wanted.items():
            if charge_id not in existing:
                write.add(ProceedingCharge(proceeding=proceeding, charge=charge))
    _replace_citations(write, citations, fact_field="proceeding")
    sent = {**fields, **({"charges": charges} if charges is not None else {})}
    write.keep(represent, proceeding if write.creating else sent)
    return proceeding


@transaction.atomic
def submit_source(*, user, instance=None, represent=None, **fields) -> Source:
    source = instance or Source()
    wanted = fields.get("slug")
    if source.pk is None:
        # A slug taken by a record the partner may not see must not reveal that it exists:
        # the source is stored under a free variant, and the partner is answered with its own.
        fields["slug"] = unique_slug(
            Source, wanted or f"{fields.get('publisher', '')} {fields['title']}")
    elif wanted and wanted != source.slug:
        fields["slug"] = unique_slug(Source, wanted)
    write = Write(user=user, instance=source, fields=fields)
    write.save()
    write.keep(represent, write.record if write.creating else fields,
               also={"slug": wanted} if wanted else {})
    return write.record
