"""Model rules: validation with clear messages, relationship symmetry, querysets."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F

from casetracker.cases.models import (
    Citation,
    Person,
    Proceeding,
    PublicationState,
    Relationship,
    RelationshipKind,
)
from tests.factories import (
    AliasFactory,
    CitationFactory,
    DetentionFactory,
    EventFactory,
    PersonFactory,
    ProceedingFactory,
    RelationshipFactory,
    SourceFactory,
    cited_person,
)

pytestmark = pytest.mark.django_db


def test_sentence_cannot_be_both_life_and_a_term():
    """A sentence is life or a term in months: the form says so and the database refuses both."""
    proceeding = ProceedingFactory.build(person=PersonFactory(), court=None, life=True,
                                         term_months=120)
    with pytest.raises(ValidationError) as error:
        proceeding.full_clean()
    assert "either life imprisonment or a term" in str(error.value)
    with pytest.raises(IntegrityError), transaction.atomic():
        proceeding.save()


def test_life_sentence_without_a_term_is_valid():
    proceeding = ProceedingFactory(life=True, term_months=None)
    proceeding.full_clean()
    assert proceeding.term_display == "life imprisonment"


def test_term_display_in_years_and_months():
    assert ProceedingFactory.build(term_months=276).term_display == "23 years"
    assert ProceedingFactory.build(term_months=18).term_display == "1 year 6 months"
    assert ProceedingFactory.build(term_months=None).term_display == "term not known"


def test_detention_cannot_end_before_it_starts():
    detention = DetentionFactory.build(person=PersonFactory(), start="2016-10", end="2016-09")
    with pytest.raises(ValidationError) as error:
        detention.full_clean()
    assert "before the start" in str(error.value)


def test_detention_may_end_in_the_month_it_started():
    """"From 5 October 2016 until October 2016" is consistent, though "2016-10" sorts first."""
    DetentionFactory.build(person=PersonFactory(), start="2016-10-05", end="2016-10").full_clean()


def test_unknown_country_is_refused():
    person = PersonFactory.build(country="XX")
    with pytest.raises(ValidationError) as error:
        person.full_clean()
    assert "country" in error.value.message_dict


def test_real_name_requires_the_pseudonym_flag():
    """A real name is only kept for a person published under a pseudonym."""
    person = PersonFactory.build(name="Massud", real_name="Real Name", is_pseudonym=False)
    with pytest.raises(ValidationError) as error:
        person.full_clean()
    assert "pseudonym" in str(error.value)


def test_slug_and_name_key_are_filled_in_on_save():
    first = PersonFactory(name="Buzurgmehr Yorov")
    second = PersonFactory(name="Buzurgmehr Yorov")
    assert first.slug == "buzurgmehr-yorov"
    assert second.slug == "buzurgmehr-yorov-2"
    assert first.name_key
    assert AliasFactory(person=first, name="Бузургмеҳр Ёров").name_key


@pytest.mark.parametrize(
    ("kind", "sex_of_person", "sex_of_relative", "seen_by_relative", "seen_by_person"),
    [
        (RelationshipKind.PARENT, Person.Sex.MALE, Person.Sex.MALE, "father", "son"),
        (RelationshipKind.PARENT, Person.Sex.FEMALE, Person.Sex.FEMALE, "mother", "daughter"),
        (RelationshipKind.SIBLING, Person.Sex.MALE, Person.Sex.FEMALE, "brother", "sister"),
        (RelationshipKind.NEPHEW_NIECE, Person.Sex.MALE, Person.Sex.MALE, "nephew", "uncle"),
        (RelationshipKind.SPOUSE, Person.Sex.FEMALE, Person.Sex.MALE, "wife", "husband"),
        (RelationshipKind.LAWYER, Person.Sex.MALE, Person.Sex.MALE, "lawyer", "client"),
        (RelationshipKind.COUSIN, Person.Sex.UNKNOWN, Person.Sex.MALE, "cousin", "cousin"),
    ],
)
def test_relationship_reads_from_both_sides(kind, sex_of_person, sex_of_relative,
                                            seen_by_relative, seen_by_person):
    """Stored once, a relationship reads correctly from each side: father ↔ son."""
    person = PersonFactory(sex=sex_of_person)
    relative = PersonFactory(sex=sex_of_relative)
    relationship = RelationshipFactory(person=person, kind=kind, relative=relative)
    assert relationship.seen_from(relative) == (seen_by_relative, person)
    assert relationship.seen_from(person) == (seen_by_person, relative)


def test_a_person_cannot_be_their_own_relative():
    person = PersonFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Relationship.objects.create(person=person, kind=RelationshipKind.SIBLING, relative=person)


def test_citation_cites_exactly_one_fact():
    """A citation attached to two facts, or to none, is refused by the database."""
    event = EventFactory()
    proceeding = ProceedingFactory(person=event.person)
    source = SourceFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Citation.objects.create(source=source, passage="x", event=event, proceeding=proceeding)
    with pytest.raises(IntegrityError), transaction.atomic():
        Citation.objects.create(source=source, passage="x")
    assert CitationFactory(source=source, event=event).fact == event


def test_published_excludes_drafts_restricted_and_merged_people():
    visible = PersonFactory()
    PersonFactory(publication_state=PublicationState.DRAFT)
    PersonFactory(is_restricted=True)
    PersonFactory(merged_into=visible)
    assert list(Person.objects.published()) == [visible]


def test_with_record_fetches_only_public_facts(django_assert_num_queries):
    """A public record leaves out unpublished and restricted facts and restricted aliases."""
    person = cited_person()
    EventFactory(person=person, publication_state=PublicationState.DRAFT, description="DRAFT")
    EventFactory(person=person, is_restricted=True, description="SECRET")
    AliasFactory(person=person, name="Hidden Name", is_restricted=True)
    AliasFactory(person=person, name="Public Name")
    with django_assert_num_queries(12):
        record = Person.objects.published().with_record().get(pk=person.pk)
        events = list(record.events.all())
        aliases = [alias.name for alias in record.aliases.all()]
    assert [event.description for event in events] == ["Arrested with other party leaders."]
    assert aliases == ["Public Name"]


def test_with_record_query_count_does_not_grow_with_facts(django_assert_num_queries):
    """Prefetching costs the same number of queries for 1 fact or 20."""
    people = [cited_person() for _ in range(3)]
    for person in people:
        for _ in range(5):
            CitationFactory(event=EventFactory(person=person))
    with django_assert_num_queries(12):
        records = list(Person.objects.published().with_record())
        assert sum(len(record.events.all()) for record in records) == 18


def test_latest_event_and_source_count_annotations():
    person = cited_person()
    EventFactory(person=person, kind="torture", date="2016-10-06")
    EventFactory(person=person, kind="release", date="2018", publication_state="draft")
    annotated = Person.objects.with_latest_event().with_source_count().get(pk=person.pk)
    assert (annotated.latest_event_kind, annotated.latest_event_date.isoformat()) == (
        "torture", "2016-10-06")
    assert annotated.source_count == 1


def test_sentences_are_convicted_proceedings():
    convicted = ProceedingFactory()
    ProceedingFactory(outcome=Proceeding.Outcome.PENDING, term_months=None)
    assert list(Proceeding.objects.sentences()) == [convicted]


@pytest.mark.parametrize("url", ["javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html,x",
                                 "//evil.example.org"])
def test_a_source_url_must_be_a_web_address(url):
    """A source is linked from public pages, so only http(s) URLs are stored, whatever writes."""
    with pytest.raises(IntegrityError), transaction.atomic():
        SourceFactory(url=url)


def test_web_url_filter_links_only_http_addresses():
    from casetracker.public.templatetags.public_tags import web_url

    assert web_url("https://rferl.org/a") == "https://rferl.org/a"
    assert web_url("javascript:alert(1)") == ""


def test_latest_event_counts_verdicts_and_detentions():
    """A person whose latest fact is a verdict or a detention has it as the latest event."""
    sentenced = PersonFactory()
    EventFactory(person=sentenced, kind="arrest", date="2015-09")
    ProceedingFactory(person=sentenced, verdict_date="2016-10-06")
    detained = PersonFactory()
    DetentionFactory(person=detained, start="2017-07")
    ProceedingFactory(person=detained, verdict_date="2017", publication_state="draft")
    nothing = PersonFactory()
    found = {p.pk: (p.latest_event_kind, p.latest_event_date and p.latest_event_date.isoformat())
             for p in Person.objects.with_latest_event()}
    assert found[sentenced.pk] == ("trial", "2016-10-06")
    assert found[detained.pk] == ("detention", "2017-07")
    assert found[nothing.pk] == (None, None)
    ordered = list(Person.objects.with_latest_event().order_by(
        F("latest_event_date").desc(nulls_last=True)).values_list("pk", flat=True))
    assert ordered[:2] == [detained.pk, sentenced.pk]
