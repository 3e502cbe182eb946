"""Normalised keys under which every spelling of a name is stored and searched.

Two keys are stored beside each name (on Person and Alias):

``name_key`` (``fold``)
    The name in lower-case Latin letters, without diacritics or punctuation, Cyrillic
    transliterated: "Бузургмеҳр Ёров" -> "buzurgmehr yorov". Equal keys are the same spelling.
``phonetic_key``
    The same words reduced to how they sound, so that the spellings different outlets use
    for one name are equal: "Ҳоҷиев", "Khodzhiev" and "Hojiev" -> "haji"; "Rahmon",
    "Rakhmon" and "Рахмон" -> "rahman". It is a search key, not for display.

The rules are data in ``tables.py``. When they change, stored keys are recomputed with
``manage.py rebuildnamekeys``.
"""

import re
import unicodedata
from functools import lru_cache

from casetracker.names import tables

KEY_MAX_LENGTH = 200

_APOSTROPHE = f"[{re.escape(tables.APOSTROPHES)}]"
_UZBEK_LATIN = re.compile(f"([{''.join(tables.UZBEK_LATIN)}]){_APOSTROPHE}")
# "Nazar-zoda" is one surname; other hyphens separate words ("Hayit-Rahmon").
_SUFFIX_HYPHEN = re.compile(r"\s*[-‐‑–]\s*(?=(?:zoda|zade|зода|заде)(?:h|ҳ)?\b)")
# A word: letters, combining marks and apostrophes inside it ("Ma'ruf").
_LETTER_CHAR = r"(?:[^\W\d_]|[\u0300-\u036f])"
_WORD = re.compile(f"{_LETTER_CHAR}+(?:{_APOSTROPHE}+{_LETTER_CHAR}+)*")


def _alternation(table) -> re.Pattern:
    return re.compile("|".join(re.escape(key) for key in sorted(table, key=len, reverse=True)))


_LETTERS = {**tables.CYRILLIC, **tables.LATIN_LETTERS}
_LETTER = _alternation(_LETTERS)
_LATIN_SOUNDS = _alternation(tables.LATIN_SOUNDS)
# Marks where one letter's spelling ends, so "с" + "ҳ" or "s'h" is not read as "sh".
_LETTER_END = "\x00"
_WORD_RULES = [(re.compile(pattern), repl) for pattern, repl in tables.WORD_RULES]
_VOWEL_RULES = [(re.compile(pattern), repl) for pattern, repl in tables.VOWEL_RULES]
_DOUBLED = re.compile(r"(.)\1+")
_APOSTROPHES = re.compile(_APOSTROPHE)
_NOT_KEY = re.compile(f"[^a-z{_LETTER_END}]+")


def _tokens(text: str) -> list[str]:
    """The words of ``text`` in lower case, Uzbek o‘ and g‘ read as ў and ғ."""
    text = unicodedata.normalize("NFC", str(text)).lower()
    text = _UZBEK_LATIN.sub(lambda match: tables.UZBEK_LATIN[match[1]], text)
    text = _SUFFIX_HYPHEN.sub("", text)
    return _WORD.findall(text)


def _romanise(word: str, letter_end: str = "") -> str:
    """``word`` in Latin letters without diacritics; apostrophes and unknown scripts dropped.

    ``letter_end`` is put after each transliterated letter and in place of apostrophes.
    """
    word = _LETTER.sub(lambda match: _LETTERS[match[0]] + letter_end, word)
    word = _APOSTROPHES.sub(letter_end, word)
    word = unicodedata.normalize("NFKD", word)
    word = "".join(char for char in word if not unicodedata.combining(char))
    return _NOT_KEY.sub("", word)


def fold(text: str) -> str:
    """Lower-case Latin text without diacritics or punctuation, Cyrillic transliterated."""
    return " ".join(word for word in map(_romanise, _tokens(text)) if word)


@lru_cache(maxsize=4096)
def phonetic_word(word: str) -> str:
    """The phonetic key of one word (a token of ``fold`` or of the original text)."""
    symbols = _romanise(word, _LETTER_END)
    # Digraphs are matched inside one letter's spelling only: the end marks split them.
    symbols = "".join(
        _LATIN_SOUNDS.sub(lambda match: tables.LATIN_SOUNDS[match[0]], part)
        for part in symbols.split(_LETTER_END)
    )
    for pattern, repl in _WORD_RULES:
        symbols = pattern.sub(repl, symbols)
    symbols = _DOUBLED.sub(r"\1", symbols)
    for pattern, repl in _VOWEL_RULES:
        symbols = pattern.sub(repl, symbols)
    return tables.WORD_EQUIVALENTS.get(symbols, symbols)


def name_words(text: str) -> list[tuple[str, str]]:
    """``(folded, phonetic)`` for each word of ``text``."""
    pairs = ((_romanise(token), phonetic_word(token)) for token in _tokens(text))
    return [(folded, key) for folded, key in pairs if folded and key]


def phonetic_key(text: str) -> str:
    """The key stored beside a name; equal for spellings of the same name."""
    key = " ".join(key for _folded, key in name_words(text))
    return key[:KEY_MAX_LENGTH].rstrip()


def name_key(text: str) -> str:
    """The folded spelling stored beside a name; equal for the same spelling."""
    return fold(text)[:KEY_MAX_LENGTH].rstrip()


def assign_keys(instance) -> None:
    """Fill in ``name_key`` and ``phonetic_key`` of a Person or Alias from its ``name``."""
    instance.name_key = name_key(instance.name)
    instance.phonetic_key = phonetic_key(instance.name)


def rebuild_keys(queryset, *, batch_size: int = 2000) -> int:
    """Recompute the stored keys of every name in ``queryset``; return how many changed.

    Writes only the rows whose keys differ, with ``bulk_update`` (no ``save()``, no history).
    """
    changed = []
    updated = 0
    for instance in queryset.only("pk", "name", "name_key", "phonetic_key").iterator(
        chunk_size=batch_size
    ):
        before = (instance.name_key, instance.phonetic_key)
        assign_keys(instance)
        if (instance.name_key, instance.phonetic_key) != before:
            changed.append(instance)
        if len(changed) == batch_size:
            updated += _write_keys(queryset.model, changed)
            changed = []
    return updated + _write_keys(queryset.model, changed)


def _write_keys(model, instances) -> int:
    if instances:
        model.objects.bulk_update(instances, ["name_key", "phonetic_key"])
    return len(instances)
