"""The people endpoints on factory data: the fields of a list row and of a whole record."""

import pytest
from django.urls import reverse
from rest_framework import status

from casetracker.cases.models import Person, Proceeding, PublicationState
from tests.api.conftest import results
from tests.factories import (
    AffiliationFactory,
    AliasFactory,
    CitationFactory,
    CourtFactory,
    DetentionFactory,
    EventFactory,
    OrganisationFactory,
    PersonFactory,
    ProceedingChargeFactory,
    ProceedingFactory,
    RelationshipFactory,
    SourceFactory,
    cited_person,
)

pytestmark = pytest.mark.django_db


def detail(api, person):
    response = api.get(reverse("api:person-detail", args=[person.pk]))
    assert response.status_code == status.HTTP_200_OK
    return response.json()


def test_api_root_lists_the_endpoints(api):
    response = api.get("/api/v1/")
    assert response.status_code == status.HTTP_200_OK
    assert set(response.json()) == {"people", "events", "proceedings", "sources",
                                    "organisations", "charges", "changes", "submissions",
                                    "schema", "docs"}


def test_list_row(api):
    """A row: id, detail url, name, public aliases, country, status, latest event."""
    person = cited_person(name="Buzurgmehr Yorov")
    AliasFactory(person=person, name="Бузургмеҳр Ёров")
    EventFactory(person=person, kind="torture", date="2016-02")
    [row] = results(api.get("/api/v1/people/"))
    # cited_person's verdict of 2016-06-02 is the latest fact: it shows as a trial.
    assert row["id"] == person.pk
    assert row["url"] == f"http://testserver/api/v1/people/{person.pk}/"
    assert row["name"] == "Buzurgmehr Yorov"
    assert row["aliases"] == ["Бузургмеҳр Ёров"]
    assert (row["country"], row["status"], row["involvement"]) == ("TJ", "imprisoned", "target")
    assert row["latest_event"] == {"kind": "trial", "date": "2016-06-02"}


def test_latest_event_is_null_without_a_dated_event(api):
    PersonFactory()
    assert results(api.get("/api/v1/people/"))[0]["latest_event"] is None


def test_detail_record(api):
    """A whole record: affiliations, relatives, sentences with charges, events in date order
    with their sources, detentions, and every source cited once."""
    person = PersonFactory(name="Mahmadali Hayit", occupation="IRPT deputy chairman",
                           birth_year=1960)
    party = OrganisationFactory(name="Islamic Renaissance Party of Tajikistan",
                                abbreviation="IRPT", slug="irpt")
    affiliation = AffiliationFactory(person=person, organisation=party, role="deputy chairman",
                                     start="1999", end="2015-08")
    court = CourtFactory(name="Supreme Court of Tajikistan")
    life = ProceedingFactory(person=person, court=court, verdict_date="2016-06-02",
                             term_months=None, life=True, fine="20,000 somoni",
                             confiscation=True)
    for name in ("terrorism", "extremism"):
        ProceedingChargeFactory(proceeding=life, charge__name=name)
    pending = ProceedingFactory(person=person, outcome=Proceeding.Outcome.PENDING,
                                verdict_date=None, term_months=None)
    ProceedingChargeFactory(proceeding=pending, charge__name="fraud")
    later = EventFactory(person=person, kind="torture", date="2016-03")
    earlier = EventFactory(person=person, kind="arrest", date="2015-09-16",
                           perpetrator=OrganisationFactory(name="State Committee for "
                                                                "National Security"))
    undated = EventFactory(person=person, kind="threat", date=None)
    detention = DetentionFactory(person=person, start="2015-09", end=None)
    old, new = SourceFactory(published="2016"), SourceFactory(published="2017-09-28")
    CitationFactory(source=new, event=later, passage="tortured")
    CitationFactory(source=old, event=earlier)
    CitationFactory(source=old, event=None, proceeding=life)
    CitationFactory(source=new, event=None, detention=detention)
    CitationFactory(source=new, event=None, affiliation=affiliation)

    data = detail(api, person)
    assert data["occupation"] == "IRPT deputy chairman"
    assert data["birth_year"] == 1960
    assert data["affiliations"] == [{
        "organisation": {"id": party.pk, "name": party.name, "abbreviation": "IRPT",
                         "slug": "irpt",
                         "url": f"http://testserver/api/v1/organisations/{party.pk}/"},
        "role": "deputy chairman", "start": "1999", "end": "2015-08",
        "sources": [{"id": new.pk, "title": new.title, "publisher": new.publisher,
                     "published": "2017-09-28", "url": new.url,
                     "passage": "He was arrested in September 2015."}],
    }]
    [verdict] = data["sentences"]
    assert verdict["court"] == "Supreme Court of Tajikistan"
    assert verdict["date"] == "2016-06-02"
    assert (verdict["life"], verdict["term_months"]) == (True, None)
    assert verdict["charges"] == ["extremism", "terrorism"]
    assert (verdict["fine"], verdict["confiscation"]) == ("20,000 somoni", True)
    assert [source["id"] for source in verdict["sources"]] == [old.pk]
    assert data["charges"] == ["extremism", "fraud", "terrorism"]
    assert [event["id"] for event in data["events"]] == [earlier.pk, later.pk, undated.pk]
    assert data["events"][0]["perpetrator"] == "State Committee for National Security"
    assert data["events"][0]["date"] == "2015-09-16"
    assert data["events"][1]["sources"][0]["passage"] == "tortured"
    assert data["detentions"] == [{
        "id": detention.pk, "start": "2015-09", "end": None,
        "place": "Dushanbe pre-trial detention centre", "description": "",
        "sources": [{"id": new.pk, "title": new.title, "publisher": new.publisher,
                     "published": "2017-09-28", "url": new.url,
                     "passage": "He was arrested in September 2015."}],
    }]
    assert [source["id"] for source in data["sources"]] == [old.pk, new.pk]
    assert set(data["sources"][0]) == {"id", "title", "publisher", "author", "published",
                                       "url", "language"}


def test_relationship_is_read_from_each_side(api):
    """Stored once as "Tillo is the parent of Muhiddin": Muhiddin's record shows his
    father, Tillo's shows his son."""
    father = PersonFactory(name="Tillo Kabirov", sex=Person.Sex.MALE)
    son = PersonFactory(name="Muhiddin Kabiri", sex=Person.Sex.MALE)
    RelationshipFactory(person=father, kind="parent", relative=son)
    assert detail(api, son)["relationships"] == [{
        "kind": "father",
        "person": {"id": father.pk, "name": "Tillo Kabirov",
                   "url": f"http://testserver/api/v1/people/{father.pk}/"},
        "sources": [],
    }]
    assert [(r["kind"], r["person"]["id"]) for r in detail(api, father)["relationships"]] == [
        ("son", son.pk)]


def test_a_relative_who_is_not_public_is_not_shown(api):
    person = PersonFactory()
    RelationshipFactory(person=PersonFactory(publication_state=PublicationState.DRAFT),
                        relative=person)
    assert detail(api, person)["relationships"] == []


@pytest.mark.parametrize("hidden", [
    {"publication_state": PublicationState.DRAFT},
    {"publication_state": PublicationState.WITHDRAWN},
    {"is_restricted": True},
])
def test_a_person_who_is_not_public_is_neither_listed_nor_found(api, hidden):
    person = PersonFactory(**hidden)
    assert results(api.get("/api/v1/people/")) == []
    response = api.get(reverse("api:person-detail", args=[person.pk]))
    assert response.status_code == status.HTTP_404_NOT_FOUND
    assert response.json() == {"detail": "Not found."}


def test_a_merged_duplicate_is_not_listed(api):
    survivor = PersonFactory(name="Muhiddin Kabiri")
    PersonFactory(name="Mukhiddin Kabiri", merged_into=survivor)
    assert [row["id"] for row in results(api.get("/api/v1/people/"))] == [survivor.pk]


def test_events_sources_organisations_and_charges_endpoints(api):
    person = cited_person(name="Buzurgmehr Yorov")
    event = person.events.get()
    [row] = results(api.get("/api/v1/events/"))
    assert row["id"] == event.pk
    assert row["person"] == {"id": person.pk, "name": "Buzurgmehr Yorov",
                             "url": f"http://testserver/api/v1/people/{person.pk}/"}
    assert (row["kind"], row["date"], row["place"]) == ("arrest", "2015-09", "Dushanbe")
    assert api.get(row["url"]).json() == row
    [source] = results(api.get("/api/v1/sources/"))
    assert source["title"].startswith("Report number")
    assert sorted(c["name"] for c in results(api.get("/api/v1/charges/"))) == [
        "extremism", "terrorism"]
    organisations = results(api.get("/api/v1/organisations/"))
    assert [o["name"] for o in organisations] == [person.proceedings.get().court.name]
    assert organisations[0]["country"] == "TJ"


def test_an_event_of_a_person_who_is_not_public_is_not_listed(api):
    EventFactory(person=PersonFactory(publication_state=PublicationState.DRAFT))
    event = EventFactory(person=PersonFactory(is_restricted=True))
    assert results(api.get("/api/v1/events/")) == []
    response = api.get(reverse("api:event-detail", args=[event.pk]))
    assert response.status_code == status.HTTP_404_NOT_FOUND


@pytest.mark.django_db
def test_a_merged_away_person_redirects_to_the_survivor(client):
    """The API keeps a merged duplicate's ID working: 301 to the surviving record."""
    from casetracker.cases.services import person_merge
    from tests.factories import PersonFactory

    keep = PersonFactory(name="Buzurgmehr Yorov")
    duplicate = PersonFactory(name="Buzurgmekhr Yorov")
    person_merge(keep=keep, duplicate=duplicate, user=None)
    response = client.get(f"/api/v1/people/{duplicate.pk}/")
    assert response.status_code == status.HTTP_301_MOVED_PERMANENTLY
    assert response["Location"].endswith(f"/api/v1/people/{keep.pk}/")
    assert client.get(response["Location"]).status_code == status.HTTP_200_OK
