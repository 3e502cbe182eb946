"""Backup and restore: a round trip reproduces every record and its history."""

import json

import pytest
from django.core import serializers
from django.core.management import CommandError, call_command

from casetracker.cases.backup import backed_up_models
from casetracker.cases.models import Person
from tests.factories import AliasFactory, RelationshipFactory, UserFactory, cited_person

pytestmark = pytest.mark.django_db(transaction=True)


def snapshot():
    """Every backed-up row, serialised, so two databases can be compared exactly."""
    return {model._meta.label: json.loads(serializers.serialize(
                "json", model._default_manager.order_by("pk"), use_natural_foreign_keys=True))
            for model in backed_up_models()}


def wipe():
    for model in reversed(backed_up_models()):
        model._default_manager.all()._raw_delete(model._default_manager.db)


def test_backup_then_restore_into_an_empty_database_is_identical(tmp_path):
    person = cited_person(name="Buzurgmehr Yorov")
    AliasFactory(person=person, name="Бузургмеҳр Ёров")
    RelationshipFactory(relative=person, kind="lawyer")
    person.summary = "Changed once, so there is a history to keep."
    person.save()
    UserFactory(username="editor1", is_staff=True)
    before = snapshot()
    assert before["cases.HistoricalPerson"], "the test needs history rows"

    path = tmp_path / "backup.json"
    call_command("backup", str(path), verbosity=0)
    wipe()
    assert not Person.objects.exists()
    call_command("restore", str(path), verbosity=0)
    assert snapshot() == before
    # Sequences were moved past the restored keys: new rows can still be created.
    assert cited_person().pk > person.pk


def test_restore_refuses_a_database_that_holds_data(tmp_path):
    cited_person()
    path = tmp_path / "backup.json"
    call_command("backup", str(path), verbosity=0)
    with pytest.raises(CommandError, match="only into an empty database"):
        call_command("restore", str(path), verbosity=0)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("not json at all", "not a readable backup"),
        ('{"format": "something-else"}', "not a casetracker backup"),
        ('{"format": "casetracker-backup", "format_version": 99}', "format 99"),
    ],
)
def test_restore_explains_a_bad_file(tmp_path, content, message):
    path = tmp_path / "backup.json"
    path.write_text(content)
    with pytest.raises(CommandError, match=message):
        call_command("restore", str(path), verbosity=0)


def test_a_failed_restore_writes_nothing(tmp_path):
    cited_person()
    path = tmp_path / "backup.json"
    call_command("backup", str(path), verbosity=0)
    document = json.loads(path.read_text())
    # Break one row near the end: everything before it must be rolled back.
    people = [row for row in document["data"] if row["model"] == "cases.citation"]
    people[-1]["fields"]["source"] = 999999
    path.write_text(json.dumps(document))
    wipe()
    with pytest.raises(Exception):  # noqa: B017 - loaddata's own error, re-raised
        call_command("restore", str(path), verbosity=0)
    assert not Person.objects.exists()
