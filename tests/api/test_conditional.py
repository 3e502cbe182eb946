"""Conditional requests: ETag and Last-Modified on lists and records, 304 when unchanged."""

import pytest
from django.urls import reverse
from rest_framework import status

from casetracker.cases.models import Event, Person, PublicationState
from tests.factories import (
    AffiliationFactory,
    AliasFactory,
    CitationFactory,
    EventFactory,
    OrganisationFactory,
    PersonFactory,
    cited_person,
)

pytestmark = pytest.mark.django_db

PEOPLE = "/api/v1/people/"


def validators(response):
    assert response.status_code == status.HTTP_200_OK
    assert response["ETag"].startswith('W/"')
    return response["ETag"], response["Last-Modified"]


def test_a_record_is_not_sent_again_while_unchanged(api):
    person = cited_person()
    url = reverse("api:person-detail", args=[person.pk])
    etag, last_modified = validators(api.get(url))
    response = api.get(url, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == status.HTTP_304_NOT_MODIFIED
    assert response["ETag"] == etag
    assert response.content == b""
    assert api.get(url, HTTP_IF_MODIFIED_SINCE=last_modified).status_code == (
        status.HTTP_304_NOT_MODIFIED)
    assert api.get(url, HTTP_IF_NONE_MATCH='W/"other"').status_code == status.HTTP_200_OK


def test_a_304_costs_one_query(api, django_assert_num_queries):
    person = cited_person()
    url = reverse("api:person-detail", args=[person.pk])
    etag, _ = validators(api.get(url))
    with django_assert_num_queries(1):
        assert api.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    list_etag, _ = validators(api.get(PEOPLE))
    with django_assert_num_queries(1):
        assert api.get(PEOPLE, HTTP_IF_NONE_MATCH=list_etag).status_code == 304


@pytest.mark.parametrize("change", [
    "person", "alias added", "alias deleted", "event", "event deleted", "citation deleted",
    "source retitled", "relative renamed", "fact published",
])
def test_any_change_to_the_record_changes_its_etag(api, change):
    """The person, any fact, citation or source on their record, a relative's name."""
    person = cited_person()
    relative = PersonFactory(name="A Relative")
    person.reverse_relationships.create(person=relative, kind="parent",
                                        publication_state=PublicationState.PUBLISHED)
    draft = EventFactory(person=person, publication_state=PublicationState.DRAFT)
    url = reverse("api:person-detail", args=[person.pk])
    etag, _ = validators(api.get(url))
    event = person.events.exclude(pk=draft.pk).get()
    if change == "person":
        person.summary = "Updated."
        person.save()
    elif change == "alias added":
        AliasFactory(person=person)
    elif change == "alias deleted":
        alias = AliasFactory(person=person)
        etag, _ = validators(api.get(url))
        alias.delete()
    elif change == "event":
        event.description = "Corrected."
        event.save()
    elif change == "event deleted":
        event.delete()
    elif change == "citation deleted":
        event.citations.get().delete()
    elif change == "source retitled":
        source = event.citations.get().source
        source.title = "Corrected title"
        source.save()
    elif change == "relative renamed":
        relative.name = "A Relative Renamed"
        relative.save()
    elif change == "fact published":
        draft.publication_state = PublicationState.PUBLISHED
        draft.save()
    response = api.get(url, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == status.HTTP_200_OK
    assert response["ETag"] != etag


def test_a_list_etag_depends_on_the_query_and_the_data(api):
    person = PersonFactory(country="TJ")
    etag, _ = validators(api.get(PEOPLE))
    assert validators(api.get(PEOPLE, {"country": "TJ"}))[0] != etag
    assert api.get(PEOPLE, HTTP_IF_NONE_MATCH=etag).status_code == 304
    EventFactory(person=person)  # the latest event shows in the list
    assert api.get(PEOPLE, HTTP_IF_NONE_MATCH=etag).status_code == status.HTTP_200_OK


def test_a_list_etag_changes_when_a_person_is_withdrawn(api):
    person = PersonFactory()
    etag, _ = validators(api.get(PEOPLE))
    person.publication_state = PublicationState.WITHDRAWN
    person.save()
    assert api.get(PEOPLE, HTTP_IF_NONE_MATCH=etag).status_code == status.HTTP_200_OK


def test_json_and_csv_have_different_etags(api):
    PersonFactory()
    json_etag, _ = validators(api.get(PEOPLE))
    response = api.get(PEOPLE, {"format": "csv"})
    assert response["ETag"] != json_etag
    assert api.get(PEOPLE, HTTP_ACCEPT="text/csv",
                   HTTP_IF_NONE_MATCH=json_etag).status_code == status.HTTP_200_OK


def test_other_lists_and_records_are_conditional_too(api):
    person = cited_person()
    event = Event.objects.get(person=person)
    CitationFactory(event=event)
    for path in ("/api/v1/events/", f"/api/v1/events/{event.pk}/", "/api/v1/sources/",
                 "/api/v1/organisations/", "/api/v1/charges/"):
        etag, _ = validators(api.get(path))
        assert api.get(path, HTTP_IF_NONE_MATCH=etag).status_code == 304, path


def test_a_list_count_is_cached_until_any_record_changes(api, django_assert_num_queries):
    """The count the page envelope shows is computed once per state of the data: a repeat
    costs no count query, and any save makes the next request count again."""
    PersonFactory.create_batch(3)
    assert api.get(PEOPLE).json()["count"] == 3
    with django_assert_num_queries(3):  # version, page, aliases: no count
        assert api.get(PEOPLE).json()["count"] == 3
    PersonFactory()
    assert api.get(PEOPLE).json()["count"] == 4
    Person.objects.order_by("pk").first().delete()
    assert api.get(PEOPLE).json()["count"] == 3


def test_a_list_filtered_on_what_it_does_not_show_is_never_stale(api):
    """Two people swapping organisations leave the count of an organisation filter and every
    shown column unchanged; the list's ETag still changes, because its rows did."""
    first, second = OrganisationFactory(), OrganisationFactory()
    alice, bob = PersonFactory(name="Alice"), PersonFactory(name="Bob")
    alice_in_first = AffiliationFactory(person=alice, organisation=first)
    bob_in_second = AffiliationFactory(person=bob, organisation=second)
    query = {"organisation": first.slug}
    response = api.get(PEOPLE, query)
    assert [row["name"] for row in response.json()["results"]] == ["Alice"]
    alice_in_first.organisation = second
    alice_in_first.save()
    bob_in_second.organisation = first
    bob_in_second.save()
    again = api.get(PEOPLE, query, HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == status.HTTP_200_OK
    assert [row["name"] for row in again.json()["results"]] == ["Bob"]
