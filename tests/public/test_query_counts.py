"""Every page runs the same number of queries for 5 people as for 50."""

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from casetracker.cases.models import Event, Organisation, Person
from casetracker.changes.log import catch_up
from tests.factories import (
    AffiliationFactory,
    AliasFactory,
    CitationFactory,
    EventFactory,
    OrganisationFactory,
    PersonFactory,
    RelationshipFactory,
    SourceFactory,
    cited_person,
)

# Queries per page, whatever the data size: (the first visit after any record changed, a
# visit after that). Every page reads the public version (one query); what is cached under it
# (the home page's figures, the statistics, the case list's filter choices and count) is
# computed again only after a change. The case list: the version, the choices its filters
# offer (countries, years, charges, organisations; the charges and organisations are read
# again to render them, and a chosen one once more to validate it), the count and the page.
# The sitemap: a count and a page per section. The feed and the sitemap date their entries
# by the change log, which they first ask whether anything is waiting to be logged.
PAGES = {
    "/": (4, 2),
    "/cases/": (9, 4),
    "/cases/?country=TJ&status=imprisoned&event=arrest&charge=terrorism&organisation=party"
    "&year=2015&sort=-latest&page=1": (11, 6),
    "/cases.csv?event=arrest&charge=terrorism&sort=name": (7, 3),
    "/cases.atom": (2, 2),
    "/sitemap.xml": (5, 5),
    "/statistics/": (7, 1),
    "/sources/": (4, 4),
    "/organisations/party/": (3, 3),
    "/robots.txt": (0, 0),
}


# A name search (casetracker.names.search, run twice with "Did you mean") adds a few queries
# of its own: on PostgreSQL the matching ids, and one or two more when it has to look for near
# misses; never more than this, at any size.
SEARCHES = ["/cases/?q=Persn", "/cases/?q=Number&status=imprisoned", "/cases.csv?q=Persn"]
SEARCH_QUERIES_AT_MOST = PAGES["/cases/"][0] + 7


def populate(count: int):
    """``count`` cited people in one party, each with an alias and a brother before them."""
    party = Organisation.objects.filter(slug="party").first() or OrganisationFactory(slug="party")
    previous = Person.objects.order_by("-pk").first()
    for _index in range(count):
        person = cited_person()
        AliasFactory(person=person)
        AffiliationFactory(person=person, organisation=party)
        if previous is not None:
            RelationshipFactory(person=person, kind="sibling", relative=previous)
        previous = person
    catch_up()  # what the worker does after each commit: the requests pay nothing for it


def queries_for(client, url) -> tuple[int, int]:
    """Queries for ``url`` after a change (nothing cached), then on a second visit."""
    counts = []
    cache.clear()
    for _visit in range(2):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200, url
        counts.append(len(captured))
    return tuple(counts)


def test_every_page_runs_a_fixed_number_of_queries(client, db):
    filtered = next(url for url in PAGES if "charge=" in url and url.startswith("/cases/"))
    populate(5)
    few = {url: queries_for(client, url) for url in [*PAGES, *SEARCHES]}
    assert client.get(filtered).context["paginator"].count == 5  # the filters do match
    populate(45)
    many = {url: queries_for(client, url) for url in [*PAGES, *SEARCHES]}
    assert client.get(filtered).context["paginator"].count == 50
    assert {url: few[url] for url in PAGES} == {url: many[url] for url in PAGES} == PAGES
    for url in SEARCHES:
        assert max(few[url] + many[url]) <= SEARCH_QUERIES_AT_MOST, url


def test_cached_figures_follow_every_change(client, db):
    """The cached figures are never stale: a change anywhere shows on the next visit."""
    def statuses_charted():
        return re.search(r"Bar chart of (\d+) people by current status",
                         client.get("/statistics/").content.decode())[1]

    populate(3)
    assert client.get("/cases/").context["paginator"].count == 3
    assert client.get("/").context["figures"]["documented"] == 3
    assert statuses_charted() == "3"
    populate(1)
    assert client.get("/cases/").context["paginator"].count == 4
    assert client.get("/").context["figures"]["documented"] == 4
    assert statuses_charted() == "4"
    Person.objects.order_by("pk").last().delete()
    assert client.get("/cases/").context["paginator"].count == 3
    assert client.get("/").context["figures"]["documented"] == 3
    assert statuses_charted() == "3"


@pytest.mark.parametrize("size", [5, 50])
def test_case_page_runs_a_fixed_number_of_queries(client, db, django_assert_num_queries, size):
    """However long the record: the person, then one query per prefetched part (13 here).

    Django skips the prefetch of an empty part's children (the citations of no affiliation),
    so a case page never runs more than 15.
    """
    person = cited_person()
    source = SourceFactory()
    for index in range(size):
        event = EventFactory(person=person, kind=Event.Kind.HARASSMENT, date=f"{2000 + index}")
        CitationFactory(source=source, event=event)
        relative = PersonFactory()
        RelationshipFactory(person=relative, kind="sibling", relative=person)
        AliasFactory(person=person)
    catch_up()
    with django_assert_num_queries(13):
        response = client.get(person.get_absolute_url())
    assert response.status_code == 200
    assert response.content.decode().count('class="timeline__item') == size + 3
