"""PostgreSQL only: GIN full-text indexes on the name keys' words (``names.lookups``).

``to_tsvector('simple', key)`` holds the key's words as they are (the 'simple'
configuration neither stems nor drops stop words), so ``@@`` finds a whole word or a word's
beginning through the index at any length.
"""

from django.db import migrations

from casetracker.names.migrations._postgresql import name_key_indexes


class Migration(migrations.Migration):

    dependencies = [
        ("names", "0001_trigram_indexes"),
    ]

    operations = [
        name_key_indexes("words", "gin", "to_tsvector('simple'::regconfig, {column})"),
    ]
