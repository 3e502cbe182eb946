"""The API's endpoints: public reads of published records, partner writes of drafts.

Every list answers in JSON (paginated) or CSV (every matching row, streamed), with ETag and
Last-Modified; every response is built in a fixed number of SQL queries, whatever the size of
the database or of the record.
"""

import orjson
from django.db.models import Prefetch
from django.http import StreamingHttpResponse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import exceptions, generics, mixins, serializers, status, viewsets
from rest_framework.renderers import BrowsableAPIRenderer
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.routers import APIRootView
from rest_framework.utils.urls import remove_query_param, replace_query_param

from casetracker.api import filters, services
from casetracker.api import serializers as api
from casetracker.api.conditional import (
    add_validators,
    list_version,
    not_modified,
    person_version,
)
from casetracker.api.permissions import IsAuthenticatedPartner
from casetracker.api.renderers import CsvRenderer, OrjsonRenderer, stream_csv
from casetracker.cases.models import (
    Alias,
    Charge,
    Citation,
    Event,
    Organisation,
    Person,
    Proceeding,
    ProceedingCharge,
    Source,
)
from casetracker.cases.services import published_survivor
from casetracker.changes import log
from casetracker.changes.models import Change

MAX_ID = 2**63 - 1
CSV_CHUNK_SIZE = 2000


def public_citations():
    """Citations of published sources, with their source: what facts show as ``sources``."""
    return Prefetch(
        "citations",
        queryset=Citation.objects.filter(source__in=Source.objects.published())
        .select_related("source").order_by("source__published", "pk"),
    )


# ---------------------------------------------------------------------------------------
# CSV: the JSON representation, flattened
# ---------------------------------------------------------------------------------------

def csv_columns(serializer, prefix="") -> list[str]:
    """Column names for a serializer's output: nested objects and lists of objects get
    ``parent_child`` columns, lists of values one column."""
    columns = []
    for name, field in serializer.fields.items():
        column = f"{prefix}{name}"
        if isinstance(field, serializers.ListSerializer):
            columns += csv_columns(field.child, f"{column}_")
        elif isinstance(field, serializers.Serializer):
            columns += csv_columns(field, f"{column}_")
        else:
            columns.append(column)
    return columns


def flatten(data: dict, prefix="", row=None) -> dict:
    """One CSV row from a representation: ``{"latest_event": {"kind": …}}`` gives
    ``latest_event_kind``; a list is a JSON array in its cell (a list of objects, one array
    per key, in the same order), so a value holding a separator cannot split, and the
    parallel columns stay aligned."""
    row = {} if row is None else row
    for key, value in data.items():
        column = f"{prefix}{key}"
        if isinstance(value, dict):
            flatten(value, f"{column}_", row)
        elif isinstance(value, list):
            if value and isinstance(value[0], dict):
                for subkey in value[0]:
                    row[f"{column}_{subkey}"] = _json([item[subkey] for item in value])
            else:
                row[column] = _json(value)
        else:
            row[column] = value.isoformat() if hasattr(value, "isoformat") else value
    return row


def _json(values) -> str:
    return orjson.dumps(values, default=str).decode()


# ---------------------------------------------------------------------------------------
# Base view sets
# ---------------------------------------------------------------------------------------

LIST_SCHEMA = {
    "parameters": [OpenApiParameter(
        "format", str, enum=["json", "csv"],
        description="`csv`: every matching row (no pagination) as CSV with a header line, "
                    "UTF-8 with a byte-order mark so spreadsheets read any script; or send "
                    "`Accept: text/csv`. Nested objects are columns named `parent_child`; a "
                    "list is a JSON array in its cell (`[\"Иззат Амон\",\"Izzat Amonov\"]`), "
                    "and a list of objects one JSON array per key, in the same order.",
    )],
}


class PublicViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Base for the public read endpoints (see the module docstring)."""

    renderer_classes = [OrjsonRenderer, BrowsableAPIRenderer, CsvRenderer]

    def initial(self, request, *args, **kwargs):
        # PostgreSQL refuses NUL bytes in text: say so before any query is built.
        for key, values in request.query_params.lists():
            if "\x00" in key or any("\x00" in value for value in values):
                raise exceptions.ValidationError(
                    {key.replace("\x00", "\\0"): [_("NUL characters are not allowed.")]})
        super().initial(request, *args, **kwargs)

    def get_renderers(self):
        renderers = super().get_renderers()
        if self.action != "list":
            renderers = [r for r in renderers if not isinstance(r, CsvRenderer)]
        return renderers

    def finalize_response(self, request, response, *args, **kwargs):
        # An error is a message for a person or a program, not a table: always JSON.
        if (isinstance(response, Response) and response.status_code >= 400
                and isinstance(getattr(request, "accepted_renderer", None), CsvRenderer)):
            request.accepted_renderer = OrjsonRenderer()
            request.accepted_media_type = OrjsonRenderer.media_type
        return super().finalize_response(request, response, *args, **kwargs)

    def filter_queryset(self, queryset):
        # Filters select what a list shows; a record's own URL ignores them.
        return super().filter_queryset(queryset) if self.action == "list" else queryset

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["urls"] = api.ApiUrls(self.request)
        return context

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        csv = request.accepted_renderer.format == "csv"
        version = list_version(queryset, count=not csv)
        if response := not_modified(request, version):
            return response
        if csv:
            return add_validators(self.csv_response(queryset), request, version)
        page = self.paginator.paginate_queryset(queryset, request, view=self, count=version.count)
        response = self.paginator.get_paginated_response(
            self.get_serializer(page, many=True).data)
        return add_validators(response, request, version)

    def retrieve(self, request, *args, **kwargs):
        pk = self.valid_pk()
        # A record is found by its primary key: cheap to look up, not worth caching.
        if not self.get_queryset().filter(pk=pk).exists():
            raise exceptions.NotFound()
        version = list_version(self.get_queryset(), count=False)
        if response := not_modified(request, version):
            return response
        instance = self.get_queryset().filter(pk=pk).first()
        if instance is None:
            raise exceptions.NotFound()
        return add_validators(Response(self.get_serializer(instance).data), request, version)

    def valid_pk(self) -> int:
        raw = self.kwargs[self.lookup_url_kwarg or self.lookup_field]
        # isdigit() alone accepts "¹" and "١", which int() refuses or reads as another id.
        if not (raw.isascii() and raw.isdigit()) or not 0 < int(raw) <= MAX_ID:
            raise exceptions.NotFound(_("No record has the id “%(id)s”.") % {"id": raw[:40]})
        return int(raw)

    def csv_response(self, queryset):
        serializer = self.get_serializer(many=True)
        header = csv_columns(serializer.child)
        rows = (flatten(serializer.child.to_representation(record))
                for record in queryset.iterator(chunk_size=CSV_CHUNK_SIZE))
        response = StreamingHttpResponse(stream_csv(header, rows, bom=True),
                                         content_type="text/csv; charset=utf-8")
        name = queryset.model._meta.verbose_name_plural
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return response


class WritableViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, PublicViewSet):
    """Adds partner writes: validated by ``write_serializer_class``, saved by ``submit``."""

    write_serializer_class = None
    submit = None  # a function of casetracker.api.services

    def get_serializer_class(self):
        if self.action in ("create", "update", "partial_update"):
            return self.write_serializer_class
        return super().get_serializer_class()

    def get_queryset(self):
        if self.action in ("update", "partial_update"):
            return services.submitted_by(self.queryset.model, self.request.user)
        return super().get_queryset()

    def get_object(self):
        self.valid_pk()
        return super().get_object()

    def represent(self, value) -> dict:
        """A record, or the fields a partner sent, in this endpoint's write representation."""
        serializer = self.get_serializer()
        if not isinstance(value, dict):
            return self.get_serializer(value).data
        fields = serializer.fields
        return {name: None if item is None else fields[name].to_representation(item)
                for name, item in value.items()
                if name in fields and not fields[name].write_only}

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        record = type(self).submit(user=request.user, represent=self.represent,
                                   **serializer.validated_data)
        return Response(services.partner_view(record, request.user, represent=self.represent),
                        status=status.HTTP_201_CREATED)

    def update(self, request, *args, partial=False, **kwargs):
        record = self.get_object()
        serializer = self.get_serializer(record, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        record = type(self).submit(user=request.user, represent=self.represent,
                                   instance=record, **serializer.validated_data)
        return Response(services.partner_view(record, request.user, represent=self.represent))


WRITE_SCHEMA = {
    "description": "Needs a token allowed to write (`Authorization: Token <key>`). The record "
                   "is saved as a draft for staff to review; it is not public until they "
                   "publish it. You may update only records you submitted: an update of one "
                   "staff have published waits for their review (`pending_review`) and the "
                   "public record stays as it is. The answer shows what you submitted, not "
                   "what staff added since.",
}


# ---------------------------------------------------------------------------------------
# Endpoints
# ---------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        responses={(200, "application/json"): api.PersonListSerializer,
                   (200, "text/csv"): OpenApiTypes.STR}, **LIST_SCHEMA),
    retrieve=extend_schema(responses={
        200: api.PersonDetailSerializer,
        301: OpenApiResponse(description="The person was merged into another record: "
                                         "Location gives its URL."),
    }),
    create=extend_schema(**WRITE_SCHEMA),
    update=extend_schema(**WRITE_SCHEMA),
    partial_update=extend_schema(**WRITE_SCHEMA),
)
class PersonViewSet(WritableViewSet):
    """People documented as targets of persecution, and relatives named for context.

    The list shows each person's name, aliases, country, status and latest event; a
    person's URL gives their whole public record: affiliations, relatives, sentences,
    charges, events, detentions and every source cited.
    """

    queryset = Person.objects.all()
    serializer_class = api.PersonListSerializer
    write_serializer_class = api.PersonWriteSerializer
    submit = staticmethod(services.submit_person)
    filterset_class = filters.PersonFilter
    # The columns the list shows, and what the latest-event annotation and ordering need.
    LIST_COLUMNS = ["id", "name", "country", "status", "involvement", "public_changed_at"]

    def get_queryset(self):
        if self.action == "list":
            return (
                Person.objects.published().with_latest_event()
                .only(*self.LIST_COLUMNS)
                .prefetch_related(Prefetch(
                    "aliases", queryset=Alias.objects.filter(is_restricted=False)
                    .only("id", "person_id", "name"), to_attr="public_aliases",
                ))
            )
        if self.action == "retrieve":
            return Person.objects.published().with_record()
        return super().get_queryset()

    def get_serializer_class(self):
        if self.action == "retrieve":
            return api.PersonDetailSerializer
        return super().get_serializer_class()

    def retrieve(self, request, *args, **kwargs):
        pk = self.valid_pk()
        version = person_version(pk)
        if version is None:
            # A duplicate merged into another record keeps its old URL working.
            if survivor := published_survivor(pk=pk):
                location = reverse("api:person-detail", args=[survivor.pk], request=request)
                return Response(status=status.HTTP_301_MOVED_PERMANENTLY,
                                headers={"Location": location})
            raise exceptions.NotFound()
        if response := not_modified(request, version):
            return response
        person = self.get_queryset().filter(pk=pk).first()
        if person is None:
            raise exceptions.NotFound()
        return add_validators(Response(self.get_serializer(person).data), request, version)


@extend_schema_view(
    list=extend_schema(
        responses={(200, "application/json"): api.EventSerializer,
                   (200, "text/csv"): OpenApiTypes.STR}, **LIST_SCHEMA),
    create=extend_schema(**WRITE_SCHEMA),
    update=extend_schema(**WRITE_SCHEMA),
    partial_update=extend_schema(**WRITE_SCHEMA),
)
class EventViewSet(WritableViewSet):
    """What happened to people: arrests, torture, trials, deaths… in date order.

    Dates are as precise as the sources: filtering by a range matches the events that may
    fall in it (an event in "October 2016" matches `after=2016-10-15`).
    """

    queryset = Event.objects.all()
    serializer_class = api.EventSerializer
    write_serializer_class = api.EventWriteSerializer
    submit = staticmethod(services.submit_event)
    filterset_class = filters.EventFilter

    def get_queryset(self):
        if self.action in ("list", "retrieve"):
            return (
                Event.objects.published()
                .filter(person__in=Person.objects.published())
                .select_related("person", "perpetrator")
                .prefetch_related(public_citations())
            )
        return super().get_queryset()


@extend_schema_view(
    list=extend_schema(
        responses={(200, "application/json"): api.ProceedingSerializer,
                   (200, "text/csv"): OpenApiTypes.STR}, **LIST_SCHEMA),
    create=extend_schema(**WRITE_SCHEMA),
    update=extend_schema(**WRITE_SCHEMA),
    partial_update=extend_schema(**WRITE_SCHEMA),
)
class ProceedingViewSet(WritableViewSet):
    """Trials and their verdicts, sentences and charges, in date order (each person's
    record also gives their convictions, as `sentences`)."""

    queryset = Proceeding.objects.all()
    serializer_class = api.ProceedingSerializer
    write_serializer_class = api.ProceedingWriteSerializer
    submit = staticmethod(services.submit_proceeding)
    filterset_class = filters.ProceedingFilter

    def get_queryset(self):
        if self.action in ("list", "retrieve"):
            return (
                Proceeding.objects.published()
                .filter(person__in=Person.objects.published())
                .select_related("person", "court")
                .prefetch_related(Prefetch("proceeding_charges",
                                           queryset=ProceedingCharge.objects
                                           .select_related("charge")),
                                  public_citations())
            )
        return super().get_queryset()


class ChangeFeedView(generics.GenericAPIView):
    """Every change to what the public sees, oldest first: what a mirror replays.

    Each row names a record (a person or a source) and what became of it: `changed` (read
    it again), `removed` (delete your copy) or `merged` (it now lives on as `into`). Start
    with `?since=<ISO datetime>` or from the beginning, then follow `next` (or pass the last
    `cursor` you processed as `after`): replaying from any cursor ends with exactly the
    public data. A change nobody outside can see is never listed.
    """

    queryset = Change.objects.none()  # read in list(), after catching the log up
    serializer_class = api.ChangeSerializer
    pagination_class = None  # its own cursor: `after`
    filter_backends = []
    renderer_classes = [OrjsonRenderer, BrowsableAPIRenderer]
    PAGE_SIZE, MAX_PAGE_SIZE = 500, 5000

    @extend_schema(
        parameters=[
            OpenApiParameter("after", int, description="Only changes after this cursor."),
            OpenApiParameter("since", OpenApiTypes.DATETIME,
                             description="Only changes logged at or after this time."),
            OpenApiParameter("type", str, enum=["person", "source"],
                             description="Only changes of this kind of record."),
            OpenApiParameter("page_size", int, description=f"At most {MAX_PAGE_SIZE}."),
        ],
        responses={200: api.ChangePageSerializer},
        operation_id="changes_list", summary="Replay the public change log",
    )
    def get(self, request, *args, **kwargs):
        params = api.ChangeQuerySerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        query = params.validated_data
        log.catch_up()
        changes = Change.objects.order_by("id")
        if query.get("after") is not None:
            changes = changes.filter(id__gt=query["after"])
        if query.get("since") is not None:
            changes = changes.filter(at__gte=query["since"])
        if query.get("type"):
            changes = changes.filter(record_type=query["type"])
        size = min(query.get("page_size") or self.PAGE_SIZE, self.MAX_PAGE_SIZE)
        rows = list(changes[:size + 1])
        more, rows = len(rows) > size, rows[:size]
        next_url = None
        if more:
            url = replace_query_param(request.build_absolute_uri(), "after", rows[-1].id)
            next_url = remove_query_param(url, "since")
        return Response({"next": next_url,
                         "cursor": rows[-1].id if rows else query.get("after"),
                         "results": self.get_serializer(rows, many=True).data})


class SubmissionViewSet(viewsets.ViewSet):
    """What your token submitted (people, events, proceedings, sources), as you sent it,
    with its publication state and whether a change of yours waits for review: your own
    drafts, which the public lists do not show."""

    renderer_classes = [OrjsonRenderer, BrowsableAPIRenderer]
    permission_classes = [IsAuthenticatedPartner]
    pagination_class = None
    KINDS = {"person": (Person, api.PersonWriteSerializer),
             "event": (Event, api.EventWriteSerializer),
             "proceeding": (Proceeding, api.ProceedingWriteSerializer),
             "source": (Source, api.SourceWriteSerializer)}

    def represent(self, serializer_class):
        def represent(value):
            serializer = serializer_class(context={"request": self.request})
            if isinstance(value, dict):
                fields = serializer.fields
                return {name: None if item is None else fields[name].to_representation(item)
                        for name, item in value.items()
                        if name in fields and not fields[name].write_only}
            return serializer_class(value, context={"request": self.request}).data
        return represent

    def view(self, kind, record):
        _model, serializer_class = self.KINDS[kind]
        view = services.partner_view(record, self.request.user,
                                     represent=self.represent(serializer_class))
        meta = {name: view.pop(name) for name in ("id", "publication_state",
                                                   "pending_review")}
        return {"type": kind, **meta, "submitted": view}

    @extend_schema(responses={200: api.SubmissionSerializer(many=True)})
    def list(self, request):
        rows = []
        for kind, (model, _serializer) in self.KINDS.items():
            for record in services.submitted_by(model, request.user).order_by("pk"):
                rows.append(self.view(kind, record))
        return Response(api.SubmissionSerializer(rows, many=True).data)


@extend_schema_view(
    list=extend_schema(
        responses={(200, "application/json"): api.SourceSerializer,
                   (200, "text/csv"): OpenApiTypes.STR}, **LIST_SCHEMA),
    create=extend_schema(**WRITE_SCHEMA),
    update=extend_schema(**WRITE_SCHEMA),
    partial_update=extend_schema(**WRITE_SCHEMA),
)
class SourceViewSet(WritableViewSet):
    """The published articles and reports that the records cite."""

    queryset = Source.objects.all()
    serializer_class = api.SourceSerializer
    write_serializer_class = api.SourceWriteSerializer
    submit = staticmethod(services.submit_source)
    filterset_class = filters.SourceFilter

    def get_queryset(self):
        if self.action in ("list", "retrieve"):
            return Source.objects.published()
        return super().get_queryset()


@extend_schema_view(list=extend_schema(
    responses={(200, "application/json"): api.OrganisationSerializer,
               (200, "text/csv"): OpenApiTypes.STR}, **LIST_SCHEMA))
class OrganisationViewSet(PublicViewSet):
    """Parties, media, courts, security services and other bodies the published records name."""

    queryset = Organisation.objects.public()
    serializer_class = api.OrganisationSerializer
    filterset_class = filters.OrganisationFilter


@extend_schema_view(list=extend_schema(
    responses={(200, "application/json"): api.ChargeSerializer,
               (200, "text/csv"): OpenApiTypes.STR}, **LIST_SCHEMA))
class ChargeViewSet(PublicViewSet):
    """The normalised criminal charges ("extremism", "fraud"…) published proceedings bring."""

    queryset = Charge.objects.public()
    serializer_class = api.ChargeSerializer
    filterset_class = filters.ChargeFilter


class ApiRootView(APIRootView):
    """casetracker's API: documented cases of political persecution in Central Asia.

    Reading is open to all; writing needs a partner token. The OpenAPI schema is at
    `schema/` and interactive documentation at `docs/`.
    """
