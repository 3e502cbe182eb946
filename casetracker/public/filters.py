"""The case list's search box, filters and sort order, all read from the query string.

Every filter narrows the same queryset, so they combine; and since the state is the query
string, a filtered list can be shared as a link and downloaded as CSV with the same filters.
Only published facts of published people count: a restricted arrest never makes a person
match "arrest", and a charge known only from an unpublished trial is never offered.
"""

from django.db.models import Exists, F, OuterRef
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from django_filters import CharFilter, ChoiceFilter, FilterSet, ModelChoiceFilter

from casetracker.cases.models import (
    Affiliation,
    Charge,
    Detention,
    Event,
    Organisation,
    Person,
    Proceeding,
    ProceedingCharge,
)
from casetracker.cases.versions import Version, public_version
from casetracker.names.search import MAX_QUERY_LENGTH
from casetracker.public.queries import case_filter_choices

# {value in the URL: (label, ordering)}; no value keeps the search's best-first or name order.
# Each ends with the id: a total order, so a page reads the same from either end.
SORTS = {
    "name": (_("Name, A–Z"), ["name", "pk"]),
    "-name": (_("Name, Z–A"), [F("name").desc(), "-pk"]),
    "-latest": (_("Latest event, newest first"),
                [F("latest_event_date").desc(nulls_last=True), "name", "pk"]),
    "latest": (_("Latest event, oldest first"),
               [F("latest_event_date").asc(nulls_last=True), "name", "pk"]),
    "-updated": (_("Recently updated"), [F("public_changed_at").desc(nulls_last=True), "pk"]),
    "country": (_("Country"), ["country", "name", "pk"]),
}


class CaseFilter(FilterSet):
    """Search, filters and sort order of the public case list."""

    q = CharFilter(
        label=_("Name"), method="search_names", max_length=MAX_QUERY_LENGTH,
        help_text=_("Any spelling, in Latin or Cyrillic script."),
    )
    country = ChoiceFilter(label=_("Country"), empty_label=_("All countries"))
    status = ChoiceFilter(label=_("Current status"), choices=Person.Status.choices,
                          empty_label=_("Any status"))
    event = ChoiceFilter(label=_("Event"), choices=Event.Kind.choices, method="filter_event",
                         empty_label=_("Any event"))
    charge = ModelChoiceFilter(label=_("Charge"), to_field_name="slug",
                               method="filter_charge", empty_label=_("Any charge"))
    organisation = ModelChoiceFilter(label=_("Organisation"), to_field_name="slug",
                                     method="filter_organisation",
                                     empty_label=_("Any organisation"))
    year = ChoiceFilter(
        label=_("Year"), method="filter_year", empty_label=_("Any year"),
        help_text=_("Something documented happened to them that year."),
    )
    sort = ChoiceFilter(
        label=_("Sort by"), method="sort_by",
        choices=[(value, label) for value, (label, _ordering) in SORTS.items()],
        empty_label=_("Best match or name"),
    )

    class Meta:
        model = Person
        fields = []

    def __init__(self, *args, version: Version | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        # Offer only what the published cases contain: a charge or an organisation known only
        # from unpublished records is never named. Reading that over every published fact
        # takes the database a second at 100,000 cases, so it is cached until a record changes.
        choices = case_filter_choices(version or public_version())
        self.filters["charge"].queryset = Charge.objects.filter(pk__in=choices["charges"])
        self.filters["organisation"].queryset = Organisation.objects.filter(
            pk__in=choices["organisations"])
        self.filters["country"].extra["choices"] = sorted(
            ((code, countries.name(code)) for code in choices["countries"]),
            key=lambda choice: choice[1],
        )
        self.filters["year"].extra["choices"] = [(str(y), str(y)) for y in choices["years"]]

    def search_names(self, queryset, name, value):
        return queryset.search(value)

    def filter_event(self, queryset, name, value):
        events = Event.objects.published().filter(person=OuterRef("pk"), kind=value)
        return queryset.filter(Exists(events))

    def filter_charge(self, queryset, name, value):
        charged = ProceedingCharge.objects.filter(
            charge=value,
            proceeding__person=OuterRef("pk"),
            proceeding__in=Proceeding.objects.published(),
        )
        return queryset.filter(Exists(charged))

    def filter_organisation(self, queryset, name, value):
        members = Affiliation.objects.published().filter(person=OuterRef("pk"), organisation=value)
        return queryset.filter(Exists(members))

    def filter_year(self, queryset, name, value):
        def happened(model, field):
            return Exists(model.objects.published().filter(
                person=OuterRef("pk"), **{f"{field}__startswith": value}
            ))

        return queryset.filter(
            happened(Event, "date")
            | happened(Proceeding, "verdict_date")
            | happened(Detention, "start")
        )

    def sort_by(self, queryset, name, value):
        return queryset.order_by(*SORTS[value][1])
