"""A constant number of SQL queries, whatever the number of people and facts.

- people list: 1 version query (the change log's head, for the ETag) + 1 page + 1
  aliases, and 1 count the first time a list is asked for since the data last changed (it
  is cached under the version);
- person detail: 1 (the person's latest change in the log, for the validators) + 1 person
  + 14 prefetches (aliases, affiliations, relatives both ways, events, proceedings with
  their charges, detentions, and the citations of each kind of fact);
- CSV: the version (no count: no page envelope), then per 2,000 rows one query for the rows
  and one for their aliases.
"""

import pytest
from django.urls import reverse
from rest_framework import status

from casetracker.changes.log import catch_up
from tests.factories import (
    AffiliationFactory,
    AliasFactory,
    CitationFactory,
    DetentionFactory,
    EventFactory,
    PersonFactory,
    ProceedingChargeFactory,
    ProceedingFactory,
    RelationshipFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db

LIST_QUERIES = 3
COUNT_QUERIES = 1  # the first time since the last change
DETAIL_QUERIES = 16
EVENTS_QUERIES = 3  # version, page (with person and perpetrator), citations with sources


def people(count: int):
    """``count`` people, each with two aliases and a cited event."""
    source = SourceFactory()
    created = PersonFactory.create_batch(count)
    for person in created:
        AliasFactory.create_batch(2, person=person)
        CitationFactory(source=source, event=EventFactory(person=person))
    catch_up()  # what the worker does after each commit: the requests pay nothing for it
    return created


def record(facts: int):
    """One person with ``facts`` of every kind, each cited."""
    person = PersonFactory()
    for _ in range(facts):
        source = SourceFactory()
        AliasFactory(person=person)
        CitationFactory(source=source, event=EventFactory(person=person))
        proceeding = ProceedingFactory(person=person)
        ProceedingChargeFactory(proceeding=proceeding)
        CitationFactory(source=source, event=None, proceeding=proceeding)
        CitationFactory(source=source, event=None,
                        detention=DetentionFactory(person=person))
        CitationFactory(source=source, event=None,
                        affiliation=AffiliationFactory(person=person))
        CitationFactory(source=source, event=None,
                        relationship=RelationshipFactory(person=person))
        RelationshipFactory(relative=person)
    catch_up()
    return person


@pytest.mark.parametrize("count", [5, 200])
def test_people_list(api, django_assert_num_queries, count):
    people(count)
    with django_assert_num_queries(LIST_QUERIES + COUNT_QUERIES):
        response = api.get("/api/v1/people/", {"page_size": 200})
    assert len(response.json()["results"]) == count
    with django_assert_num_queries(LIST_QUERIES):
        again = api.get("/api/v1/people/", {"page_size": 200})
    assert again.json() == response.json()


@pytest.mark.parametrize("count", [5, 200])
def test_people_list_with_filters_and_a_cursor(api, django_assert_num_queries, count):
    people(count)
    first = api.get("/api/v1/people/", {"page_size": 2, "ordering": "-latest_event_date"})
    with django_assert_num_queries(LIST_QUERIES + COUNT_QUERIES):
        response = api.get(first.json()["next"], {"event_kind": "arrest", "country": "TJ"})
    assert response.status_code == status.HTTP_200_OK


@pytest.mark.parametrize("facts", [5, 200])
def test_person_detail(api, django_assert_num_queries, facts):
    person = record(facts)
    with django_assert_num_queries(DETAIL_QUERIES):
        response = api.get(reverse("api:person-detail", args=[person.pk]))
    assert len(response.json()["events"]) == facts
    assert len(response.json()["relationships"]) == 2 * facts


@pytest.mark.parametrize("count", [5, 200])
def test_events_list(api, django_assert_num_queries, count):
    people(count)
    with django_assert_num_queries(EVENTS_QUERIES + COUNT_QUERIES):
        response = api.get("/api/v1/events/", {"page_size": 200})
    assert len(response.json()["results"]) == count


@pytest.mark.parametrize("count", [5, 200])
def test_csv_export(api, django_assert_num_queries, count):
    people(count)
    with django_assert_num_queries(3):
        response = api.get("/api/v1/people/", {"format": "csv"})
        body = b"".join(response.streaming_content)
    assert body.count(b"\n") == count + 1
