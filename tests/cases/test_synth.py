"""manage.py synth: a realistic, deterministic synthetic case record for the benchmark."""

from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction

from casetracker.cases import synth
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
    Source,
)
from casetracker.names import keys

PEOPLE = 400
FACTS = [Event, Proceeding, Detention, Affiliation, Relationship]


def fingerprint():
    """Everything generated, minus database ids and the time the history was written."""
    people = list(
        Person.objects.order_by("external_id").values_list(
            "external_id", "name", "slug", "status", "publication_state", "is_restricted",
            "involvement", "sex", "birth_year", "created_at", "updated_at",
        )
    )
    events = list(
        Event.objects.order_by("person__external_id", "date", "kind", "description")
        .values_list("person__external_id", "kind", "date", "publication_state", "place")
    )
    sentences = list(
        Proceeding.objects.order_by("person__external_id", "verdict_date", "term_months")
        .values_list("person__external_id", "outcome", "term_months", "life", "verdict_date")
    )
    counts = {model.__name__: model.objects.count() for model in [*FACTS, Alias, Citation, Source]}
    return people, events, sentences, counts


def generate(seed, people=120):
    """Generate inside a savepoint, read the result back and roll it away."""
    with transaction.atomic():
        synth.Generator(people=people, seed=seed, with_history=False).run()
        result = fingerprint()
        transaction.set_rollback(True)
    return result


@pytest.fixture
def dataset(db):
    call_command("synth", people=PEOPLE, seed=3, stdout=StringIO())


@pytest.mark.django_db
def test_the_same_seed_gives_the_same_data_and_another_seed_other_data():
    first = generate(seed=11)
    assert first[0], "nothing was generated"
    assert generate(seed=11) == first
    assert generate(seed=12) != first


def test_creates_the_number_of_people_asked_with_their_records(dataset):
    """Exactly N people; every person has 3 to 10 events."""
    assert Person.objects.count() == PEOPLE
    per_person = Counter(Event.objects.values_list("person_id", flat=True))
    assert len(per_person) == PEOPLE
    assert min(per_person.values()) >= 3
    assert max(per_person.values()) <= 10
    assert Proceeding.objects.exists() and Detention.objects.exists()
    assert Relationship.objects.exists() and Affiliation.objects.exists()


def test_proportions_are_those_stated_in_the_help(dataset):
    """Mostly published, a few restricted, one in seven a relative, sentences of every kind."""
    people = Person.objects.all()
    published = people.filter(publication_state=PublicationState.PUBLISHED).count() / PEOPLE
    assert 0.7 <= published <= 0.9
    assert 0 < people.filter(is_restricted=True).count() / PEOPLE <= 0.08
    assert 0.1 <= people.filter(involvement=Person.Involvement.RELATED).count() / PEOPLE <= 0.2
    assert people.filter(merged_into__isnull=False).exists()
    assert Person.objects.published().count() < people.filter(
        publication_state=PublicationState.PUBLISHED, is_restricted=False).count()
    convicted = Proceeding.objects.sentences()
    assert convicted.filter(life=True, term_months__isnull=True).exists()
    assert convicted.filter(life=False, term_months__isnull=True).exists()  # term unknown
    assert convicted.filter(term_months__gt=0).count() > convicted.count() / 2
    events = Event.objects.all()
    public_events = events.filter(publication_state=PublicationState.PUBLISHED).count()
    assert 0.65 <= public_events / events.count() <= 0.9  # 80% × 92% + 20% × 10%
    assert events.filter(is_restricted=True).exists()
    assert events.filter(place_is_restricted=True).exists()
    assert Source.objects.filter(is_restricted=True).exists()
    assert Source.objects.exclude(publication_state=PublicationState.PUBLISHED).exists()
    assert Alias.objects.filter(is_restricted=True).exists()


def test_names_are_in_latin_and_cyrillic_with_aliases(dataset):
    assert Alias.objects.filter(script=Alias.Script.CYRILLIC).count() > PEOPLE / 2
    assert Alias.objects.filter(script=Alias.Script.LATIN).exists()
    cyrillic = Alias.objects.filter(script=Alias.Script.CYRILLIC).values_list("name", flat=True)
    assert all(any("а" <= char.lower() <= "я" or char in "ҳҷқғӣӯ" for char in name)
               for name in cyrillic)
    assert all(name.isascii() or "'" in name for name in
               Person.objects.filter(is_pseudonym=False).values_list("name", flat=True))


def test_every_fact_cites_a_source(dataset):
    for model in FACTS:
        assert not model.objects.filter(citations__isnull=True).exists(), model.__name__
    assert Citation.objects.count() >= sum(model.objects.count() for model in FACTS)


def test_search_keys_are_filled_as_save_would(dataset):
    """bulk_create skips save(): the generator fills the keys through casetracker.names.keys."""
    for record in [*Person.objects.all()[:50], *Alias.objects.all()[:50]]:
        expected = type(record)(name=record.name)
        synth.fill_keys(expected)
        assert record.name_key and record.name_key == keys.name_key(record.name)
        for field in ("name_key", "phonetic_key"):
            if hasattr(record, field):
                assert getattr(record, field) == getattr(expected, field)


def test_records_pass_model_validation(dataset):
    """The rules the admin enforces hold (periods in order, plausible years, pseudonyms)."""
    for model in (Person, Detention, Affiliation, Relationship, Proceeding):
        for record in model.objects.all()[:150]:
            record.full_clean()


def test_relationships_and_merges_obey_the_constraints(dataset):
    for relationship in Relationship.objects.all():
        assert relationship.person_id != relationship.relative_id
    for duplicate in Person.objects.filter(merged_into__isnull=False):
        assert duplicate.merged_into.merged_into_id is None
    assert not Proceeding.objects.filter(life=True, term_months__isnull=False).exists()


def test_each_record_has_one_created_history_row(dataset):
    person = Person.objects.first()
    history = list(person.history.all())
    assert [(h.history_type, h.history_change_reason) for h in history] == [
        ("+", synth.CHANGE_REASON)
    ]
    assert history[0].history_date == person.created_at  # entered then, not all at once
    assert Event.history.count() == Event.objects.count()
    assert Citation.history.count() == Citation.objects.count()


def test_history_can_be_skipped(db):
    call_command("synth", people=30, without_history=True, stdout=StringIO())
    assert Person.objects.count() == 30
    assert not Person.history.exists()


def test_dry_run_writes_nothing(db):
    out = StringIO()
    call_command("synth", people=30, dry_run=True, stdout=out)
    assert "Would create" in out.getvalue()
    assert not Person.objects.exists()
    assert not Event.objects.exists()


def test_running_twice_with_one_seed_is_refused_with_a_clear_error(dataset):
    with pytest.raises(CommandError, match="seed 3"):
        call_command("synth", people=10, seed=3, stdout=StringIO())
    call_command("synth", people=10, seed=4, stdout=StringIO())
    assert Person.objects.count() == PEOPLE + 10


def test_a_number_of_people_below_one_is_refused(db):
    with pytest.raises(CommandError, match="at least 1"):
        call_command("synth", people=0, stdout=StringIO())
