"""The access policy: who may see and who may change each record. Written once, asked everywhere.

Every door asks it rather than deciding for itself: the admin (change and read-only forms,
inlines, changelists and their filters, history lists, versions and revert, the whole-record
history, autocomplete, actions), the intake pages (import and its dry run, the duplicate
queue, article review), the exports, and the API's writes.

**Seeing.** The public (and partners reading the API) see what ``published()`` returns.
Staff who may see restricted data (reviewers, superusers) see everything. Other staff
(viewers, editors) see every record that is not restricted *and whose parents they may
see*: an event of a restricted person, a relationship with one, a citation of a restricted
source or of a hidden fact, and the history of all of these, are as hidden as the person or
source itself. In what they may see, the restricted values (:data:`RESTRICTED_VALUES`: a
real name, a restricted place) are masked.

- :func:`visible` narrows a queryset of any record, or of its history, to what a user sees;
- :func:`masked_fields` names the values of a visible record the user may not read, and
  :func:`mask` replaces them, in memory, by :data:`MASK`, which cannot be saved.

**Changing.** Roles give model permissions (``roles.py``); the policy adds the state of
the record. A record is *locked* when it, or the record it belongs to (an alias's person,
a citation's fact, a charge's proceeding), is published or withdrawn, or, for shared
reference data (organisations and charges), when a public record uses it. Reviewers
change anything at once. An editor changes unlocked records at once; a change to a locked
record, or a part added to or removed from one, becomes a pending :class:`Revision` for a
reviewer (:data:`Access.REVIEW`). Nobody but a reviewer lifts a restriction or publishes.

- :func:`change_access`, :func:`add_access`, :func:`delete_access` say which;
- :func:`protected_fields` names the fields a user may not change on a record at all.
"""

import enum
from functools import reduce
from operator import or_

from django.apps import apps
from django.db.models import Exists, OuterRef, Q, QuerySet

from casetracker.cases.roles import PUBLISH, VIEW_RESTRICTED

#: States in which a record is a reviewer's: changing it changes (or decides) what is public.
LOCKED_STATES = frozenset({"published", "withdrawn"})
#: States an editor may put a record in.
EDITOR_STATES = ("draft", "in_review")


class Masked(str):
    """A value hidden from the user looking at it. Model ``save()`` refuses to store one."""


MASK = Masked("(restricted)")


class Access(enum.Enum):
    NONE = "none"  # refused
    REVIEW = "review"  # recorded as a pending revision for a reviewer
    DIRECT = "direct"  # applied at once


# ---------------------------------------------------------------------------------------
# Who the user is
# ---------------------------------------------------------------------------------------


def is_staff(user) -> bool:
    return bool(user and user.is_active and user.is_staff)


def may_see_restricted(user) -> bool:
    return is_staff(user) and user.has_perm(f"cases.{VIEW_RESTRICTED}")


def may_publish(user) -> bool:
    return is_staff(user) and user.has_perm(f"cases.{PUBLISH}")


def has_model_perm(user, action: str, model) -> bool:
    opts = model._meta
    return is_staff(user) and user.has_perm(f"{opts.app_label}.{action}_{opts.model_name}")


# ---------------------------------------------------------------------------------------
# Seeing
# ---------------------------------------------------------------------------------------

def _is_real_name(name, real_name) -> bool:
    from casetracker.names.keys import name_key

    return bool(name and real_name) and name_key(name) == name_key(real_name)


#: Values hidden inside a record the user may see: field name -> test on the record (or a
#: past version of it) and the record as it is now.
RESTRICTED_VALUES = {
    "cases.person": {
        "real_name": lambda record, live: bool(record.real_name or live.real_name),
        # A version recorded before the pseudonym was: its name is the real name.
        "name": lambda record, live: _is_real_name(record.name, live.real_name),
    },
    "cases.event": {
        "place": lambda record, live: record.place_is_restricted or live.place_is_restricted},
    "cases.detention": {
        "place": lambda record, live: record.place_is_restricted or live.place_is_restricted},
}
#: Values restricted only in past versions (shown, and searched, as they are now).
PAST_VERSIONS_ONLY = {("cases.person", "name")}


def maskable_fields(model) -> set[str]:
    """The fields of ``model`` whose current value may be masked (hidden from searches and
    shown masked in lists)."""
    label = model._meta.label_lower
    return {name for name in RESTRICTED_VALUES.get(label, {})
            if (label, name) not in PAST_VERSIONS_ONLY}


#: Flags that restrict something; once set, only a reviewer may clear them.
RESTRICTION_FLAGS = ("is_restricted", "place_is_restricted")


def _model(label: str):
    return apps.get_model(label)


def _of(label: str, user) -> QuerySet:
    return visible(_model(label)._default_manager.all(), user)


def _unrestricted(queryset):
    return queryset.filter(is_restricted=False)


def _of_visible_person(queryset, user):
    return _unrestricted(queryset).filter(person__in=_of("cases.person", user))


def _citations(queryset, user):
    from casetracker.cases.models import CITED_FACTS

    facts = reduce(or_, (Q(**{f"{name}__in": _of(model._meta.label_lower, user)})
                         for name, model in CITED_FACTS.items()))
    return queryset.filter(facts, source__in=_of("cases.source", user))


def _revisions(queryset, user):
    """A revision is seen by whoever sees the record it changes (or will hold a new part)."""
    from django.contrib.contenttypes.models import ContentType

    labels = {content_type_id: label for label, content_type_id in (
        (label, ContentType.objects.get_for_model(_model(label)).pk)
        for label in VISIBILITY if label.startswith("cases.") and label != "cases.revision")}
    return queryset.filter(reduce(or_, (
        Q(subject_type_id=content_type_id,
          subject_id__in=_of(label, user).values("pk"))
        for content_type_id, label in labels.items()))).exclude(
        # What it proposes is restricted (an alias added as restricted): hidden with it.
        changes__is_restricted__1="True")


#: For staff who may not see restricted data: the records of each model they may see.
VISIBILITY = {
    "cases.person": lambda qs, user: _unrestricted(qs),
    "cases.alias": _of_visible_person,
    "cases.affiliation": _of_visible_person,
    "cases.event": _of_visible_person,
    "cases.proceeding": _of_visible_person,
    "cases.detention": _of_visible_person,
    "cases.relationship": lambda qs, user: _of_visible_person(qs, user).filter(
        relative__in=_of("cases.person", user)),
    "cases.proceedingcharge": lambda qs, user: qs.filter(
        proceeding__in=_of("cases.proceeding", user)),
    "cases.source": lambda qs, user: _unrestricted(qs),
    "cases.citation": _citations,
    # Reference data: shown to all staff (the public sees what public records use).
    "cases.organisation": lambda qs, user: qs,
    "cases.charge": lambda qs, user: qs,
    "cases.revision": _revisions,
    # An import's report names what its uploader could see: it is theirs (and reviewers').
    "intake.importbatch": lambda qs, user: qs.filter(created_by=user),
    "intake.articleintake": lambda qs, user: qs.filter(source__in=_of("cases.source", user)),
    "intake.proposal": lambda qs, user: qs.filter(
        Q(person__isnull=True) | Q(person__in=_of("cases.person", user)),
        intake__in=_of("intake.articleintake", user)),
    "intake.notduplicate": lambda qs, user: qs.filter(
        first__in=_of("cases.person", user), second__in=_of("cases.person", user)),
}


#: Models whose every record all staff may see.
SHOWN_TO_ALL_STAFF = frozenset({"cases.organisation", "cases.charge"})


def hides_some(model, user) -> bool:
    """Whether some records of ``model`` are hidden from ``user`` (false for reviewers)."""
    return not may_see_restricted(user) and not (
        is_staff(user) and model._meta.label_lower in SHOWN_TO_ALL_STAFF)


def history_of(model):
    """The live model a django-simple-history model records, or None."""
    return getattr(model, "instance_type", None)


class FileReader:
    """Whoever reads a file that leaves casetracker (an export): they see what staff who may
    not see restricted data see, whoever made the file."""

    pk = None
    is_active = is_staff = True
    is_superuser = False

    def has_perm(self, perm, obj=None) -> bool:
        return False

    def __str__(self):
        return "a reader of an exported file"


FILE_READER = FileReader()


def visible(queryset: QuerySet, user) -> QuerySet:
    """``queryset`` narrowed to the records (or history rows) ``user`` may see.

    Staff who may see restricted data see all; other staff see what :data:`VISIBILITY`
    allows; anyone else sees only what is public. A model the policy does not know is
    hidden from everyone but those who see everything: a new model is safe by default.
    """
    model = queryset.model
    if may_see_restricted(user):
        return queryset
    live = history_of(model)
    if live is not None:
        return _visible_history(queryset, live, user)
    label = model._meta.label_lower
    if not is_staff(user):
        return public(queryset)
    rule = VISIBILITY.get(label)
    return queryset.none() if rule is None else rule(queryset, user)


def _visible_history(queryset, live, user):
    """History rows of records the user may see now; rows of deleted records unless the
    record was ever restricted; never a row that was itself restricted."""
    if not is_staff(user):
        return queryset.none()
    seen = visible(live._default_manager.all(), user)
    rows = queryset
    if hasattr(live, "is_restricted"):
        rows = rows.filter(is_restricted=False)
    exists = live._default_manager.filter(pk=OuterRef("id"))
    deleted = ~Exists(exists)
    if hasattr(live, "is_restricted"):
        ever_restricted = queryset.model._default_manager.filter(
            id=OuterRef("id"), is_restricted=True)
        deleted &= ~Exists(ever_restricted)
    parent = _history_parent(live, user)
    if parent is not None:
        deleted &= parent
    return rows.filter(Q(id__in=seen.values("pk")) | deleted)


def _history_parent(live, user) -> Q | None:
    """For a deleted record's history rows: the parents the user must still see."""
    label = live._meta.label_lower
    person = _of("cases.person", user).values("pk")
    if label == "cases.relationship":
        return Q(person_id__in=person, relative_id__in=person)
    if label == "cases.proceedingcharge":
        return Q(proceeding_id__in=_of("cases.proceeding", user).values("pk"))
    if label == "cases.citation":
        from casetracker.cases.models import CITED_FACTS

        facts = reduce(or_, (Q(**{f"{name}_id__in": _of(model._meta.label_lower, user)
                                  .values("pk")}) for name, model in CITED_FACTS.items()))
        return facts & Q(source_id__in=_of("cases.source", user).values("pk"))
    if any(field.name == "person" for field in live._meta.concrete_fields):
        return Q(person_id__in=person)
    return None


def public(queryset: QuerySet) -> QuerySet:
    """What the public sees of ``queryset``: the rule of the site and the API."""
    from casetracker.cases.models import Person, Source

    label = queryset.model._meta.label_lower
    people = Person.objects.published()
    if label in ("cases.person", "cases.source"):
        return queryset.published()
    if label == "cases.alias":
        return queryset.filter(is_restricted=False, person__in=people)
    if label in ("cases.affiliation", "cases.event", "cases.proceeding", "cases.detention"):
        return queryset.published().filter(person__in=people)
    if label == "cases.relationship":
        return queryset.published().filter(person__in=people, relative__in=people)
    if label == "cases.proceedingcharge":
        return queryset.filter(proceeding__in=public(_model("cases.proceeding").objects.all()))
    if label == "cases.citation":
        from casetracker.cases.models import CITED_FACTS

        facts = reduce(or_, (Q(**{f"{name}__in": public(model.objects.all())})
                             for name, model in CITED_FACTS.items()))
        return queryset.filter(facts, source__in=Source.objects.published())
    if label in ("cases.organisation", "cases.charge"):
        return queryset.public()
    return queryset.none()


def is_visible(record, user) -> bool:
    """Whether ``user`` may see ``record`` (one query; a new, unsaved record is theirs)."""
    if record.pk is None or may_see_restricted(user):
        return True
    return visible(type(record)._default_manager.filter(pk=record.pk), user).exists()


def masked_fields(record, user, *, also=None) -> frozenset[str]:
    """The fields of ``record`` whose values ``user`` may not read.

    ``also`` is the live record when ``record`` is one of its past versions: a value
    restricted now is hidden in every version.
    """
    if may_see_restricted(user):
        return frozenset()
    model = history_of(type(record)) or type(record)
    tests = RESTRICTED_VALUES.get(model._meta.label_lower, {})
    live = record if also is None else also
    return frozenset(name for name, restricted in tests.items() if restricted(record, live))


def mask(record, user, *, also=None):
    """``record`` with every value ``user`` may not read replaced by :data:`MASK`."""
    for name in masked_fields(record, user, also=also):
        setattr(record, name, MASK)
    return record


def shown_value(record, name: str, user, *, also=None):
    """The value of field ``name`` of ``record`` as ``user`` may see it."""
    if name in masked_fields(record, user, also=also):
        return MASK
    return getattr(record, name)


# ---------------------------------------------------------------------------------------
# Changing
# ---------------------------------------------------------------------------------------


def owner(record):
    """The record whose publication state governs ``record``: itself for a curated record,
    an alias's person, a citation's fact, a charge's proceeding; None for reference data."""
    label = record._meta.label_lower
    if hasattr(record, "publication_state"):
        return record
    if label == "cases.alias":
        return record.person if record.person_id else None
    if label == "cases.proceedingcharge":
        return record.proceeding if record.proceeding_id else None
    if label == "cases.citation":
        from casetracker.cases.models import CITABLE

        for name in CITABLE:
            if getattr(record, f"{name}_id"):
                return getattr(record, name)
    return None


def is_locked(record) -> bool:
    """Whether a change to ``record`` changes (or decides) what the public sees."""
    label = record._meta.label_lower
    if label in ("cases.organisation", "cases.charge"):
        return record.pk is not None and type(record).objects.public().filter(
            pk=record.pk).exists()
    governing = owner(record)
    if governing is None:
        return False
    if governing is not record and governing.pk is not None:
        # The state as stored: an unsaved edit of the parent does not unlock its parts.
        state = type(governing)._default_manager.filter(pk=governing.pk).values_list(
            "publication_state", flat=True).first()
    else:
        state = governing.publication_state
    return state in LOCKED_STATES


def _stored(record):
    if record.pk is None:
        return None
    return type(record)._default_manager.filter(pk=record.pk).first()


def change_access(record, user, *, proposed=None) -> Access:
    """What becomes of ``user``'s change to the stored ``record`` (into ``proposed``).

    A change is locked when the record is, or when what it proposes is (a draft's alias
    moved onto a published person changes what the public sees just as much).
    """
    if not has_model_perm(user, "change", type(record)) or not is_visible(record, user):
        return Access.NONE
    if proposed is not None:
        parent = owner(proposed)
        if parent is not None and parent is not proposed and not is_visible(parent, user):
            return Access.NONE
    if may_publish(user):
        return Access.DIRECT
    stored = _stored(record) or record
    locked = is_locked(stored) or (proposed is not None and is_locked(proposed))
    return Access.REVIEW if locked else Access.DIRECT


def add_access(record, user) -> Access:
    """What becomes of ``user`` adding the new ``record`` (its parent already set)."""
    if not has_model_perm(user, "add", type(record)):
        return Access.NONE
    parent = owner(record)
    if parent is not None and parent is not record and not is_visible(parent, user):
        return Access.NONE
    if may_publish(user) or hasattr(record, "publication_state"):
        return Access.DIRECT  # a new curated record is a draft: nothing public changes
    return Access.REVIEW if parent is not None and is_locked(parent) else Access.DIRECT


def delete_access(record, user) -> Access:
    if not has_model_perm(user, "delete", type(record)) or not is_visible(record, user):
        return Access.NONE
    if may_publish(user):
        return Access.DIRECT
    return Access.REVIEW if is_locked(_stored(record) or record) else Access.DIRECT


def protected_fields(record, user) -> frozenset[str]:
    """Fields of the stored ``record`` that ``user`` may not change, whatever the route.

    Only a reviewer publishes, withdraws or lifts a restriction: editors choose between
    draft and in review on records that are not locked, and may restrict but not
    un-restrict.
    """
    if may_publish(user) and may_see_restricted(user):
        return frozenset()
    stored = _stored(record) or record
    fields = set()
    if (hasattr(stored, "publication_state") and not may_publish(user)
            and stored.pk is not None and stored.publication_state not in EDITOR_STATES):
        fields.add("publication_state")
    if not may_see_restricted(user):
        fields.update(flag for flag in RESTRICTION_FLAGS if getattr(stored, flag, False))
    return frozenset(fields)


def allowed_states(user) -> tuple[str, ...] | None:
    """The publication states ``user`` may choose, or None for all of them."""
    return None if may_publish(user) else EDITOR_STATES
