"""Normalised keys under which every spelling of a name is stored and searched.

``name_key("Ҳоҷиев")``, ``name_key("Khodzhiev")`` and ``name_key("Hojiev")`` are equal.
"""

import re
import unicodedata

# Cyrillic (Russian and Tajik letters) to a plain Latin skeleton.
CYRILLIC = {
    "а": "a", "б": "b", "в": "v", "г": "g", "ғ": "gh", "д": "d", "е": "e", "ё": "yo",
    "ж": "zh", "з": "z", "и": "i", "ӣ": "i", "й": "y", "к": "k", "қ": "q", "л": "l",
    "м": "m", "н": "n", "ң": "ng", "о": "o", "ө": "o", "п": "p", "р": "r", "с": "s",
    "т": "t", "у": "u", "ӯ": "u", "ү": "u", "ф": "f", "х": "kh", "ҳ": "h", "ц": "ts",
    "ч": "ch", "ҷ": "j", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e",
    "ю": "yu", "я": "ya", "ә": "a", "і": "i", "ұ": "u",
}
NON_LETTER = re.compile(r"[^a-z ]+")


def fold(text: str) -> str:
    """Lower-case Latin text without diacritics or punctuation, Cyrillic transliterated."""
    text = unicodedata.normalize("NFC", str(text)).lower()
    text = "".join(CYRILLIC.get(char, char) for char in text)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(char for char in text if not unicodedata.combining(char))
    return " ".join(NON_LETTER.sub(" ", text).split())


def name_key(text: str) -> str:
    """The key stored beside a name; equal for spellings of the same name."""
    return fold(text)
