"""How the keys are stored: recomputed on save, rebuilt by a command, indexed on PostgreSQL."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from casetracker.cases.models import Alias, Person
from casetracker.names.search import WORD_SIMILARITY_THRESHOLD
from tests.factories import AliasFactory, PersonFactory

pytestmark = pytest.mark.django_db


def test_keys_follow_the_name_on_every_save():
    person = PersonFactory(name="Buzurgmehr Yorov")
    alias = AliasFactory(person=person, name="Бузургмеҳр Ёров")
    assert (person.name_key, person.phonetic_key) == ("buzurgmehr yorov", "buzurgmehr er")
    assert alias.phonetic_key == person.phonetic_key
    person.name = "Muhiddin Kabiri"
    person.save()
    assert Person.objects.get(pk=person.pk).phonetic_key == "muhidin kabiri"


def test_rebuildnamekeys_rekeys_rows_written_without_save():
    person = PersonFactory(name="Mahmadali Hayit")
    AliasFactory(person=person, name="Ҳайит")
    Person.objects.update(name_key="", phonetic_key="")  # as bulk_create or old tables leave it
    Alias.objects.update(phonetic_key="stale")
    out = StringIO()
    call_command("rebuildnamekeys", stdout=out)
    assert "people: 1 re-keyed" in out.getvalue()
    assert "aliases: 1 re-keyed" in out.getvalue()
    assert Person.objects.get().phonetic_key == "mahmadali hait"
    assert Alias.objects.get().phonetic_key == "hait"
    out = StringIO()
    call_command("rebuildnamekeys", stdout=out)
    assert "people: 0 re-keyed" in out.getvalue()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_trgm is PostgreSQL only")
def test_postgresql_has_trigram_indexes_and_the_word_similarity_threshold():
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE indexname LIKE %s", ["%_trgm"])
        indexes = {row[0] for row in cursor.fetchall()}
        cursor.execute("SELECT current_setting('pg_trgm.word_similarity_threshold')")
        threshold = float(cursor.fetchone()[0])
    assert indexes >= {f"cases_{table}_{column}_trgm" for table in ("person", "alias")
                       for column in ("name_key", "phonetic_key")}
    assert threshold == WORD_SIMILARITY_THRESHOLD


@pytest.mark.skipif(connection.vendor != "postgresql", reason="full-text indexes: PostgreSQL")
@pytest.mark.parametrize("lookup", ["has_word", "has_word_starting"])
def test_postgresql_answers_a_word_lookup_from_its_full_text_index(db, lookup):
    """The word lookups compile to the very expression of the GIN indexes (a differing
    expression would silently scan the table): with sequential scans off, the plan reads
    the index."""
    queryset = Person.objects.filter(**{f"phonetic_key__{lookup}": "er"}).values("pk")
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "cases_person_phonetic_key_words" in plan
