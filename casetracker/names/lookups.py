"""Word lookups on the space-separated name keys: ``name_key__has_word="yorov"``.

A key holds words of ``[a-z0-9]`` separated by single spaces (``keys.py``). On PostgreSQL a
lookup is a full-text match, ``to_tsvector('simple', key) @@ to_tsquery('simple', 'word')``,
served by the GIN indexes of migration ``names.0002``: exact on whole words whatever their
length. (The trigram ``LIKE '% er %'`` it replaces cannot use an index for a word of two
letters, and "Yorov" has the phonetic key "er": two sequential scans, 100 ms at 100,000
people.) Elsewhere, and for a word the full-text parser would split, it is the same test
written with ``LIKE``.
"""

from django.db.models import CharField, Lookup


class HasWord(Lookup):
    """The key has the word ``rhs`` (as a whole word)."""

    lookup_name = "has_word"
    prepare_rhs = False

    def patterns(self, word: str) -> tuple[str, list[str]]:
        """The word as an equality and as ``LIKE`` patterns (``word`` escaped for LIKE)."""
        return word, [f"{word} %", f"% {word}", f"% {word} %"]

    def tsquery(self, word: str) -> str:
        return f"'{word}'"

    def as_sql(self, compiler, connection):
        lhs, params = self.process_lhs(compiler, connection)
        equal, patterns = self.patterns(connection.ops.prep_for_like_query(self.rhs))
        conditions = [f"{lhs} LIKE %s ESCAPE '\\'" for _pattern in patterns]
        values = [value for _pattern in patterns for value in (*params, _pattern)]
        if equal is not None:
            conditions.insert(0, f"{lhs} = %s")
            values = [*params, self.rhs, *values]
        return f"({' OR '.join(conditions)})", values

    def as_postgresql(self, compiler, connection):
        if not (self.rhs.isascii() and self.rhs.isalnum()):
            return self.as_sql(compiler, connection)
        lhs, params = self.process_lhs(compiler, connection)
        # The index expression (migration names.0002) exactly, or the index is not used.
        return (f"to_tsvector('simple'::regconfig, {lhs}) @@ to_tsquery('simple'::regconfig, %s)",
                [*params, self.tsquery(self.rhs)])


class HasWordStarting(HasWord):
    """A word of the key begins with ``rhs``."""

    lookup_name = "has_word_starting"

    def patterns(self, word: str) -> tuple[None, list[str]]:
        return None, [f"{word}%", f"% {word}%"]

    def tsquery(self, word: str) -> str:
        return f"'{word}':*"


def register():
    CharField.register_lookup(HasWord)
    CharField.register_lookup(HasWordStarting)
