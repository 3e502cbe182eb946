"""Restricted and unpublished data never leaves the admin: not on a page, a CSV, a feed or a chart.

Every secret carries a unique marker (see ``tests/public/cases.py``); every public address is
fetched and searched for every marker.
"""

import pytest
from django.urls import reverse
from rest_framework import status

from casetracker.cases.models import Organisation, Person, PublicationState
from casetracker.public import queries
from tests.public.cases import MARKERS


def public_addresses(family):
    """Every address the public site has for this data, in both languages' terms."""
    addresses = [
        "/", "/cases/", "/cases/?page=1&sort=-latest", "/cases.csv", "/cases.atom",
        "/sitemap.xml", "/robots.txt", "/statistics/", "/sources/",
        "/cases/?q=Nazarov", "/cases.csv?q=Nazarov",
    ]
    addresses += [person.get_absolute_url() for person in Person.objects.published()]
    addresses += [org.get_absolute_url() for org in queries.public_organisations()]
    return addresses


@pytest.fixture
def everything_public(client, family, secrets):
    pages = {}
    for address in public_addresses(family):
        response = client.get(address)
        assert response.status_code == status.HTTP_200_OK, address
        pages[address] = response.content.decode().lower()
    return pages


def test_no_secret_on_any_public_page(everything_public):
    leaks = {
        secret: [address for address, content in everything_public.items()
                 if marker.lower() in content]
        for secret, marker in MARKERS.items()
    }
    assert {secret: where for secret, where in leaks.items() if where} == {}


def test_the_pages_searched_do_show_the_public_record(everything_public):
    """The leak test would pass on empty pages: make sure they are not empty."""
    assert "рустам назаров" in everything_public["/cases/rustam-nazarov/"]
    assert "prison colony no. 3" in everything_public["/cases/rustam-nazarov/"]
    assert "rustam nazarov" in everything_public["/cases.csv"]
    assert "rustam nazarov" in everything_public["/cases.atom"]


@pytest.mark.parametrize("secret", ["restricted alias", "real name", "draft person",
                                    "restricted person", "withdrawn person", "merged person"])
def test_searching_for_a_secret_name_finds_nobody(client, secrets, secret):
    response = client.get(reverse("public:case-list"), {"q": MARKERS[secret]})
    assert [person.name for person in response.context["people"]] == []
    _header, *rows = client.get(reverse("public:case-csv"), {"q": MARKERS[secret]}).content \
        .decode().splitlines()
    assert rows == []


def test_unpublished_people_have_no_page(client, secrets):
    """Drafts and restricted people are 404; a merged-away one that was public (withdrawn by
    the merge) redirects to its public survivor."""
    for person in Person.objects.exclude(pk__in=Person.objects.published()):
        response = client.get(person.get_absolute_url())
        if (person.merged_into_id and person.merged_into.is_public and not person.is_restricted
                and person.publication_state == PublicationState.WITHDRAWN):
            assert response.status_code == status.HTTP_301_MOVED_PERMANENTLY, person.name
            assert response["Location"] == person.merged_into.get_absolute_url()
        else:
            assert response.status_code == status.HTTP_404_NOT_FOUND, person.name


def test_unpublished_facts_change_no_figure(client, family, secrets):
    """The draft 999-month sentence, the draft and restricted killings and trials count nothing."""
    figures = client.get("/").context["figures"]
    # The sixth person is the blogger published under a pseudonym.
    assert figures == {"documented": 6, "imprisoned": 4, "killed": 0, "months": 276, "life": 1,
                       "sentences": 2, "years": 23}
    assert queries.sentences_by_year_and_country() == [
        {"year": "2016", "country": "TJ", "sentences": 1},
        {"year": "2017", "country": "KG", "sentences": 1},
    ]
    organisations = {org.slug: org.months for org in queries.prison_years_by_organisation()}
    assert organisations == {"udr": 276, "free-steppe-press": 0}
    kinds = {row["kind"] for row in queries.events_by_kind_and_year()}
    assert kinds == {"arrest", "torture", "threat", "ill_treatment"}


def test_filters_do_not_match_on_unpublished_facts(client, secrets):
    """Rustam's killing is a draft and his abduction restricted: neither makes him match."""
    for event in ("killing", "abduction"):
        response = client.get(reverse("public:case-list"), {"event": event})
        assert [person.name for person in response.context["people"]] == [], event
    response = client.get(reverse("public:case-list"), {"year": "2014"})
    assert response.context["filter"].errors  # 2014 is known only from the restricted event
    assert Organisation.objects.filter(slug="zz-hidden-org").exists()
    response = client.get(reverse("public:case-list"), {"organisation": "zz-hidden-org"})
    assert "organisation" in response.context["filter"].errors
