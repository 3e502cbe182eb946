"""The **stock** baseline: what a developer gets from DRF without tuning anything.

A ``ModelViewSet`` over the same published people, nested ``ModelSerializer``s (with
django-countries' ``CountryFieldMixin``, as its docs say) for the same fields as the app's
API, DRF's ``PageNumberPagination`` (``COUNT(*)`` and ``OFFSET``),
``DjangoFilterBackend`` with ``filterset_fields`` and DRF's ``SearchFilter`` over the name
and the aliases, and no ``select_related``/``prefetch_related``. Nested facts keep to
published, unrestricted rows with the usual idiom, a ``ListSerializer`` that filters its
related manager, so the baseline serves the same rows as the app (and is no less correct);
it just asks the database once per relation per row.

Mounted only by bench/urls.py, which only the harness uses.
"""

from django.db.models import Manager
from django_countries.serializers import CountryFieldMixin
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import filters, pagination, serializers, viewsets
from rest_framework.renderers import JSONRenderer

from casetracker.cases.models import (
    Affiliation,
    Alias,
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


class PublishedList(serializers.ListSerializer):
    """Nested lists show published, unrestricted rows only (a common DRF idiom)."""

    def to_representation(self, data):
        if isinstance(data, Manager):
            model = data.model
            if hasattr(model, "publication_state"):
                data = data.filter(publication_state="published", is_restricted=False)
            elif model is Alias:
                data = data.filter(is_restricted=False)
            elif model is Citation:
                data = data.filter(source__publication_state="published",
                                   source__is_restricted=False)
        return super().to_representation(data)


class SourceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Source
        fields = ["id", "title", "publisher", "author", "published", "url", "language"]


class CitationSerializer(serializers.ModelSerializer):
    source = SourceSerializer()

    class Meta:
        model = Citation
        fields = ["source", "passage"]
        list_serializer_class = PublishedList


class OrganisationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organisation
        fields = ["id", "name", "abbreviation", "slug"]


class AliasSerializer(serializers.ModelSerializer):
    class Meta:
        model = Alias
        fields = ["name"]
        list_serializer_class = PublishedList


class AffiliationSerializer(serializers.ModelSerializer):
    organisation = OrganisationSerializer()
    citations = CitationSerializer(many=True)

    class Meta:
        model = Affiliation
        fields = ["organisation", "role", "start", "end", "citations"]
        list_serializer_class = PublishedList


class PersonRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Person
        fields = ["id", "name"]


class RelationshipSerializer(serializers.ModelSerializer):
    person = PersonRefSerializer()
    relative = PersonRefSerializer()
    citations = CitationSerializer(many=True)

    class Meta:
        model = Relationship
        fields = ["kind", "person", "relative", "citations"]
        list_serializer_class = PublishedList


class ChargeLinkSerializer(serializers.ModelSerializer):
    charge = serializers.StringRelatedField()

    class Meta:
        model = ProceedingCharge
        fields = ["charge", "code_article"]


class ProceedingSerializer(serializers.ModelSerializer):
    court = serializers.StringRelatedField()
    proceeding_charges = ChargeLinkSerializer(many=True)
    citations = CitationSerializer(many=True)

    class Meta:
        model = Proceeding
        fields = ["id", "verdict_date", "court", "outcome", "term_months", "life",
                  "proceeding_charges", "fine", "confiscation", "closed_trial", "appeal",
                  "citations"]
        list_serializer_class = PublishedList


class EventSerializer(CountryFieldMixin, serializers.ModelSerializer):
    perpetrator = serializers.StringRelatedField()
    citations = CitationSerializer(many=True)

    class Meta:
        model = Event
        fields = ["id", "kind", "date", "place", "country", "perpetrator", "description",
                  "verification", "citations"]
        list_serializer_class = PublishedList


class DetentionSerializer(serializers.ModelSerializer):
    citations = CitationSerializer(many=True)

    class Meta:
        model = Detention
        fields = ["id", "start", "end", "place", "description", "citations"]
        list_serializer_class = PublishedList


class PersonListSerializer(CountryFieldMixin, serializers.HyperlinkedModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="stock-person-detail")
    aliases = AliasSerializer(many=True)
    latest_event = serializers.SerializerMethodField()

    class Meta:
        model = Person
        fields = ["id", "url", "name", "aliases", "country", "status", "involvement",
                  "latest_event", "updated_at"]

    def get_latest_event(self, person):
        event = (person.events.filter(publication_state="published", is_restricted=False,
                                      date__isnull=False).order_by("-date", "-pk").first())
        return {"kind": event.kind, "date": str(event.date)} if event else None


class PersonDetailSerializer(PersonListSerializer):
    affiliations = AffiliationSerializer(many=True)
    relationships = RelationshipSerializer(many=True)
    reverse_relationships = RelationshipSerializer(many=True)
    proceedings = ProceedingSerializer(many=True)
    events = EventSerializer(many=True)
    detentions = DetentionSerializer(many=True)

    class Meta(PersonListSerializer.Meta):
        fields = ["id", "url", "name", "aliases", "sex", "birth_year", "country", "occupation",
                  "status", "involvement", "summary", "affiliations", "relationships",
                  "reverse_relationships", "proceedings", "events", "detentions", "updated_at"]


class Pagination(pagination.PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class PersonViewSet(viewsets.ModelViewSet):
    queryset = Person.objects.filter(publication_state="published", is_restricted=False,
                                     merged_into__isnull=True).order_by("name", "pk")
    pagination_class = Pagination
    renderer_classes = [JSONRenderer]
    filter_backends = [DjangoFilterBackend, filters.SearchFilter]
    filterset_fields = ["country", "status", "involvement"]
    search_fields = ["name", "aliases__name"]

    def get_serializer_class(self):
        return PersonDetailSerializer if self.action == "retrieve" else PersonListSerializer
