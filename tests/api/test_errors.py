"""Bad input gets a JSON error naming the problem, with the right status; never a 500.

Runs on SQLite and PostgreSQL (which refuses NUL bytes and integers past 2^63 where SQLite
does not), so every case here is a regression test for a classic 500.
"""

import pytest
from rest_framework import status

from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

HUGE = str(2**63)
HUGER = "9" * 40

BAD_PEOPLE_PARAMETERS = [
    ("country", "XX"),
    ("country", "TJK"),
    ("status", "jailed"),
    ("involvement", "x"),
    ("event_kind", "beheading"),
    ("event_after", "2016-13-45"),
    ("event_before", "2016-02-30"),
    ("event_after", "October 2016"),
    ("event_after", "0000"),
    ("sentenced_after", "yesterday"),
    ("sentenced_before", "2016-1"),
    ("updated_since", "not a date"),
    ("updated_since", "0001-01-01T00:00:00+14:00"),
    ("updated_since", "9999-12-31T23:59:59-14:00"),
    ("charge", "no-such-charge"),
    ("organisation", "no-such-party"),
    ("ordering", "summary"),
    ("ordering", "-real_name"),
    ("page_size", "201"),
    ("page_size", "0"),
    ("page_size", "-5"),
    ("page_size", "ten"),
    ("page_size", HUGER),
    ("page", "0"),
    ("page", "first"),
    ("page", "-1"),
    ("cursor", "forged"),
    ("cursor", "eyJ2IjpbMV19:1abc:xyz"),
    ("search", "x" * 201),
]


@pytest.mark.parametrize(("name", "value"), BAD_PEOPLE_PARAMETERS)
def test_a_bad_filter_value_is_a_400_naming_the_parameter(api, name, value):
    PersonFactory()
    response = api.get("/api/v1/people/", {name: value})
    assert response.status_code == status.HTTP_400_BAD_REQUEST, response.content
    body = response.json()
    assert name in body["errors"]
    assert body["detail"].startswith(f"Invalid input: {name}: ")


@pytest.mark.parametrize("name", ["search", "country", "status", "event_kind", "charge",
                                  "organisation", "event_after", "updated_since", "ordering",
                                  "page", "page_size", "cursor", "format", "unknown"])
def test_nul_bytes_in_any_parameter_are_a_400(api, name):
    """PostgreSQL refuses NUL in text: the API says so instead of failing."""
    response = api.get("/api/v1/people/", {name: "ab\x00cd"})
    assert response.status_code == status.HTTP_400_BAD_REQUEST
    assert "NUL" in response.json()["detail"]


@pytest.mark.parametrize("path", ["/api/v1/people/", "/api/v1/events/", "/api/v1/sources/",
                                  "/api/v1/organisations/", "/api/v1/charges/"])
def test_nul_bytes_in_a_parameter_name_are_a_400(api, path):
    response = api.get(path + "?se%00arch=x")
    assert response.status_code == status.HTTP_400_BAD_REQUEST


@pytest.mark.parametrize("value", [HUGE, HUGER, "-1", "1.5", "1e3", "\u0661"])
def test_an_integer_filter_past_the_database_range_is_a_400(api, value):
    response = api.get("/api/v1/events/", {"person": value})
    assert response.status_code == status.HTTP_400_BAD_REQUEST
    assert "person" in response.json()["errors"]


def test_a_page_past_the_end_is_a_404(api):
    PersonFactory()
    for page in ("2", HUGER):
        response = api.get("/api/v1/people/", {"page": page})
        assert response.status_code == status.HTTP_404_NOT_FOUND
        assert "There is no page" in response.json()["detail"]


@pytest.mark.parametrize("pk", ["0", HUGE, HUGER, "-1", "abc", "1.0", "%00", "١"])
@pytest.mark.parametrize("resource", ["people", "events", "sources", "organisations",
                                      "charges"])
def test_a_bad_or_unknown_id_is_a_404(api, resource, pk):
    response = api.get(f"/api/v1/{resource}/{pk}/")
    assert response.status_code == status.HTTP_404_NOT_FOUND
    assert "detail" in response.json()


def test_an_unknown_path_is_a_json_404(api):
    response = api.get("/api/v1/victims/")
    assert response.status_code == status.HTTP_404_NOT_FOUND
    assert response.json() == {"detail": "No such API endpoint: see /api/v1/."}


@pytest.mark.parametrize(("method", "path"), [
    ("delete", "/api/v1/people/{pk}/"),
    ("post", "/api/v1/charges/"),
    ("put", "/api/v1/organisations/{pk}/"),
    ("delete", "/api/v1/events/{pk}/"),
])
def test_an_unsupported_method_is_a_405_not_a_401(api, method, path):
    person = PersonFactory()
    response = getattr(api, method)(path.format(pk=person.pk))
    assert response.status_code == status.HTTP_405_METHOD_NOT_ALLOWED
    assert "not allowed" in response.json()["detail"]


def test_an_unknown_format_is_a_406_naming_the_formats(api):
    response = api.get("/api/v1/people/", {"format": "xml"})
    assert response.status_code == status.HTTP_406_NOT_ACCEPTABLE
    assert response.json()["detail"] == (
        "format=xml is not available here: use one of api, csv, json.")
    response = api.get("/api/v1/people/", HTTP_ACCEPT="application/xml")
    assert response.status_code == status.HTTP_406_NOT_ACCEPTABLE


@pytest.mark.parametrize("query", ["%", "_", "' OR 1=1 --", "\u202eevil", "🙂", "a" * 200,
                                   "Robert'); DROP TABLE cases_person;--"])
def test_odd_search_text_is_just_text(api, query):
    PersonFactory(name="Buzurgmehr Yorov")
    response = api.get("/api/v1/people/", {"search": query})
    assert response.status_code == status.HTTP_200_OK
    assert response.json()["count"] == 0
