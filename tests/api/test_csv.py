"""CSV exports of every list: flat rows a spreadsheet opens, every matching row at once."""

import csv
import io
import json

import pytest
from rest_framework import status

from tests.factories import (
    AliasFactory,
    EventFactory,
    OrganisationFactory,
    PersonFactory,
    ProceedingChargeFactory,
    cited_person,
)

pytestmark = pytest.mark.django_db

PEOPLE_COLUMNS = ["id", "url", "name", "aliases", "country", "status", "involvement",
                  "latest_event_kind", "latest_event_date", "updated_at"]


def read_csv(response) -> list[dict]:
    assert response.status_code == status.HTTP_200_OK
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(body)))


def test_people_csv_is_flattened(api):
    """Aliases as a JSON array, the latest event as two columns, empty cells for nulls."""
    yorov = PersonFactory(name="Buzurgmehr Yorov")
    AliasFactory(person=yorov, name="Buzurgmekhr Yorov")
    AliasFactory(person=yorov, name="Бузургмеҳр Ёров")
    EventFactory(person=yorov, kind="arrest", date="2015-09-28")
    PersonFactory(name="No Events")
    response = api.get("/api/v1/people/", {"format": "csv"})
    assert response["Content-Disposition"] == 'attachment; filename="people.csv"'
    body = b"".join(response.streaming_content)
    assert body.startswith("\ufeff".encode())  # so Excel reads the Cyrillic as UTF-8
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    assert list(rows[0]) == PEOPLE_COLUMNS
    assert rows[0]["name"] == "Buzurgmehr Yorov"
    assert json.loads(rows[0]["aliases"]) == ["Buzurgmekhr Yorov", "Бузургмеҳр Ёров"]
    assert (rows[0]["latest_event_kind"], rows[0]["latest_event_date"]) == ("arrest",
                                                                            "2015-09-28")
    assert rows[0]["url"] == f"http://testserver/api/v1/people/{yorov.pk}/"
    assert (rows[1]["latest_event_kind"], rows[1]["latest_event_date"]) == ("", "")


def test_accept_text_csv_works_like_format_csv(api):
    PersonFactory(name="Buzurgmehr Yorov")
    rows = read_csv(api.get("/api/v1/people/", HTTP_ACCEPT="text/csv"))
    assert [row["name"] for row in rows] == ["Buzurgmehr Yorov"]


def test_csv_has_every_matching_row_not_one_page(api):
    """The export is the whole filtered list: no pagination, the filters still apply."""
    PersonFactory.create_batch(230, country="TJ")
    PersonFactory(country="KG")
    assert len(read_csv(api.get("/api/v1/people/", {"format": "csv"}))) == 231
    assert len(read_csv(api.get("/api/v1/people/", {"format": "csv", "country": "KG"}))) == 1


def test_empty_csv_still_has_its_header(api):
    response = api.get("/api/v1/people/", {"format": "csv"})
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert body.strip() == ",".join(PEOPLE_COLUMNS)


def test_formulas_are_neutralised(api):
    """A cell a spreadsheet would run as a formula starts with an apostrophe."""
    PersonFactory(name="=HYPERLINK(\"http://evil.example\")")
    [row] = read_csv(api.get("/api/v1/people/", {"format": "csv"}))
    assert row["name"] == "'=HYPERLINK(\"http://evil.example\")"


def test_every_list_exports_csv(api):
    person = cited_person()
    EventFactory(person=person, perpetrator=OrganisationFactory(name="GKNB"))
    ProceedingChargeFactory(charge__name="fraud")
    events = read_csv(api.get("/api/v1/events/", {"format": "csv"}))
    assert {"person_id", "person_name", "kind", "date", "perpetrator",
            "sources_title", "sources_url"} <= set(events[0])
    assert events[0]["person_name"] == person.name
    assert events[1]["perpetrator"] == "GKNB"
    sources = read_csv(api.get("/api/v1/sources/", {"format": "csv"}))
    assert list(sources[0]) == ["id", "title", "publisher", "author", "published", "url",
                                "language"]
    organisations = read_csv(api.get("/api/v1/organisations/", {"format": "csv"}))
    assert "GKNB" in {row["name"] for row in organisations}
    charges = read_csv(api.get("/api/v1/charges/", {"format": "csv"}))
    assert {row["name"] for row in charges} == {"terrorism", "extremism", "fraud"}


def test_a_record_is_not_offered_as_csv(api):
    person = PersonFactory()
    response = api.get(f"/api/v1/people/{person.pk}/", {"format": "csv"})
    assert response.status_code == status.HTTP_406_NOT_ACCEPTABLE
    assert "csv" in response.json()["detail"]


def test_errors_come_as_json_even_when_csv_was_asked_for(api):
    response = api.get("/api/v1/people/", {"format": "csv", "country": "XX"})
    assert response.status_code == status.HTTP_400_BAD_REQUEST
    assert response["Content-Type"] == "application/json"
    assert "country" in response.json()["errors"]


def test_a_csv_survives_a_round_trip_whatever_the_values_hold(api):
    """A list cell is a JSON array: a value holding "; " or a comma stays one value, and a
    record's parallel columns (its events' kinds and sources) stay aligned."""
    from tests.factories import CitationFactory, SourceFactory

    person = PersonFactory(name="Semi; Colon")
    AliasFactory(person=person, name="One; Alias, With Commas")
    AliasFactory(person=person, name="Another")
    event = EventFactory(person=person, kind="arrest", description="x")
    CitationFactory(event=event, source=SourceFactory(title="A; B"), passage="He said; then")
    row = read_csv(api.get("/api/v1/people/", {"format": "csv"}))[0]
    assert json.loads(row["aliases"]) == ["Another", "One; Alias, With Commas"]
    record = api.get(f"/api/v1/people/{person.pk}/").json()
    assert json.loads(row["aliases"]) == record["aliases"]
    events = read_csv(api.get("/api/v1/events/", {"format": "csv"}))[0]
    assert json.loads(events["sources_passage"]) == ["He said; then"]
    assert json.loads(events["sources_title"]) == ["A; B"]
