"""Indexes only PostgreSQL has, for the names app's migrations (the migration loader skips
modules whose names start with an underscore).

They are not in the models' state, so the cases app's migrations never see them; other
databases get nothing, and the search falls back to plain lookups there.
"""

from django.db import migrations

# The name keys of people and aliases: (table, column).
NAME_KEYS = [
    ("cases_person", "name_key"),
    ("cases_person", "phonetic_key"),
    ("cases_alias", "name_key"),
    ("cases_alias", "phonetic_key"),
]


def name_key_indexes(suffix: str, method: str, expression: str, *, setup: str = ""):
    """A reversible operation creating ``{table}_{column}_{suffix}``, ``USING {method}
    ({expression})`` with ``{column}`` filled in, on each name key (after ``setup``)."""

    def create(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        if setup:
            schema_editor.execute(setup)
        for table, column in NAME_KEYS:
            schema_editor.execute(
                f"CREATE INDEX IF NOT EXISTS {table}_{column}_{suffix} "
                f"ON {table} USING {method} ({expression.format(column=column)})"
            )

    def drop(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for table, column in NAME_KEYS:
            schema_editor.execute(f"DROP INDEX IF EXISTS {table}_{column}_{suffix}")

    return migrations.RunPython(create, drop)
