"""Pagination: count/next/previous/results; next and previous walk keyset cursors, ?page=
jumps, and every row is seen exactly once whatever the ordering and its ties."""

import pytest
from rest_framework import status

from tests.api.conftest import results
from tests.factories import EventFactory, PersonFactory

pytestmark = pytest.mark.django_db

PEOPLE = "/api/v1/people/"


@pytest.fixture
def crowd():
    """23 people with many ties: 3 names, 2 countries, event dates with nulls and months."""
    created = []
    for index in range(23):
        person = PersonFactory(name=["Ahmad", "Bahrom", "Davron"][index % 3],
                               country=["TJ", "KG"][index % 2])
        if index % 4:
            EventFactory(person=person, date=["2015", "2016-10", "2016-10-06"][index % 3])
        created.append(person)
    return created


def walk(api, url, params=None, link="next"):
    pages, response = [], api.get(url, params)
    while True:
        assert response.status_code == status.HTTP_200_OK, response.content
        pages.append([row["id"] for row in response.json()["results"]])
        following = response.json()[link]
        if following is None:
            return pages
        response = api.get(following)


@pytest.mark.parametrize("ordering", ["name", "-name", "country", "-country,name",
                                      "latest_event_date", "-latest_event_date",
                                      "country,-latest_event_date"])
def test_next_links_visit_every_row_once_in_order(api, crowd, ordering):
    everything = [row["id"] for row in results(api.get(PEOPLE, {"ordering": ordering,
                                                                "page_size": 200}))]
    assert len(everything) == 23
    pages = walk(api, PEOPLE, {"ordering": ordering, "page_size": 5})
    assert [len(page) for page in pages] == [5, 5, 5, 5, 3]
    assert [pk for page in pages for pk in page] == everything
    # And back again from the last page, through the previous links.
    last = api.get(api.get(PEOPLE, {"ordering": ordering, "page_size": 5}).json()["next"])
    for _ in range(3):
        last = api.get(last.json()["next"])
    back = walk(api, last.wsgi_request.get_full_path(), link="previous")
    assert [pk for page in reversed(back) for pk in page] == everything


def test_the_envelope(api, crowd):
    first = api.get(PEOPLE, {"page_size": 10}).json()
    assert first["count"] == 23
    assert first["previous"] is None
    assert "cursor=" in first["next"] and "page_size=10" in first["next"]
    second = api.get(first["next"]).json()
    assert second["count"] == 23
    assert api.get(second["previous"]).json()["results"] == first["results"]


@pytest.mark.parametrize("page", [1, 2, 3, 4, 5])
def test_page_numbers_give_the_same_pages_from_either_end(api, crowd, page):
    """Pages in the second half are read backwards from the end: same rows as forwards."""
    everything = [row["id"] for row in results(api.get(PEOPLE, {"page_size": 200}))]
    response = api.get(PEOPLE, {"page": page, "page_size": 5})
    assert [row["id"] for row in results(response)] == everything[(page - 1) * 5:page * 5]
    data = response.json()
    assert (data["previous"] is None) == (page == 1)
    assert (data["next"] is None) == (page == 5)
    if page > 1:
        previous = [row["id"] for row in results(api.get(data["previous"]))]
        assert previous == everything[(page - 2) * 5:(page - 1) * 5]


def test_a_cursor_is_only_good_for_its_ordering(api, crowd):
    following = api.get(PEOPLE, {"page_size": 5}).json()["next"]
    response = api.get(following.replace("page_size=5", "page_size=5&ordering=country"))
    assert response.status_code == status.HTTP_400_BAD_REQUEST
    assert "ordering" in response.json()["errors"]["cursor"][0]


def test_page_size_up_to_200(api, crowd):
    assert len(results(api.get(PEOPLE, {"page_size": 200}))) == 23
    assert len(results(api.get(PEOPLE))) == 23  # the default page is 50
    assert api.get(PEOPLE, {"page_size": 201}).status_code == status.HTTP_400_BAD_REQUEST
