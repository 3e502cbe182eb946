"""Word lookups on the space-separated name keys: ``name_key__has_word="yorov"``.

A key holds words of ``[a-z]`` separated by single spaces (``keys.py``). On PostgreSQL a
lookup is a full-text match, ``to_tsvector('simple', key) @@ to_tsquery('simple', 'word')``,
served by the GIN indexes of migration ``names.0002``: exact on whole words whatever their
length. (The trigram ``LIKE '% er %'`` it replaces cannot use an index for a word of two
letters, and "Yorov" has the phonetic key "er": two sequential scans, 100 ms at 100,000
people.) Elsewhere, and for a word the full-text parser would split, it is the same test
written with ``LIKE``.

Registered on ``CharField`` (in ``NamesConfig.ready()``), like Django's own text lookups;
only the name keys have the indexes that make them fast.
"""

from django.db.models import CharField, Lookup


class HasWord(Lookup):
    """The key has the word ``rhs`` (as a whole word)."""

    lookup_name = "has_word"
    prepare_rhs = False
    #: Whether the key may simply equal the word (it may not for a mere beginning).
    whole_key_matches = True

    def like_patterns(self, word: str) -> list[str]:
        """``LIKE`` patterns for the word (escaped for LIKE) inside a longer key."""
        return [f"{word} %", f"% {word}", f"% {word} %"]

    def tsquery(self, word: str) -> str:
        return f"'{word}'"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        conditions, params = [], []
        if self.whole_key_matches:
            conditions.append(f"{lhs} = %s")
            params += [*lhs_params, self.rhs]
        for pattern in self.like_patterns(connection.ops.prep_for_like_query(self.rhs)):
            conditions.append(f"{lhs} LIKE %s ESCAPE '\\'")
            params += [*lhs_params, pattern]
        return f"({' OR '.join(conditions)})", params

    def as_postgresql(self, compiler, connection):
        if not (self.rhs.isascii() and self.rhs.isalnum()):
            return self.as_sql(compiler, connection)
        lhs, lhs_params = self.process_lhs(compiler, connection)
        # The index expression (migration names.0002) exactly, or the index is not used.
        return (f"to_tsvector('simple'::regconfig, {lhs}) @@ to_tsquery('simple'::regconfig, %s)",
                [*lhs_params, self.tsquery(self.rhs)])


class HasWordStarting(HasWord):
    """A word of the key begins with ``rhs``."""

    lookup_name = "has_word_starting"
    whole_key_matches = False

    def like_patterns(self, word: str) -> list[str]:
        return [f"{word}%", f"% {word}%"]

    def tsquery(self, word: str) -> str:
        return f"'{word}':*"


def register():
    CharField.register_lookup(HasWord)
    CharField.register_lookup(HasWordStarting)
