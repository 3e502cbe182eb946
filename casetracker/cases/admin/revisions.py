"""Changes waiting for a reviewer: the list, and each change with approve and reject."""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from casetracker.cases import policy, services
from casetracker.cases.admin.base import PolicyMixin, describe_revision
from casetracker.cases.models import Revision


@admin.register(Revision)
class RevisionAdmin(PolicyMixin, admin.ModelAdmin):
    """Revisions are a log: nobody adds, edits or deletes one; reviewers decide them."""

    list_display = ["__str__", "case", "action", "author", "created_at", "state"]
    list_filter = ["state", "action", "target_type"]
    list_select_related = ["author", "case", "target_type"]
    fields = ["target_type", "target_id", "case", "action", "state", "author", "created_at",
              "reason", "reviewed_by", "reviewed_at", "review_note"]
    readonly_fields = fields
    search_fields = ["reason", "review_note", "author__username"]
    change_form_template = "admin/cases/revision/change_form.html"
    actions = ["approve", "reject"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # decided with approve and reject, never edited

    def has_delete_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not policy.may_publish(request.user):
            actions.pop("approve", None)
            actions.pop("reject", None)
        return actions

    def change_view(self, request, object_id, form_url="", extra_context=None):
        revision = self.get_object(request, unquote(object_id))
        if revision is not None and request.method == "POST" and (
                "_approve" in request.POST or "_reject" in request.POST):
            return self._decide(request, revision, approve="_approve" in request.POST,
                                note=request.POST.get("review_note", ""))
        if revision is not None:
            extra_context = {
                **(extra_context or {}),
                "changes": describe_revision(revision, request.user),
                "may_review": policy.may_publish(request.user)
                and revision.state == Revision.State.PENDING,
                "record_url": self._record_url(revision),
            }
        return super().change_view(request, object_id, form_url, extra_context)

    def _record_url(self, revision):
        """The change page of the record the revision shows on, or of the record that holds
        it (a charge has no page of its own: its proceeding's)."""
        model = revision.subject_type.model_class()
        record = model._default_manager.filter(pk=revision.subject_id).first() if model else None
        while record is not None:
            info = record._meta.app_label, record._meta.model_name
            try:
                return reverse("admin:{}_{}_change".format(*info), args=[record.pk])
            except NoReverseMatch:
                parent = policy.owner(record)
                record = parent if parent is not record else None
        return ""

    def _decide(self, request, revision, *, approve, note):
        if not policy.may_publish(request.user):
            raise PermissionDenied
        decide = services.revision_approve if approve else services.revision_reject
        try:
            decide(revision=revision, user=request.user, note=note)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
        else:
            self.message_user(request, _("Approved: the change is now the record.") if approve
                              else _("Rejected: the record stays as it was."), messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:cases_revision_changelist"))

    def _decide_all(self, request, queryset, decide, done):
        count, failed = 0, []
        for revision in queryset.filter(state=Revision.State.PENDING):
            try:
                decide(revision=revision, user=request.user)
                count += 1
            except ValidationError as error:
                failed.append(f"{revision}: {' '.join(error.messages)}")
        self.message_user(request, done % {"count": count}, messages.SUCCESS)
        for failure in failed:
            self.message_user(request, failure, messages.ERROR)

    @admin.action(description=_("Approve the selected changes"))
    def approve(self, request, queryset):
        if not policy.may_publish(request.user):
            raise PermissionDenied
        self._decide_all(request, queryset, services.revision_approve,
                         ngettext("Approved %(count)d change.", "Approved %(count)d changes.",
                                  queryset.count()))

    @admin.action(description=_("Reject the selected changes"))
    def reject(self, request, queryset):
        if not policy.may_publish(request.user):
            raise PermissionDenied
        self._decide_all(request, queryset, services.revision_reject,
                         ngettext("Rejected %(count)d change.", "Rejected %(count)d changes.",
                                  queryset.count()))
