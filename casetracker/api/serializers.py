"""How records look through the API.

Read serializers declare their fields, which is what the OpenAPI schema is generated from,
but build their output in ``to_representation`` straight from prefetched objects: DRF's
per-field machinery costs more than the database on a page of 200 people. Tests check
that every response still matches the schema.

Write serializers are ordinary ``ModelSerializer``s: writes are rare and validated the
usual way, then saved through :mod:`casetracker.api.services`.
"""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from casetracker.api.services import writable
from casetracker.cases.dates import ISO_PATTERN, PartialDate
from casetracker.cases.models import (
    Charge,
    Event,
    Organisation,
    Person,
    Proceeding,
    Source,
    Verification,
)

PARTIAL_DATE_PATTERN = r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$"
COUNTRY_PATTERN = r"^[A-Z]{2}$"


def iso(value) -> str | None:
    """A PartialDate (or date, or datetime) as ISO 8601, None as None."""
    return None if value is None else value.isoformat()


def code(country) -> str | None:
    """A django-countries value as its alpha-2 code, or None when blank."""
    return country.code or None if country else None


@extend_schema_field({
    "type": "string", "pattern": PARTIAL_DATE_PATTERN, "example": "2016-10",
    "description": "ISO 8601 at the precision the sources give: 2015, 2016-10 or 2016-10-06.",
})
class PartialDateField(serializers.Field):
    """A :class:`~casetracker.cases.dates.PartialDate` as its ISO 8601 reduced form."""

    default_error_messages = {
        "invalid": _("“{value}” is not a date: use 2015, 2016-10 or 2016-10-06."),
    }

    def to_representation(self, value):
        return value.isoformat()

    def to_internal_value(self, data):
        return parse_partial_date(data, lambda: self.fail("invalid", value=data))


def parse_partial_date(text, fail):
    """Strictly ISO (2015, 2016-10, 2016-10-06), unlike the admin's lenient parsing."""
    if not isinstance(text, str) or not ISO_PATTERN.match(text):
        fail()
    try:
        return PartialDate.parse(text)
    except ValueError as error:
        raise serializers.ValidationError(f"“{text}” is not a date: {error}") from None


@extend_schema_field({"type": "string", "pattern": COUNTRY_PATTERN, "example": "TJ",
                      "description": "ISO 3166-1 alpha-2 country code."})
class CountryField(serializers.ChoiceField):
    def __init__(self, **kwargs):
        from django_countries import countries

        super().__init__(choices=[c for c, _ in countries], **kwargs)

    def to_internal_value(self, data):
        return super().to_internal_value(data.upper() if isinstance(data, str) else data)

    def to_representation(self, value):
        return getattr(value, "code", value)  # a django-countries Country, or a code


class ApiUrls:
    """Absolute URLs of API resources, reversed once per request rather than once per row."""

    def __init__(self, request):
        self.request = request
        self._prefixes = {}

    def __call__(self, basename: str, pk) -> str:
        prefix = self._prefixes.get(basename)
        if prefix is None:
            # The router's detail route is its list route followed by "<pk>/".
            path = reverse(f"api:{basename}-list")
            prefix = self.request.build_absolute_uri(path) if self.request else path
            self._prefixes[basename] = prefix
        return f"{prefix}{pk}/"


def urls_from(context) -> ApiUrls:
    urls = context.get("urls")
    if urls is None:
        urls = context["urls"] = ApiUrls(context.get("request"))
    return urls


class ReadSerializer(serializers.Serializer):
    """Base for output-only serializers: every field read-only, output built by hand."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.read_only = True

    @property
    def urls(self) -> ApiUrls:
        return urls_from(self.root.context)


# ---------------------------------------------------------------------------------------
# Small nested shapes
# ---------------------------------------------------------------------------------------


class PersonRefSerializer(ReadSerializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    url = serializers.URLField()


class OrganisationRefSerializer(ReadSerializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    abbreviation = serializers.CharField()
    slug = serializers.SlugField()
    url = serializers.URLField()


class CitationSerializer(ReadSerializer):
    """A source cited for one fact, with the passage that supports it."""

    id = serializers.IntegerField(help_text="The source's id: see `sources`.")
    title = serializers.CharField()
    publisher = serializers.CharField()
    published = PartialDateField(allow_null=True)
    url = serializers.CharField(help_text="The article's address, when it is online.")
    passage = serializers.CharField(help_text="The passage of the source that supports the fact.")


class LatestEventSerializer(ReadSerializer):
    kind = serializers.ChoiceField(choices=Event.Kind.choices)
    date = PartialDateField(allow_null=True)


def person_ref(urls, person) -> dict:
    return {"id": person.pk, "name": person.name, "url": urls("person", person.pk)}


def organisation_ref(urls, organisation) -> dict:
    return {"id": organisation.pk, "name": organisation.name,
            "abbreviation": organisation.abbreviation, "slug": organisation.slug,
            "url": urls("organisation", organisation.pk)}


def citations(fact, seen_sources: dict | None = None) -> list[dict]:
    """The prefetched citations of ``fact``; collects their sources into ``seen_sources``."""
    cited = []
    for citation in fact.citations.all():
        source = citation.source
        if seen_sources is not None:
            seen_sources.setdefault(source.pk, source)
        cited.append({"id": source.pk, "title": source.title, "publisher": source.publisher,
                      "published": iso(source.published), "url": source.url,
                      "passage": citation.passage})
    return cited


def source_data(source) -> dict:
    return {"id": source.pk, "title": source.title, "publisher": source.publisher,
            "author": source.author, "published": iso(source.published), "url": source.url,
            "language": source.language}


# ---------------------------------------------------------------------------------------
# People
# ---------------------------------------------------------------------------------------


class PersonListSerializer(ReadSerializer):
    id = serializers.IntegerField()
    url = serializers.URLField(help_text="This person's full record in the API.")
    name = serializers.CharField()
    aliases = serializers.ListField(child=serializers.CharField(),
                                    help_text="Other spellings and scripts of the name.")
    country = CountryField()
    status = serializers.ChoiceField(choices=Person.Status.choices)
    involvement = serializers.ChoiceField(
        choices=Person.Involvement.choices,
        help_text="`related`: a relative or associate named for context only.",
    )
    latest_event = LatestEventSerializer(allow_null=True)
    updated_at = serializers.DateTimeField(
        allow_null=True,
        help_text="When the public record last changed (the change log's time).")

    def to_representation(self, person):
        kind = person.latest_event_kind
        return {
            "id": person.pk,
            "url": self.urls("person", person.pk),
            "name": person.name,
            "aliases": [alias.name for alias in person.public_aliases],
            "country": person.country.code,
            "status": person.status,
            "involvement": person.involvement,
            "latest_event": None if kind is None
            else {"kind": kind, "date": iso(person.latest_event_date)},
            "updated_at": person.public_changed_at,
        }


class AffiliationSerializer(ReadSerializer):
    organisation = OrganisationRefSerializer()
    role = serializers.CharField()
    start = PartialDateField(allow_null=True)
    end = PartialDateField(allow_null=True)
    sources = CitationSerializer(many=True)


class RelationshipSerializer(ReadSerializer):
    kind = serializers.CharField(
        help_text="What the other person is to this one: “father”, “son”, “wife”, “lawyer”…",
    )
    person = PersonRefSerializer()
    sources = CitationSerializer(many=True)


class SentenceSerializer(ReadSerializer):
    id = serializers.IntegerField()
    date = PartialDateField(allow_null=True, help_text="The date of the verdict.")
    court = serializers.CharField(allow_null=True)
    term_months = serializers.IntegerField(allow_null=True,
                                           help_text="Null for life or an unknown term.")
    life = serializers.BooleanField()
    charges = serializers.ListField(child=serializers.CharField())
    fine = serializers.CharField(help_text="As reported, e.g. “20,000 somoni”; empty if none.")
    confiscation = serializers.BooleanField(help_text="Confiscation of property.")
    closed_trial = serializers.BooleanField()
    appeal = serializers.ChoiceField(choices=Proceeding.Appeal.choices)
    sources = CitationSerializer(many=True)


class PersonEventSerializer(ReadSerializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=Event.Kind.choices)
    date = PartialDateField(allow_null=True)
    place = serializers.CharField()
    country = CountryField(allow_null=True)
    perpetrator = serializers.CharField(allow_null=True,
                                        help_text="The body responsible, where known.")
    description = serializers.CharField()
    verification = serializers.ChoiceField(choices=Verification.choices)
    sources = CitationSerializer(many=True)


class DetentionSerializer(ReadSerializer):
    id = serializers.IntegerField()
    start = PartialDateField(allow_null=True)
    end = PartialDateField(allow_null=True, help_text="Null while the person is still held.")
    place = serializers.CharField()
    description = serializers.CharField()
    sources = CitationSerializer(many=True)


class SourceSerializer(ReadSerializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    publisher = serializers.CharField()
    author = serializers.CharField()
    published = PartialDateField(allow_null=True)
    url = serializers.CharField(help_text="The article's address, when it is online.")
    language = serializers.CharField()

    def to_representation(self, source):
        return source_data(source)


class PersonDetailSerializer(ReadSerializer):
    """Everything public about one person, from ``Person.objects.with_record()``."""

    id = serializers.IntegerField()
    url = serializers.URLField()
    name = serializers.CharField()
    aliases = serializers.ListField(child=serializers.CharField())
    sex = serializers.ChoiceField(choices=Person.Sex.choices)
    birth_year = serializers.IntegerField(allow_null=True)
    country = CountryField()
    occupation = serializers.CharField()
    status = serializers.ChoiceField(choices=Person.Status.choices)
    involvement = serializers.ChoiceField(choices=Person.Involvement.choices)
    summary = serializers.CharField()
    affiliations = AffiliationSerializer(many=True)
    relationships = RelationshipSerializer(many=True)
    sentences = SentenceSerializer(many=True, help_text="Convictions, in date order.")
    charges = serializers.ListField(
        child=serializers.CharField(),
        help_text="Every charge brought in any proceeding, whatever its outcome.",
    )
    events = PersonEventSerializer(many=True)
    detentions = DetentionSerializer(many=True)
    sources = SourceSerializer(many=True, help_text="Every source cited on this record.")
    updated_at = serializers.DateTimeField(
        allow_null=True,
        help_text="When the public record last changed (the change log's time).")

    def to_representation(self, person):
        urls = self.urls
        seen_sources = {}
        relationships = [
            *person.relationships.all(), *person.reverse_relationships.all(),
        ]
        proceedings = list(person.proceedings.all())
        return {
            "id": person.pk,
            "url": urls("person", person.pk),
            "name": person.name,
            "aliases": [alias.name for alias in person.aliases.all()],
            "sex": person.sex,
            "birth_year": person.birth_year,
            "country": person.country.code,
            "occupation": person.occupation,
            "status": person.status,
            "involvement": person.involvement,
            "summary": person.summary,
            "affiliations": [
                {"organisation": organisation_ref(urls, affiliation.organisation),
                 "role": affiliation.role, "start": iso(affiliation.start),
                 "end": iso(affiliation.end), "sources": citations(affiliation, seen_sources)}
                for affiliation in person.affiliations.all()
            ],
            "relationships": [
                relationship_data(urls, person, relationship, seen_sources)
                for relationship in sorted(relationships, key=lambda r: r.pk)
            ],
            "sentences": [
                sentence_data(proceeding, seen_sources)
                for proceeding in proceedings
                if proceeding.outcome == Proceeding.Outcome.CONVICTED
            ],
            "charges": sorted({
                link.charge.name
                for proceeding in proceedings
                for link in proceeding.proceeding_charges.all()
            }),
            "events": [
                {"id": event.pk, "kind": event.kind, "date": iso(event.date),
                 "place": event.public_place, "country": code(event.country),
                 "perpetrator": event.perpetrator.name if event.perpetrator else None,
                 "description": event.description, "verification": event.verification,
                 "sources": citations(event, seen_sources)}
                for event in person.events.all()
            ],
            "detentions": [
                {"id": detention.pk, "start": iso(detention.start), "end": iso(detention.end),
                 "place": detention.public_place, "description": detention.description,
                 "sources": citations(detention, seen_sources)}
                for detention in person.detentions.all()
            ],
            "sources": [
                source_data(source)
                for source in sorted(seen_sources.values(), key=source_order)
            ],
            "updated_at": person.public_changed_at,
        }


def source_order(source):
    return (source.published is None, iso(source.published) or "", source.title, source.pk)


def relationship_data(urls, person, relationship, seen_sources) -> dict:
    kind, other = relationship.seen_from(person)
    return {"kind": kind, "person": person_ref(urls, other),
            "sources": citations(relationship, seen_sources)}


def sentence_data(proceeding, seen_sources) -> dict:
    return {
        "id": proceeding.pk,
        "date": iso(proceeding.verdict_date),
        "court": proceeding.court.name if proceeding.court else None,
        "term_months": None if proceeding.life else proceeding.term_months,
        "life": proceeding.life,
        "charges": [link.charge.name for link in proceeding.proceeding_charges.all()],
        "fine": proceeding.fine,
        "confiscation": proceeding.confiscation,
        "closed_trial": proceeding.closed_trial,
        "appeal": proceeding.appeal,
        "sources": citations(proceeding, seen_sources),
    }


# ---------------------------------------------------------------------------------------
# Events, organisations, charges
# ---------------------------------------------------------------------------------------


class EventSerializer(PersonEventSerializer):
    url = serializers.URLField()
    person = PersonRefSerializer()

    def to_representation(self, event):
        urls = self.urls
        return {
            "id": event.pk,
            "url": urls("event", event.pk),
            "person": person_ref(urls, event.person),
            "kind": event.kind,
            "date": iso(event.date),
            "place": event.public_place,
            "country": code(event.country),
            "perpetrator": event.perpetrator.name if event.perpetrator else None,
            "description": event.description,
            "verification": event.verification,
            "sources": citations(event),
        }


class ProceedingSerializer(SentenceSerializer):
    """A published trial: its court, verdict, sentence and charges, whatever the outcome."""

    url = serializers.URLField()
    person = PersonRefSerializer()
    outcome = serializers.ChoiceField(choices=Proceeding.Outcome.choices)

    def to_representation(self, proceeding):
        urls = self.urls
        return {"url": urls("proceeding", proceeding.pk),
                "person": person_ref(urls, proceeding.person),
                "outcome": proceeding.outcome, **sentence_data(proceeding, None)}


class ChangeSerializer(ReadSerializer):
    """One change to what the public sees of a record."""

    cursor = serializers.IntegerField(help_text="Pass it as `after` to read on from here.")
    type = serializers.ChoiceField(choices=["person", "source"])
    id = serializers.IntegerField(help_text="The record's id (`/api/v1/people/{id}/`…).")
    action = serializers.ChoiceField(
        choices=["changed", "removed", "merged"],
        help_text="`changed`: read the record again (it was published or changed); "
                  "`removed`: it is no longer public (withdrawn, restricted, deleted): "
                  "delete your copy; `merged`: it now lives on as `into`.")
    into = serializers.IntegerField(allow_null=True, help_text="The surviving record's id.")
    at = serializers.DateTimeField()

    def to_representation(self, change):
        return change.as_dict()


class ChangePageSerializer(serializers.Serializer):
    next = serializers.URLField(allow_null=True, help_text="The next page; null at the end.")
    cursor = serializers.IntegerField(allow_null=True,
                                      help_text="The last cursor of this page: keep it.")
    results = ChangeSerializer(many=True)


class ChangeQuerySerializer(serializers.Serializer):
    after = serializers.IntegerField(required=False, min_value=0, max_value=2**63 - 1)
    since = serializers.DateTimeField(required=False)
    type = serializers.ChoiceField(choices=["person", "source"], required=False)
    page_size = serializers.IntegerField(required=False, min_value=1, max_value=5000)


class SubmissionSerializer(ReadSerializer):
    """A record you submitted, as you submitted it, with where it stands."""

    type = serializers.ChoiceField(choices=["person", "event", "proceeding", "source"])
    id = serializers.IntegerField()
    publication_state = serializers.CharField()
    pending_review = serializers.BooleanField(
        help_text="True while a change you sent to a published record waits for review.")
    submitted = serializers.DictField(help_text="The fields as you sent them, merged.")

    def to_representation(self, view):
        return view


class OrganisationSerializer(ReadSerializer):
    id = serializers.IntegerField()
    url = serializers.URLField()
    name = serializers.CharField()
    abbreviation = serializers.CharField()
    slug = serializers.SlugField()
    other_names = serializers.ListField(child=serializers.CharField())
    kind = serializers.ChoiceField(choices=Organisation.Kind.choices)
    country = CountryField(allow_null=True)
    parent = serializers.IntegerField(allow_null=True, help_text="The id of the body it is "
                                                                 "part of.")
    description = serializers.CharField()

    def to_representation(self, organisation):
        return {
            "id": organisation.pk,
            "url": self.urls("organisation", organisation.pk),
            "name": organisation.name,
            "abbreviation": organisation.abbreviation,
            "slug": organisation.slug,
            "other_names": [line.strip() for line in organisation.other_names.splitlines()
                            if line.strip()],
            "kind": organisation.kind,
            "country": code(organisation.country),
            "parent": organisation.parent_id,
            "description": organisation.description,
        }


class ChargeSerializer(ReadSerializer):
    id = serializers.IntegerField()
    url = serializers.URLField()
    name = serializers.CharField()
    slug = serializers.SlugField()
    description = serializers.CharField()

    def to_representation(self, charge):
        return {"id": charge.pk, "url": self.urls("charge", charge.pk), "name": charge.name,
                "slug": charge.slug, "description": charge.description}


# ---------------------------------------------------------------------------------------
# Writes: what a partner submits. Everything lands as a draft for staff to review.
# ---------------------------------------------------------------------------------------


@extend_schema_field(OpenApiTypes.INT)
class WritableRelatedField(serializers.PrimaryKeyRelatedField):
    """A record the requesting partner may refer to: public, or submitted by them."""

    def __init__(self, model, **kwargs):
        self.model = model
        super().__init__(**kwargs)

    def get_queryset(self):
        return writable(self.model, self.context["request"].user, include_published=True)

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("incorrect_type", data_type=type(data).__name__)
        return super().to_internal_value(data)


class SlugLookupField(serializers.SlugRelatedField):
    """A record named by its slug. A NUL byte names none: PostgreSQL refuses it in a query."""

    def to_internal_value(self, data):
        if isinstance(data, str) and "\x00" in data:
            self.fail("does_not_exist", slug_name=self.slug_field,
                      value=data.replace("\x00", "\\0"))
        return super().to_internal_value(data)


class CitationWriteSerializer(serializers.Serializer):
    source = WritableRelatedField(Source, help_text="The id of a published source, or of one "
                                                    "you submitted.")
    passage = serializers.CharField(max_length=5000)


class DraftSerializer(serializers.ModelSerializer):
    """Base for writes: the response shows what the partner submitted (``services``)."""

    publication_state = serializers.CharField(read_only=True)
    pending_review = serializers.BooleanField(
        read_only=True, default=False,
        help_text="True while a change you sent to a published record waits for review.")


class AliasNamesField(serializers.ListField):
    """A person's public aliases as a list of names."""

    def get_attribute(self, person):
        return [alias.name for alias in person.aliases.all() if not alias.is_restricted]


class PersonWriteSerializer(DraftSerializer):
    aliases = AliasNamesField(
        child=serializers.CharField(max_length=200), required=False, max_length=50,
        help_text="Other spellings and scripts; on update, replaces the public aliases.",
    )
    country = CountryField()

    class Meta:
        model = Person
        fields = ["id", "name", "aliases", "sex", "birth_year", "country", "occupation",
                  "summary", "status", "involvement", "external_id", "publication_state",
                  "pending_review"]


class EventWriteSerializer(DraftSerializer):
    person = WritableRelatedField(Person)
    date = PartialDateField(allow_null=True, required=False)
    country = CountryField(required=False, allow_blank=True)
    perpetrator = SlugLookupField(
        slug_field="slug", queryset=Organisation.objects.public(), allow_null=True,
        required=False, help_text="The slug of an organisation (see /api/v1/organisations/).",
    )
    citations = CitationWriteSerializer(many=True, required=False, write_only=True,
                                        help_text="On update, replaces the citations.")

    class Meta:
        model = Event
        fields = ["id", "person", "kind", "date", "place", "place_is_restricted", "country",
                  "perpetrator", "description", "verification", "citations",
                  "publication_state", "pending_review"]


class ProceedingWriteSerializer(DraftSerializer):
    person = WritableRelatedField(Person)
    verdict_date = PartialDateField(allow_null=True, required=False)
    court = SlugLookupField(
        slug_field="slug", queryset=Organisation.objects.public().filter(
            kind=Organisation.Kind.COURT),
        allow_null=True, required=False,
        help_text="The slug of a court (see /api/v1/organisations/?kind=court).",
    )
    charges = SlugLookupField(
        slug_field="slug", queryset=Charge.objects.public(), many=True, required=False,
        help_text="Charge slugs (see /api/v1/charges/); on update, replaces the charges.",
    )
    citations = CitationWriteSerializer(many=True, required=False, write_only=True,
                                        help_text="On update, replaces the citations.")

    class Meta:
        model = Proceeding
        fields = ["id", "person", "court", "verdict_date", "closed_trial", "outcome",
                  "term_months", "life", "fine", "confiscation", "appeal", "charges",
                  "description", "verification", "citations", "publication_state",
                  "pending_review"]


class SourceWriteSerializer(DraftSerializer):
    slug = serializers.SlugField(max_length=200, required=False,
                                 help_text="A short stable key; made from the title if omitted.")
    published = PartialDateField(allow_null=True, required=False)

    class Meta:
        model = Source
        fields = ["id", "slug", "title", "publisher", "author", "published", "url", "language",
                  "publication_state", "pending_review"]
        extra_kwargs = {"slug": {"validators": []}}  # uniqueness: full_clean() in services


class ErrorSerializer(serializers.Serializer):
    """The shape of every error response."""

    detail = serializers.CharField(help_text="What went wrong, in words.")
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()), required=False,
        help_text="For invalid input: the messages for each parameter or field.",
    )

