"""Query parameters of the list endpoints (django-filter).

A value that cannot be understood is a 400 naming the parameter, never an empty list or a
500: unknown countries, statuses and charges, impossible dates, NUL bytes (which PostgreSQL
refuses), datetimes outside the representable range.

Date filters take ISO 8601 at any precision (2016, 2016-10, 2016-10-06) and match the facts
that may fall in the range: an event known only as "October 2016" matches
``event_after=2016-10-15`` (see :func:`casetracker.cases.dates.overlapping`).

No filter renders a table into the browsable API's filter form: choices among records
(organisations, charges, people) are typed as text and looked up when the form is cleaned.
"""

import datetime

import django_filters as filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Exists, F, OuterRef, Q
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from django_filters.widgets import CSVWidget
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from casetracker.api.serializers import COUNTRY_PATTERN, PARTIAL_DATE_PATTERN
from casetracker.cases.dates import ISO_PATTERN, PartialDate, overlapping
from casetracker.cases.models import (
    Affiliation,
    Charge,
    Event,
    Organisation,
    Person,
    Proceeding,
    ProceedingCharge,
    Source,
)
from casetracker.names.search import MAX_QUERY_LENGTH

# ---------------------------------------------------------------------------------------
# Form fields and filters
# ---------------------------------------------------------------------------------------


def refuse_nul(value):
    if isinstance(value, str) and "\x00" in value:
        raise ValidationError(_("NUL characters are not allowed."), code="null_characters")


class PartialDateFormField(forms.CharField):
    """An ISO 8601 date at year, month or day precision, strictly (no "October 2016")."""

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        if not ISO_PATTERN.match(value):
            raise ValidationError(
                _("“%(value)s” is not a date: use 2015, 2016-10 or 2016-10-06."),
                code="invalid", params={"value": value},
            )
        try:
            return PartialDate.parse(value)
        except ValueError as error:
            raise ValidationError(
                _("“%(value)s” is not a date: %(error)s"), code="invalid",
                params={"value": value, "error": error},
            ) from None


@extend_schema_field({"type": "string", "pattern": PARTIAL_DATE_PATTERN, "example": "2016-10"})
class PartialDateFilter(filters.Filter):
    field_class = PartialDateFormField


class SafeDateTimeField(filters.fields.IsoDateTimeField):
    """An ISO 8601 datetime (or date) that the database can store in UTC."""

    def to_python(self, value):
        refuse_nul(value)
        value = super().to_python(value)
        if value is None:
            return None
        try:
            # In UTC: PostgreSQL refuses offsets past ±15:59 ("-18:50"), which Python allows.
            return value.astimezone(datetime.UTC)
        except OverflowError:
            raise ValidationError(_("%(value)s is out of range."), code="invalid",
                                  params={"value": value.isoformat()}) from None


@extend_schema_field(OpenApiTypes.DATETIME)
class UpdatedSinceFilter(filters.Filter):
    field_class = SafeDateTimeField


class CountryFormField(forms.ChoiceField):
    """An ISO 3166-1 alpha-2 code, in either case."""

    default_error_messages = {
        "invalid_choice": _("“%(value)s” is not an ISO 3166-1 alpha-2 country code."),
    }

    def __init__(self, **kwargs):
        kwargs["choices"] = [("", "---------"), *countries]
        super().__init__(**kwargs)

    def to_python(self, value):
        return super().to_python(value).upper()


@extend_schema_field({"type": "string", "pattern": COUNTRY_PATTERN, "example": "TJ"})
class CountryFilter(filters.Filter):
    field_class = CountryFormField


class TextLookupField(forms.CharField):
    """A record named by its slug (or name), typed as text: no <select> of the whole table."""

    def __init__(self, *, queryset, lookups=("slug",), label_text="", **kwargs):
        self.queryset = queryset
        self.lookups = lookups
        self.label_text = label_text
        kwargs.setdefault("max_length", 200)
        super().__init__(**kwargs)

    def clean(self, value):
        refuse_nul(value)
        value = super().clean(value)
        if not value:
            return None
        condition = Q()
        for lookup in self.lookups:
            condition |= Q(**{lookup: value})
        found = self.queryset.filter(condition).first()
        if found is None:
            raise ValidationError(_("No %(what)s “%(value)s”."), code="invalid_choice",
                                  params={"what": self.label_text, "value": value})
        return found


class PersonIdField(forms.IntegerField):
    def clean(self, value):
        refuse_nul(value)
        number = super().clean(value)
        if number is None:
            return None
        person = Person.objects.published().filter(pk=number).first()
        if person is None:
            raise ValidationError(_("No published person with id %(value)s."),
                                  code="invalid_choice", params={"value": number})
        return person


@extend_schema_field(OpenApiTypes.STR)
class TextLookupFilter(filters.Filter):
    field_class = TextLookupField


@extend_schema_field(OpenApiTypes.INT)
class PersonFilterField(filters.Filter):
    field_class = PersonIdField


class SearchFilter(filters.CharFilter):
    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", MAX_QUERY_LENGTH)
        super().__init__(**kwargs)


class RepeatableCSVWidget(CSVWidget):
    """Comma-separated values, in one parameter or repeated (``?ordering=a&ordering=-b``,
    as clients generated from the schema's array send them): all of them, in order."""

    def value_from_datadict(self, data, files, name):
        values = data.getlist(name) if hasattr(data, "getlist") else [data.get(name)]
        values = [value for value in values if value is not None]
        if not values:
            return None
        return ",".join(values).split(",")


class KeysetOrderingFilter(filters.OrderingFilter):
    """``?ordering=`` giving a total order keyset pagination can resume from.

    Nulls sort last both ways and ties are broken by id; with no ``ordering`` the default
    applies, unless the queryset is already ordered (e.g. by search relevance).
    """

    def __init__(self, *args, default: list[str], **kwargs):
        self.default = default
        kwargs.setdefault("widget", RepeatableCSVWidget)
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        # "?ordering=," names no field; a field named again only adds conditions to every
        # cursor query (a thousand "name," made one that took minutes): keep its first mention.
        first_mentions, named = [], set()
        for param in value or []:
            if param and param.lstrip("-") not in named:
                named.add(param.lstrip("-"))
                first_mentions.append(param)
        value = first_mentions
        if not value:
            if qs.query.order_by:
                return qs
            value = self.default
        expressions = []
        for param in value:
            descending = param.startswith("-")
            name = self.param_map[param.lstrip("-")]
            expressions.append(F(name).desc(nulls_last=True) if descending
                               else F(name).asc(nulls_last=True))
        return qs.order_by(*expressions, "pk")


class ApiFilterSet(filters.FilterSet):
    def paired(self, queryset, name, value):
        """Filters applied in pairs by :meth:`filter_queryset` (both bounds on one fact)."""
        return queryset

    #: ``(date field, after filter, before filter)`` applied as one range (``paired``).
    date_range = None

    def updated_since(self, queryset, name, value):
        """Records whose public representation changed since ``value``, by the public
        change log (a hidden change does not count)."""
        return queryset.filter(public_changed_at__gte=value)

    def in_date_range(self, queryset):
        if self.date_range is None:
            return queryset
        field, after_name, before_name = self.date_range
        after, before = (self.form.cleaned_data.get(name) for name in (after_name,
                                                                       before_name))
        if after or before:
            queryset = queryset.filter(overlapping(field, after, before))
        return queryset


def search_text(*fields):
    def search(queryset, name, value):
        condition = Q()
        for field in fields:
            condition |= Q(**{f"{field}__icontains": value})
        return queryset.filter(condition)

    return search


# ---------------------------------------------------------------------------------------
# Filter sets
# ---------------------------------------------------------------------------------------


class PersonFilter(ApiFilterSet):
    search = SearchFilter(method="filter_search",
                          help_text="Words of the name or of any alias, in any script.")
    country = CountryFilter(field_name="country")
    status = filters.ChoiceFilter(choices=Person.Status.choices)
    involvement = filters.ChoiceFilter(choices=Person.Involvement.choices)
    event_kind = filters.ChoiceFilter(choices=Event.Kind.choices, method="filter_event_kind",
                                      help_text="People with an event of this kind.")
    charge = TextLookupFilter(
        method="filter_charge", queryset=Charge.objects.public(),
        lookups=("slug", "name__iexact"), label_text="charge",
        help_text="People charged with this, by slug or name (see /api/v1/charges/).",
    )
    organisation = TextLookupFilter(
        method="filter_organisation", queryset=Organisation.objects.public(),
        label_text="organisation", help_text="People affiliated with the organisation (slug).",
    )
    sentenced_after = PartialDateFilter(method="paired", help_text="Convicted on or after.")
    sentenced_before = PartialDateFilter(method="paired", help_text="Convicted on or before.")
    event_after = PartialDateFilter(method="paired",
                                    help_text="With an event on or after (with event_kind: "
                                              "an event of that kind).")
    event_before = PartialDateFilter(method="paired", help_text="With an event on or before.")
    updated_since = UpdatedSinceFilter(
        method="filter_updated_since",
        help_text="People whose public record changed since (ISO 8601 datetime or date), by "
                  "the change log: anything on the record, a relative's name or a source "
                  "cited. A withdrawn or merged person is in /api/v1/changes/, not here.",
    )
    ordering = KeysetOrderingFilter(
        fields=["name", "country", "latest_event_date"], default=["name"],
        help_text="name, country or latest_event_date; prefix with - to reverse.",
    )

    class Meta:
        model = Person
        fields = []

    def filter_search(self, queryset, name, value):
        return queryset.search(value)

    def filter_event_kind(self, queryset, name, value):
        # With event_after/event_before the kind applies to the same event: see below.
        return queryset

    def filter_charge(self, queryset, name, charge):
        charged = ProceedingCharge.objects.filter(
            charge=charge, proceeding__person=OuterRef("pk"),
            proceeding__in=Proceeding.objects.published(),
        )
        return queryset.filter(Exists(charged))

    def filter_organisation(self, queryset, name, organisation):
        affiliated = Affiliation.objects.published().filter(
            organisation=organisation, person=OuterRef("pk"),
        )
        return queryset.filter(Exists(affiliated))

    def filter_updated_since(self, queryset, name, value):
        """People whose public record changed since ``value`` (the change log's time)."""
        return queryset.filter(public_changed_at__gte=value)

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        data = self.form.cleaned_data
        kind, after, before = (data.get(name) for name in
                               ("event_kind", "event_after", "event_before"))
        if kind or after or before:
            events = Event.objects.published().filter(
                overlapping("date", after, before), person=OuterRef("pk"),
            )
            if kind:
                events = events.filter(kind=kind)
            queryset = queryset.filter(Exists(events))
        after, before = data.get("sentenced_after"), data.get("sentenced_before")
        if after or before:
            sentences = Proceeding.objects.published().sentences().filter(
                overlapping("verdict_date", after, before), person=OuterRef("pk"),
            )
            queryset = queryset.filter(Exists(sentences))
        return queryset


class EventFilter(ApiFilterSet):
    person = PersonFilterField(field_name="person", help_text="A person's id.")
    kind = filters.ChoiceFilter(choices=Event.Kind.choices)
    country = CountryFilter(field_name="country", help_text="Where it happened.")
    perpetrator = TextLookupFilter(field_name="perpetrator", queryset=Organisation.objects.public(),
                                   label_text="organisation",
                                   help_text="The organisation responsible (slug).")
    after = PartialDateFilter(method="paired", help_text="On or after (ISO date, any precision).")
    before = PartialDateFilter(method="paired", help_text="On or before.")
    updated_since = UpdatedSinceFilter(
        method="events_updated_since",
        help_text="Events of people whose public record changed since (ISO 8601).")
    ordering = KeysetOrderingFilter(fields=["date"], default=["date"],
                                    help_text="date or -date.")

    date_range = ("date", "after", "before")

    class Meta:
        model = Event
        fields = []

    def events_updated_since(self, queryset, name, value):
        return queryset.filter(person__public_changed_at__gte=value)

    def filter_queryset(self, queryset):
        return self.in_date_range(super().filter_queryset(queryset))


class ProceedingFilter(ApiFilterSet):
    person = PersonFilterField(field_name="person", help_text="A person's id.")
    outcome = filters.ChoiceFilter(choices=Proceeding.Outcome.choices)
    charge = TextLookupFilter(
        method="with_charge", queryset=Charge.objects.public(),
        lookups=("slug", "name__iexact"), label_text="charge",
        help_text="Trials that brought this charge, by slug or name (see /api/v1/charges/).")
    after = PartialDateFilter(method="paired", help_text="Verdict on or after (ISO date).")
    before = PartialDateFilter(method="paired", help_text="Verdict on or before.")
    updated_since = UpdatedSinceFilter(
        method="proceedings_updated_since",
        help_text="Trials of people whose public record changed since (ISO 8601).")
    ordering = KeysetOrderingFilter(fields=["verdict_date"], default=["verdict_date"],
                                    help_text="verdict_date or -verdict_date.")

    date_range = ("verdict_date", "after", "before")

    class Meta:
        model = Proceeding
        fields = []

    def with_charge(self, queryset, name, charge):
        return queryset.filter(proceeding_charges__charge=charge)

    def proceedings_updated_since(self, queryset, name, value):
        return queryset.filter(person__public_changed_at__gte=value)

    def filter_queryset(self, queryset):
        return self.in_date_range(super().filter_queryset(queryset))


class SourceFilter(ApiFilterSet):
    search = SearchFilter(method=search_text("title", "publisher", "author"),
                          help_text="Words in the title, publisher or author.")
    publisher = filters.CharFilter(lookup_expr="iexact", max_length=200)
    language = filters.CharFilter(max_length=8)
    published_after = PartialDateFilter(method="paired")
    published_before = PartialDateFilter(method="paired")
    updated_since = UpdatedSinceFilter(method="updated_since")
    ordering = KeysetOrderingFilter(fields=["published", "title"], default=["-published"],
                                    help_text="published or title; prefix with - to reverse.")

    date_range = ("published", "published_after", "published_before")

    class Meta:
        model = Source
        fields = []

    def filter_queryset(self, queryset):
        return self.in_date_range(super().filter_queryset(queryset))


class OrganisationFilter(ApiFilterSet):
    search = SearchFilter(method=search_text("name", "abbreviation", "other_names"))
    kind = filters.ChoiceFilter(choices=Organisation.Kind.choices)
    country = CountryFilter(field_name="country")
    ordering = KeysetOrderingFilter(fields=["name"], default=["name"])

    class Meta:
        model = Organisation
        fields = []


class ChargeFilter(ApiFilterSet):
    search = SearchFilter(method=search_text("name", "description"))
    ordering = KeysetOrderingFilter(fields=["name"], default=["name"])

    class Meta:
        model = Charge
        fields = []
