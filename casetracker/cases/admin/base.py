"""The admin's foundation: every model admin and inline asks the access policy.

:class:`PolicyMixin` routes each thing the admin shows or saves through
``casetracker/cases/policy.py``: the rows of every changelist, autocomplete and history
list; the choices of foreign keys and list filters; the values of change and read-only
forms, inlines and history versions (masked where the user may not read them); and every
save, addition, deletion and revert, which apply at once or wait for review as a
:class:`~casetracker.cases.models.Revision`. Every admin of the project derives from it
(``checks.py`` fails the start-up otherwise), so a new admin page has the policy by default.
"""

from itertools import pairwise

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from casetracker.cases import policy, services
from casetracker.cases.forms import policy_form
from casetracker.cases.history import describe_change, describe_texts
from casetracker.cases.models import PublicationState, Revision
from casetracker.changes import log
from casetracker.names.search import MAX_QUERY_LENGTH, MAX_QUERY_WORDS


class BoundedSearchMixin:
    """Refuses admin searches too long to be a name: Django builds one condition per word,
    and thousands of words exhaust the database (a crafted link is enough)."""

    def get_search_results(self, request, queryset, search_term):
        if self.search_is_too_long(request, search_term):
            return queryset.none(), False
        return super().get_search_results(request, queryset, search_term)

    def search_is_too_long(self, request, search_term) -> bool:
        if len(search_term) <= MAX_QUERY_LENGTH and len(search_term.split()) <= MAX_QUERY_WORDS:
            return False
        self.message_user(request, _("Search for at most %(words)d words and %(chars)d "
                                     "characters.") % {"words": MAX_QUERY_WORDS,
                                                       "chars": MAX_QUERY_LENGTH},
                          messages.WARNING)
        return True


class PolicyRelatedFieldListFilter(admin.RelatedFieldListFilter):
    """A foreign key's list filter offering only the records the user may see."""

    def field_choices(self, field, request, model_admin):
        ordering = self.field_admin_ordering(field, request, model_admin)
        shown = policy.visible(field.related_model._default_manager.all(), request.user)
        return field.get_choices(include_blank=False, ordering=ordering,
                                 limit_choices_to={"pk__in": shown.values("pk")})


class PolicyMixin(BoundedSearchMixin):
    """What model admins and inlines share: seeing and changing as the policy says."""

    # -- seeing ---------------------------------------------------------------------------

    def get_queryset(self, request):
        return policy.visible(super().get_queryset(request), request.user)

    def get_field_queryset(self, db, db_field, request):
        queryset = super().get_field_queryset(db, db_field, request)
        if queryset is None:
            queryset = db_field.remote_field.model._default_manager.using(db)
        return policy.visible(queryset, request.user)

    def get_search_fields(self, request):
        # Searching a value the user may not read would reveal it through the results.
        hidden = policy.maskable_fields(self.model)
        fields = super().get_search_fields(request)
        if policy.may_see_restricted(request.user) or not hidden:
            return fields
        return [field for field in fields if field.lstrip("^=@") not in hidden]

    def lookup_allowed(self, lookup, value, request=None):
        """Only the lookups of the list's own filters, and never a regular expression.

        Django allows any lookup on a model's own fields in the query string, and a lookup
        filters on the stored value: ``?real_name__startswith=A`` would spell out a masked
        real name letter by letter, and a crafted regular expression can keep the database
        busy.
        """
        parts = lookup.split("__")
        if {"regex", "iregex"} & set(parts):
            return False
        filtered = set()
        for entry in self.get_list_filter(request):
            if isinstance(entry, str | tuple):
                filtered.add((entry if isinstance(entry, str) else entry[0]).split("__")[0])
            else:  # a SimpleListFilter: its own parameter
                filtered.add(entry.parameter_name)
        if parts[0] not in filtered:
            return False
        return super().lookup_allowed(lookup, value, request)

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        states = policy.allowed_states(request.user)
        if db_field.name == "publication_state" and states is not None:
            kwargs["choices"] = [(state.value, state.label) for state in PublicationState
                                 if state in states]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    # -- changing -------------------------------------------------------------------------

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and (
            obj is None or policy.is_visible(obj, request.user))


class PolicyFormSetMixin:
    """An inline formset whose rows name only records of its own queryset (the policy's):
    Django checks a posted row's id against every record of the model, so a row naming a
    hidden record would be told apart from one naming no record."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        pk = self.model._meta.pk.name
        if pk in form.fields and hasattr(form.fields[pk], "queryset"):
            form.fields[pk].queryset = self.get_queryset()


class PolicyInline(PolicyMixin):
    """An inline: its rows as the policy shows them; each row saved through the policy by
    the parent's admin (``PolicyModelAdmin.save_formset``)."""

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset = type(formset.__name__, (PolicyFormSetMixin, formset), {})
        formset.form = policy_form(formset.form, request.user)
        return formset

    def _parent_open(self, request, obj):
        return obj is None or policy.is_visible(obj, request.user)

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and self._parent_open(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._parent_open(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._parent_open(request, obj)


class PolicyModelAdmin(PolicyMixin, SimpleHistoryAdmin):
    """A model admin whose every view, history page, save and deletion asks the policy."""

    object_history_list_template = "admin/cases/object_history_list.html"

    def get_form(self, request, obj=None, **kwargs):
        return policy_form(super().get_form(request, obj, **kwargs), request.user)

    def get_list_display(self, request):
        """Columns of values the user may not read show them masked."""
        columns = super().get_list_display(request)
        hidden = policy.maskable_fields(self.model)
        if policy.may_see_restricted(request.user) or not set(columns) & set(hidden):
            return columns
        return [self._masked(request, column) if column in hidden else column
                for column in columns]

    def _masked(self, request, name):
        field = self.model._meta.get_field(name)

        def column(record):
            return policy.shown_value(record, name, request.user)

        column.short_description = field.verbose_name
        return column

    def get_list_filter(self, request):
        filters = []
        for entry in super().get_list_filter(request):
            if isinstance(entry, str) and "__" not in entry:
                field = self.model._meta.get_field(entry)
                if field.is_relation and field.many_to_one:
                    entry = (entry, PolicyRelatedFieldListFilter)
            filters.append(entry)
        return filters

    def has_change_permission(self, request, obj=None):
        if obj is None:
            return super().has_change_permission(request)
        return policy.change_access(obj, request.user) is not policy.Access.NONE

    def has_delete_permission(self, request, obj=None):
        if obj is None:
            return super().has_delete_permission(request)
        return policy.delete_access(obj, request.user) is not policy.Access.NONE

    # -- saving through the policy --------------------------------------------------------

    # Each view that writes logs its outcome for the public once, in its transaction (a form
    # with inlines saves many records).

    def changeform_view(self, request, *args, **kwargs):
        with transaction.atomic(), log.batch():
            return super().changeform_view(request, *args, **kwargs)

    def changelist_view(self, request, *args, **kwargs):
        with transaction.atomic(), log.batch():
            return super().changelist_view(request, *args, **kwargs)

    def delete_view(self, request, *args, **kwargs):
        with transaction.atomic(), log.batch():
            return super().delete_view(request, *args, **kwargs)

    def save_model(self, request, obj, form, change):
        save = services.record_save if change else services.record_add
        self._note(request, save(user=request.user, instance=obj,
                                 reason=_("Changed in the admin") if change else ""))

    def save_related(self, request, form, formsets, change):
        if form.instance.pk is None:
            return  # the record itself waits for review: its parts wait with it
        super().save_related(request, form, formsets, change)

    def save_formset(self, request, form, formset, change):
        formset.save(commit=False)
        user = request.user
        for obj in formset.deleted_objects:
            self._note(request, services.record_delete(user=user, instance=obj))
        for obj, _fields in formset.changed_objects:
            self._note(request, services.record_save(user=user, instance=obj,
                                                     reason=_("Changed in the admin")))
        for obj in formset.new_objects:
            self._note(request, services.record_add(user=user, instance=obj))
        formset.save_m2m()

    def delete_model(self, request, obj):
        self._note(request, services.record_delete(user=request.user, instance=obj))

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for obj in queryset:
                self.delete_model(request, obj)

    def _note(self, request, revision):
        if revision is not None:
            request.pending_revisions = [*getattr(request, "pending_revisions", []), revision]

    def log_addition(self, request, obj, message):
        if obj.pk is not None:
            return super().log_addition(request, obj, message)
        return None

    def _response_for_review(self, request):
        revisions = getattr(request, "pending_revisions", [])
        self.message_user(request, _("Your change to this published record waits for a "
                                     "reviewer (%(count)d revision(s)); the public sees the "
                                     "record as it was until it is approved.")
                          % {"count": len(revisions)}, messages.WARNING)

    def response_add(self, request, obj, post_url_continue=None):
        if obj.pk is None:
            self._response_for_review(request)
            return HttpResponseRedirect(reverse("admin:cases_revision_changelist"))
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        if getattr(request, "pending_revisions", None):
            self._response_for_review(request)
            return HttpResponseRedirect(request.path if "history" not in request.path
                                        else reverse(f"admin:{self._url_name('change')}",
                                                     args=[obj.pk]))
        return super().response_change(request, obj)

    def response_delete(self, request, obj_display, obj_id):
        if getattr(request, "pending_revisions", None):
            self._response_for_review(request)
            return HttpResponseRedirect(reverse("admin:cases_revision_changelist"))
        return super().response_delete(request, obj_display, obj_id)

    def _url_name(self, view):
        return f"{self.opts.app_label}_{self.opts.model_name}_{view}"

    # -- the change page shows what waits for review --------------------------------------

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        if obj is not None:
            extra_context = {**(extra_context or {}),
                             "pending_revisions": self.pending_revisions(request, obj)}
        return super().change_view(request, object_id, form_url, extra_context)

    def pending_revisions(self, request, obj):
        """Revisions waiting for review on ``obj`` (and the parts of its record)."""
        from django.contrib.contenttypes.models import ContentType

        revisions = Revision.objects.pending().filter(
            subject_type=ContentType.objects.get_for_model(obj), subject_id=obj.pk)
        if obj._meta.label_lower == "cases.person":
            revisions = Revision.objects.pending().of_case(obj)
        revisions = policy.visible(revisions, request.user).select_related(
            "author", "target_type")
        return [(revision, describe_revision(revision, request.user)) for revision in revisions]

    # -- history: the rows, versions and reverts the user may see and make ------------------

    def history_view(self, request, object_id, extra_context=None):
        if self.get_object(request, unquote(object_id)) is None:
            raise Http404
        return super().history_view(request, object_id, extra_context)

    def get_history_queryset(self, request, history_manager, pk_name, object_id):
        return policy.visible(
            super().get_history_queryset(request, history_manager, pk_name, object_id),
            request.user)

    def set_history_delta_changes(self, request, historical_records,
                                  foreign_keys_are_objs=True):
        """Each row's changes against the previous row the user may see, with every value
        the user may not read (or record they may not see) masked."""
        rows = list(historical_records)
        live = self.get_object(request, str(rows[0].id)) if rows else None
        for newer, older in pairwise(rows):
            delta = newer.diff_against(older, foreign_keys_are_objs=False)
            newer.history_delta_changes = [
                describe_change(change, newer, older, request.user, live=live)
                for change in delta.changes if change.field not in HIDDEN_IN_DIFFS
            ]

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        """A past version, shown as the user may see it; reverting to it is a change like
        any other: saved through the policy (``save_model``), so it applies at once, waits
        for review, or is refused."""
        live = self.get_object(request, unquote(object_id))
        if live is None or not str(version_id).isdigit():
            raise Http404
        history = policy.visible(self.model.history.filter(id=live.pk), request.user)
        if not history.filter(history_id=int(version_id)).exists():
            raise Http404
        if request.method == "POST" and not self.has_change_permission(request, live):
            raise PermissionDenied
        with transaction.atomic(), log.batch():
            return super().history_form_view(request, object_id, version_id, extra_context)

    def revert_disabled(self, request, obj=None):
        return super().revert_disabled(request, obj) or not self.has_change_permission(
            request, obj)


#: Fields every history diff leaves out: what the record keeps up by itself.
HIDDEN_IN_DIFFS = {"updated_at", "version", "name_key", "phonetic_key"}


def describe_revision(revision, user) -> list[dict]:
    """``[{"field", "old", "new"}]`` of a revision, as ``user`` may see them."""
    model = revision.target_type.model_class()
    live = model._default_manager.filter(pk=revision.target_id).first() \
        if revision.target_id else None
    proposed = model()
    for name, (_old, new) in revision.changes.items():
        field = model._meta.get_field(name)
        setattr(proposed, field.attname, None if new is None else field.to_python(new))
    hidden = policy.masked_fields(proposed, user, also=live)
    return [describe_texts(model, name, old, new, user, hidden=hidden)
            for name, (old, new) in revision.changes.items()]
