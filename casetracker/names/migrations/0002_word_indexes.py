"""PostgreSQL only: GIN full-text indexes on the name keys' words (``names.lookups``).

``to_tsvector('simple', key)`` holds the key's words as they are (the 'simple'
configuration neither stems nor drops stop words), so ``@@`` finds a whole word or a word's
beginning through the index at any length. Other databases get nothing: the lookups use
``LIKE`` there.
"""

from django.db import migrations

INDEXES = [
    ("cases_person", "name_key"),
    ("cases_person", "phonetic_key"),
    ("cases_alias", "name_key"),
    ("cases_alias", "phonetic_key"),
]


def index_name(table, column):
    return f"{table}_{column}_words"


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, column in INDEXES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {index_name(table, column)} "
            f"ON {table} USING gin (to_tsvector('simple'::regconfig, {column}))"
        )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, column in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {index_name(table, column)}")


class Migration(migrations.Migration):

    dependencies = [
        ("names", "0001_trigram_indexes"),
    ]

    operations = [
        migrations.RunPython(create_indexes, drop_indexes),
    ]
