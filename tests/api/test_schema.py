"""The OpenAPI schema: valid, covering every endpoint, and true to what the API answers.

Schema fuzzing (issue 9) will check every response against the schema; these tests check
the responses of the other API tests' scenarios already.
"""

import re

import pytest
from drf_spectacular.validation import validate_schema
from openapi_schema_validator import OAS31Validator, oas31_format_checker
from openapi_spec_validator import validate as validate_spec
from rest_framework import status

from casetracker.api.models import ApiToken
from tests.factories import (
    AffiliationFactory,
    AliasFactory,
    EventFactory,
    PersonFactory,
    RelationshipFactory,
    UserFactory,
    cited_person,
)

pytestmark = pytest.mark.django_db

READ_PATHS = ["/api/v1/people/", "/api/v1/people/{id}/", "/api/v1/events/",
              "/api/v1/events/{id}/", "/api/v1/proceedings/", "/api/v1/proceedings/{id}/",
              "/api/v1/sources/", "/api/v1/sources/{id}/", "/api/v1/organisations/",
              "/api/v1/organisations/{id}/", "/api/v1/charges/", "/api/v1/charges/{id}/"]
# The headers a response may carry that a client acts on: each must be documented.
DOCUMENTED_HEADERS = ("ETag", "Last-Modified", "Retry-After", "Location")


@pytest.fixture
def spec(api):
    response = api.get("/api/v1/schema/", {"format": "json"})
    assert response.status_code == status.HTTP_200_OK
    return response.json()


def check(spec, path, method, response):
    """``response`` is described by the schema of its operation, status and media type,
    strictly (OpenAPI 3.1's JSON Schema: a null where the schema allows none fails), and
    every header a client acts on that it carries is documented."""
    operation = spec["paths"][path][method]
    described = operation["responses"][str(response.status_code)]
    for header in DOCUMENTED_HEADERS:
        if response.has_header(header):
            assert header in described.get("headers", {}), (
                f"{method.upper()} {path} {response.status_code}: {header} undocumented")
    if response.status_code == 304:
        return
    media_type = response["Content-Type"].split(";")[0]
    schema = described["content"][media_type]["schema"]
    if media_type != "application/json":
        return
    body = response.json()
    validator = OAS31Validator({**schema, "components": spec["components"]},
                               format_checker=oas31_format_checker)
    errors = sorted(validator.iter_errors(body), key=str)
    assert not errors, f"{method.upper()} {path} {response.status_code}: {errors[0]}"


def test_the_schema_is_valid_openapi_3(spec):
    # 3.1: a nullable object is oneOf [$ref, null], which strict validators accept.
    assert spec["openapi"].startswith("3.1")
    validate_schema(spec)  # drf-spectacular's check against the OpenAPI 3.1 JSON schema
    validate_spec(spec)  # and openapi-spec-validator's
    assert spec["servers"]
    operations = [operation for path in spec["paths"].values()
                  for method, operation in path.items() if method in ("get", "post", "put",
                                                                      "patch", "delete")]
    assert all(operation.get("summary") for operation in operations)


def test_conditional_and_rate_headers_are_documented(spec):
    for path in READ_PATHS:
        get = spec["paths"][path]["get"]
        assert {"If-None-Match", "If-Modified-Since"} <= {p["name"] for p in get["parameters"]}
        assert {"ETag", "Last-Modified"} <= set(get["responses"]["200"]["headers"])
        assert "Retry-After" in get["responses"]["429"]["headers"]
    assert "Location" in spec["paths"]["/api/v1/people/{id}/"]["get"]["responses"]["301"][
        "headers"]


def test_every_endpoint_is_documented(spec):
    for path in READ_PATHS:
        assert "get" in spec["paths"][path], path
    for resource in ("people", "events", "proceedings", "sources"):
        assert "post" in spec["paths"][f"/api/v1/{resource}/"]
        assert {"put", "patch"} <= set(spec["paths"][f"/api/v1/{resource}/{{id}}/"])
    people = {p["name"] for p in spec["paths"]["/api/v1/people/"]["get"]["parameters"]}
    assert {"search", "country", "status", "event_kind", "charge", "organisation",
            "sentenced_after", "sentenced_before", "event_after", "event_before",
            "updated_since", "ordering", "page", "page_size", "cursor", "format"} <= people
    assert spec["components"]["securitySchemes"]["tokenAuth"]["in"] == "header"


def test_dates_are_documented_as_partial_iso_dates(spec):
    event = spec["components"]["schemas"]["PersonEvent"]["properties"]["date"]
    assert re.match(event["pattern"], "2016-10") and not re.match(event["pattern"], "2016-13")


def test_every_error_status_is_documented(spec):
    for path in READ_PATHS:
        assert {"304", "400", "401", "404", "406", "429"} <= set(spec["paths"][path]["get"][
            "responses"])


def test_read_responses_match_the_schema(api, spec):
    person = cited_person()
    AliasFactory(person=person)
    AffiliationFactory(person=person)
    RelationshipFactory(person=person)
    EventFactory(person=person, date=None, country="", perpetrator=None)
    event = person.events.first()
    source = event.citations.first().source
    organisation = person.proceedings.get().court
    charge = person.proceedings.get().charges.first()
    for path, url in [
        ("/api/v1/people/", "/api/v1/people/"),
        ("/api/v1/people/{id}/", f"/api/v1/people/{person.pk}/"),
        ("/api/v1/events/", "/api/v1/events/"),
        ("/api/v1/events/{id}/", f"/api/v1/events/{event.pk}/"),
        ("/api/v1/sources/", "/api/v1/sources/"),
        ("/api/v1/sources/{id}/", f"/api/v1/sources/{source.pk}/"),
        ("/api/v1/organisations/", "/api/v1/organisations/"),
        ("/api/v1/organisations/{id}/", f"/api/v1/organisations/{organisation.pk}/"),
        ("/api/v1/charges/", "/api/v1/charges/"),
        ("/api/v1/charges/{id}/", f"/api/v1/charges/{charge.pk}/"),
        ("/api/v1/proceedings/", "/api/v1/proceedings/"),
        ("/api/v1/proceedings/{id}/", f"/api/v1/proceedings/{person.proceedings.get().pk}/"),
        ("/api/v1/changes/", "/api/v1/changes/"),
    ]:
        check(spec, path, "get", api.get(url))
        response = api.get(url)
        if response.has_header("ETag"):
            check(spec, path, "get", api.get(url, HTTP_IF_NONE_MATCH=response["ETag"]))
    person.publication_state = "withdrawn"
    person.save()
    check(spec, "/api/v1/changes/", "get", api.get("/api/v1/changes/"))  # a removal
    check(spec, "/api/v1/people/{id}/", "get", api.get(f"/api/v1/people/{person.pk}/"))
    check(spec, "/api/v1/people/", "get", api.get("/api/v1/people/", {"page_size": 1}))
    check(spec, "/api/v1/people/", "get", api.get("/api/v1/people/", {"format": "csv"}))


def test_error_responses_match_the_schema(api, spec):
    check(spec, "/api/v1/people/", "get", api.get("/api/v1/people/", {"country": "XX"}))
    check(spec, "/api/v1/people/{id}/", "get", api.get("/api/v1/people/999/"))
    check(spec, "/api/v1/people/", "get", api.get("/api/v1/people/", {"format": "xml"}))
    check(spec, "/api/v1/people/", "post", api.post("/api/v1/people/", {}, format="json"))


def test_write_responses_match_the_schema(api, spec):
    _token, key = ApiToken.issue(user=UserFactory(), name="t", can_write=True)
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    person = PersonFactory()
    response = api.post("/api/v1/events/", {"person": person.pk, "kind": "arrest",
                                            "date": "2016-10"}, format="json")
    check(spec, "/api/v1/events/", "post", response)
    response = api.post("/api/v1/people/", {"name": "A New Person", "country": "TJ",
                                            "aliases": ["Новый"]}, format="json")
    check(spec, "/api/v1/people/", "post", response)
    response = api.patch(f"/api/v1/people/{response.json()['id']}/", {"status": "released"},
                         format="json")
    check(spec, "/api/v1/people/{id}/", "patch", response)
    check(spec, "/api/v1/submissions/", "get", api.get("/api/v1/submissions/"))
    check(spec, "/api/v1/people/", "post", api.post("/api/v1/people/", {}, format="json"))


def test_the_interactive_docs_use_no_cdn(api):
    response = api.get("/api/v1/docs/")
    assert response.status_code == status.HTTP_200_OK
    html = response.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert not re.search(r"(src|href)=\"https?://", html)
    script = api.get("/api/v1/docs/", {"script": ""})
    assert script.status_code == status.HTTP_200_OK
    assert "/api/v1/schema/" in script.content.decode()
