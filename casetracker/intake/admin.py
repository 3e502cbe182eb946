"""The intake's records in the admin: read-only lists leading to the intake pages."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from casetracker.cases.admin.base import PolicyMixin
from casetracker.intake.models import ArticleIntake, ImportBatch, NotDuplicate


class ReadOnlyAdmin(PolicyMixin, admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ImportBatch)
class ImportBatchAdmin(ReadOnlyAdmin):
    list_display = ["file_name", "state", "created_by", "created_at", "applied_at", "report_link"]
    list_filter = ["state"]
    exclude = ["content"]

    @admin.display(description=_("report"))
    def report_link(self, batch):
        return format_html('<a href="{}">{}</a>',
                           reverse("intake:import_report", args=[batch.pk]), _("open"))


@admin.register(ArticleIntake)
class ArticleIntakeAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "created_by", "created_at", "review_link"]
    list_select_related = ["source", "created_by"]

    @admin.display(description=_("proposals"))
    def review_link(self, intake):
        return format_html('<a href="{}">{}</a>',
                           reverse("intake:article_review", args=[intake.pk]), _("review"))


@admin.register(NotDuplicate)
class NotDuplicateAdmin(PolicyMixin, admin.ModelAdmin):
    list_display = ["first", "second", "decided_by", "decided_at"]
    list_select_related = ["first", "second", "decided_by"]
    readonly_fields = ["first", "second", "decided_by", "decided_at"]

    def has_add_permission(self, request):
        return False
