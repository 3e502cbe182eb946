"""Issuing and revoking partner API tokens."""

from django.contrib import admin, messages
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from casetracker.api.models import ApiToken
from casetracker.cases.admin.base import PolicyMixin


@admin.register(ApiToken)
class ApiTokenAdmin(PolicyMixin, admin.ModelAdmin):
    list_display = ["name", "user", "prefix", "can_write", "created_at", "last_used_at",
                    "state"]
    list_filter = ["can_write", ("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "user__username", "prefix"]
    autocomplete_fields = ["user"]
    readonly_fields = ["prefix", "created_at", "last_used_at", "revoked_at"]
    actions = ["revoke"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["user", "name", "can_write"]
        return ["user", "name", "can_write", "prefix", "created_at", "last_used_at",
                "revoked_at"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        # A token stays with the account it was issued to; a revoked one stays revoked.
        fixed = [*self.readonly_fields, "user"]
        return [*fixed, "name", "can_write"] if obj.revoked_at else fixed

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        key = obj.set_new_key()
        super().save_model(request, obj, form, change)
        self.message_user(
            request,
            format_html(
                "The token for “{}” is <code>{}</code> — copy it now and send it to the "
                "partner safely: it is shown only this once and cannot be recovered.",
                obj.name, key,
            ),
            messages.WARNING,
        )

    def has_delete_permission(self, request, obj=None):
        return False  # revoke instead, so the record of who held which token stays

    @admin.display(description=_("state"))
    def state(self, obj):
        if obj.revoked_at:
            return format_html('<span style="color: #ba2121">{}</span>', _("revoked"))
        return _("active")

    @admin.action(description=_("Revoke the selected tokens"), permissions=["change"])
    def revoke(self, request, queryset):
        count = queryset.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
        self.message_user(request, _("Revoked %(count)d token(s).") % {"count": count},
                          messages.SUCCESS)
