"""The data version moves with every change that can become visible, and caches follow it."""

import psycopg
import pytest
from django.db import connection

from casetracker.cases.versions import cached, data_version
from tests.factories import EventFactory, PersonFactory

pytestmark = pytest.mark.django_db


def test_every_save_and_deletion_moves_the_version():
    before = data_version()
    person = PersonFactory()
    saved = data_version()
    event = EventFactory(person=person)
    event.delete()
    deleted = data_version()
    assert len({before.key, saved.key, deleted.key}) == 3
    assert saved.changed is not None and deleted.changed >= saved.changed


def test_a_cached_result_is_computed_again_after_a_change():
    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    assert cached("test", compute, version=data_version()) == 1
    assert cached("test", compute, version=data_version()) == 1
    PersonFactory()
    assert cached("test", compute, version=data_version()) == 2


@pytest.mark.skipif(connection.vendor != "postgresql", reason="out-of-order commits: PostgreSQL")
def test_a_write_still_in_progress_is_part_of_the_version():
    """A transaction can take a history id and commit after a later one: while it runs it is
    named in the version, so what is cached meanwhile is not served once it commits."""
    settings = connection.settings_dict
    other = psycopg.connect(host=settings["HOST"] or None, port=settings["PORT"] or None,
                            user=settings["USER"], dbname=settings["NAME"])
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_current_xact_id()::text")  # becomes a writer
            writer = cursor.fetchone()[0]
        during = data_version()
        assert writer in during.in_progress.split(",")
        other.commit()
        assert writer not in data_version().in_progress.split(",")
        assert data_version().key != during.key
    finally:
        other.close()
