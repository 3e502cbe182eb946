"""The OpenAPI schema: valid, covering every endpoint, and true to what the API answers.

Schema fuzzing (issue 9) will check every response against the schema; these tests check
the responses of the other API tests' scenarios already.
"""

import re

import pytest
from drf_spectacular.validation import validate_schema
from openapi_schema_validator import OAS30Validator, oas30_format_checker
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
              "/api/v1/events/{id}/", "/api/v1/sources/", "/api/v1/sources/{id}/",
              "/api/v1/organisations/", "/api/v1/organisations/{id}/", "/api/v1/charges/",
              "/api/v1/charges/{id}/"]


@pytest.fixture
def spec(api):
    response = api.get("/api/v1/schema/", {"format": "json"})
    assert response.status_code == status.HTTP_200_OK
    return response.json()


def json_schema(node):
    """OpenAPI 3.0's ``nullable`` as JSON Schema, as schema fuzzers read it: a nullable
    ``allOf: [$ref]`` accepts null although the referenced schema is not nullable."""
    if isinstance(node, list):
        return [json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: json_schema(value) for key, value in node.items()}
    if node.pop("nullable", False):
        return {"anyOf": [node, {"enum": [None]}]}
    return node


def check(spec, path, method, response):
    """``response`` is described by the schema of its operation, status and media type."""
    operation = spec["paths"][path][method]
    described = operation["responses"][str(response.status_code)]
    media_type = response["Content-Type"].split(";")[0]
    schema = described["content"][media_type]["schema"]
    if media_type != "application/json":
        return
    body = response.json()
    validator = OAS30Validator(json_schema({**schema, "components": spec["components"]}),
                               format_checker=oas30_format_checker)
    errors = sorted(validator.iter_errors(body), key=str)
    assert not errors, f"{method.upper()} {path} {response.status_code}: {errors[0]}"


def test_the_schema_is_valid_openapi_3(spec):
    assert spec["openapi"].startswith("3.0")
    validate_schema(spec)  # drf-spectacular's check against the OpenAPI 3.0 JSON schema
    validate_spec(spec)  # and openapi-spec-validator's


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
    ]:
        check(spec, path, "get", api.get(url))
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
