"""Partners' webhooks and what was delivered to them, for the superusers who manage partners."""

from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from casetracker.cases.admin.base import PolicyMixin
from casetracker.changes.models import Delivery, Webhook


@admin.register(Webhook)
class WebhookAdmin(PolicyMixin, admin.ModelAdmin):
    list_display = ["url", "user", "is_active", "created_at", "waiting", "failed"]
    list_filter = ["is_active"]
    search_fields = ["url", "user__username"]
    autocomplete_fields = ["user"]
    fields = ["user", "url", "is_active", "created_at", "deliveries_link"]
    readonly_fields = ["created_at", "deliveries_link"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change:
            self.message_user(request, format_html(
                "The signing secret of this webhook is <code>{}</code>: give it to the "
                "partner safely. It is shown only this once. Each delivery carries "
                "<code>X-Casetracker-Signature: sha256=&lt;HMAC-SHA256 of the body&gt;</code>.",
                obj.secret), messages.WARNING)

    @admin.display(description=_("waiting"))
    def waiting(self, webhook):
        return webhook.deliveries.filter(state=Delivery.State.PENDING).count()

    @admin.display(description=_("given up"))
    def failed(self, webhook):
        return webhook.deliveries.filter(state=Delivery.State.FAILED).count()

    @admin.display(description=_("deliveries"))
    def deliveries_link(self, webhook):
        if webhook.pk is None:
            return "—"
        return format_html('<a href="{}?webhook__id__exact={}">{}</a>',
                           reverse("admin:changes_delivery_changelist"), webhook.pk,
                           _("See what was delivered"))


@admin.register(Delivery)
class DeliveryAdmin(PolicyMixin, admin.ModelAdmin):
    """Read-only: what the worker sent, its answer, and when it tries again."""

    list_display = ["change", "webhook", "state", "attempts", "last_status", "last_error",
                    "next_attempt_at", "delivered_at"]
    list_filter = ["state", "webhook"]
    list_select_related = ["change", "webhook"]
    actions = ["try_again"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Try the selected deliveries again"),
                  permissions=["view"])
    def try_again(self, request, queryset):
        from casetracker.changes import tasks

        hooks = set()
        for delivery in queryset.exclude(state=Delivery.State.DELIVERED):
            delivery.state, delivery.next_attempt_at = Delivery.State.PENDING, None
            delivery.attempts = 0
            delivery.save(update_fields=["state", "next_attempt_at", "attempts"])
            hooks.add(delivery.webhook_id)
        for hook in hooks:
            tasks.deliver_pending.enqueue(hook)
        self.message_user(request, _("Queued again."), messages.SUCCESS)
