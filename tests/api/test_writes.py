"""Partner writes: drafts for staff to review, attributed to the partner, validated whole."""

import pytest
from rest_framework import status

from casetracker.cases.models import (
    Citation,
    Event,
    Person,
    Proceeding,
    PublicationState,
    Source,
)
from tests.factories import (
    ChargeFactory,
    CourtFactory,
    EventFactory,
    OrganisationFactory,
    PersonFactory,
    ProceedingChargeFactory,
    ProceedingFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db


def created(response):
    assert response.status_code == status.HTTP_201_CREATED, response.content
    return response.json()


def test_a_new_person_is_a_draft_attributed_to_the_partner(writer, partner, api):
    data = created(writer.post("/api/v1/people/", {
        "name": "Izzat Amon", "country": "tj", "status": "imprisoned",
        "aliases": ["Иззат Амон", "Izzat Amonov"], "publication_state": "published",
    }, format="json"))
    person = Person.objects.get(pk=data["id"])
    assert data["publication_state"] == person.publication_state == PublicationState.DRAFT
    assert data["aliases"] == ["Izzat Amonov", "Иззат Амон"]
    assert data["country"] == "TJ"
    assert person.history.get().history_user == partner
    assert {alias.history.get().history_user for alias in person.aliases.all()} == {partner}
    api.credentials()
    assert api.get(f"/api/v1/people/{person.pk}/").status_code == status.HTTP_404_NOT_FOUND


def test_an_event_for_a_published_person_citing_a_published_source(writer, partner):
    person, source = PersonFactory(), SourceFactory()
    # Partners name organisations the public record names (GET /api/v1/organisations/).
    gknb = OrganisationFactory(slug="gknb")
    EventFactory(perpetrator=gknb)
    data = created(writer.post("/api/v1/events/", {
        "person": person.pk, "kind": "arrest", "date": "2016-10", "place": "Dushanbe",
        "perpetrator": gknb.slug,
        "citations": [{"source": source.pk, "passage": "He was arrested in October."}],
    }, format="json"))
    event = Event.objects.get(pk=data["id"])
    assert event.publication_state == PublicationState.DRAFT
    assert (event.person, event.date.isoformat(), event.perpetrator.slug) == (
        person, "2016-10", "gknb")
    assert event.citations.get().source == source
    assert event.history.get().history_user == partner


def test_a_proceeding_with_charges_and_a_court(writer):
    person = PersonFactory()
    court = CourtFactory(slug="supreme-court")
    # Courts and charges the public record names (GET /api/v1/charges/).
    public_trial = ProceedingFactory(court=court)
    for name in ("fraud", "extremism"):
        ProceedingChargeFactory(proceeding=public_trial,
                                charge=ChargeFactory(name=name, slug=name))
    data = created(writer.post("/api/v1/proceedings/", {
        "person": person.pk, "court": "supreme-court", "verdict_date": "2016-10-06",
        "term_months": 276, "charges": ["fraud", "extremism"],
    }, format="json"))
    proceeding = Proceeding.objects.get(pk=data["id"])
    assert proceeding.court == court
    assert set(proceeding.charges.values_list("slug", flat=True)) == {"fraud", "extremism"}
    assert sorted(data["charges"]) == ["extremism", "fraud"]


def test_a_sentence_with_life_and_a_term_is_refused_with_the_models_message(writer):
    response = writer.post("/api/v1/proceedings/", {
        "person": PersonFactory().pk, "life": True, "term_months": 120,
    }, format="json")
    assert response.status_code == status.HTTP_400_BAD_REQUEST
    assert "either life imprisonment or a term" in response.json()["detail"]
    assert not Proceeding.objects.exists()


def test_a_source_gets_a_slug(writer):
    data = created(writer.post("/api/v1/sources/", {
        "title": "Tajikistan: The success story that failed", "publisher": "Al Jazeera",
        "published": "2016-12-10", "url": "https://www.aljazeera.com/x",
    }, format="json"))
    source = Source.objects.get(pk=data["id"])
    assert source.slug == "al-jazeera-tajikistan-the-success-story-that-failed"
    assert data["published"] == "2016-12-10"


@pytest.mark.parametrize(("payload", "field"), [
    ({"name": "X", "country": "XX"}, "country"),
    ({"name": "", "country": "TJ"}, "name"),
    ({"name": "X\x00Y", "country": "TJ"}, "name"),
    ({"name": "X", "country": "TJ", "birth_year": 2**63}, "birth_year"),
    ({"name": "X", "country": "TJ", "status": "jailed"}, "status"),
    ({"name": "X", "country": "TJ", "aliases": "not a list"}, "aliases"),
    ({"name": "X", "country": "TJ", "birth_year": 2999}, "birth_year"),
])
def test_invalid_people_are_refused_naming_the_field(writer, payload, field):
    response = writer.post("/api/v1/people/", payload, format="json")
    assert response.status_code == status.HTTP_400_BAD_REQUEST
    assert field in response.json()["errors"]
    assert not Person.objects.exists()


@pytest.mark.parametrize(("payload", "field"), [
    ({"kind": "arrest", "date": "2999"}, "date"),
    ({"kind": "arrest", "date": "2016-13"}, "date"),
    ({"kind": "arrest", "date": "October 2016"}, "date"),
    ({"kind": "beheading"}, "kind"),
    ({"kind": "arrest", "perpetrator": "nobody"}, "perpetrator"),
    ({"kind": "arrest", "citations": [{"source": 10**20, "passage": "x"}]}, "citations"),
])
def test_invalid_events_are_refused_naming_the_field(writer, payload, field):
    response = writer.post("/api/v1/events/", {"person": PersonFactory().pk, **payload},
                           format="json")
    assert response.status_code == status.HTTP_400_BAD_REQUEST, response.content
    assert field in response.json()["errors"]
    assert not Event.objects.exists()


def test_facts_may_not_point_at_other_peoples_drafts(writer):
    draft = PersonFactory(publication_state=PublicationState.DRAFT)
    restricted_source = SourceFactory(is_restricted=True)
    response = writer.post("/api/v1/events/", {
        "person": draft.pk, "kind": "arrest",
        "citations": [{"source": restricted_source.pk, "passage": "x"}],
    }, format="json")
    assert response.status_code == status.HTTP_400_BAD_REQUEST
    assert set(response.json()["errors"]) == {"person", "citations"}


def test_a_partner_updates_their_own_submissions(writer, partner):
    person = created(writer.post("/api/v1/people/", {"name": "Izzat Amon", "country": "TJ",
                                                     "aliases": ["Old Spelling"]},
                                 format="json"))
    response = writer.patch(f"/api/v1/people/{person['id']}/", {
        "status": "released", "aliases": ["New Spelling"]}, format="json")
    assert response.status_code == status.HTTP_200_OK
    stored = Person.objects.get(pk=person["id"])
    assert stored.status == "released"
    assert list(stored.aliases.values_list("name", flat=True)) == ["New Spelling"]
    assert stored.version == 2
    assert stored.history.first().history_user == partner
    event = created(writer.post("/api/v1/events/", {"person": stored.pk, "kind": "arrest"},
                                format="json"))
    source = SourceFactory()
    response = writer.put(f"/api/v1/events/{event['id']}/", {
        "person": stored.pk, "kind": "torture", "date": "2016",
        "citations": [{"source": source.pk, "passage": "Tortured."}]}, format="json")
    assert response.status_code == status.HTTP_200_OK
    assert Citation.objects.get().event_id == event["id"]


def test_a_partner_cannot_edit_a_published_record_or_another_partners(writer):
    """Editing would take a published case off the site (it becomes a draft again)."""
    published = PersonFactory()
    response = writer.patch(f"/api/v1/people/{published.pk}/", {"status": "released"},
                            format="json")
    assert response.status_code == status.HTTP_404_NOT_FOUND
    published.refresh_from_db()
    assert (published.status, published.publication_state) == ("imprisoned", "published")


def test_writes_take_json_only(writer):
    response = writer.post("/api/v1/people/", "name=X",
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code == status.HTTP_415_UNSUPPORTED_MEDIA_TYPE
    response = writer.post("/api/v1/people/", "{not json", content_type="application/json")
    assert response.status_code == status.HTTP_400_BAD_REQUEST
    assert "JSON" in response.json()["detail"]


def test_deeply_nested_json_is_a_400(writer):
    body = "[" * 100_000 + "]" * 100_000
    response = writer.post("/api/v1/people/", body, content_type="application/json")
    assert response.status_code == status.HTTP_400_BAD_REQUEST
