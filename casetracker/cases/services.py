"""Writes that touch several models at once, each in one transaction."""

from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from casetracker.cases import policy
from casetracker.cases.models import Alias, Person, Source
from casetracker.changes import log
from casetracker.names.keys import rebuild_keys

SEED_FIXTURES_DIR = Path(settings.BASE_DIR) / "fixtures"
SEED_CHANGE_REASON = "Loaded from the seed fixtures"


def seed_fixture_paths() -> list[Path]:
    return sorted(SEED_FIXTURES_DIR.glob("*.yaml"))


def history_models():
    """Every casetracker model that keeps an audit history."""
    return [
        model
        for model in apps.get_app_config("cases").get_models()
        if hasattr(model, "history")
    ]


def record_initial_history(*, change_reason: str, user=None) -> int:
    """Give every record without history a first "created" entry; return how many were made.

    ``loaddata`` saves raw, which django-simple-history does not record, so a load is
    followed by this; records that already have a history are left alone.
    """
    created = 0
    for model in history_models():
        historical = model.history.model
        missing = model.objects.exclude(
            pk__in=historical.objects.values("id")
        ).order_by("pk")
        objs = list(missing)
        if objs:
            model.history.bulk_history_create(
                objs, default_user=user, default_change_reason=change_reason
            )
            created += len(objs)
    return created


class SeedError(ValueError):
    """The seed fixtures hold a record that breaks a rule; the message names it."""


def seed_check() -> None:
    """Validate what ``loaddata`` wrote, since it bypasses ``full_clean()``.

    Raises :class:`SeedError` naming the first invalid record, or the people that are
    recorded twice under spellings that share a name key.
    """
    from casetracker.cases.models import Person

    for model in history_models():
        # The database already enforced uniqueness, relations and the check constraints.
        relations = [field.name for field in model._meta.fields if field.is_relation]
        for record in model.objects.all():
            try:
                record.full_clean(exclude=relations, validate_unique=False,
                                  validate_constraints=False)
            except ValidationError as error:
                raise SeedError(f"{model._meta.label} pk={record.pk} ({record}): "
                                f"{'; '.join(error.messages)}") from None
    duplicates = (Person.objects.values("name_key").annotate(count=Count("pk"))
                  .filter(count__gt=1).values_list("name_key", flat=True))
    for key in duplicates:
        names = ", ".join(f"{p.name} (pk={p.pk})" for p in Person.objects.filter(name_key=key))
        raise SeedError(f"The same person is recorded twice: {names}. Keep one record and "
                        "add the other spelling as an alias.")


def seed_load(*, paths: list[Path] | None = None, dry_run: bool = False) -> dict[str, int]:
    """Load the seed fixtures (idempotently: fixed primary keys) in one transaction.

    Returns the number of rows per model (class) after the load. With ``dry_run`` the load is
    validated against the database and rolled back.
    """
    paths = paths or seed_fixture_paths()
    if not paths:
        raise FileNotFoundError(f"No seed fixtures (*.yaml) in {SEED_FIXTURES_DIR}.")
    with transaction.atomic():
        call_command("loaddata", *[str(path) for path in paths], verbosity=0)
        # loaddata saves raw, without save(): the search keys are computed here.
        for model in (Person, Alias):
            rebuild_keys(model.objects.all())
        seed_check()
        record_initial_history(change_reason=SEED_CHANGE_REASON)
        # loaddata saves raw, past the models' save(): the public change log learns of the
        # seed cases here.
        log.log_records(log.PERSON, Person.objects.values_list("pk", flat=True))
        log.log_records(log.SOURCE, Source.objects.values_list("pk", flat=True))
        counts = {model: model.objects.count() for model in history_models()}
        if dry_run:
            transaction.set_rollback(True)
    return counts


# ---------------------------------------------------------------------------------------
# Duplicates: merging two records of the same person
# ---------------------------------------------------------------------------------------


def resolve_merged(person):
    """The record that survives ``person``: itself, or the person it was merged into.

    Follows chains (A merged into B, B later into C gives C). The public case page and the
    API detail call it to redirect a merged-away slug or ID to the surviving record.
    """
    seen = set()
    while person.merged_into_id is not None and person.pk not in seen:
        seen.add(person.pk)
        person = person.merged_into
    return person


def published_survivor(**lookup):
    """The published record that a merged-away person (found by ``lookup``) now lives on.

    None unless the merged-away record was itself public when it was merged and the
    survivor is public now: a redirect from a name that was never published (a restricted
    real name, a draft) to a pseudonymous case would link the two for anyone who guesses
    the name's address.
    """
    from casetracker.cases.models import Person, PublicationState

    duplicate = Person.objects.filter(merged_into__isnull=False, is_restricted=False,
                                      publication_state=PublicationState.WITHDRAWN,
                                      **lookup).first()
    if duplicate is None:
        return None
    survivor = resolve_merged(duplicate)
    return Person.objects.published().filter(pk=survivor.pk).first()


def hidden_parts(duplicate):
    """What a merge does to a part of ``duplicate`` moving to the kept record: nothing if
    the duplicate was public; restricts it if the duplicate was restricted; returns its
    published facts to draft if the duplicate was otherwise unpublished."""
    from casetracker.cases.models import PublicationState

    def hide(part):
        if duplicate.is_public:
            return
        if duplicate.is_restricted:
            part.is_restricted = True
        elif part.publication_state == PublicationState.PUBLISHED:
            part.publication_state = PublicationState.DRAFT

    return hide


# Fields copied from the duplicate when the kept record has no value for them.
MERGE_FILLED_FIELDS = ["sex", "birth_year", "occupation", "summary", "status", "external_id"]
MERGE_EMPTY = {"sex": "unknown", "status": "unknown"}


def person_merge(*, keep, duplicate, user):
    """Merge ``duplicate`` into ``keep``, keeping everything either record holds.

    The duplicate's aliases, affiliations, relationships and facts (with their citations)
    move to ``keep``; its name (and its real name, restricted) become aliases; empty fields
    of ``keep`` are filled from it. The duplicate stays in the database, unpublished, with
    ``merged_into`` set, so its old ID and URL can redirect and its history stays readable.
    Every change is recorded in the history under ``user`` with the merge as the reason.
    """
    from django.core.exceptions import ValidationError
    from simple_history.utils import bulk_update_with_history

    from casetracker.cases.models import (
        Affiliation,
        Alias,
        Citation,
        Detention,
        Event,
        Person,
        Proceeding,
        PublicationState,
        Relationship,
    )

    if keep.pk == duplicate.pk:
        raise ValidationError("A person cannot be merged with themselves.")
    # By ID only: the reason is shown to every member of staff who may see the survivor's
    # history, and a duplicate's name may be restricted (a real name behind a pseudonym).
    reason = f"Merged person ID {duplicate.pk} into person ID {keep.pk}"

    def saved(instance):
        instance._history_user = user
        instance._change_reason = reason
        instance.full_clean()
        instance.save()

    with transaction.atomic(), log.batch():
        keep = Person.objects.select_for_update().get(pk=keep.pk)
        duplicate = Person.objects.select_for_update().get(pk=duplicate.pk)
        if keep.merged_into_id or duplicate.merged_into_id:
            raise ValidationError("One of these people has already been merged into another "
                                  "record: merge into the surviving record instead.")
        keep_alias_names = set(keep.aliases.values_list("name", flat=True))
        # What the public could not see on the duplicate it must not see on the kept record
        # without a reviewer's decision: a restricted duplicate's parts arrive restricted,
        # an unpublished one's published facts arrive as drafts.
        hide = hidden_parts(duplicate)

        # The duplicate's spellings: its aliases move; its names become aliases.
        for alias in duplicate.aliases.all():
            if alias.name in keep_alias_names or alias.name == keep.name:
                alias._history_user, alias._change_reason = user, reason
                alias.delete()  # the same spelling is already on the kept record
                continue
            alias.person = keep
            # Aliases have no state of their own: one the public never saw arrives
            # restricted, for a reviewer to lift.
            alias.is_restricted = alias.is_restricted or not duplicate.is_public
            saved(alias)
            keep_alias_names.add(alias.name)
        for name, restricted in ((duplicate.name, not duplicate.is_public),
                                 (duplicate.real_name, True)):
            if name and name != keep.name and name not in keep_alias_names:
                saved(Alias(person=keep, name=name, is_restricted=restricted))
                keep_alias_names.add(name)

        # Facts keep their citations: these point at the fact, which only changes person.
        for model in (Event, Proceeding, Detention, Affiliation):
            facts = list(model.objects.filter(person=duplicate))
            for fact in facts:
                fact.person = keep
                hide(fact)
                fact.full_clean()
            bulk_update_with_history(facts, model, ["person", "publication_state",
                                                    "is_restricted"],
                                     default_user=user, default_change_reason=reason)

        # Relationships: repoint both ends; one between the two records cannot survive the
        # merge (nobody is their own relative), and one the kept record already has gives
        # its citations to that one.
        for relationship in Relationship.objects.filter(person=duplicate) | \
                Relationship.objects.filter(relative=duplicate):
            person = keep if relationship.person_id == duplicate.pk else relationship.person
            relative = keep if relationship.relative_id == duplicate.pk else \
                relationship.relative
            if person.pk == relative.pk:
                continue  # stays on the duplicate, in its history, visible in the admin
            twin = Relationship.objects.filter(person=person, relative=relative,
                                               kind=relationship.kind).first()
            if twin is not None:
                citations = list(relationship.citations.all())
                for citation in citations:
                    citation.relationship = twin
                    citation.full_clean()
                bulk_update_with_history(citations, Citation, ["relationship"],
                                         default_user=user, default_change_reason=reason)
                relationship._history_user, relationship._change_reason = user, reason
                relationship.delete()
                continue
            relationship.person, relationship.relative = person, relative
            hide(relationship)
            saved(relationship)

        for earlier in Person.objects.filter(merged_into=duplicate):
            earlier.merged_into = keep
            saved(earlier)

        external_id = duplicate.external_id
        if duplicate.external_id and not keep.external_id:
            duplicate.external_id = ""  # unique: it moves to the kept record
        duplicate.merged_into = keep
        # Withdrawn marks a duplicate that was public: only its old address redirects
        # (published_survivor); one that was never public stays a draft.
        was_public = duplicate.is_public
        duplicate.publication_state = (PublicationState.WITHDRAWN if was_public
                                       else PublicationState.DRAFT)
        saved(duplicate)

        for name in MERGE_FILLED_FIELDS:
            value = external_id if name == "external_id" else getattr(duplicate, name)
            if getattr(keep, name) in (None, "", MERGE_EMPTY.get(name)) and value not in (
                    None, "", MERGE_EMPTY.get(name)):
                setattr(keep, name, value)
        saved(keep)
    return keep


# ---------------------------------------------------------------------------------------
# Changes to records, through the access policy: applied at once or kept for review
# ---------------------------------------------------------------------------------------


def attribute(instance, *, user, reason: str = ""):
    """Name ``user`` and ``reason`` in the history row the next save or delete writes."""
    instance._history_user = user
    instance._change_reason = reason
    return instance


def field_text(field, instance):
    """A field's value as the text a revision keeps (None for no value)."""
    value = field.value_from_object(instance)
    if value is None:
        return None
    return field.value_to_string(instance)


def editable_fields(model):
    """The fields staff set on a record (not keys, counters or timestamps it sets itself)."""
    return [field for field in model._meta.concrete_fields
            if field.editable and not field.primary_key]


def validate(instance):
    """``full_clean()`` but for the fields the record computes itself (keys, counters)."""
    instance.full_clean(exclude=[field.name for field in instance._meta.concrete_fields
                                 if not field.editable])


def record_changes(stored, instance) -> dict[str, list]:
    """``{field name: [old text, new text]}`` for each field ``instance`` changes on ``stored``.

    A masked value (``policy.MASK``, shown to a user who may not read it) is no change.
    """
    changes = {}
    restricted = policy.maskable_fields(type(stored))
    for field in editable_fields(type(stored)):
        new = field.value_from_object(instance)
        if isinstance(new, policy.Masked):
            continue
        old_text, new_text = field_text(field, stored), field_text(field, instance)
        if old_text != new_text:
            # A restricted value's old text is not copied out of the record it protects.
            changes[field.name] = [None if field.name in restricted else old_text, new_text]
    return changes


def _refuse(message):
    from django.core.exceptions import PermissionDenied

    raise PermissionDenied(message)


def _revision(*, user, action, record, subject, changes, reason, state=None):
    from django.contrib.contenttypes.models import ContentType

    from casetracker.cases.models import Revision

    revision = Revision(
        target_type=ContentType.objects.get_for_model(record),
        target_id=record.pk if action != Revision.Action.ADD or record.pk else None,
        subject_type=ContentType.objects.get_for_model(subject), subject_id=subject.pk,
        case=case_of(subject), action=action, changes=changes, author=user,
        reason=reason[:300], state=state or Revision.State.PENDING,
    )
    revision.full_clean()
    revision.save()
    return revision


def case_of(record):
    """The person whose case ``record`` is part of, or None (sources, reference data)."""
    from casetracker.cases.models import Person

    while record is not None and not isinstance(record, Person):
        if getattr(record, "person_id", None):
            return record.person
        parent = policy.owner(record)
        record = parent if parent is not record else None
    return record


def propose_change(*, user, stored, instance, reason: str = ""):
    """Keep ``instance``'s changes to the ``stored`` record as a pending revision (None when
    it changes nothing)."""
    from casetracker.cases.models import Revision

    changes = record_changes(stored, instance)
    if not changes:
        return None
    return _revision(user=user, action=Revision.Action.CHANGE, record=stored, subject=stored,
                     changes=changes, reason=reason)


def propose_addition(*, user, instance, reason: str = ""):
    """Keep the new ``instance`` (a part of a locked record) as a pending addition."""
    from casetracker.cases.models import Revision

    changes = {field.name: [None, field_text(field, instance)]
               for field in editable_fields(type(instance))
               if field_text(field, instance) not in (None, "")}
    return _revision(user=user, action=Revision.Action.ADD, record=instance,
                     subject=policy.owner(instance) or instance, changes=changes, reason=reason)


def propose_deletion(*, user, instance, reason: str = ""):
    from casetracker.cases.models import Revision

    return _revision(user=user, action=Revision.Action.DELETE, record=instance,
                     subject=instance, changes={}, reason=reason)


def record_save(*, user, instance, reason: str = ""):
    """Save ``user``'s change to ``instance`` (a stored record), as the policy says.

    The change is the difference between ``instance`` and the stored row, in the fields
    staff edit; it is applied at once, or kept as a pending revision when the record is
    locked (``policy.change_access``). Returns the revision, or None when applied. Raises
    PermissionDenied for a change the user may not make at all.
    """
    model = type(instance)
    with transaction.atomic(), log.batch():
        stored = model._default_manager.select_for_update().get(pk=instance.pk)
        access = policy.change_access(stored, user, proposed=instance)
        if access is policy.Access.NONE:
            _refuse(f"You may not change this {model._meta.verbose_name}.")
        changes = record_changes(stored, instance)
        forbidden = sorted(set(changes) & policy.protected_fields(stored, user))
        if forbidden:
            names = ", ".join(str(model._meta.get_field(name).verbose_name) for name in forbidden)
            _refuse(f"Only a reviewer may change the {names} of this "
                    f"{model._meta.verbose_name}.")
        if not changes:
            return None
        if access is policy.Access.REVIEW:
            return propose_change(user=user, stored=stored, instance=instance, reason=reason)
        for name in changes:
            field = model._meta.get_field(name)
            setattr(stored, field.attname, field.value_from_object(instance))
        validate(stored)
        attribute(stored, user=user, reason=reason)
        stored.save()
        for field in model._meta.concrete_fields:  # the caller's copy shows what was stored
            setattr(instance, field.attname, getattr(stored, field.attname))
    return None


def record_add(*, user, instance, reason: str = ""):
    """Add ``instance`` (its parent set), or keep it as a pending addition to a locked record."""
    with transaction.atomic():
        access = policy.add_access(instance, user)
        if access is policy.Access.NONE:
            _refuse(f"You may not add this {instance._meta.verbose_name}.")
        if access is policy.Access.REVIEW:
            return propose_addition(user=user, instance=instance, reason=reason)
        validate(instance)
        attribute(instance, user=user, reason=reason)
        instance.save()
    return None


def record_delete(*, user, instance, reason: str = ""):
    """Delete ``instance``, or keep its deletion from a locked record for review."""
    with transaction.atomic():
        access = policy.delete_access(instance, user)
        if access is policy.Access.NONE:
            _refuse(f"You may not delete this {instance._meta.verbose_name}.")
        if access is policy.Access.REVIEW:
            return propose_deletion(user=user, instance=instance, reason=reason)
        attribute(instance, user=user, reason=reason)
        instance.delete()
    return None


def _apply_texts(instance, changes):
    for name, (_old, new) in changes.items():
        field = instance._meta.get_field(name)
        setattr(instance, field.attname, None if new is None else field.to_python(new))


def revision_approve(*, revision, user, note: str = ""):
    """Apply a pending revision: the change becomes the record, and public if it is."""
    from casetracker.cases.models import Revision

    if not policy.may_publish(user):
        _refuse("Only a reviewer may approve a change.")
    with transaction.atomic(), log.batch():
        revision = Revision.objects.select_for_update().get(pk=revision.pk)
        if revision.state != Revision.State.PENDING:
            raise ValidationError(f"This revision is {revision.get_state_display().lower()}, "
                                  "not waiting for review.")
        model = revision.target_type.model_class()
        reason = f"Approved revision {revision.pk} by {revision.author or 'a deleted user'}"
        if revision.action == Revision.Action.ADD:
            record = model()
            _apply_texts(record, revision.changes)
            validate(record)
            attribute(record, user=user, reason=reason)
            record.save()
            revision.target_id = record.pk
        else:
            record = model._default_manager.select_for_update().filter(
                pk=revision.target_id).first()
            if record is None:
                raise ValidationError("The record this revision changes no longer exists.")
            attribute(record, user=user, reason=reason)
            if revision.action == Revision.Action.DELETE:
                record.delete()
            else:
                _apply_texts(record, revision.changes)
                validate(record)
                record.save()
        revision.state = Revision.State.APPROVED
        revision.reviewed_by, revision.reviewed_at = user, timezone.now()
        revision.review_note = note[:300]
        revision.save()
    return revision


def revision_reject(*, revision, user, note: str = ""):
    from casetracker.cases.models import Revision

    if not policy.may_publish(user):
        _refuse("Only a reviewer may reject a change.")
    with transaction.atomic():
        revision = Revision.objects.select_for_update().get(pk=revision.pk)
        if revision.state != Revision.State.PENDING:
            raise ValidationError(f"This revision is {revision.get_state_display().lower()}, "
                                  "not waiting for review.")
        revision.state = Revision.State.REJECTED
        revision.reviewed_by, revision.reviewed_at = user, timezone.now()
        revision.review_note = note[:300]
        revision.save()
    return revision
