"""Migrations: from zero to head and back, and forward from the first release with data."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

FIRST_RELEASE = [("cases", "0001_initial")]


def leaf_nodes():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def migrate_to(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def back_to_head():
    yield
    call_command("migrate", verbosity=0)


def test_every_migration_applies_and_reverts(back_to_head):
    """Each app migrates to zero and back to head without error."""
    ours = ["cases", "names", "api", "intake"]
    apps_with_migrations = {app for app, _name in leaf_nodes() if app in ours}
    for app in sorted(apps_with_migrations, reverse=True):
        call_command("migrate", app, "zero", verbosity=0)
    call_command("migrate", verbosity=0)
    tables = connection.introspection.table_names()
    assert "cases_person" in tables and "cases_historicalperson" in tables


def test_data_from_the_first_release_survives_every_later_migration(back_to_head):
    """Records written under the first schema are all there, unchanged, at head."""
    old_apps = migrate_to(FIRST_RELEASE)
    Person = old_apps.get_model("cases", "Person")
    Event = old_apps.get_model("cases", "Event")
    Source = old_apps.get_model("cases", "Source")
    Citation = old_apps.get_model("cases", "Citation")
    person = Person.objects.create(name="Mahmadali Hayit", slug="mahmadali-hayit", country="TJ",
                                   status="imprisoned", publication_state="published",
                                   name_key="mahmadali hayit")
    event = Event.objects.create(person=person, kind="arrest", date="2015-09",
                                 publication_state="published")
    source = Source.objects.create(slug="odr", title="Meet Tajikistan's embattled Islamists",
                                   publisher="openDemocracy", published="2017-09-28")
    Citation.objects.create(source=source, event=event, passage="arrested 13 high-ranking")

    new_apps = migrate_to(leaf_nodes())
    NewPerson = new_apps.get_model("cases", "Person")
    kept = NewPerson.objects.get(slug="mahmadali-hayit")
    assert (kept.name, kept.country, kept.status) == ("Mahmadali Hayit", "TJ", "imprisoned")
    assert new_apps.get_model("cases", "Event").objects.get(person_id=kept.pk).date.isoformat() == (
        "2015-09")
    assert new_apps.get_model("cases", "Citation").objects.count() == 1
