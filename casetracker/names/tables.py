"""Transliteration and spelling-variant tables, as data.

``keys.py`` applies them in this order, word by word:

1. ``UZBEK_LATIN``: the Uzbek Latin letters written with an apostrophe (o‘, g‘) become the
   Cyrillic letters they stand for, so they are read like the Cyrillic spelling.
2. ``CYRILLIC``: Russian, Tajik, Kyrgyz, Uzbek and Kazakh Cyrillic to a plain Latin spelling.
   ``fold`` stops here: a readable, lower-case Latin form of the name.
3. ``LATIN_SOUNDS``: the Latin spellings that English, Russian-style and Uzbek-style
   transliterations use for one sound, to one symbol each (Kh, H and X are all ``h``; Dzh, Dj,
   J and Zh are all ``j``; Sh is ``w`` and Ch is ``c``: one letter each, so no rule below can
   split them). Digraphs never straddle two Cyrillic letters or an apostrophe: "Исҳоқ" and
   "Is'hoq" are s + h, not sh.
4. ``WORD_RULES``: Dj as J (Mahmudjon/Махмуджон), then whole-word spellings: -zoda/-zade/
   -zadeh, a final -h after a vowel (Abdulloh/Abdullo), a glide written before -e
   (Tekebayev/Tekebaev) and the Russian endings -ov/-ova/-ev/-eva/-ovich/-ovna, which a
   person may drop.
5. Doubled letters are written once (Sayfullozoda/Sayfulozoda, Kuvvatov/Kuvatov).
6. ``VOWEL_RULES``: Yo/Io/E (the Russian ё) and Tajik о written as Russian а
   (Rahmon/Рахман, Qurbonov/Курбанов).
7. ``WORD_EQUIVALENTS``: whole words that are the same name (Said/Saidi).
"""

# The apostrophes and modifier letters used in names ("O‘tkir", "Ma'ruf", "Is'hoq"). They are
# dropped, but also end a letter: "Is'hoq" is s + h, not sh.
APOSTROPHES = "'’‘ʻʼ`´ʹ"

# Uzbek Latin o‘ and g‘ are the Cyrillic ў and ғ.
UZBEK_LATIN = {"o": "ў", "g": "ғ"}

# A readable Latin spelling of each Cyrillic letter (lower case).
CYRILLIC = {
    # Russian
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "yo", "ж": "zh",
    "з": "z", "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
    "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts",
    "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu",
    "я": "ya",
    # Tajik
    "ғ": "gh", "ӣ": "i", "қ": "q", "ӯ": "u", "ҳ": "h", "ҷ": "j",
    # Kyrgyz
    "ң": "ng", "ө": "o", "ү": "u",
    # Uzbek
    "ў": "u",
    # Kazakh, Tatar, Bashkir, Ukrainian letters seen in names
    "ә": "a", "і": "i", "ұ": "u", "һ": "h", "җ": "j", "ҙ": "z", "ҫ": "s", "є": "ye",
    "ї": "yi", "ґ": "g",
}

# Latin letters with a diacritic that stand for a digraph (Turkmen, Azeri, Turkish and
# Czech-style transliterations: "Hodžiev", "Şavkat"); other diacritics are simply dropped.
LATIN_LETTERS = {
    "š": "sh", "ş": "sh", "č": "ch", "ç": "ch", "ž": "zh", "ğ": "gh", "ǧ": "gh", "ı": "i",
}

# Latin spellings of one sound -> one key symbol. The longest spelling wins.
LATIN_SOUNDS = {
    "shch": "wc",
    "kh": "h",
    "gh": "g",
    "zh": "j",
    "sh": "w",
    "ch": "c",
    "ou": "u",
    "ph": "f",
    "q": "k",
    "x": "h",
    "w": "v",
    "y": "i",
    "c": "k",
}

# (pattern, replacement) on each word's symbols, in order.
WORD_RULES = [
    # Dzh, Dj and J are one sound; Russian writes Tajik -dj- as дж: Mahmudjon / Махмуджон.
    (r"dj", "j"),
    # -zoda, -zade, -zadeh: one patronymic suffix ("son of").
    (r"z[aeo]d[aeo]h?$", "zoda"),
    # A final h after a vowel is often not written: Abdulloh / Abdullo, Nazarzadeh.
    (r"(?<=[aeiou])h$", ""),
    # A glide before e after a vowel: Tekebayev / Tekebaev, Aliyev / Aliev.
    (r"(?<=[aeiou])ie", "e"),
    # Russian endings that a person may drop: Qurbonov / Qurbon, Halimova / Halim
    # (-av too: Tajik о is Russian а, and a slip in the ending must not keep it).
    (r"(?<=..)[aeo]v(?:a|ic|na)?$", ""),
]

# (pattern, replacement) after doubled letters are made single.
VOWEL_RULES = [
    # Ye at the start of a word is also written E: Yergash / Ergash.
    (r"^ie", "e"),
    # The Russian ё is written Yo, Io or E: Yorov / Iorov / Ёров / Еров.
    (r"io", "e"),
    # Tajik о is Russian а: Rahmon / Рахмон / Rakhman, Nazarzoda / Назарзаде.
    (r"o", "a"),
]

# A vowel that differs costs half a letter in fuzzy matching (of keys and of spellings).
VOWELS = frozenset("aeiou")

# Whole words (as keys) that spell the same name or particle.
WORD_EQUIVALENTS = {
    "saidi": "said",
    "seid": "said",
}
