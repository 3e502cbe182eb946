"""Hostile values in every query parameter of every API list, and hostile request bodies.

Extends tests/api/test_errors.py (which names the expected message for each bad value of the
people list) to every parameter of every list: the parameters come from each endpoint's
FilterSet and paginator, so a new filter is covered automatically. Each answer is a 4xx whose
JSON names the parameter, or a 200 that is right: nothing matches a value no record holds,
an empty value is no filter. Never a 5xx, on SQLite and on PostgreSQL (which refuses NUL
bytes, integers past 2^63 and time zone offsets past 15:59, where SQLite does not).
"""

import json
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework import status
from rest_framework.test import APIClient

from casetracker.api.pagination import KeysetPagination
from casetracker.api.urls import router
from casetracker.cases.models import Event, Person, Proceeding, Source
from tests.factories import SourceFactory
from tests.fuzz import hostile

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_throttling")]

PAGINATION = [KeysetPagination.page_query_param, KeysetPagination.page_size_query_param,
              KeysetPagination.cursor_query_param]
#: Parameters that choose how a list is shown rather than which records it holds.
NOT_FILTERS = {*PAGINATION, "ordering", "format"}


def list_endpoints() -> dict[str, type]:
    """``{"/api/v1/people/": PersonFilter, …}``: every registered list with a FilterSet."""
    return {f"/api/v1/{prefix}/": viewset.filterset_class
            for prefix, viewset, _basename in router.registry
            if getattr(viewset, "filterset_class", None)}


def query_parameters() -> list[tuple[str, str]]:
    return [(path, name)
            for path, filterset in list_endpoints().items()
            for name in [*filterset.base_filters, *PAGINATION, "format"]]


PARAMETERS = query_parameters()
PARAMETER_IDS = [f"{path}?{name}" for path, name in PARAMETERS]


@pytest.fixture(scope="module")
def unfiltered(records, django_db_blocker):
    """How many records each list holds with no parameter (the seed cases)."""
    cache.clear()
    with django_db_blocker.unblock():
        client = APIClient()
        counts = {path: client.get(path).json()["count"] for path in list_endpoints()}
    assert all(counts.values())
    return counts


@pytest.fixture(scope="module")
def api():
    """One client for the module: each new one loads the middleware (and WhiteNoise scans
    every static file), which would cost more than the requests under test."""
    return APIClient()


def assert_named_error(response, name):
    """A JSON error of the API's shape that names the parameter."""
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    body = response.json()
    if response.status_code == status.HTTP_400_BAD_REQUEST:
        assert name.replace("\x00", "\\0") in body["errors"], body
        assert body["detail"].startswith(f"Invalid input: {name}: "), body
    elif response.status_code == status.HTTP_404_NOT_FOUND:
        assert name == "page" and body["detail"].startswith("There is no page"), body
    elif response.status_code == status.HTTP_406_NOT_ACCEPTABLE:
        assert name == "format" and body["detail"].startswith("format="), body
    else:
        pytest.fail(f"{response.status_code} for ?{name}=…: {body}")


@pytest.mark.parametrize(("path", "name"), PARAMETERS, ids=PARAMETER_IDS)
@pytest.mark.parametrize(("value_id", "value"), hostile.ALL, ids=[v for v, _ in hostile.ALL])
def test_a_hostile_value_is_a_named_400_or_a_right_answer(api, unfiltered, path, name,
                                                          value_id, value):
    """Every parameter of every list, every classic failure: a 4xx naming the parameter, or a
    200 that is right (nothing for a value no record holds, everything for an empty one)."""
    if value_id in hostile.RAW_IDS:
        response = api.get(f"{path}?{name}={value}")
    else:
        response = api.get(f"{path}?{urlencode({name: value})}")
    assert response.status_code < 500, response.content[:500]
    if response.status_code != status.HTTP_200_OK:
        assert_named_error(response, name)
        return
    body = response.json()
    assert isinstance(body["results"], list) and body["count"] <= unfiltered[path]
    if name in NOT_FILTERS or value in hostile.NO_VALUE:
        assert body["count"] == unfiltered[path]
    elif value in hostile.MATCH_NOTHING:
        assert body["count"] == 0, f"?{name}={value!r} matched {body['count']} records"


@pytest.mark.parametrize(("path", "name"), PARAMETERS, ids=PARAMETER_IDS)
def test_array_syntax_and_repeated_parameters_are_not_a_500(api, unfiltered, path, name):
    """``?country[]=x`` is another parameter, ignored; a repeated one uses its last value."""
    ignored = api.get(f"{path}?{name}[]=x")
    assert ignored.status_code == status.HTTP_200_OK
    assert ignored.json()["count"] == unfiltered[path]
    repeated = api.get(f"{path}?{name}=%00&{name}=x")
    assert repeated.status_code < 500
    if repeated.status_code != status.HTTP_200_OK:
        assert_named_error(repeated, name)


@pytest.mark.parametrize("path", [path for path, filterset in list_endpoints().items()
                                  if "search" in filterset.base_filters])
@pytest.mark.parametrize("pattern", ["%", "_", "%%", "__"])
def test_like_wildcards_in_search_are_literal(api, path, pattern):
    """``?search=%`` finds only what contains a "%", not everyone (nor ``_`` any character)."""
    response = api.get(path, {"search": pattern})
    assert response.status_code == status.HTTP_200_OK
    assert response.json()["count"] == 0


def test_a_percent_sign_in_a_title_is_found_literally(api):
    SourceFactory(title="Rights_Watch: 100% of trials closed", slug="rights-watch-100")
    SourceFactory(title="An ordinary report", slug="ordinary")
    titles = [row["title"] for row in api.get("/api/v1/sources/", {"search": "100%"})
              .json()["results"]]
    assert titles == ["Rights_Watch: 100% of trials closed"]
    assert api.get("/api/v1/sources/", {"search": "s_W"}).json()["count"] == 1


def test_an_ordering_repeated_a_thousand_times_is_one_ordering(api, unfiltered):
    """Each repetition used to add conditions to the next page's query (quadratically: a
    thousand made a query that ran for minutes); a field named again is ignored."""
    response = api.get("/api/v1/people/", {"ordering": ",".join(["name", "-name"] * 500),
                                           "page_size": 2})
    assert response.status_code == status.HTTP_200_OK
    with CaptureQueriesContext(connection) as queries:
        following = api.get(response.json()["next"])
    assert following.status_code == status.HTTP_200_OK
    assert max(len(query["sql"]) for query in queries) < 10_000
    names = [row["name"] for row in response.json()["results"] + following.json()["results"]]
    assert names == sorted(names) and len(names) == 4


@pytest.mark.parametrize("ordering", [",", ",,", ",name", "-name,,"])
def test_empty_items_in_an_ordering_are_ignored(api, ordering):
    response = api.get("/api/v1/organisations/", {"ordering": ordering})
    assert response.status_code == status.HTTP_200_OK


@pytest.mark.parametrize("offset", ["+14:00", "-15:59", "-18:50", "+23:59", "Z"])
def test_any_time_zone_offset_python_accepts_is_not_a_500(api, offset):
    """PostgreSQL refuses offsets past ±15:59 that Python accepts: they are read as UTC."""
    response = api.get("/api/v1/people/", {"updated_since": f"2016-10-06T12:00:00{offset}"})
    assert response.status_code == status.HTTP_200_OK


@pytest.mark.parametrize("pk", ["\u00b9", "\u00b2\u00b3", "\u0661\u0662", "\uff11"])
@pytest.mark.parametrize("resource", ["people", "events", "sources", "organisations",
                                      "charges"])
def test_a_digit_that_is_not_ascii_is_not_an_id(api, records, resource, pk):
    """"¹" passes ``str.isdigit()`` and then fails ``int()``; "١" would read as 1."""
    response = api.get(f"/api/v1/{resource}/{pk}/")
    assert response.status_code == status.HTTP_404_NOT_FOUND
    assert "No record has the id" in response.json()["detail"]


# ---------------------------------------------------------------------------------------
# Bodies of the write endpoints
# ---------------------------------------------------------------------------------------

WRITES = [("post", "/api/v1/people/"), ("post", "/api/v1/events/"),
          ("post", "/api/v1/proceedings/"), ("post", "/api/v1/sources/"),
          ("put", "/api/v1/people/{own}/"), ("patch", "/api/v1/people/{own}/")]
NESTING = 100_000


def deep(depth: int, leaf='"x"') -> str:
    return "[" * depth + leaf + "]" * depth


HOSTILE_BODIES = [
    ("nested-arrays", deep(NESTING), "Invalid JSON: depth limit exceeded"),
    ("nested-objects", '{"a":' * NESTING + "1" + "}" * NESTING,
     "Invalid JSON: depth limit exceeded"),
    ("nested-in-a-field", json.dumps({"name": json.loads(deep(500)), "person": [[[1]]],
                                      "title": {"a": {"b": {}}}}), "Invalid input"),
    ("nested-in-a-list", json.dumps({"aliases": [json.loads(deep(500))],
                                     "citations": [{"source": [[[1]]], "passage": {}}]}),
     "Invalid input"),
    ("lone-surrogate", '{"name": "\\ud800", "title": "\\udfff"}', "Invalid JSON"),
    ("nul-in-text", json.dumps({"name": "a\x00b", "title": "a\x00b", "country": "TJ"}),
     "Invalid input"),
    # Looked up in the database: PostgreSQL refuses the NUL in the query itself.
    ("nul-in-a-slug", json.dumps({"court": "a\x00b", "perpetrator": "\x00",
                                  "charges": ["fraud\x00"], "name": "\x00"}),
     "Invalid input"),
    ("integer-past-2^64", '{"person": 18446744073709551616, "birth_year": 1e400}',
     "Invalid"),
    ("not-an-object", '"just a string"', "Invalid input"),
    ("truncated", '{"name": "Ali', "Invalid JSON"),
]


@pytest.fixture(scope="module")
def writer(records):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {records.key}")
    return client


def write_url(path, records):
    return path.format(own=records.own["people"][0])


def counts() -> tuple[int, ...]:
    return tuple(model.objects.count() for model in (Person, Event, Proceeding, Source))


@pytest.mark.parametrize(("method", "path"), WRITES, ids=[f"{m} {p}" for m, p in WRITES])
@pytest.mark.parametrize(("body_id", "body", "message"), HOSTILE_BODIES,
                         ids=[body_id for body_id, _b, _m in HOSTILE_BODIES])
def test_a_hostile_body_is_a_400_that_says_why(writer, records, method, path, body_id, body,
                                               message):
    """Deep nesting (which overflows the standard library's parser), surrogates, NUL bytes,
    huge integers, wrong shapes: a 400 with a message; nothing is written."""
    before = counts()
    response = getattr(writer, method)(write_url(path, records), data=body,
                                       content_type="application/json")
    assert response.status_code == status.HTTP_400_BAD_REQUEST, response.content[:500]
    assert response.json()["detail"].startswith(message), response.json()
    assert counts() == before


@pytest.mark.parametrize(("method", "path"), WRITES, ids=[f"{m} {p}" for m, p in WRITES])
def test_a_body_past_the_upload_limit_is_a_413_in_json(writer, records, method, path):
    """Django refuses bodies past DATA_UPLOAD_MAX_MEMORY_SIZE; the API says so in JSON."""
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    body = json.dumps({"name": "x" * limit, "title": "t", "country": "TJ"})
    before = counts()
    response = getattr(writer, method)(write_url(path, records), data=body,
                                       content_type="application/json")
    assert response.status_code == status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    assert response.json() == {
        "detail": f"The request body is too large: send at most {limit} bytes."}
    assert counts() == before


@pytest.mark.parametrize(("method", "path"), WRITES, ids=[f"{m} {p}" for m, p in WRITES])
def test_long_text_in_every_field_is_a_400_naming_the_fields(writer, records, method, path):
    """10,000 characters in each text field: each too-long field is named."""
    long = "x" * 10_000
    body = {"name": long, "occupation": long, "external_id": long, "title": long,
            "publisher": long, "author": long, "language": long, "place": long, "fine": long,
            "country": "TJ", "kind": "arrest", "person": records.published["people"][0],
            "citations": [{"source": records.published["sources"][0], "passage": long}]}
    before = counts()
    response = getattr(writer, method)(write_url(path, records), data=body, format="json")
    assert response.status_code == status.HTTP_400_BAD_REQUEST
    errors = response.json()["errors"]
    sent = set(body) & {"name", "occupation", "title", "publisher", "author", "language",
                        "place", "fine"}
    named = [field for field in sent if field in errors]
    assert named, errors
    for field in named:
        assert "no more than" in " ".join(map(str, errors[field])), errors[field]
    assert counts() == before
