"""PostgreSQL only: pg_trgm and GIN trigram indexes on the name keys of people and aliases.

They serve the fuzzy tier's word similarity (``%>``) of ``casetracker.names.search``.
Reverting drops the indexes but keeps the extension, which other code may use.
"""

from django.db import migrations

from casetracker.names.migrations._postgresql import name_key_indexes


class Migration(migrations.Migration):

    dependencies = [
        ("cases", "0004_phonetic_key"),
    ]

    operations = [
        name_key_indexes("trgm", "gin", "{column} gin_trgm_ops",
                         setup="CREATE EXTENSION IF NOT EXISTS pg_trgm"),
    ]
