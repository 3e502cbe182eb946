"""The admin NGO staff curate cases in, all day.

A person's change page holds the whole record: aliases, affiliations, relatives, events,
proceedings (with their charges) and detentions, each fact with its citations nested
inside it (django-nested-admin), so a case is curated on one page.
"""

import nested_admin
from django.contrib import admin
from django.db.models import Count, Exists, OuterRef
from django.db.models.functions import Substr
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

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
    Relationship,
    Source,
)

admin.site.site_header = _("casetracker")
admin.site.site_title = _("casetracker staff")
admin.site.index_title = _("Case record")


# ---------------------------------------------------------------------------------------
# Filters
# ---------------------------------------------------------------------------------------


class UnsourcedFactsFilter(admin.SimpleListFilter):
    """People with at least one event, proceeding or detention that cites no source."""

    title = _("sourcing")
    parameter_name = "sourcing"

    def lookups(self, request, model_admin):
        return [("unsourced", _("Has facts without sources")),
                ("sourced", _("Every fact sourced"))]

    def queryset(self, request, queryset):
        if self.value() is None:
            return queryset
        unsourced = (
            Exists(Event.objects.unsourced().filter(person=OuterRef("pk")))
            | Exists(Proceeding.objects.unsourced().filter(person=OuterRef("pk")))
            | Exists(Detention.objects.unsourced().filter(person=OuterRef("pk")))
        )
        return queryset.filter(unsourced if self.value() == "unsourced" else ~unsourced)


class FactSourcingFilter(admin.SimpleListFilter):
    title = _("sourcing")
    parameter_name = "sourcing"

    def lookups(self, request, model_admin):
        return [("unsourced", _("Without sources")), ("sourced", _("With sources"))]

    def queryset(self, request, queryset):
        cited = Exists(Citation.objects.filter(**{queryset.model._meta.model_name: OuterRef("pk")}))
        if self.value() == "unsourced":
            return queryset.filter(~cited)
        if self.value() == "sourced":
            return queryset.filter(cited)
        return queryset


class PersonEventKindFilter(admin.SimpleListFilter):
    title = _("event kind")
    parameter_name = "event_kind"

    def lookups(self, request, model_admin):
        return Event.Kind.choices

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(
                Exists(Event.objects.filter(person=OuterRef("pk"), kind=self.value()))
            )
        return queryset


class YearFilter(admin.SimpleListFilter):
    """Filter by the year of a partial date, as the sources give it."""

    title = _("year")
    parameter_name = "year"
    date_field = "date"

    def lookups(self, request, model_admin):
        years = (
            Event.objects.exclude(date=None)
            .annotate(year=Substr("date", 1, 4))
            .order_by("-year")
            .values_list("year", flat=True)
            .distinct()
        )
        return [(year, year) for year in years]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(**{f"{self.date_field}__startswith": self.value()})
        return queryset


class PersonEventYearFilter(YearFilter):
    title = _("year of an event")

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(
                Exists(Event.objects.filter(person=OuterRef("pk"),
                                            date__startswith=self.value()))
            )
        return queryset


class VerdictYearFilter(YearFilter):
    date_field = "verdict_date"


# ---------------------------------------------------------------------------------------
# Inlines
# ---------------------------------------------------------------------------------------


class CitationInline(nested_admin.NestedTabularInline):
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


class AliasInline(nested_admin.NestedTabularInline):
    model = Alias
    fields = ["name", "script", "language", "is_restricted"]
    extra = 0


class AffiliationInline(nested_admin.NestedTabularInline):
    model = Affiliation
    fields = ["organisation", "role", "start", "end", "publication_state", "is_restricted"]
    autocomplete_fields = ["organisation"]
    inlines = [citation_inline("affiliation")]
    extra = 0


class RelationshipInline(nested_admin.NestedTabularInline):
    model = Relationship
    fk_name = "person"
    fields = ["kind", "relative", "note", "publication_state", "is_restricted"]
    autocomplete_fields = ["relative"]
    inlines = [citation_inline("relationship")]
    extra = 0
    verbose_name = _("relationship (this person is the … of …)")
    verbose_name_plural = _("relatives and associates: this person is the … of …")


class ReverseRelationshipInline(nested_admin.NestedTabularInline):
    model = Relationship
    fk_name = "relative"
    fields = ["person", "kind", "note", "publication_state", "is_restricted"]
    autocomplete_fields = ["person"]
    inlines = [citation_inline("relationship")]
    extra = 0
    verbose_name = _("relationship (… is the … of this person)")
    verbose_name_plural = _("relatives and associates: … is the … of this person")


class EventInline(nested_admin.NestedStackedInline):
    model = Event
    fields = [("kind", "date", "verification"), ("place", "place_is_restricted", "country"),
              "perpetrator", "description", ("publication_state", "is_restricted")]
    autocomplete_fields = ["perpetrator"]
    inlines = [citation_inline("event")]
    extra = 0


class ProceedingChargeInline(nested_admin.NestedTabularInline):
    model = ProceedingCharge
    fields = ["charge", "wording", "code_article"]
    autocomplete_fields = ["charge"]
    extra = 0


class ProceedingInline(nested_admin.NestedStackedInline):
    model = Proceeding
    fields = [("court", "verdict_date", "closed_trial"), ("outcome", "appeal", "verification"),
              ("term_months", "life"), ("fine", "confiscation"), "description",
              ("publication_state", "is_restricted")]
    autocomplete_fields = ["court"]
    inlines = [ProceedingChargeInline, citation_inline("proceeding")]
    extra = 0


class DetentionInline(nested_admin.NestedStackedInline):
    model = Detention
    fields = [("start", "end", "verification"), ("place", "place_is_restricted"), "description",
              ("publication_state", "is_restricted")]
    inlines = [citation_inline("detention")]
    extra = 0


# ---------------------------------------------------------------------------------------
# Model admins
# ---------------------------------------------------------------------------------------


@admin.register(Person)
class PersonAdmin(SimpleHistoryAdmin, nested_admin.NestedModelAdmin):
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
        (None, {"fields": [("name", "slug"), ("country", "status", "involvement"),
                           ("sex", "birth_year"), "occupation", "summary"]}),
        (_("Pseudonym"), {"fields": [("is_pseudonym", "real_name")], "classes": ["collapse"]}),
        (_("Publication"), {"fields": [("publication_state", "is_restricted"), "external_id",
                                       ("created_at", "updated_at")]}),
    ]
    inlines = [AliasInline, AffiliationInline, RelationshipInline, ReverseRelationshipInline,
               EventInline, ProceedingInline, DetentionInline]

    def get_queryset(self, request):
        return super().get_queryset(request).with_latest_event().with_source_count()

    def get_search_results(self, request, queryset, search_term):
        if not search_term:
            return queryset, False
        return queryset.search(search_term), False

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


class FactAdmin(SimpleHistoryAdmin, nested_admin.NestedModelAdmin):
    list_select_related = ["person"]
    autocomplete_fields = ["person"]
    show_full_result_count = False
    list_per_page = 50

    def get_queryset(self, request):
        return super().get_queryset(request).with_citation_count()

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
class AffiliationAdmin(SimpleHistoryAdmin, nested_admin.NestedModelAdmin):
    list_display = ["person", "organisation", "role", "start", "end", "publication_state"]
    list_select_related = ["person", "organisation"]
    list_filter = ["organisation", "publication_state"]
    search_fields = ["person__name", "organisation__name", "role"]
    autocomplete_fields = ["person", "organisation"]
    inlines = [citation_inline("affiliation")]
    show_full_result_count = False


@admin.register(Relationship)
class RelationshipAdmin(SimpleHistoryAdmin, nested_admin.NestedModelAdmin):
    list_display = ["__str__", "kind", "publication_state"]
    list_select_related = ["person", "relative"]
    list_filter = ["kind", "publication_state"]
    search_fields = ["person__name", "relative__name"]
    autocomplete_fields = ["person", "relative"]
    inlines = [citation_inline("relationship")]
    show_full_result_count = False


@admin.register(Organisation)
class OrganisationAdmin(SimpleHistoryAdmin):
    list_display = ["name", "abbreviation", "kind", "country"]
    list_filter = ["kind", "country"]
    search_fields = ["name", "abbreviation", "other_names"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["parent"]


@admin.register(Charge)
class ChargeAdmin(SimpleHistoryAdmin):
    list_display = ["name", "description"]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Source)
class SourceAdmin(SimpleHistoryAdmin):
    list_display = ["title", "publisher", "published", "language", "citations_count",
                    "publication_state", "is_restricted"]
    list_filter = ["publisher", "language", "publication_state", "is_restricted"]
    search_fields = ["title", "publisher", "author", "url"]
    prepopulated_fields = {"slug": ["title"]}
    show_full_result_count = False

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(citation_count=Count("citations"))

    @admin.display(description=_("citations"), ordering="citation_count")
    def citations_count(self, source):
        return source.citation_count


@admin.register(Citation)
class CitationAdmin(SimpleHistoryAdmin):
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
class AliasAdmin(SimpleHistoryAdmin):
    list_display = ["name", "person", "script", "language", "is_restricted"]
    list_select_related = ["person"]
    list_filter = ["script", "language", "is_restricted"]
    search_fields = ["name", "person__name"]
    autocomplete_fields = ["person"]
    show_full_result_count = False

