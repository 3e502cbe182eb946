"""Nothing restricted or unpublished ever leaves through the API, in JSON or CSV.

Each confidential value carries a unique marker; every response of every endpoint (lists,
records, CSV exports, searches and filters for the marker) is searched for all of them.
"""

import pytest
from rest_framework import status

from casetracker.cases.models import PublicationState, Source
from tests.factories import (
    AffiliationFactory,
    AliasFactory,
    CitationFactory,
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

MARKERS = {
    "restricted alias": "Zqxrestrictedalias",
    "real name": "Zqxrealname",
    "restricted event place": "Zqxeventplace",
    "restricted detention place": "Zqxdetentionplace",
    "unpublished event": "Zqxunpublishedevent",
    "restricted event": "Zqxrestrictedevent",
    "restricted source": "Zqxrestrictedsource",
    "unpublished source": "Zqxunpublishedsource",
    "source notes": "Zqxsourcenotes",
    "unpublished person": "Zqxunpublishedperson",
    "restricted person": "Zqxrestrictedperson",
    "restricted affiliation": "Zqxrestrictedaffiliation",
    "unpublished proceeding": "Zqxunpublishedproceeding",
    "restricted relative": "Zqxrestrictedrelative",
}


@pytest.fixture
def planted():
    """A published person whose record holds every kind of confidential value."""
    person = cited_person(name="Gulmurod Halimov Relative", is_pseudonym=True,
                          real_name=MARKERS["real name"])
    AliasFactory(person=person, name=MARKERS["restricted alias"], is_restricted=True)
    EventFactory(person=person, place=MARKERS["restricted event place"],
                 place_is_restricted=True)
    DetentionFactory(person=person, place=MARKERS["restricted detention place"],
                     place_is_restricted=True)
    EventFactory(person=person, kind="torture", description=MARKERS["unpublished event"],
                 publication_state=PublicationState.DRAFT)
    EventFactory(person=person, kind="threat", description=MARKERS["restricted event"],
                 is_restricted=True)
    secret = SourceFactory(title=MARKERS["restricted source"], is_restricted=True,
                           slug="secret-interview")
    draft_source = SourceFactory(title=MARKERS["unpublished source"],
                                 publication_state=PublicationState.IN_REVIEW)
    event = person.events.filter(publication_state=PublicationState.PUBLISHED).first()
    CitationFactory(source=secret, event=event, passage=MARKERS["restricted source"])
    CitationFactory(source=draft_source, event=event, passage=MARKERS["unpublished source"])
    noted = event.citations.first().source
    noted.notes = MARKERS["source notes"]
    noted.save()
    hidden = PersonFactory(name=MARKERS["unpublished person"],
                           publication_state=PublicationState.DRAFT)
    RelationshipFactory(person=hidden, relative=person)
    EventFactory(person=hidden, description=MARKERS["unpublished person"])
    secret_person = PersonFactory(name=MARKERS["restricted relative"], is_restricted=True)
    RelationshipFactory(person=person, relative=secret_person, kind="sibling")
    EventFactory(person=PersonFactory(name=MARKERS["restricted person"], is_restricted=True))
    AffiliationFactory(person=person, role=MARKERS["restricted affiliation"],
                       is_restricted=True,
                       organisation=OrganisationFactory(slug="secret-cell"))
    draft = ProceedingFactory(person=person, description=MARKERS["unpublished proceeding"],
                              publication_state=PublicationState.DRAFT)
    ProceedingChargeFactory(proceeding=draft, charge__name="espionage",
                            charge__slug="espionage")
    return person


def bodies(api, person):
    """Every response the API gives about the planted data."""
    event = person.events.filter(publication_state=PublicationState.PUBLISHED).first()
    paths = [
        "/api/v1/", f"/api/v1/people/{person.pk}/", f"/api/v1/events/{event.pk}/",
        *[f"/api/v1/{name}/" for name in ("people", "events", "sources", "organisations",
                                          "charges")],
    ]
    for path in paths:
        response = api.get(path)
        assert response.status_code == status.HTTP_200_OK, path
        yield path, response.content.decode()
        if path.count("/") == 4 and path != "/api/v1/":
            response = api.get(path, {"format": "csv"})
            yield f"{path} (csv)", b"".join(response.streaming_content).decode("utf-8-sig")


def test_no_confidential_value_appears_anywhere(api, planted):
    for path, body in bodies(api, planted):
        for what, marker in MARKERS.items():
            assert marker.lower() not in body.lower(), f"{what} leaked in {path}"


@pytest.mark.parametrize("marker", [MARKERS["restricted alias"], MARKERS["real name"],
                                    MARKERS["unpublished person"],
                                    MARKERS["restricted person"]])
def test_searching_for_a_confidential_name_finds_nothing(api, planted, marker):
    """Even a match without the value would betray that the value exists."""
    assert api.get("/api/v1/people/", {"search": marker}).json()["count"] == 0


def test_filters_do_not_see_unpublished_facts(api, planted):
    """A charge or an organisation only unpublished records name is answered as one that
    does not exist: the answer must not tell them apart."""
    for name, hidden, unknown in (("charge", "espionage", "no-such-charge"),
                                  ("organisation", "secret-cell", "no-such-organisation")):
        answer, nothing = (api.get("/api/v1/people/", {name: value})
                           for value in (hidden, unknown))
        assert answer.status_code == nothing.status_code == status.HTTP_400_BAD_REQUEST
        assert answer.json()["errors"][name][0].replace(hidden, unknown) == \
            nothing.json()["errors"][name][0]
    assert api.get("/api/v1/people/", {"event_kind": "threat"}).json()["count"] == 0


def test_restricted_and_unpublished_sources_cannot_be_fetched(api, planted):
    for source_title in (MARKERS["restricted source"], MARKERS["unpublished source"]):
        source = Source.objects.get(title=source_title)
        response = api.get(f"/api/v1/sources/{source.pk}/")
        assert response.status_code == status.HTTP_404_NOT_FOUND
