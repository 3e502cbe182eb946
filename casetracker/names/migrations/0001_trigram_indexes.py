"""PostgreSQL only: pg_trgm and GIN trigram indexes on the name keys of people and aliases.

They serve the word lookups (``LIKE '% word %'``) and the fuzzy tier's word similarity
(``%>``) of ``casetracker.names.search``. Other databases get nothing: the search falls back
to plain lookups there. The indexes are not in the models' state, so the cases app's
migrations never see them. Reverting drops the indexes but keeps the extension, which other
code may use.
"""

from django.db import migrations

INDEXES = [
    ("cases_person", "name_key"),
    ("cases_person", "phonetic_key"),
    ("cases_alias", "name_key"),
    ("cases_alias", "phonetic_key"),
]


def index_name(table, column):
    return f"{table}_{column}_trgm"


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for table, column in INDEXES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {index_name(table, column)} "
            f"ON {table} USING gin ({column} gin_trgm_ops)"
        )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, column in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {index_name(table, column)}")


class Migration(migrations.Migration):

    dependencies = [
        ("cases", "0004_phonetic_key"),
    ]

    operations = [
        migrations.RunPython(create_indexes, drop_indexes),
    ]
