"""Find people by any spelling of their name or aliases, best match first.

Every word of the query must match a word of the person's name or of one of their
(unrestricted) aliases. How well it matches gives the ``search_rank``, best first:

``EXACT``
    the query is the name or an alias, ignoring case, script, diacritics and punctuation;
``WORDS``
    every query word is a word of the name or alias as spelled ("Yorov" in "Buzurgmehr Yorov");
``KEY``
    every query word sounds the same (equal phonetic keys, see ``keys.py``): "Iorov", "Ёров";
``PREFIX``
    every query word of three letters or more begins a word: "Buzurg" for "Buzurgmehr";
``FUZZY``
    every query word of four letters or more is within a slip of a word (one letter, or up to
    two vowels that differ; two letters in words of nine or more), ranked by similarity;
    the twenty closest, and only when the tiers above find fewer than twenty.

The first four tiers are indexed word lookups on ``name_key`` and ``phonetic_key``
(``lookups.py``). The fuzzy tier scores a bounded set of candidates in Python with one
similarity measure on every database; the candidates come from pg_trgm word similarity (a
GIN trigram index) on PostgreSQL and from substrings of the query keys elsewhere. Within a
tier, people with a higher ``search_score`` (the fuzzy similarity, 0 when not scored) come
first, then by name; in the ``EXACT`` tier, a person whose own name is the query comes
before one whose alias is.
"""

from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache, reduce
from operator import and_, or_

from django.conf import settings
from django.contrib.postgres.lookups import TrigramWordSimilar
from django.contrib.postgres.search import TrigramWordSimilarity
from django.db import connections
from django.db.models import (
    BooleanField,
    Case,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    OuterRef,
    Q,
    Value,
    When,
)
from django.db.models.functions import Greatest, Least

from casetracker.names.keys import fold, name_words
from casetracker.names.tables import VOWELS

EXACT, WORDS, KEY, PREFIX, FUZZY = range(5)

# Order a searched queryset by; the admin changelist uses it while a search is on.
SEARCH_ORDERING = ["search_rank", "-search_on_name", "-search_score", "name", "pk"]

PREFIX_MIN_LENGTH = 3
FUZZY_MIN_LENGTH = 4
# Rows (names and aliases) scored for the fuzzy tier, and people kept in it.
FUZZY_CANDIDATES = 200
FUZZY_RESULTS = 20
# pg_trgm's word similarity above which a name is a fuzzy candidate; PostgreSQL connections
# get it as pg_trgm.word_similarity_threshold (see DATABASES in settings).
WORD_SIMILARITY_THRESHOLD = settings.NAME_SEARCH_WORD_SIMILARITY
# A vowel that differs, or is added or dropped, counts as half a letter.
VOWEL_COST = 0.5
DUPLICATES_SHOWN = 10
# Each query word adds conditions to every tier: 5,000 words made a query whose planning
# exhausted PostgreSQL's memory. No name is that long; a longer query matches no one. Every
# search box (site, API, admin) refuses more than these words and characters.
MAX_QUERY_WORDS = 12
MAX_QUERY_LENGTH = 200


@dataclass(frozen=True)
class ParsedQuery:
    folded: str
    words: tuple[tuple[str, str], ...]  # (folded, phonetic) per word

    @classmethod
    def parse(cls, text: str) -> "ParsedQuery":
        return cls(fold(text), tuple(name_words(text)))

    @property
    def keys(self) -> list[str]:
        return [key for _folded, key in self.words]


# ---------------------------------------------------------------------------------------
# Conditions on a model with ``name_key`` and ``phonetic_key`` (Person and Alias)
# ---------------------------------------------------------------------------------------


def _has_word(field: str, word: str) -> Q:
    """``word`` is a whole word of the space-separated ``field`` (see ``lookups.py``)."""
    return Q(**{f"{field}__has_word": word})


def _has_word_starting(field: str, prefix: str) -> Q:
    return Q(**{f"{field}__has_word_starting": prefix})


def _all(conditions) -> Q:
    return reduce(and_, conditions, Q())


def _tiers(query: ParsedQuery) -> list[tuple[int, Q]]:
    """The condition of each indexed tier, best first; each implies the last (``PREFIX``)."""

    def begins(field, word):
        if len(word) < PREFIX_MIN_LENGTH:
            return _has_word(field, word)
        return _has_word_starting(field, word)

    return [
        (EXACT, Q(name_key=query.folded)),
        (WORDS, _all(_has_word("name_key", folded) for folded, _key in query.words)),
        (KEY, _all(_has_word("phonetic_key", key) for _folded, key in query.words)),
        (PREFIX, _all(begins("name_key", folded) | begins("phonetic_key", key)
                      for folded, key in query.words)),
    ]


# ---------------------------------------------------------------------------------------
# Fuzzy tier
# ---------------------------------------------------------------------------------------


def allowance(key: str) -> float:
    """How many letters a word may differ by and still match: one, two from nine letters."""
    return 1.0 if len(key) < 9 else 2.0


def edit_cost(a: str, b: str) -> float:
    """Edit distance between two keys; vowels cost ``VOWEL_COST``, a swap of neighbours 1."""

    def weight(char):
        return VOWEL_COST if char in VOWELS else 1.0

    previous2 = None
    previous = [0.0]
    for char in b:
        previous.append(previous[-1] + weight(char))
    for i, char_a in enumerate(a, start=1):
        current = [previous[0] + weight(char_a)]
        for j, char_b in enumerate(b, start=1):
            if char_a == char_b:
                substitution = 0.0
            elif char_a in VOWELS and char_b in VOWELS:
                substitution = VOWEL_COST
            else:
                substitution = 1.0
            cost = min(
                previous[j] + weight(char_a),
                current[j - 1] + weight(char_b),
                previous[j - 1] + substitution,
            )
            if i > 1 and j > 1 and char_a == b[j - 2] and a[i - 2] == char_b:
                cost = min(cost, previous2[j - 2] + 1.0)
            current.append(cost)
        previous2, previous = previous, current
    return previous[-1]


@lru_cache(maxsize=65536)  # names repeat: the same pairs come up again and again
def word_similarity(query_key: str, word: str) -> float:
    """1 for the same key; for a slip within ``allowance``, 1 - cost / length; else 0."""
    if query_key == word:
        return 1.0
    if len(query_key) < FUZZY_MIN_LENGTH or abs(len(query_key) - len(word)) > 2:
        return 0.0
    cost = edit_cost(query_key, word)
    if cost > allowance(query_key):
        return 0.0
    return 1.0 - cost / max(len(query_key), len(word))


def name_similarity(query: ParsedQuery, name_key: str, phonetic_key: str) -> float:
    """How close a name is to ``query``, from 0 (a query word matches no word) to 1.

    Each query word is paired with a different word of the name, closest pairs first; a
    pair's similarity is by key or, where closer, by spelling (a slip in an ending,
    "Azamav", changes the key more than the spelling). The score is the pairs' mean, with a
    tenth of the weight on how alike the spellings are, so that among names that sound the
    same the one spelled like the query comes first.
    """
    words = list(zip(name_key.split(), phonetic_key.split(), strict=False))
    pairs = sorted(
        (
            (max(word_similarity(key, word_key), word_similarity(folded, spelling)), i, j)
            for i, (folded, key) in enumerate(query.words)
            for j, (spelling, word_key) in enumerate(words)
        ),
        reverse=True,
    )
    paired_query, paired_name, total = set(), set(), 0.0
    for similarity, i, j in pairs:
        if similarity and i not in paired_query and j not in paired_name:
            paired_query.add(i)
            paired_name.add(j)
            spelling = SequenceMatcher(None, query.words[i][0], words[j][0]).ratio()
            total += 0.9 * similarity + 0.1 * spelling
    if len(paired_query) < len(query.words):
        return 0.0
    return total / len(query.words)


def _chunks(key: str) -> list[str]:
    """Pieces of ``key`` of which a word within ``allowance`` keeps at least one intact."""
    count = int(allowance(key)) + 1
    size = len(key) / count
    return [key[round(i * size):round((i + 1) * size)] for i in range(count)]


def _fuzzy_candidates(query: ParsedQuery, people, aliases) -> list[tuple[int, str, str]]:
    """``(person id, name key, phonetic key)`` of names and aliases to score: a bounded list.

    Each query word must be near a word by sound (``phonetic_key``) or, where a slip hides
    the sound ("Chiryov" for "Charyov": the key drops the ending), by spelling (``name_key``).
    """
    postgres = connections[people.db].vendor == "postgresql"
    conditions, similarities = [], []
    for folded, key in query.words:
        if len(key) < FUZZY_MIN_LENGTH:
            conditions.append(_has_word("phonetic_key", key))
            continue
        targets = [("phonetic_key", key), ("name_key", folded)]
        if postgres:
            conditions.append(reduce(or_, (Q(TrigramWordSimilar(F(field), Value(word)))
                                           for field, word in targets)))
            similarities.append(Greatest(*(TrigramWordSimilarity(Value(word), field)
                                           for field, word in targets)))
        else:
            conditions.append(reduce(or_, (Q(**{f"{field}__contains": chunk})
                                           for field, word in targets
                                           for chunk in _chunks(word))))
    people = people.filter(_all(conditions)).order_by()
    aliases = aliases.filter(_all(conditions)).order_by()
    columns = ["name_key", "phonetic_key"]
    if postgres:
        # The weakest word decides: a common given name typed exactly must not push the
        # names whose surname is a slip away out of the bounded candidate list.
        similarity = Least(*similarities) if len(similarities) > 1 else similarities[0]
        people = people.annotate(similarity=similarity)
        aliases = aliases.annotate(similarity=similarity)
        columns.append("similarity")
    rows = people.values_list("pk", *columns).union(
        aliases.values_list("person_id", *columns), all=True
    )
    if postgres:
        rows = rows.order_by("-similarity")[:FUZZY_CANDIDATES]
    else:
        # Without trigram similarity to order by, a larger bounded set is scored instead.
        rows = rows[:FUZZY_CANDIDATES * 5]
    return [row[:3] for row in rows]


def _fuzzy_scores(query: ParsedQuery, people, aliases, indexed_match: Q) -> dict[int, float]:
    """The best fuzzy similarity per person, for the ``FUZZY_RESULTS`` most similar.

    Skipped when no query word is long enough, or when the indexed tiers (``indexed_match``)
    already fill a page: fuzzy matches would only come after it, and a common name ("Azam")
    would make finding them the slowest part of the search.
    """
    if not any(len(key) >= FUZZY_MIN_LENGTH for key in query.keys):
        return {}
    better = people.filter(indexed_match).order_by().values_list("pk").union(
        aliases.filter(indexed_match).order_by().values_list("person_id"), all=True
    )
    if len(better[:FUZZY_RESULTS]) == FUZZY_RESULTS:
        return {}
    scores: dict[int, float] = {}
    for person_id, name_key, phonetic_key in _fuzzy_candidates(query, people, aliases):
        score = name_similarity(query, name_key, phonetic_key)
        if score > scores.get(person_id, 0.0):
            scores[person_id] = score
    best = sorted(scores.items(), key=lambda item: item[1], reverse=True)[:FUZZY_RESULTS]
    return dict(best)


# ---------------------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------------------


def _aliases(*, include_restricted: bool):
    from casetracker.cases.models import Alias

    return Alias.objects.all() if include_restricted else Alias.objects.filter(is_restricted=False)


def _unranked(queryset):
    return queryset.annotate(
        search_rank=Value(EXACT), search_on_name=Value(False),
        search_score=Value(0.0, output_field=FloatField()),
    )


def search_people(queryset, query: str):
    """People in ``queryset`` whose name or an unrestricted alias matches ``query``, best first.

    What ``Person.objects.search()`` (the admin, the API and the public site) calls. The
    result is annotated with ``search_rank`` (``EXACT`` … ``FUZZY``) and ``search_score``,
    ordered by ``SEARCH_ORDERING``, and can be filtered and paginated. Finding the fuzzy
    candidates costs up to two small queries now (see ``_fuzzy_scores``), and on PostgreSQL
    one more reads the ids of the people who match.
    """
    parsed = ParsedQuery.parse(query)
    if not parsed.words or len(parsed.words) > MAX_QUERY_WORDS:
        return _unranked(queryset).none()
    aliases = _aliases(include_restricted=False)
    tiers = _tiers(parsed)
    _rank, widest = tiers[-1]
    candidates = queryset.order_by()
    fuzzy = _fuzzy_scores(parsed, candidates, aliases.filter(person__in=candidates.values("pk")),
                          widest)
    # Aliases are matched on their own (joining each to its person would scan the people);
    # the result is narrowed to ``queryset`` below.
    matching = (
        candidates.filter(widest).values("pk")
        .union(aliases.filter(widest).order_by().values("person_id"))
    )
    if fuzzy:
        matching = matching.union(candidates.filter(pk__in=fuzzy).values("pk"))
    if connections[queryset.db].vendor == "postgresql":
        # Given the union as a subquery, PostgreSQL hash-joins it to a scan of every
        # published person (30 ms at 100,000 people, whatever the matches); given the ids, it
        # reads the matches through the primary key (4 ms for 1,000).
        matching = [row["pk"] for row in matching]
        if not matching:
            return _unranked(queryset).none()

    def matches(condition):
        return condition | Exists(aliases.filter(condition, person=OuterRef("pk")))

    rank = Case(
        *(When(matches(condition), then=Value(tier)) for tier, condition in tiers),
        default=Value(FUZZY),
    )
    score = Value(0.0, output_field=FloatField())
    if fuzzy:
        score = Case(*(When(pk=pk, then=Value(value)) for pk, value in fuzzy.items()),
                     default=score)
    return (
        queryset.filter(pk__in=matching)
        .annotate(search_rank=rank, search_score=score,
                  # The published name as typed before another person's alias as typed.
                  search_on_name=ExpressionWrapper(Q(name_key=parsed.folded),
                                                   output_field=BooleanField()))
        .order_by(*SEARCH_ORDERING)
    )


def did_you_mean(query: str, queryset=None, *, limit: int = 3) -> list[str]:
    """Published names that are near misses for ``query``, closest first, for a "Did you mean"
    line; empty when ``query`` matches a name or alias as spelled.

    ``queryset`` defaults to the published people; only their names are suggested.
    """
    from casetracker.cases.models import Person

    if queryset is None:
        queryset = Person.objects.published()
    suggestions: list[str] = []
    ranked = search_people(queryset, query).values_list("name", "search_rank")
    for name, rank in ranked[:limit * 5]:  # people often share a name: room for repeats
        if rank <= WORDS:
            return []
        if name not in suggestions:
            suggestions.append(name)
        if len(suggestions) == limit:
            break
    return suggestions


def likely_duplicates(names, *, exclude_pk=None, include_restricted: bool = True):
    """People (in any state, not merged away) who may be the person called ``names``.

    A person is a likely duplicate when their name or an alias has the phonetic key of one
    of ``names``: the whole key, or, for names of two words or more, every word of it in any
    order ("Yorov Buzurgmehr" for "Buzurgmekhr Iorov"). Restricted people and aliases count
    unless ``include_restricted`` is false.
    """
    from casetracker.cases.models import Person

    condition = Q()
    for name in names:
        keys = ParsedQuery.parse(name).keys
        if len(keys) > MAX_QUERY_WORDS:
            continue  # no name has that many words; each would add conditions to plan
        if len(keys) == 1:
            condition |= Q(phonetic_key=keys[0])
        elif keys:
            condition |= _all(_has_word("phonetic_key", key) for key in keys)
    if not condition:
        return Person.objects.none()
    people = Person.objects.filter(merged_into__isnull=True)
    if not include_restricted:
        people = people.filter(is_restricted=False)
    matching = (
        people.filter(condition).order_by().values("pk")
        .union(_aliases(include_restricted=include_restricted)
               .filter(condition).order_by().values("person_id"))
    )
    return people.filter(pk__in=matching).exclude(pk=exclude_pk).order_by("name", "pk")
