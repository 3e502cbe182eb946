"""The public version moves with every change the public can see, and with nothing else;
caches follow it."""

import psycopg
import pytest
from django.db import connection

from casetracker.cases.models import PublicationState
from casetracker.cases.versions import cached, public_version
from casetracker.changes.models import Change, Touched
from tests.factories import EventFactory, PersonFactory

pytestmark = pytest.mark.django_db


def test_every_public_change_moves_the_version_and_no_hidden_one():
    before = public_version()
    person = PersonFactory()
    saved = public_version()
    EventFactory(person=person, publication_state=PublicationState.DRAFT)
    PersonFactory(publication_state=PublicationState.DRAFT)
    hidden = public_version()
    event = EventFactory(person=person)
    event.delete()  # published then deleted before anyone read: no net change
    EventFactory(person=person, description="A public event")
    after = public_version()
    assert len({before.key, saved.key, after.key}) == 3
    assert hidden == saved
    assert after.changed >= saved.changed


def test_a_cached_result_is_computed_again_after_a_public_change_only():
    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    assert cached("test", compute, version=public_version()) == 1
    assert cached("test", compute, version=public_version()) == 1
    PersonFactory(publication_state=PublicationState.DRAFT)
    assert cached("test", compute, version=public_version()) == 1
    PersonFactory()
    assert cached("test", compute, version=public_version()) == 2


@pytest.mark.skipif(connection.vendor != "postgresql", reason="out-of-order commits: PostgreSQL")
def test_a_write_committed_late_is_logged_after_what_was_read():
    """A transaction can write before another and commit after it: its change is logged
    when it commits, with a cursor after every one a reader has already seen."""
    person = PersonFactory()
    seen = public_version().cursor
    settings = connection.settings_dict
    other = psycopg.connect(host=settings["HOST"] or None, port=settings["PORT"] or None,
                            user=settings["USER"], dbname=settings["NAME"])
    try:
        with other.cursor() as cursor:  # a writer whose touch is not committed yet
            cursor.execute("INSERT INTO changes_touched (record_type, record_id, at) "
                           "VALUES ('person', %s, now())", [person.pk])
        person.summary = "Changed meanwhile."
        person.save()
        meanwhile = public_version().cursor
        assert meanwhile > seen
        other.commit()
    finally:
        other.close()
    # Once committed, the late write is caught up with: nothing is left behind, and the
    # cursors run on from the last one a reader saw, without a gap or a step back.
    after = public_version()
    assert not Touched.objects.exists()
    assert after.cursor >= meanwhile
    assert list(Change.objects.order_by("pk").values_list("pk", flat=True)) == list(
        range(1, after.cursor + 1))
