"""The name keys: every spelling rule in casetracker/names/tables.py, one by one."""

import pytest

from casetracker.names.keys import KEY_MAX_LENGTH, fold, name_key, phonetic_key
from casetracker.names.search import edit_cost, word_similarity

# (rule, spellings that must share one phonetic key)
SAME_KEY = [
    ("Kh / H / X", ["Rahmon", "Rakhmon", "Raxmon"]),
    ("Russian Cyrillic х", ["Rakhmon", "Рахмон"]),
    ("Tajik Cyrillic ҳ", ["Rahmon", "Раҳмон"]),
    ("Tajik о / Russian а", ["Rahmon", "Rahman", "Рахман"]),
    ("Tajik ӣ", ["Kabiri", "Кабирӣ", "Кабири"]),
    ("Tajik ӯ", ["Ӯроқов", "Urokov"]),
    ("Tajik қ / Q / K", ["Qurbonov", "Kurbonov", "Қурбонов"]),
    ("Tajik ғ / Gh / G", ["Ghafurov", "Gafurov", "Ғафуров"]),
    ("Tajik ҷ / J / Dzh / Dj", ["Hojiev", "Khodzhiev", "Ҳоҷиев", "Hodjiev", "Ходжиев"]),
    ("Zh / J", ["Jalolov", "Zhalolov", "Dzhalolov", "Djalolov", "Джалолов"]),
    ("-djon / -джон", ["Mahmudjon", "Махмуджон", "Маҳмудҷон", "Mahmudzhon"]),
    ("Kyrgyz ө ү", ["Өмүрбек", "Omurbek"]),
    ("Kyrgyz ң", ["Жаңыбаев", "Zhangybaev", "Jangibaev"]),
    ("Uzbek Latin o‘ g‘", ["O‘tkir G‘ulomov", "O'tkir G'ulomov", "Ўткир Ғуломов", "Utkir Gulomov"]),
    ("Uzbek Latin sh ch", ["Shavkat Choriev", "Шавкат Чориев"]),
    ("Turkish-style ş ç", ["Şavkat Çoriev", "Shavkat Choriev"]),
    ("Czech-style ž š č", ["Hodžiev", "Hojiev"]),
    ("Yo / Io / E (ё)", ["Yorov", "Iorov", "Ёров", "Erov"]),
    ("Ye / E at the start", ["Yergashev", "Ergashev", "Эргашев"]),
    ("Y / I", ["Sayfullozoda", "Saifullozoda", "Сайфуллозода"]),
    ("Y / I between vowels", ["Hayit", "Ҳайит", "Khait"]),
    ("ou / u", ["Khoudoyberdi", "Khudoyberdi", "Худойберди"]),
    ("W / V", ["Yorow", "Yorov"]),
    ("doubled consonants", ["Sayfullozoda", "Sayfulozoda"]),
    ("doubled consonants", ["Kuvvatov", "Kuvatov", "Қувватов"]),
    ("-zoda / -zade / -zadeh", ["Nazarzoda", "Nazarzade", "Nazarzadeh", "Назарзода"]),
    ("hyphenated -zoda", ["Nazar-zoda", "Nazarzoda"]),
    ("Said / Saidi / Sayid", ["Said", "Saidi", "Sayid", "Sayyid", "Саид"]),
    ("final -h after a vowel", ["Abdulloh", "Abdullo", "Abdullah", "Абдулло"]),
    ("dropped -ov", ["Halimov", "Halim", "Khalimov", "Ҳалимов"]),
    ("dropped -ova", ["Halimova", "Halim"]),
    ("dropped -ev / -yev", ["Hojiev", "Hoji", "Hojiyev"]),
    ("dropped -eva", ["Hojieva", "Hoji"]),
    ("-ayev / -aev", ["Tekebayev", "Tekebaev", "Текебаев"]),
    ("apostrophe ends a letter", ["Is'hoq", "Исҳоқ", "Iskhoq"]),
    ("case, punctuation, diacritics", ["BUZURGMEHR, Yorov.", "buzurgmehr yórov"]),
]

# Different names must keep different keys.
DIFFERENT_KEYS = [
    ("Nazarzoda", "Nazirzoda"),
    ("Nazarzoda", "Nazarov"),
    ("Kabiri", "Kabirov"),
    ("Rahmon", "Rahimov"),
    ("Rahmon", "Rahmatov"),
    ("Halimov", "Halilov"),
    ("Jalolov", "Jalilov"),
    ("Hojiev", "Hojaev"),
    ("Yorov", "Yarov"),
    ("Shodmon", "Sodmon"),
    ("Sayfullozoda", "Sayfulloev"),
]


@pytest.mark.parametrize(("rule", "spellings"), SAME_KEY, ids=[rule for rule, _ in SAME_KEY])
def test_spellings_of_one_name_share_a_key(rule, spellings):
    """Each rule makes its spellings of one name equal under ``phonetic_key``."""
    keys = {spelling: phonetic_key(spelling) for spelling in spellings}
    assert len(set(keys.values())) == 1, keys


@pytest.mark.parametrize(("one", "other"), DIFFERENT_KEYS)
def test_different_names_keep_different_keys(one, other):
    assert phonetic_key(one) != phonetic_key(other)


def test_fold_is_readable_latin_without_case_diacritics_or_punctuation():
    assert fold("Бузургмеҳр Ёров") == "buzurgmehr yorov"
    assert fold("  F. Halimov ") == "f halimov"
    assert fold("O‘tkir G‘ulomov") == "utkir ghulomov"
    assert fold("Ma'ruf Nazar-zoda") == "maruf nazarzoda"
    assert fold("Hayit-Rahmon") == "hayit rahmon"
    assert fold("Mahmadali Hayit") == name_key("MAHMADALI  HAYIT!")


def test_keys_of_text_without_letters_are_empty():
    assert phonetic_key("") == fold("") == ""
    assert phonetic_key("12, 34 -- ?") == ""
    assert phonetic_key("محی‌الدین کبیری") == ""  # Persian script is not transliterated


def test_keys_fit_the_column():
    """Cyrillic letters spelled with two Latin letters cannot overflow the 200-char column."""
    long_name = " ".join(["Щёкочихин"] * 40)
    assert len(phonetic_key(long_name)) <= KEY_MAX_LENGTH
    assert len(name_key(long_name)) <= KEY_MAX_LENGTH
    assert not phonetic_key(long_name).endswith(" ")


def test_edit_cost_counts_vowels_as_half_a_letter_and_swaps_as_one():
    assert edit_cost("rahman", "rahman") == 0
    assert edit_cost("rahmen", "rahman") == 0.5
    assert edit_cost("halin", "halim") == 1
    assert edit_cost("hait", "haiet") == 0.5
    assert edit_cost("jalal", "jlaal") == 1
    assert edit_cost("kabir", "") == 4  # k, b, r: 1 each; a, i: half


def test_word_similarity_allows_one_slip_in_short_words_and_two_in_long_ones():
    assert word_similarity("rahman", "rahman") == 1
    assert word_similarity("rahmen", "rahman") > word_similarity("halin", "halim") > 0
    assert word_similarity("rahmen", "rahmat") == 0  # a vowel and a consonant: too far
    assert word_similarity("saifulazada", "faizulazada") > 0  # two letters in 11
    assert word_similarity("ali", "alo") == 0  # words under four letters must be equal
