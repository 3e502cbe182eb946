"""The public site: server-rendered pages showing only published, unrestricted records.

Every view reads through ``published()`` querysets (see ``queries.py``) in a fixed number
of queries, whatever the number of cases.
"""

import csv

from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.views.generic import DetailView, ListView, TemplateView, View
from django_filters.views import FilterMixin, FilterView

from casetracker.cases.exports import spreadsheet_cell
from casetracker.cases.models import Event, Organisation, Person, Source
from casetracker.cases.services import published_survivor
from casetracker.cases.versions import CACHE_TIMEOUT, public_version
from casetracker.names.search import did_you_mean
from casetracker.public import queries, statistics
from casetracker.public.filters import CaseFilter
from casetracker.public.pagination import CasePaginator
from casetracker.public.records import CaseRecord


class HomeView(TemplateView):
    template_name = "public/home.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            figures=queries.headline_figures(),
            latest=queries.latest_cases(),
            **kwargs,
        )


class CaseListView(FilterView):
    """Published targets, searched, filtered, sorted and paged by the query string."""

    filterset_class = CaseFilter
    template_name = "public/case_list.html"
    context_object_name = "people"
    paginate_by = 25
    paginate_orphans = 3

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        # What the cached filter choices and count are checked against: read once a request.
        self.version = public_version()

    def get_queryset(self):
        return queries.case_list()

    def get_filterset_kwargs(self, filterset_class):
        return {**super().get_filterset_kwargs(filterset_class), "version": self.version}

    def get_paginator(self, queryset, per_page, orphans=0, allow_empty_first_page=True,
                      **kwargs):
        return CasePaginator(queryset, per_page, orphans=orphans,
                             allow_empty_first_page=allow_empty_first_page,
                             version=self.version, **kwargs)

    def paginate_queryset(self, queryset, page_size):
        """``?page=abc`` names no page: the first is shown. A page past the last is a 404."""
        number = self.request.GET.get(self.page_kwarg, "")
        if number == "last" or (number.isascii() and number.isdigit()):
            return super().paginate_queryset(queryset, page_size)
        paginator = self.get_paginator(queryset, page_size, orphans=self.get_paginate_orphans())
        page = paginator.page(1)
        return paginator, page, page.object_list, page.has_other_pages()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.filterset.form.cleaned_data.get("q") if self.filterset.is_valid() else ""
        if query:
            # Empty when the query matched a name as spelled; otherwise the near misses.
            context["suggestions"] = did_you_mean(query, queries.public_targets())
        return context


def csv_header() -> list[str]:
    """The CSV's column names, in the reader's language."""
    return [_("Name"), _("Current status"), _("Country"), _("Latest event"),
            _("Date of latest event"), _("Case page")]


def case_row(person: Person, request) -> list[str]:
    """A case list row as CSV cells, column for column what the HTML table shows."""
    latest = person.latest_event_kind
    return [
        person.name,
        person.get_status_display(),
        person.country.name,
        Event.Kind(latest).label if latest else "",
        person.latest_event_date.display() if person.latest_event_date else "",
        request.build_absolute_uri(person.get_absolute_url()),
    ]


class CaseCSVView(FilterMixin, View):
    """The case list as CSV: the same search, filters and order, every page of it."""

    filterset_class = CaseFilter

    def get_queryset(self):
        return queries.case_list()

    def get(self, request):
        filterset = self.get_filterset(self.filterset_class)
        if filterset.is_bound and not filterset.is_valid():
            problems = "; ".join(
                f"{name}: {' '.join(errors)}" for name, errors in filterset.errors.items()
            )
            return HttpResponseBadRequest(
                _("The filters are not valid, so nothing was exported: %(problems)s")
                % {"problems": problems},
                content_type="text/plain; charset=utf-8",
            )
        day = timezone.localdate().isoformat()
        response = HttpResponse(
            content_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="cases-{day}.csv"'},
        )
        writer = csv.writer(response)
        writer.writerow(csv_header())
        for person in filterset.qs.iterator(chunk_size=500):
            writer.writerow([spreadsheet_cell(cell) for cell in case_row(person, request)])
        return response


class CaseDetailView(DetailView):
    template_name = "public/case_detail.html"
    context_object_name = "person"

    def get_queryset(self):
        return Person.objects.published().with_record()

    def get(self, request, *args, **kwargs):
        try:
            return super().get(request, *args, **kwargs)
        except Http404:
            # A duplicate merged into another record keeps its old address working.
            survivor = published_survivor(slug=kwargs["slug"])
            if survivor is None:
                raise
            return redirect(survivor, permanent=True)

    def get_context_data(self, **kwargs):
        return super().get_context_data(record=CaseRecord(self.object), **kwargs)


class OrganisationDetailView(DetailView):
    template_name = "public/organisation_detail.html"
    context_object_name = "organisation"
    queryset = Organisation.objects.public().select_related("parent")

    def get_context_data(self, **kwargs):
        parent = self.object.parent
        return super().get_context_data(
            members=queries.organisation_members(self.object),
            parent=parent if parent and Organisation.objects.public().filter(
                pk=parent.pk).exists() else None,
            **kwargs
        )


class SourceListView(ListView):
    """Every published source, newest first, with the published people it documents."""

    template_name = "public/source_list.html"
    context_object_name = "sources"
    paginate_by = 50
    queryset = Source.objects.published()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        documented = queries.people_by_source(context["sources"])
        context["entries"] = [(source, documented.get(source.pk, []))
                              for source in context["sources"]]
        return context


class StatisticsView(TemplateView):
    """The statistics page, its charts and tables rendered once per state of the data.

    The template caches its body under the data version and the language; the figures are
    lazy, so a page served from that cache neither reads nor lays them out.
    """

    template_name = "public/statistics.html"

    def get_context_data(self, **kwargs):
        version = public_version()
        figures = SimpleLazyObject(lambda: queries.statistics_figures(version))
        return super().get_context_data(
            public_version=version.key,
            cache_timeout=CACHE_TIMEOUT,
            sentences=SimpleLazyObject(lambda: statistics.sentences_by_year_and_country(
                figures["sentences"], figures["totals"])),
            statuses=SimpleLazyObject(lambda: statistics.people_by_status(figures["statuses"])),
            events=SimpleLazyObject(lambda: statistics.events_by_kind_and_year(
                figures["events"])),
            organisations=SimpleLazyObject(lambda: statistics.prison_years_by_organisation(
                figures["organisations"])),
            **kwargs,
        )


class RobotsView(TemplateView):
    template_name = "public/robots.txt"
    content_type = "text/plain; charset=utf-8"
