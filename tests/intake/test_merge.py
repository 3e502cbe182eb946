"""The duplicate queue and the merge that keeps everything of both records."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework import status

from casetracker.cases.models import (
    Affiliation,
    Alias,
    Citation,
    Detention,
    Event,
    Person,
    Proceeding,
    PublicationState,
    Relationship,
)
from casetracker.cases.services import person_merge, resolve_merged
from casetracker.intake.duplicates import likely_duplicates
from casetracker.intake.models import NotDuplicate
from tests.factories import (
    AffiliationFactory,
    AliasFactory,
    CitationFactory,
    EventFactory,
    PersonFactory,
    RelationshipFactory,
    SourceFactory,
    UserFactory,
    cited_person,
)

PARTS = [Alias, Affiliation, Relationship, Event, Proceeding, Detention, Citation]


def totals():
    return {model.__name__: model.objects.count() for model in PARTS} | {
        f"history {model.__name__}": model.history.count() for model in [Person, *PARTS]}


def facts_of(person):
    return {
        "events": person.events.count(), "proceedings": person.proceedings.count(),
        "detentions": person.detentions.count(), "affiliations": person.affiliations.count(),
        "relationships": Relationship.objects.filter(person=person).count()
        + Relationship.objects.filter(relative=person).count(),
        "citations": Citation.objects.filter(event__person=person).count()
        + Citation.objects.filter(proceeding__person=person).count()
        + Citation.objects.filter(detention__person=person).count(),
    }


@pytest.fixture
def pair(db):
    keep = cited_person(name="Buzurgmehr Yorov", birth_year=1971, external_id="")
    AliasFactory(person=keep, name="Бузургмеҳр Ёров")
    duplicate = cited_person(name="Buzurgmekhr Yorov", birth_year=None, external_id="P-9",
                             occupation="lawyer")
    AliasFactory(person=duplicate, name="Buzurgmkhar Yorov")
    AffiliationFactory(person=duplicate)
    RelationshipFactory(person=PersonFactory(name="Relative Yorov"), relative=duplicate)
    return keep, duplicate


@pytest.mark.django_db
def test_merge_keeps_every_fact_alias_citation_and_history_entry(pair):
    keep, duplicate = pair
    reviewer = UserFactory(username="merger")
    expected = {name: count + facts_of(duplicate)[name]
                for name, count in facts_of(keep).items()}
    before = totals()
    history_ids = {model: set(model.history.values_list("history_id", flat=True))
                   for model in [Person, *PARTS]}

    person_merge(keep=keep, duplicate=duplicate, user=reviewer)

    keep.refresh_from_db()
    duplicate.refresh_from_db()
    assert facts_of(keep) == expected
    assert facts_of(duplicate) == dict.fromkeys(expected, 0)
    assert sorted(keep.aliases.values_list("name", flat=True)) == [
        "Buzurgmekhr Yorov", "Buzurgmkhar Yorov", "Бузургмеҳр Ёров"]
    after = totals()
    for model in PARTS:
        # Nothing was deleted; one alias was added (the duplicate's name).
        assert after[model.__name__] == before[model.__name__] + (model is Alias)
    for model, ids in history_ids.items():
        assert ids <= set(model.history.values_list("history_id", flat=True)), model
    # The reason names the records by ID: a merged-away name may be restricted.
    reason = f"Merged person ID {duplicate.pk} into person ID {keep.pk}"
    assert keep.history.first().history_change_reason == reason
    assert keep.history.first().history_user == reviewer
    # The duplicate's arrest moved, and its history says why and who.
    assert Event.history.filter(history_change_reason=reason,
                                history_user=reviewer).count() == 1
    # Empty fields of the kept record are filled from the duplicate.
    assert (keep.external_id, keep.occupation, keep.birth_year) == ("P-9", "lawyer", 1971)
    assert duplicate.merged_into == keep
    assert duplicate.publication_state == PublicationState.WITHDRAWN
    assert not Person.objects.published().filter(pk=duplicate.pk).exists()
    assert resolve_merged(duplicate) == keep


@pytest.mark.django_db
def test_a_relationship_between_the_two_records_and_a_shared_one_are_handled(pair):
    keep, duplicate = pair
    RelationshipFactory(person=keep, relative=duplicate, kind="sibling")
    other = Relationship.objects.get(relative=duplicate, kind="parent")
    twin = RelationshipFactory(person=other.person, relative=keep, kind="parent")
    CitationFactory(event=None, relationship=other)
    person_merge(keep=keep, duplicate=duplicate, user=None)
    # The shared relationship's citation moved to the kept record's own relationship.
    assert twin.citations.count() == 1
    assert Relationship.objects.filter(person=keep, relative=duplicate).exists()


@pytest.mark.django_db
def test_merge_refuses_nonsense(pair):
    keep, duplicate = pair
    with pytest.raises(ValidationError):
        person_merge(keep=keep, duplicate=keep, user=None)
    person_merge(keep=keep, duplicate=duplicate, user=None)
    with pytest.raises(ValidationError, match="already been merged"):
        person_merge(keep=keep, duplicate=duplicate, user=None)


@pytest.mark.django_db
def test_resolve_merged_follows_chains():
    first, second, third = PersonFactory(), PersonFactory(), PersonFactory()
    person_merge(keep=second, duplicate=first, user=None)
    person_merge(keep=third, duplicate=second, user=None)
    first.refresh_from_db()
    assert resolve_merged(first) == third


@pytest.mark.django_db
def test_the_queue_lists_spellings_and_similar_names_with_shared_facts(reviewer):
    source = SourceFactory()
    same_key_a = PersonFactory(name="Gulmurod Halimov", country="TJ")
    same_key_b = PersonFactory(name="Gulmurod Halimov", country="TJ")
    similar_a = PersonFactory(name="Mahmadali Hayit", country="TJ")
    similar_b = PersonFactory(name="Mahmadali Haitov", country="TJ")
    for person in (similar_a, similar_b):
        CitationFactory(source=source, event=EventFactory(person=person, date="2015-09"))
    PersonFactory(name="Mahmadali Haitov", country="KG")  # another country: not listed
    PersonFactory(name="Zarafo Rahmoni", country="TJ")
    pairs = {(pair.first.pk, pair.second.pk): pair.reasons
             for pair in likely_duplicates(user=reviewer)}
    assert set(pairs) == {(same_key_a.pk, same_key_b.pk), (similar_a.pk, similar_b.pk)}
    assert pairs[(same_key_a.pk, same_key_b.pk)] == [
        "the same name in another spelling (“gulmurod halimov”)"]
    assert pairs[(similar_a.pk, similar_b.pk)][0].startswith("similar names (")
    NotDuplicate.objects.create(first=same_key_a, second=same_key_b)
    assert len(likely_duplicates(user=reviewer)) == 1


@pytest.mark.django_db
def test_staff_compare_and_merge_from_the_queue(staff_client, pair):
    keep, duplicate = pair
    response = staff_client.get(reverse("intake:duplicates"))
    assert response.status_code == status.HTTP_200_OK
    compare = reverse("intake:duplicate_compare", args=[keep.pk, duplicate.pk])
    assert compare in response.content.decode()
    page = staff_client.get(compare)
    assert page.status_code == status.HTTP_200_OK
    assert "Buzurgmkhar Yorov" in page.content.decode()
    response = staff_client.post(compare, {"keep": keep.pk})
    assert response.status_code == status.HTTP_302_FOUND
    assert response["Location"] == reverse("admin:cases_person_change", args=[keep.pk])
    duplicate.refresh_from_db()
    assert duplicate.merged_into_id == keep.pk
    assert keep.history.first().history_user.username == "superuser"


@pytest.mark.django_db
def test_an_editor_may_not_merge(client, editor, pair):
    keep, duplicate = pair
    client.force_login(editor)
    response = client.post(reverse("intake:duplicate_compare", args=[keep.pk, duplicate.pk]),
                           {"keep": keep.pk})
    assert response.status_code == status.HTTP_403_FORBIDDEN
    duplicate.refresh_from_db()
    assert duplicate.merged_into is None
