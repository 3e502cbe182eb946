"""The admin NGO staff curate cases in, all day.

A person's change page holds the whole record: aliases, affiliations, relatives, events,
proceedings (with their charges) and detentions, each fact with its citations nested
inside it (django-nested-admin), so a case is curated on one page.
"""

import nested_admin
from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Exists, OuterRef
from django.db.models.functions import Substr
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.utils import bulk_update_with_history

from casetracker.cases import policy
from casetracker.cases.admin.base import PolicyInline, PolicyModelAdmin
from casetracker.cases.forms import VersionedFormMixin
from casetracker.cases.history import record_history
from casetracker.cases.models import (
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
    PublicationState,
    Relationship,
    Source,
)
from casetracker.cases.versions import cached, records_version
from casetracker.changes import log
from casetracker.names.changelist import RankedSearchChangeList
from casetracker.names.forms import DuplicateWarningMixin

# ---------------------------------------------------------------------------------------
# The publication workflow
# ---------------------------------------------------------------------------------------


class EditorialAdmin(PolicyModelAdmin):
    """Admin for a curated record: the publication workflow's actions.

    Who may take each action, and on which records, is the policy's: only reviewers
    publish, withdraw or return to draft; editors submit drafts for review.
    """

    actions = ["submit_for_review", "publish", "withdraw", "return_to_draft"]

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not policy.may_publish(request.user):
            for name in ("publish", "withdraw", "return_to_draft"):
                actions.pop(name, None)
        if not self.has_change_permission(request):
            actions.pop("submit_for_review", None)
        return actions

    def _move(self, request, queryset, target, allowed_from, verb):
        """Move records to ``target``, recording one history entry each (no silent update)."""
        records = [record for record in queryset if record.publication_state in allowed_from
                   and policy.change_access(record, request.user) is policy.Access.DIRECT
                   and (target in (policy.allowed_states(request.user) or [target]))]
        for record in records:
            record.publication_state = target
        bulk_update_with_history(records, self.model, ["publication_state"],
                                 default_user=request.user,
                                 default_change_reason=f"{verb} from the admin")
        log.touch_records(records)  # a bulk update passes by save()
        skipped = len(queryset) - len(records)
        self.message_user(request, ngettext("%(verb)s %(count)d record.",
                                            "%(verb)s %(count)d records.", len(records))
                          % {"verb": verb, "count": len(records)}, messages.SUCCESS)
        if skipped:
            self.message_user(request, ngettext(
                "%(count)d record was not in a state that allows this and was left alone.",
                "%(count)d records were not in a state that allows this and were left alone.",
                skipped) % {"count": skipped}, messages.WARNING)

    @admin.action(description=_("Submit for review"), permissions=["change"])
    def submit_for_review(self, request, queryset):
        self._move(request, queryset, PublicationState.IN_REVIEW, {PublicationState.DRAFT},
                   _("Submitted for review"))

    @admin.action(description=_("Publish"))
    def publish(self, request, queryset):
        self._move(request, queryset, PublicationState.PUBLISHED,
                   {PublicationState.DRAFT, PublicationState.IN_REVIEW,
                    PublicationState.WITHDRAWN}, _("Published"))

    @admin.action(description=_("Withdraw from publication"))
    def withdraw(self, request, queryset):
        self._move(request, queryset, PublicationState.WITHDRAWN, {PublicationState.PUBLISHED},
                   _("Withdrew"))

    @admin.action(description=_("Return to draft"))
    def return_to_draft(self, request, queryset):
        self._move(request, queryset, PublicationState.DRAFT,
                   {PublicationState.IN_REVIEW, PublicationState.WITHDRAWN},
                   _("Returned to draft"))


class PersonForm(DuplicateWarningMixin, VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = Person
        fields = ["name", "slug", "real_name", "is_pseudonym", "sex", "birth_year", "country",
                  "occupation", "summary", "status", "involvement", "external_id",
                  "publication_state", "is_restricted"]


# ---------------------------------------------------------------------------------------
# Filters
# ---------------------------------------------------------------------------------------


def seen(model, request):
    """The records of ``model`` the user of ``request`` may see (the policy's)."""
    return policy.visible(model.objects.all(), request.user)


class UnsourcedFactsFilter(admin.SimpleListFilter):
    """People with at least one event, proceeding or detention that cites no source (that
    the user may see: a citation hidden from them does not source a fact for them)."""

    title = _("sourcing")
    parameter_name = "sourcing"

    def lookups(self, request, model_admin):
        return [("unsourced", _("Has facts without sources")),
                ("sourced", _("Every fact sourced"))]

    def queryset(self, request, queryset):
        if self.value() is None:
            return queryset
        citations = seen(Citation, request)
        unsourced = (
            Exists(seen(Event, request).unsourced(citations).filter(person=OuterRef("pk")))
            | Exists(seen(Proceeding, request).unsourced(citations).filter(
                person=OuterRef("pk")))
            | Exists(seen(Detention, request).unsourced(citations).filter(
                person=OuterRef("pk")))
        )
        return queryset.filter(unsourced if self.value() == "unsourced" else ~unsourced)


class FactSourcingFilter(admin.SimpleListFilter):
    title = _("sourcing")
    parameter_name = "sourcing"

    def lookups(self, request, model_admin):
        return [("unsourced", _("Without sources")), ("sourced", _("With sources"))]

    def queryset(self, request, queryset):
        citations = seen(Citation, request)
        if self.value() == "unsourced":
            return queryset.unsourced(citations)
        if self.value() == "sourced":
            return queryset.sourced(citations)
        return queryset


class PersonEventKindFilter(admin.SimpleListFilter):
    title = _("event kind")
    parameter_name = "event_kind"

    def lookups(self, request, model_admin):
        return Event.Kind.choices

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(Exists(seen(Event, request).filter(
                person=OuterRef("pk"), kind=self.value())))
        return queryset


class YearFilter(admin.SimpleListFilter):
    """Filter by the year of a partial date, as the sources give it.

    The years offered are those of ``date_field`` of the ``model`` records the user may see;
    reading them is a scan of every fact (2 s at 470,000 events), so they are cached until a
    record changes, apart for staff who may and may not see restricted data.
    """

    title = _("year")
    parameter_name = "year"
    model = Event
    date_field = "date"

    def lookups(self, request, model_admin):
        restricted_too = policy.may_see_restricted(request.user)

        def years():
            return list(
                seen(self.model, request).exclude(**{self.date_field: None})
                .annotate(year=Substr(self.date_field, 1, 4))
                .order_by("-year")
                .values_list("year", flat=True)
                .distinct()
            )

        return [(year, year) for year in cached(
            "admin-years", years, version=records_version(self.model),
            parts=(self.model._meta.label, self.date_field, restricted_too))]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(**{f"{self.date_field}__startswith": self.value()})
        return queryset


class PersonEventYearFilter(YearFilter):
    title = _("year of an event")

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(Exists(seen(Event, request).filter(
                person=OuterRef("pk"), date__startswith=self.value())))
        return queryset


class VerdictYearFilter(YearFilter):
    model = Proceeding
    date_field = "verdict_date"


# ---------------------------------------------------------------------------------------
# Inlines
# ---------------------------------------------------------------------------------------


class CitationInline(PolicyInline, nested_admin.NestedTabularInline):
    model = Citation
    fields = ["source", "passage"]
    autocomplete_fields = ["source"]
    extra = 0
    min_num = 0
    classes = ["citations"]
    verbose_name = _("source cited")
    verbose_name_plural = _("sources cited (a fact without one is flagged)")

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "passage":
            field.widget.attrs.update(rows=2, cols=60)
        return field


def citation_inline(fk: str):
    return type(f"{fk.title()}CitationInline", (CitationInline,), {"fk_name": fk})


class AliasInline(PolicyInline, nested_admin.NestedTabularInline):
    model = Alias
    fields = ["name", "script", "language", "is_restricted"]
    extra = 0


class AffiliationInline(PolicyInline, nested_admin.NestedTabularInline):
    model = Affiliation
    fields = ["organisation", "role", "start", "end", "publication_state", "is_restricted"]
    autocomplete_fields = ["organisation"]
    inlines = [citation_inline("affiliation")]
    extra = 0


class RelationshipInline(PolicyInline, nested_admin.NestedTabularInline):
    model = Relationship
    fk_name = "person"
    fields = ["kind", "relative", "note", "publication_state", "is_restricted"]
    autocomplete_fields = ["relative"]
    inlines = [citation_inline("relationship")]
    extra = 0
    verbose_name = _("relationship (this person is the … of …)")
    verbose_name_plural = _("relatives and associates: this person is the … of …")


class ReverseRelationshipInline(PolicyInline, nested_admin.NestedTabularInline):
    model = Relationship
    fk_name = "relative"
    fields = ["person", "kind", "note", "publication_state", "is_restricted"]
    autocomplete_fields = ["person"]
    inlines = [citation_inline("relationship")]
    extra = 0
    verbose_name = _("relationship (… is the … of this person)")
    verbose_name_plural = _("relatives and associates: … is the … of this person")


class EventInline(PolicyInline, nested_admin.NestedStackedInline):
    model = Event
    fields = [("kind", "date", "verification"), ("place", "place_is_restricted", "country"),
              "perpetrator", "description", ("publication_state", "is_restricted")]
    autocomplete_fields = ["perpetrator"]
    inlines = [citation_inline("event")]
    extra = 0


class ProceedingChargeInline(PolicyInline, nested_admin.NestedTabularInline):
    model = ProceedingCharge
    verbose_name_plural = _("charges")
    fields = ["charge", "wording", "code_article"]
    autocomplete_fields = ["charge"]
    extra = 0


class ProceedingInline(PolicyInline, nested_admin.NestedStackedInline):
    model = Proceeding
    fields = [("court", "verdict_date", "closed_trial"), ("outcome", "appeal", "verification"),
              ("term_months", "life"), ("fine", "confiscation"), "description",
              ("publication_state", "is_restricted")]
    autocomplete_fields = ["court"]
    inlines = [ProceedingChargeInline, citation_inline("proceeding")]
    extra = 0


class DetentionInline(PolicyInline, nested_admin.NestedStackedInline):
    model = Detention
    fields = [("start", "end", "verification"), ("place", "place_is_restricted"), "description",
              ("publication_state", "is_restricted")]
    inlines = [citation_inline("detention")]
    extra = 0


# ---------------------------------------------------------------------------------------
# Model admins
# ---------------------------------------------------------------------------------------


@admin.register(Person)
class PersonAdmin(EditorialAdmin, nested_admin.NestedModelAdmin):
    form = PersonForm
    list_display = ["name", "country", "status", "latest_event", "sources", "involvement",
                    "publication_state", "updated_at"]
    list_filter = ["country", "status", PersonEventKindFilter, PersonEventYearFilter,
                   UnsourcedFactsFilter, "involvement", "publication_state", "is_restricted"]
    search_fields = ["name", "aliases__name"]
    show_full_result_count = False
    list_per_page = 50
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": [("name", "slug"), "not_a_duplicate",
                           ("country", "status", "involvement"),
                           ("sex", "birth_year"), "occupation", "summary"]}),
        (_("Pseudonym"), {"fields": [("is_pseudonym", "real_name")], "classes": ["collapse"]}),
        (_("Publication"), {"fields": [("publication_state", "is_restricted"), "external_id",
                                       ("created_at", "updated_at"), "seen_version"]}),
    ]
    inlines = [AliasInline, AffiliationInline, RelationshipInline, ReverseRelationshipInline,
               EventInline, ProceedingInline, DetentionInline]

    def get_queryset(self, request):
        return super().get_queryset(request).with_latest_event().with_source_count(
            restricted_too=policy.may_see_restricted(request.user))

    def get_urls(self):
        return [
            path("<path:object_id>/record-history/",
                 self.admin_site.admin_view(self.record_history_view),
                 name="cases_person_record_history"),
            *super().get_urls(),
        ]

    def record_history_view(self, request, object_id):
        person = self.get_object(request, object_id)
        if person is None or not self.has_view_or_change_permission(request, person):
            raise PermissionDenied
        context = {**self.admin_site.each_context(request), "opts": self.model._meta,
                   "person": person,
                   "entries": record_history(person, request.user),
                   "title": _("Whole record history: %(name)s") % {"name": person}}
        return TemplateResponse(request, "admin/cases/person/record_history.html", context)

    def get_search_results(self, request, queryset, search_term):
        if not search_term:
            return queryset, False
        if self.search_is_too_long(request, search_term):
            return queryset.none(), False
        return queryset.search(search_term), False

    def get_changelist(self, request, **kwargs):
        return RankedSearchChangeList

    @admin.display(description=_("latest event"), ordering="latest_event_date")
    def latest_event(self, person):
        if not person.latest_event_kind:
            return "—"
        return f"{Event.Kind(person.latest_event_kind).label}, {person.latest_event_date}"

    @admin.display(description=_("sources"), ordering="source_count")
    def sources(self, person):
        if not person.source_count:
            return format_html('<strong class="errornote">{}</strong>', _("none"))
        return person.source_count


class FactAdmin(EditorialAdmin, nested_admin.NestedModelAdmin):
    list_select_related = ["person"]
    autocomplete_fields = ["person"]
    show_full_result_count = False
    list_per_page = 50

    def get_queryset(self, request):
        return super().get_queryset(request).with_citation_count(seen(Citation, request))

    @admin.display(description=_("sources"), ordering="citation_count")
    def sources(self, fact):
        if not fact.citation_count:
            return format_html('<strong class="errornote">{}</strong>', _("none"))
        return fact.citation_count


@admin.register(Event)
class EventAdmin(FactAdmin):
    list_display = ["person", "kind", "date", "place", "perpetrator", "sources",
                    "verification", "publication_state"]
    list_select_related = ["person", "perpetrator"]
    list_filter = ["kind", YearFilter, FactSourcingFilter, "verification", "publication_state",
                   "country"]
    search_fields = ["person__name", "description", "place"]
    autocomplete_fields = ["person", "perpetrator"]
    inlines = [citation_inline("event")]


@admin.register(Proceeding)
class ProceedingAdmin(FactAdmin):
    list_display = ["person", "court", "verdict_date", "term", "charge_list", "sources",
                    "publication_state"]
    list_select_related = ["person", "court"]
    list_filter = ["outcome", VerdictYearFilter, FactSourcingFilter, "life", "court",
                   "publication_state"]
    search_fields = ["person__name", "description", "charges__name"]
    autocomplete_fields = ["person", "court"]
    inlines = [ProceedingChargeInline, citation_inline("proceeding")]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("charges")

    @admin.display(description=_("sentence"))
    def term(self, proceeding):
        return proceeding.term_display

    @admin.display(description=_("charges"))
    def charge_list(self, proceeding):
        return ", ".join(charge.name for charge in proceeding.charges.all())


@admin.register(Detention)
class DetentionAdmin(FactAdmin):
    list_display = ["person", "start", "end", "place", "sources", "publication_state"]
    list_filter = [FactSourcingFilter, "publication_state"]
    search_fields = ["person__name", "place", "description"]
    inlines = [citation_inline("detention")]


@admin.register(Affiliation)
class AffiliationAdmin(EditorialAdmin, nested_admin.NestedModelAdmin):
    list_display = ["person", "organisation", "role", "start", "end", "publication_state"]
    list_select_related = ["person", "organisation"]
    list_filter = ["organisation", "publication_state"]
    search_fields = ["person__name", "organisation__name", "role"]
    autocomplete_fields = ["person", "organisation"]
    inlines = [citation_inline("affiliation")]
    show_full_result_count = False


@admin.register(Relationship)
class RelationshipAdmin(EditorialAdmin, nested_admin.NestedModelAdmin):
    list_display = ["__str__", "kind", "publication_state"]
    list_select_related = ["person", "relative"]
    list_filter = ["kind", "publication_state"]
    search_fields = ["person__name", "relative__name"]
    autocomplete_fields = ["person", "relative"]
    inlines = [citation_inline("relationship")]
    show_full_result_count = False


@admin.register(Organisation)
class OrganisationAdmin(PolicyModelAdmin):
    list_display = ["name", "abbreviation", "kind", "country"]
    list_filter = ["kind", "country"]
    search_fields = ["name", "abbreviation", "other_names"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["parent"]


@admin.register(Charge)
class ChargeAdmin(PolicyModelAdmin):
    list_display = ["name", "description"]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Source)
class SourceAdmin(EditorialAdmin):
    # A URL typed without a scheme is taken as https (Django 6's default, chosen now).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ["title", "publisher", "published", "language", "citations_count",
                    "publication_state", "is_restricted"]
    list_filter = ["publisher", "language", "publication_state", "is_restricted"]
    search_fields = ["title", "publisher", "author", "url"]
    prepopulated_fields = {"slug": ["title"]}
    show_full_result_count = False

    def get_queryset(self, request):
        return super().get_queryset(request).with_citation_count(seen(Citation, request))

    @admin.display(description=_("citations"), ordering="citation_count")
    def citations_count(self, source):
        return source.citation_count


@admin.register(Citation)
class CitationAdmin(PolicyModelAdmin):
    list_display = ["source", "short_passage", "cited_fact"]
    list_select_related = ["source", "event__person", "proceeding__person", "detention__person",
                           "affiliation__person", "relationship__person",
                           "relationship__relative", "affiliation__organisation"]
    list_filter = ["source"]
    search_fields = ["passage", "source__title"]
    autocomplete_fields = ["source", "event", "proceeding", "detention", "affiliation",
                           "relationship"]
    show_full_result_count = False

    @admin.display(description=_("passage"))
    def short_passage(self, citation):
        return citation.passage[:120]

    @admin.display(description=_("fact"))
    def cited_fact(self, citation):
        return str(citation.fact)


@admin.register(Alias)
class AliasAdmin(PolicyModelAdmin):
    list_display = ["name", "person", "script", "language", "is_restricted"]
    list_select_related = ["person"]
    list_filter = ["script", "language", "is_restricted"]
    search_fields = ["name", "person__name"]
    autocomplete_fields = ["person"]
    show_full_result_count = False

