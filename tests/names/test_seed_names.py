"""The seed cases: spellings from other outlets and scripts find the recorded person first."""

import pytest

from casetracker.cases.models import Person

# (name the seed records, a spelling another outlet or script uses)
SEED_SPELLINGS = [
    ("Muhiddin Kabiri", "Кабирӣ"),
    ("Muhiddin Kabiri", "Мухиддин Кабири"),
    ("Said Abdullo Nuri", "Saidi Abdullo Nuri"),
    ("Said Abdullo Nuri", "Сайид Абдуллоҳ Нурӣ"),
    ("Mahmadali Hayit", "Ҳайит"),
    ("Mahmadali Hayit", "Махмадали Хаитов"),
    ("Buzurgmehr Yorov", "Бузургмеҳр Ёров"),
    ("Buzurgmehr Yorov", "Iorov"),
    ("Gulmurod Halimov", "Гулмурод Ҳалимов"),
    ("Gulmurod Halimov", "Gulmurod Khalimov"),
    ("Khikmatullo Sayfullozoda", "Ҳикматулло Сайфуллозода"),
    ("Khikmatullo Sayfullozoda", "Hikmatullo Saifullozoda"),
    ("Mahmudjon Faizrahmonov", "Fayzrakhmonov"),
    ("Mahmudjon Faizrahmonov", "Махмуджон Файзрахмонов"),
    ("Umarali Kuvvatov", "Умарали Қувватов"),
    ("Omurbek Tekebayev", "Өмүрбек Текебаев"),
    ("Sadyr Japarov", "Садыр Жапаров"),
    ("Ilhomjon Yaqubov", "Ilkhomjon Yakubov"),
    ("Nourdinjon Tourajonzoda", "Нуриддинҷон Тураджонзода"),
]


@pytest.mark.parametrize(("name", "spelling"), SEED_SPELLINGS)
def test_a_seed_person_is_found_first_under_another_spelling(seeded, name, spelling):
    first = Person.objects.published().search(spelling).first()
    assert first is not None and first.name == name, (spelling, first)


def test_seed_names_and_aliases_are_keyed_although_loaddata_skips_save(seeded):
    """The fixtures are loaded raw; the phonetic keys are filled in all the same."""
    assert not Person.objects.filter(phonetic_key="").exists()
    assert Person.objects.get(name="Buzurgmehr Yorov").phonetic_key == "buzurgmehr er"
