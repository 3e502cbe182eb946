"""The seed fixtures: complete, cited, loadable twice, and refused clearly when broken."""

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Exists, OuterRef, Q

from casetracker.cases.models import (
    Citation,
    Detention,
    Event,
    Person,
    Proceeding,
    PublicationState,
    Relationship,
    Source,
)
from casetracker.cases.services import history_models, seed_fixture_paths

pytestmark = pytest.mark.django_db


def snapshot():
    return {model._meta.label: list(model.objects.order_by("pk").values())
            for model in history_models()}


def test_there_are_at_least_thirty_people_all_published(seeded):
    people = Person.objects.all()
    assert people.count() >= 30
    assert not people.exclude(publication_state=PublicationState.PUBLISHED).exists()


def test_every_fact_cites_a_source_with_a_passage(seeded):
    """No event, proceeding or detention is left without a citation."""
    for model in (Event, Proceeding, Detention):
        uncited = model.objects.unsourced()
        assert not uncited.exists(), f"uncited {model._meta.verbose_name_plural}: {list(uncited)}"
    assert not Citation.objects.filter(passage="").exists()
    assert not Citation.objects.filter(source__isnull=True).exists()


def test_every_person_has_at_least_one_cited_fact(seeded):
    cited = Citation.objects.filter(
        Q(event__person=OuterRef("pk")) | Q(proceeding__person=OuterRef("pk"))
        | Q(detention__person=OuterRef("pk")) | Q(affiliation__person=OuterRef("pk"))
        | Q(relationship__person=OuterRef("pk")) | Q(relationship__relative=OuterRef("pk"))
    )
    uncited = Person.objects.exclude(Exists(cited))
    assert not uncited.exists(), list(uncited)


def test_every_relationship_and_affiliation_is_cited(seeded):
    assert not Relationship.objects.filter(citations__isnull=True).exists()


def test_every_source_is_cited_or_documents_no_case(seeded):
    """Each source article is in seeds/ and at most one documents nobody (the Iran article)."""
    uncited = Source.objects.filter(citations__isnull=True)
    assert uncited.count() <= 1


def test_every_loaded_record_passes_validation(seeded):
    """Loading bypasses full_clean(); every seed record must pass it all the same."""
    for model in history_models():
        for record in model.objects.all():
            record.full_clean()


def test_loading_twice_changes_nothing(seeded):
    before = snapshot()
    call_command("loadseeds", verbosity=0)
    assert snapshot() == before


def test_one_person_is_one_record(seeded):
    """The same man spelled two ways in two articles is one record with an alias."""
    keys = list(Person.objects.values_list("name_key", flat=True))
    assert len(keys) == len(set(keys))


def write_fixture(tmp_path, text):
    path = tmp_path / "broken.yaml"
    path.write_text(text)
    return path


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("- model: cases.person\n  pk: 1\n  fields: {name: [unclosed\n", "broken.yaml"),
        ("- model: cases.citation\n  pk: 1\n  fields: {source: 999, passage: x, event: 999}\n",
         "citation"),
        ("- model: cases.nosuchmodel\n  pk: 1\n  fields: {}\n", "nosuchmodel"),
    ],
)
def test_a_broken_fixture_is_refused_with_its_problem_named(tmp_path, monkeypatch, text,
                                                            message):
    """A malformed file or a citation to a missing source names the problem; nothing is written."""
    path = write_fixture(tmp_path, text)
    monkeypatch.setattr("casetracker.cases.management.commands.loadseeds.seed_fixture_paths",
                        lambda: [*seed_fixture_paths(), path])
    with pytest.raises(CommandError) as error:
        call_command("loadseeds", verbosity=0)
    assert message in str(error.value).lower()
    assert not Person.objects.exists()


def test_a_person_recorded_twice_is_refused(tmp_path, monkeypatch):
    """Two records of one person (same name key) stop the load with both named."""
    path = write_fixture(tmp_path, (
        "- model: cases.person\n  pk: 9001\n  fields: {name: Buzurgmekhr Yorov, slug: by-2,"
        " country: TJ, name_key: 'buzurgmekhr yorov', created_at: 2026-01-01T00:00:00Z,"
        " updated_at: 2026-01-01T00:00:00Z}\n"
        "- model: cases.person\n  pk: 9002\n  fields: {name: Buzurgmekhr Yorov, slug: by-3,"
        " country: TJ, name_key: 'buzurgmekhr yorov', created_at: 2026-01-01T00:00:00Z,"
        " updated_at: 2026-01-01T00:00:00Z}\n"))
    monkeypatch.setattr("casetracker.cases.management.commands.loadseeds.seed_fixture_paths",
                        lambda: [path])
    with pytest.raises(CommandError, match="recorded twice: Buzurgmekhr Yorov"):
        call_command("loadseeds", verbosity=0)
    assert not Person.objects.exists()


def test_an_invalid_record_is_refused_with_its_reason(tmp_path, monkeypatch):
    path = write_fixture(tmp_path, (
        "- model: cases.person\n  pk: 9001\n  fields: {name: Someone, slug: someone,"
        " country: XX, name_key: someone, created_at: 2026-01-01T00:00:00Z,"
        " updated_at: 2026-01-01T00:00:00Z}\n"))
    monkeypatch.setattr("casetracker.cases.management.commands.loadseeds.seed_fixture_paths",
                        lambda: [path])
    with pytest.raises(CommandError, match="cases.Person pk=9001 .Someone.: .*XX"):
        call_command("loadseeds", verbosity=0)
