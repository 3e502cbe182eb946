"""A realistic synthetic case record of any size, for benchmarks and load tests.

Used only by ``manage.py synth`` (never imported by a request). People are generated from
declarative tables (name stems in Cyrillic, transliteration schemes, weighted choices for
every field), factory-style: one builder per model, all drawing from one seeded
``random.Random`` so a given ``--seed`` always produces the same records. Rows are written
with ``bulk_create`` in chunks of people, which skips ``Model.save()``: the builders fill in
what ``save()`` would (``name_key`` through :func:`casetracker.names.keys.name_key`, the
slug) and ``created_at``/``updated_at`` are spread over the years the case covers instead of
all being "now".

factory-boy itself is not used here: building 2 million model instances through its
declarations costs about ten times the plain constructors, which would turn minutes into
the better part of an hour.

The proportions (approximately; see the constants below) follow what NGO databases on
Central Asia look like: most records are published, a few are drafts, in review or
withdrawn, a few percent restricted; one person in seven is a relative or associate named
for context; about two thirds of targets were tried and most of those convicted, with
some life sentences and some terms nobody could establish; every fact cites one to three
sources, some of which are unpublished or restricted.
"""

from __future__ import annotations

import datetime
import random
from bisect import bisect
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from itertools import accumulate

from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify

from casetracker.cases.dates import PartialDate
from casetracker.cases.models import (
    Affiliation,
    Alias,
    Charge,
    Citation,
    Detention,
    Event,
    Organisation,
    Person,
    Proceeding,
    ProceedingCharge,
    PublicationState,
    Relationship,
    RelationshipKind,
    Source,
    Verification,
)
from casetracker.names import keys, tables

CHANGE_REASON = "synthetic data"
EXTERNAL_ID_PREFIX = "synth"
# Dates and timestamps are generated up to this moment, whatever day the data is made.
REFERENCE_NOW = datetime.datetime(2025, 10, 31, 12, 0, tzinfo=datetime.UTC)
CHUNK = 2000  # people generated, then written, at a time: bounds memory at any size
BATCH = 2000  # rows per INSERT

# ---------------------------------------------------------------------------------------
# Proportions
# ---------------------------------------------------------------------------------------

Weights = dict  # {value: weight}

PERSON_STATES: Weights = {
    PublicationState.PUBLISHED: 80, PublicationState.DRAFT: 10,
    PublicationState.IN_REVIEW: 6, PublicationState.WITHDRAWN: 4,
}
FACT_STATES_OF_PUBLISHED: Weights = {
    PublicationState.PUBLISHED: 92, PublicationState.DRAFT: 3,
    PublicationState.IN_REVIEW: 3, PublicationState.WITHDRAWN: 2,
}
FACT_STATES_OF_UNPUBLISHED: Weights = {
    PublicationState.DRAFT: 60, PublicationState.IN_REVIEW: 30, PublicationState.PUBLISHED: 10,
}
SOURCE_STATES: Weights = {
    PublicationState.PUBLISHED: 90, PublicationState.DRAFT: 5,
    PublicationState.IN_REVIEW: 3, PublicationState.WITHDRAWN: 2,
}
PERSON_RESTRICTED = 0.03
FACT_RESTRICTED = 0.04
SOURCE_RESTRICTED = 0.05
ALIAS_RESTRICTED = 0.02
PLACE_RESTRICTED = 0.08
RELATED_SHARE = 0.15  # relatives and associates named for context
MERGED_SHARE = 0.003  # duplicates merged into another record (kept, never public)
PSEUDONYM_SHARE = 0.01
SOURCES_PER_PERSON = 0.4  # an article usually documents several people
CITATIONS_PER_FACT: Weights = {1: 70, 2: 25, 3: 5}
VERIFICATION: Weights = {
    Verification.REPORTED: 55, Verification.CORROBORATED: 35, Verification.CONFIRMED: 10,
}
DATE_PRECISION: Weights = {"day": 45, "month": 35, "year": 15, None: 5}
TRIED_SHARE = 0.65  # targets with a proceeding; one in seven of those has two
OUTCOMES: Weights = {
    Proceeding.Outcome.CONVICTED: 75, Proceeding.Outcome.PENDING: 8,
    Proceeding.Outcome.UNKNOWN: 12, Proceeding.Outcome.DISMISSED: 3,
    Proceeding.Outcome.ACQUITTED: 2,
}
LIFE_SHARE = 0.03  # of convictions
UNKNOWN_TERM_SHARE = 0.10  # of convictions: "sentenced to a long prison term"
TERMS_YEARS: Weights = {
    1: 3, 2: 4, 3: 6, 5: 9, 7: 10, 8: 6, 10: 10, 12: 5, 13: 6, 15: 7, 16: 4, 17: 3,
    18: 4, 20: 3, 23: 2, 25: 3, 28: 1, 30: 1,
}
YEARS: Weights = {year: (3 if year < 2005 else 8 if year < 2014 else 20 if year < 2021 else 12)
                  for year in range(1995, 2026)}
COUNTRIES: Weights = {"TJ": 50, "UZ": 18, "KG": 12, "KZ": 10, "TM": 5, "RU": 5}
SEXES: Weights = {"male": 80, "female": 18, "unknown": 2}
APPEALS: Weights = {"none": 40, "upheld": 35, "pending": 8, "reduced": 7, "increased": 3,
                    "not_appealed": 7}
RELATIVE_KINDS: Weights = {"parent": 25, "child": 15, "sibling": 30, "spouse": 20,
                           "cousin": 5, "relative": 5}
SOURCE_DATE_PRECISION: Weights = {"day": 80, "month": 15, "year": 5}
AFFILIATION_DATE_PRECISION: Weights = {"year": 70, "month": 20, None: 10}
SURNAME_SKEW = 0.5  # Zipf exponent: the commonest surname is about 7% of a nationality


def words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


# ---------------------------------------------------------------------------------------
# Names: stems in the Cyrillic the region writes, and the ways the press transliterates it
# ---------------------------------------------------------------------------------------

TAJIK_MALE = words(
    "Абдулло Акбар Алишер Амирбек Бахтиёр Бузургмеҳр Даврон Дилшод Фаррух Фирдавс Ҳаким "
    "Исмоил Ҷамшед Камол Маҳмадалӣ Мирзо Муҳаммад Низомиддин Рустам Саидумар Шамсиддин "
    "Шарофиддин Умед Зайд Зафар Хуршед Қосим Ғайрат Ҷалол Раҳмон Назар Қурбон Ҳоҷӣ Ёр "
    "Шариф Карим Сафар Бобо Раҷаб Файзулло Нуриддин Холмурод Гадо Ашур Султон Неъмат "
    "Ҳусейн Юсуф Латиф Амир Зариф Маҳмуд Ҳикмат Ҷумъа Саъдӣ Зубайдулло Иззат Кабир Тилло"
)
TAJIK_FEMALE = words(
    "Гулнора Зарина Мавлуда Нигора Дилафрӯз Шаҳноза Малика Фарзона Зулфия Муҳаббат "
    "Гулсара Ситора Мадина Нодира Ҳумайро Тахмина Озода Рухшона Зебо Шоира Ойниса"
)
UZBEK_MALE = words(
    "Дилмурод Бобомурод Санжар Жамшид Муҳаммад Ғайрат Азам Рустам Ислом Тўлқин Шуҳрат "
    "Алишер Акром Абдулла Ҳайрулла Мурод Бахтиёр Отабек Нурмуҳаммад Эркин Жўрабек Ҳасан"
)
UZBEK_FEMALE = words("Умида Гулноза Дилноза Малоҳат Муаззам Нилуфар Феруза Мўътабар Шоира")
KYRGYZ_MALE = words(
    "Азимжан Кадыржан Нурлан Бакыт Эрмек Айбек Жыргалбек Темир Садыр Алмаз Болот Үсөн "
    "Кубанычбек Мирлан Өмүрбек Талант Канат Чынгыз Эрлан Жеңиш"
)
KYRGYZ_FEMALE = words("Чолпон Айгүл Бермет Гүлнара Назира Махабат Айжан Мөлдир Канышай")
KAZAKH_MALE = words("Нұрлан Ерлан Серік Бақытжан Мұхтар Жанболат Арман Ғалым Қайрат Мақсат")
KAZAKH_FEMALE = words("Айгерім Динара Гүлмира Жанар Сәуле Әлия Ботагөз")
TURKMEN_MALE = words("Гурбангулы Мурад Овез Берди Ораз Гельды Нурберды Аннамурад Чары")
TURKMEN_FEMALE = words("Огулсапар Гулшат Джерен Огулджан Солтан")
RUSSIAN_MALE = words("Алексей Дмитрий Сергей Андрей Николай Игорь Михаил Владимир Евгений")
RUSSIAN_FEMALE = words("Ольга Елена Татьяна Ирина Наталья Светлана Юлия Анна")
RUSSIAN_SURNAMES = words(
    "Иванов Петров Смирнов Кузнецов Попов Соколов Лебедев Козлов Новиков Морозов Волков "
    "Зайцев Павлов Семёнов Голубев Виноградов Богданов Воробьёв Фёдоров Михайлов"
)

# Tajik, Uzbek, Kyrgyz, Kazakh and Turkmen letters in the Russian alphabet, as Russian
# newspapers write these names.
TO_RUSSIAN = str.maketrans({
    "ҳ": "х", "ҷ": "дж", "қ": "к", "ғ": "г", "ӣ": "и", "ӯ": "у", "ў": "у", "ө": "о",
    "ү": "у", "ң": "н", "ә": "а", "і": "и", "ұ": "у", "Ҳ": "Х", "Ҷ": "Дж", "Қ": "К",
    "Ғ": "Г", "Ӯ": "У", "Ў": "У", "Ө": "О", "Ү": "У", "Ә": "А", "Ұ": "У",
})
# The Russian letters, spelled as the name search reads them (names/tables.py).
_COMMON = {letter: tables.CYRILLIC[letter] for letter in "абвгдезийклмнопрстуфцшщъыьэюяёжчх"}
# Each scheme is how some outlet or passport office spells the same Cyrillic.
SCHEMES: dict[str, dict[str, str]] = {
    # Tajik national romanisation, as English-language human-rights reports use it.
    "tajik": {**_COMMON, "ҳ": "h", "ҷ": "j", "қ": "q", "ғ": "gh", "ӣ": "i", "ӯ": "u",
              "ъ": "'", "ў": "u", "ө": "o", "ү": "u", "ң": "ng", "ә": "a", "і": "i", "ұ": "u"},
    # From the Russian spelling (passports, Russian-language wires): Kh, Dzh, K, G.
    "russian": {**_COMMON, "ҳ": "kh", "ҷ": "dzh", "қ": "k", "ғ": "g", "ӣ": "i", "ӯ": "u",
                "ў": "u", "ө": "o", "ү": "u", "ң": "n", "ә": "a", "і": "i", "ұ": "u",
                "ё": "e", "ж": "zh"},
    # French-influenced spellings (older reports, Central Asian diaspora in Europe).
    "french": {**_COMMON, "ҳ": "kh", "ҷ": "dj", "қ": "k", "ғ": "gh", "ӣ": "i", "ӯ": "ou",
               "у": "ou", "ж": "j", "ч": "tch", "ш": "ch", "ў": "ou", "ө": "o", "ү": "u",
               "ң": "n", "ә": "a", "і": "i", "ұ": "u", "ё": "io"},
    # Uzbek Latin alphabet: x for kh, o' for ў, g' for ғ.
    "uzbek": {**_COMMON, "х": "x", "ҳ": "h", "ҷ": "j", "ж": "j", "қ": "q", "ғ": "g'",
              "ў": "o'", "ӣ": "i", "ӯ": "u", "ө": "o", "ү": "u", "ң": "ng", "ә": "a",
              "і": "i", "ұ": "u", "ц": "s", "ё": "yo"},
}


@dataclass(frozen=True)
class Culture:
    male: tuple[str, ...]
    female: tuple[str, ...]
    surnames: tuple[str, ...]  # extra surname stems besides those made from given names
    schemes: Weights  # how its names are usually romanised
    alias_language: str  # language of the native-script alias
    zoda: float = 0.0  # share of Tajik-style -zoda surnames (the 2000s "de-Russification")

    @cached_property
    def surname_weights(self) -> Weights:
        """Surnames by frequency rank, in an order fixed per culture (not per seed)."""
        ranked = sorted(set(self.surnames))
        random.Random(self.alias_language).shuffle(ranked)
        return {name: 1 / (rank + 1) ** SURNAME_SKEW for rank, name in enumerate(ranked)}


def _from_given(names) -> tuple[str, ...]:
    """Surnames made from given names, as most in the region are: Карим → Каримов."""
    stems = []
    for name in names:
        stem = name.replace("ӣ", "и")
        stems.append(stem + ("ев" if stem[-1] in "аеиоуэюяӯйьъ" else "ов"))
    return tuple(stems)


CULTURES = {
    "tajik": Culture(tuple(TAJIK_MALE), tuple(TAJIK_FEMALE), _from_given(TAJIK_MALE),
                     {"tajik": 60, "russian": 30, "french": 10}, "tg", zoda=0.15),
    "uzbek": Culture(tuple(UZBEK_MALE), tuple(UZBEK_FEMALE), _from_given(UZBEK_MALE),
                     {"uzbek": 40, "russian": 50, "french": 10}, "uz"),
    "kyrgyz": Culture(tuple(KYRGYZ_MALE), tuple(KYRGYZ_FEMALE), _from_given(KYRGYZ_MALE),
                      {"russian": 70, "tajik": 30}, "ky"),
    "kazakh": Culture(tuple(KAZAKH_MALE), tuple(KAZAKH_FEMALE), _from_given(KAZAKH_MALE),
                      {"russian": 70, "tajik": 30}, "kk"),
    "turkmen": Culture(tuple(TURKMEN_MALE), tuple(TURKMEN_FEMALE), _from_given(TURKMEN_MALE),
                       {"russian": 80, "french": 20}, "tk"),
    "russian": Culture(tuple(RUSSIAN_MALE), tuple(RUSSIAN_FEMALE), tuple(RUSSIAN_SURNAMES),
                       {"russian": 100}, "ru"),
}
CULTURE_OF_COUNTRY: dict[str, Weights] = {
    "TJ": {"tajik": 90, "uzbek": 8, "russian": 2},
    "UZ": {"uzbek": 85, "tajik": 10, "russian": 5},
    "KG": {"kyrgyz": 75, "uzbek": 20, "russian": 5},
    "KZ": {"kazakh": 80, "russian": 15, "uzbek": 5},
    "TM": {"turkmen": 95, "russian": 5},
    "RU": {"tajik": 40, "uzbek": 30, "kyrgyz": 20, "russian": 10},
}


def romanise(cyrillic: str, scheme: str) -> str:
    table = SCHEMES[scheme]
    out = []
    for char in cyrillic:
        lower = char.lower()
        latin = table.get(lower, lower)
        out.append(latin.capitalize() if char != lower else latin)
    return "".join(out)


def feminine(surname: str) -> str:
    if surname.endswith(("ов", "ев", "ёв", "ин")):
        return surname + "а"
    return surname


# ---------------------------------------------------------------------------------------
# Places, organisations, charges, publishers
# ---------------------------------------------------------------------------------------

CITIES = {
    "TJ": ["Dushanbe", "Khujand", "Kulob", "Bokhtar", "Khorog", "Istaravshan", "Panjakent",
           "Vahdat", "Rasht", "Isfara"],
    "UZ": ["Tashkent", "Samarkand", "Andijan", "Namangan", "Bukhara", "Nukus", "Fergana",
           "Karshi"],
    "KG": ["Bishkek", "Osh", "Jalal-Abad", "Karakol", "Naryn", "Batken"],
    "KZ": ["Almaty", "Astana", "Shymkent", "Karaganda", "Aktobe", "Zhanaozen"],
    "TM": ["Ashgabat", "Turkmenabat", "Mary", "Dashoguz"],
    "RU": ["Moscow", "St Petersburg", "Yekaterinburg", "Novosibirsk"],
}
ABROAD = ["Istanbul", "Warsaw", "Berlin", "Vilnius", "Moscow", "Paris", "Vienna"]
PRISONS = {
    "TJ": ["Dushanbe pre-trial detention centre No 1", "Prison colony 3/1, Dushanbe",
           "Prison colony 3/3, Khujand", "Prison colony 3/8, Yovon", "Kulob prison"],
    "UZ": ["Jaslyk prison", "Tashkent prison colony 64/1", "Navoi prison colony 64/29"],
    "KG": ["Bishkek pre-trial detention centre No 1", "Correctional colony No 47"],
    "KZ": ["Almaty pre-trial detention centre", "Correctional colony EC-166/11"],
    "TM": ["Ovadan-Depe prison", "Seydi prison colony LB-K/12"],
    "RU": ["Moscow pre-trial detention centre No 2", "Foreign nationals' detention centre"],
}
STATE_BODIES = {
    "TJ": [("State Committee for National Security", "GKNB"),
           ("Ministry of Internal Affairs of Tajikistan", "MVD"),
           ("Prosecutor General's Office of Tajikistan", "")],
    "UZ": [("State Security Service of Uzbekistan", "SGB"),
           ("Ministry of Internal Affairs of Uzbekistan", "")],
    "KG": [("State Committee for National Security of Kyrgyzstan", "GKNB KR"),
           ("Ministry of Internal Affairs of Kyrgyzstan", "")],
    "KZ": [("National Security Committee of Kazakhstan", "KNB"),
           ("Ministry of Internal Affairs of Kazakhstan", "")],
    "TM": [("Ministry of National Security of Turkmenistan", "MNB")],
    "RU": [("Federal Security Service", "FSB"), ("Russian Investigative Committee", "")],
}
COUNTRY_NAMES = {"TJ": "Tajikistan", "UZ": "Uzbekistan", "KG": "Kyrgyzstan",
                 "KZ": "Kazakhstan", "TM": "Turkmenistan", "RU": "Russia"}
GROUPS = [  # (name, abbreviation, kind, country)
    ("Islamic Renaissance Party of Tajikistan", "IRPT", Organisation.Kind.PARTY, "TJ"),
    ("Group 24", "", Organisation.Kind.PARTY, "TJ"),
    ("Social Democratic Party of Tajikistan", "SDPT", Organisation.Kind.PARTY, "TJ"),
    ("Erk Democratic Party", "Erk", Organisation.Kind.PARTY, "UZ"),
    ("Birlik People's Movement", "Birlik", Organisation.Kind.PARTY, "UZ"),
    ("Ata-Jurt", "", Organisation.Kind.PARTY, "KG"),
    ("Democratic Choice of Kazakhstan", "DVK", Organisation.Kind.PARTY, "KZ"),
    ("Hizb ut-Tahrir", "", Organisation.Kind.OTHER, ""),
    ("Jehovah's Witnesses", "", Organisation.Kind.OTHER, ""),
    ("Radio Ozodi", "", Organisation.Kind.MEDIA, "TJ"),
    ("Asia-Plus", "", Organisation.Kind.MEDIA, "TJ"),
    ("Radio Azattyk", "", Organisation.Kind.MEDIA, "KG"),
    ("Temirov Live", "", Organisation.Kind.MEDIA, "KG"),
    ("Vlast.kz", "", Organisation.Kind.MEDIA, "KZ"),
    ("Turkmen.news", "", Organisation.Kind.MEDIA, ""),
    ("Pamir Daily News", "", Organisation.Kind.MEDIA, "TJ"),
    ("Bureau on Human Rights and Rule of Law", "", Organisation.Kind.NGO, "TJ"),
    ("Kylym Shamy", "", Organisation.Kind.NGO, "KG"),
    ("Kazakhstan International Bureau for Human Rights", "KIBHR", Organisation.Kind.NGO,
     "KZ"),
    ("Human Rights Society of Uzbekistan", "", Organisation.Kind.NGO, "UZ"),
]
ROLES = ["member", "member", "member", "activist", "regional leader", "deputy chairman",
         "journalist", "editor", "lawyer", "founder", "supporter"]
CHARGES = [  # (name, article in the Criminal Code of Tajikistan, weight)
    ("extremism", "Art. 307.1", 20),
    ("participation in a banned extremist organisation", "Art. 307.3", 18),
    ("organising an extremist community", "Art. 307.2", 10),
    ("calls to violent change of the constitutional order", "Art. 307", 10),
    ("terrorism", "Art. 179", 8),
    ("fraud", "Art. 247", 9),
    ("forgery", "Art. 340", 6),
    ("inciting hatred", "Art. 189", 8),
    ("treason", "Art. 305", 3),
    ("illegal border crossing", "Art. 335", 3),
    ("hooliganism", "Art. 237", 4),
    ("bribery", "Art. 319", 3),
    ("mass disorder", "Art. 187", 4),
    ("illegal possession of weapons", "Art. 195", 4),
    ("tax evasion", "Art. 292", 2),
    ("abuse of office", "Art. 314", 2),
]
PUBLISHERS = {  # name: (domain, language weights, weight)
    "Radio Ozodi (RFE/RL)": ("rus.ozodi.org", {"ru": 60, "tg": 30, "en": 10}, 16),
    "Eurasianet": ("eurasianet.org", {"en": 100}, 12),
    "Asia-Plus": ("asiaplustj.info", {"ru": 70, "en": 30}, 8),
    "Human Rights Watch": ("hrw.org", {"en": 85, "ru": 15}, 8),
    "Amnesty International": ("amnesty.org", {"en": 90, "ru": 10}, 6),
    "Norwegian Helsinki Committee": ("nhc.no", {"en": 100}, 4),
    "Fergana News": ("fergana.agency", {"ru": 80, "en": 20}, 10),
    "Memorial Human Rights Centre": ("memohrc.org", {"ru": 100}, 5),
    "Forum 18": ("forum18.org", {"en": 100}, 4),
    "openDemocracy (oDR)": ("opendemocracy.net", {"en": 100}, 3),
    "UN Working Group on Arbitrary Detention": ("ohchr.org", {"en": 100}, 2),
    "Radio Azattyk (RFE/RL)": ("rus.azattyk.org", {"ru": 60, "ky": 30, "en": 10}, 8),
    "Vlast.kz": ("vlast.kz", {"ru": 100}, 4),
    "Turkmen.news": ("turkmen.news", {"ru": 60, "en": 40}, 4),
    "Kloop": ("kloop.kg", {"ru": 70, "ky": 30}, 4),
    "Staff interview": ("", {"ru": 50, "tg": 30, "en": 20}, 2),  # restricted
}
TOPICS = [
    "{country}: opposition activists sentenced in closed trial",
    "{country}: relatives of exiled critics detained",
    "Crackdown in {country} widens to lawyers",
    "{country}: journalist jailed after critical reporting",
    "Families of {country}'s political prisoners speak out",
    "{country}: new wave of arrests over alleged extremism",
    "Transnational repression: {country} pursues critics abroad",
    "{country}: prisoners report torture in custody",
    "Annual report: human rights in {country}",
    "{country}: court upholds long sentences on appeal",
]

# Event stories: what tends to happen to a target, in order. Each kind appears at most once.
TARGET_STORY = [
    (Event.Kind.HARASSMENT, 0.5), (Event.Kind.THREAT, 0.4), (Event.Kind.WANTED, 0.15),
    (Event.Kind.TRAVEL_BAN, 0.15), (Event.Kind.ARREST, 0.9), (Event.Kind.DETENTION, 0.5),
    (Event.Kind.TORTURE, 0.25), (Event.Kind.ILL_TREATMENT, 0.3),
    (Event.Kind.CONFISCATION, 0.15), (Event.Kind.TRIAL, 0.6), (Event.Kind.PROTEST, 0.1),
    (Event.Kind.EXTRADITION_REQUEST, 0.08), (Event.Kind.ABDUCTION, 0.04),
    (Event.Kind.DEPORTATION, 0.05), (Event.Kind.EXTRADITION, 0.04),
    (Event.Kind.DISAPPEARANCE, 0.04), (Event.Kind.EXILE, 0.12), (Event.Kind.ASYLUM, 0.06),
    (Event.Kind.BAN, 0.05), (Event.Kind.PARDON, 0.05), (Event.Kind.RELEASE, 0.2),
    (Event.Kind.DEATH, 0.02), (Event.Kind.KILLING, 0.01),
]
RELATIVE_STORY = [
    (Event.Kind.THREAT, 0.6), (Event.Kind.HARASSMENT, 0.7), (Event.Kind.TRAVEL_BAN, 0.3),
    (Event.Kind.ARREST, 0.3), (Event.Kind.CONFISCATION, 0.3), (Event.Kind.DETENTION, 0.2),
    (Event.Kind.ILL_TREATMENT, 0.15), (Event.Kind.PROTEST, 0.2), (Event.Kind.RELEASE, 0.15),
    (Event.Kind.BAN, 0.1),
]
DESCRIPTIONS = {
    Event.Kind.ARREST: "Arrested by security officers and held incommunicado for days.",
    Event.Kind.TORTURE: "Beaten and given electric shocks to force a confession.",
    Event.Kind.TRIAL: "Tried behind closed doors; relatives were not admitted.",
    Event.Kind.HARASSMENT: "Summoned repeatedly for questioning about relatives abroad.",
    Event.Kind.THREAT: "Told by officers that the family would suffer unless he returned.",
    Event.Kind.RELEASE: "Released after serving the sentence.",
}
EVENT_VERBS = {
    Event.Kind.ARREST: "arrested", Event.Kind.DETENTION: "detained",
    Event.Kind.TORTURE: "tortured", Event.Kind.ILL_TREATMENT: "ill-treated in custody",
    Event.Kind.DISAPPEARANCE: "forcibly disappeared", Event.Kind.ABDUCTION: "abducted",
    Event.Kind.KILLING: "killed", Event.Kind.DEATH: "found dead", Event.Kind.THREAT: "threatened",
    Event.Kind.HARASSMENT: "harassed by the police", Event.Kind.TRAVEL_BAN: "banned from travel",
    Event.Kind.EXTRADITION: "extradited", Event.Kind.DEPORTATION: "deported",
    Event.Kind.EXILE: "forced into exile", Event.Kind.ASYLUM: "granted asylum",
    Event.Kind.TRIAL: "put on trial", Event.Kind.RELEASE: "released",
    Event.Kind.PARDON: "pardoned", Event.Kind.WANTED: "put on a wanted list",
}
PASSAGES = [
    "According to relatives, {name} was {what} in {when}.",
    "{name} was {what} in {when}, the organisation reported, citing family members.",
    "Sources close to the family said {name} had been {what} in {when}.",
    "In {when}, {name} was {what}; the authorities have not commented.",
]


# ---------------------------------------------------------------------------------------
# The generator
# ---------------------------------------------------------------------------------------


_TABLES: dict[int, tuple[Weights, list, list[float]]] = {}


def weighted(rng: random.Random, weights: Weights):
    """One value of ``weights`` ({value: weight}) at random; tables are cached by identity."""
    table = _TABLES.get(id(weights))
    if table is None or table[0] is not weights:
        table = (weights, list(weights), list(accumulate(weights.values())))
        if len(_TABLES) < 1000:  # module-level tables; a stray literal must not grow it
            _TABLES[id(weights)] = table
    _weights, values, cumulative = table
    return values[bisect(cumulative, rng.random() * cumulative[-1])]


@dataclass
class Stats:
    rows: Counter = field(default_factory=Counter)
    history_rows: int = 0

    def add(self, model, n: int):
        self.rows[model._meta.model_name] += n


def fill_keys(instance):
    """What ``save()`` does to a Person's or an Alias's search keys (``bulk_create`` won't).

    Always through casetracker.names.keys, never a copy: the keys are that module's to define.
    """
    assign = getattr(keys, "assign_keys", None)
    if assign is not None:
        assign(instance)
    else:
        instance.name_key = keys.name_key(instance.name)
    return instance


@contextmanager
def given_timestamps(*models_):
    """Let ``bulk_create`` store the ``created_at``/``updated_at`` we generate.

    ``auto_now``/``auto_now_add`` overwrite them with "now" in ``pre_save``; a case record
    built over twenty years where every row was updated a second ago would make the
    "recently updated" pages and filters unrealistically degenerate.
    """
    saved = []
    for model in models_:
        for name in ("created_at", "updated_at"):
            fld = model._meta.get_field(name)
            saved.append((fld, fld.auto_now, fld.auto_now_add))
            fld.auto_now = fld.auto_now_add = False
    try:
        yield
    finally:
        for fld, auto_now, auto_now_add in saved:
            fld.auto_now, fld.auto_now_add = auto_now, auto_now_add


class Generator:
    """Builds ``people`` people and their records; :meth:`run` writes them."""

    def __init__(self, *, people: int, seed: int = 1, with_history: bool = True,
                 progress: Callable[[str], None] | None = None):
        if people < 1:
            raise ValueError("The number of people must be at least 1.")
        self.people = people
        self.seed = seed
        self.with_history = with_history
        self.progress = progress or (lambda message: None)
        self.rng = random.Random(seed)
        self.stats = Stats()
        self.now = REFERENCE_NOW  # not the clock: the same seed gives the same data any day
        self.history_date = timezone.now()
        self._person_index = 0
        self._source_index = 0

    # -- reference data -------------------------------------------------------------------

    def reference_data(self):
        """Organisations and charges: reused when they exist (e.g. from the seed), else made."""
        wanted = []
        for country, bodies in STATE_BODIES.items():
            for name, abbreviation in bodies:
                wanted.append((name, abbreviation, Organisation.Kind.STATE_BODY, country))
        for country, cities in CITIES.items():
            country_name = COUNTRY_NAMES[country]
            wanted.append((f"Supreme Court of {country_name}", "", Organisation.Kind.COURT,
                           country))
            for city in cities:
                wanted.append((f"{city} City Court", "", Organisation.Kind.COURT, country))
        # Larger databases name more district courts and local bodies.
        extra_courts = max(0, self.people // 500)
        for n in range(extra_courts):
            country = weighted(self.rng, COUNTRIES)
            city = self.rng.choice(CITIES[country])
            wanted.append((f"{city} District Court No {n + 1}", "", Organisation.Kind.COURT,
                           country))
        wanted.extend(GROUPS)
        existing = {org.name: org for org in Organisation.objects.filter(
            name__in=[name for name, *_ in wanted])}
        new = []
        for name, abbreviation, kind, country in wanted:
            if name not in existing:
                slug = slugify(name)[:180]
                new.append(Organisation(name=name, abbreviation=abbreviation, kind=kind,
                                        country=country, slug=slug,
                                        description=f"{name}." if kind != "court" else ""))
        self._free_slugs(Organisation, new)
        self._create(Organisation, new)
        orgs = [*existing.values(), *new]
        self.courts: dict[str, list[Organisation]] = {}
        self.bodies: dict[str, list[Organisation]] = {}
        for org in sorted(orgs, key=lambda o: o.name):
            if org.kind == Organisation.Kind.COURT:
                self.courts.setdefault(str(org.country), []).append(org)
            elif org.kind == Organisation.Kind.STATE_BODY:
                self.bodies.setdefault(str(org.country), []).append(org)
        self.groups = sorted((o for o in orgs if o.name in {g[0] for g in GROUPS}),
                             key=lambda o: o.name)

        charges = {c.name: c for c in Charge.objects.filter(name__in=[n for n, *_ in CHARGES])}
        new_charges = [Charge(name=name, slug=slugify(name)) for name, *_ in CHARGES
                       if name not in charges]
        self._free_slugs(Charge, new_charges)
        self._create(Charge, new_charges)
        charges.update({c.name: c for c in new_charges})
        self.charges = [(charges[name], article, weight) for name, article, weight in CHARGES]

        # Big reports (annual reviews, UN opinions) cited across the whole data set.
        self.wire_sources = self._sources(max(5, self.people // 2000))
        self._create(Source, self.wire_sources)

    # -- helpers --------------------------------------------------------------------------

    def _free_slugs(self, model, objs: list):
        """Give ``objs`` whose slug a stored ``model`` row already has the seed as a suffix."""
        taken = set(model.objects.filter(slug__in=[obj.slug for obj in objs])
                    .values_list("slug", flat=True))
        for obj in objs:
            if obj.slug in taken:
                obj.slug = f"{obj.slug}-{self.seed}"

    def _create(self, model, objs: list):
        if not objs:
            return
        model.objects.bulk_create(objs, batch_size=BATCH)
        self.stats.add(model, len(objs))
        if self.with_history:
            for obj in objs:
                obj._history_date = self._recorded_at(obj)
            model.history.bulk_history_create(
                objs, batch_size=BATCH, default_change_reason=CHANGE_REASON,
                default_date=self.history_date,
            )
            self.stats.history_rows += len(objs)

    def _recorded_at(self, obj) -> datetime.datetime:
        """When the record was entered: its history starts then, not all at one instant.

        History tables spread over the years as real ones are, so that queries for "the
        latest change" (ETags, the record history page) meet a realistic distribution.
        """
        created = getattr(obj, "created_at", None)
        if created is None:
            parent = (getattr(obj, "person", None) if isinstance(obj, Alias)
                      else getattr(obj, "proceeding", None) if isinstance(obj, ProceedingCharge)
                      else obj.fact if isinstance(obj, Citation) else None)
            created = getattr(parent, "created_at", None)
        return created or self.history_date

    def _date(self, year: int, *, precision=...) -> PartialDate | None:
        rng = self.rng
        precision = weighted(rng, DATE_PRECISION) if precision is ... else precision
        year = min(year, self.now.year)
        if precision is None:
            return None
        if precision == "year":
            return PartialDate(year)
        month = rng.randint(1, 12)
        if precision == "month":
            return PartialDate(year, month)
        return PartialDate(year, month, rng.randint(1, 28))

    def _timestamps(self, year: int) -> tuple[datetime.datetime, datetime.datetime]:
        rng = self.rng
        year = max(2008, min(year, self.now.year))  # databases like this began around 2008
        created = datetime.datetime(year, rng.randint(1, 12), rng.randint(1, 28),
                                    rng.randint(0, 23), rng.randint(0, 59),
                                    tzinfo=datetime.UTC)
        created = min(created, self.now - datetime.timedelta(days=1))
        span = max(1, int((self.now - created).total_seconds()))
        updated = created + datetime.timedelta(seconds=int(span * rng.random() ** 2))
        return created, updated

    def _state(self, parent_public: bool) -> tuple[str, bool]:
        weights = FACT_STATES_OF_PUBLISHED if parent_public else FACT_STATES_OF_UNPUBLISHED
        return weighted(self.rng, weights), self.rng.random() < FACT_RESTRICTED

    # -- people ---------------------------------------------------------------------------

    def _name(self, culture: Culture, sex: str) -> tuple[str, str]:
        """(given, surname) in Cyrillic."""
        rng = self.rng
        given = rng.choice(culture.male if sex != Person.Sex.FEMALE else culture.female)
        # Zipf-like: a few surnames are very common, as in the region.
        stem = weighted(rng, culture.surname_weights)
        if culture.zoda and rng.random() < culture.zoda:
            surname = stem[:-2] + "зода"
        else:
            surname = feminine(stem) if sex == Person.Sex.FEMALE else stem
        return given, surname

    def _person(self, country: str, *, involvement: str) -> tuple[Person, list[Alias], str]:
        rng = self.rng
        culture_name = weighted(rng, CULTURE_OF_COUNTRY[country])
        culture = CULTURES[culture_name]
        sex = weighted(rng, SEXES)
        given, surname = self._name(culture, sex)
        cyrillic = f"{given} {surname}"
        scheme = weighted(rng, culture.schemes)
        name = romanise(cyrillic, scheme)
        index = self._person_index
        self._person_index += 1
        state = weighted(rng, PERSON_STATES)
        first_year = weighted(rng, YEARS)
        created, updated = self._timestamps(first_year + rng.randint(0, 2))
        pseudonym = rng.random() < PSEUDONYM_SHARE
        real_name = ""
        if pseudonym:
            real_name = name
            name = romanise(f"{rng.choice(culture.male)} {rng.choice(culture.surnames)}",
                            scheme)
        person = Person(
            name=name,
            slug=f"{slugify(name)[:150]}-{self.seed}-{index}",
            real_name=real_name,
            is_pseudonym=pseudonym,
            sex=sex,
            birth_year=rng.randint(1940, 2000) if rng.random() < 0.6 else None,
            country=country,
            occupation=rng.choice(["", "", "teacher", "imam", "lawyer", "journalist",
                                   "businessman", "labour migrant", "student", "blogger",
                                   "party activist", "farmer", "doctor"]),
            publication_state=state,
            is_restricted=rng.random() < PERSON_RESTRICTED,
            involvement=involvement,
            external_id=f"{EXTERNAL_ID_PREFIX}-{self.seed}-{index}",
            created_at=created,
            updated_at=updated,
        )
        fill_keys(person)
        person._first_year = first_year
        aliases = []
        seen = {name}

        def alias(text, script, language, restricted=False):
            if text not in seen:
                seen.add(text)
                aliases.append(fill_keys(Alias(person=person, name=text, script=script,
                                               language=language, is_restricted=restricted)))

        russian = cyrillic.translate(TO_RUSSIAN)
        if rng.random() < 0.85:
            alias(russian, Alias.Script.CYRILLIC, "ru")
        if culture_name != "russian" and rng.random() < 0.45:
            alias(cyrillic, Alias.Script.CYRILLIC, culture.alias_language)
        if rng.random() < 0.5:
            other = weighted(rng, {s: w for s, w in culture.schemes.items() if s != scheme}
                             or {"french": 1})
            alias(romanise(russian if other == "russian" else cyrillic, other),
                  Alias.Script.LATIN, "en")
        if rng.random() < 0.1:  # surname first, as Russian documents write it
            alias(" ".join(reversed(russian.split())), Alias.Script.CYRILLIC, "ru")
        if pseudonym:
            alias(real_name, Alias.Script.LATIN, "en", restricted=True)
        elif rng.random() < ALIAS_RESTRICTED:
            alias(f"{given} {surname} (childhood name)", Alias.Script.CYRILLIC, "",
                  restricted=True)
        return person, aliases, culture_name

    # -- facts ----------------------------------------------------------------------------

    def _events(self, person: Person, story, count: int) -> list[Event]:
        rng = self.rng
        kinds = [kind for kind, chance in story if rng.random() < chance]
        while len(kinds) < count:  # fill in with the commonest kinds, story order kept
            extra = rng.choice([Event.Kind.HARASSMENT, Event.Kind.THREAT, Event.Kind.ARREST,
                                Event.Kind.DETENTION, Event.Kind.ILL_TREATMENT])
            kinds.insert(rng.randint(0, len(kinds)), extra)
        if len(kinds) > count:
            keep = sorted(rng.sample(range(len(kinds)), count))
            kinds = [kinds[i] for i in keep]
        year = person._first_year
        public = person.publication_state == PublicationState.PUBLISHED
        country = str(person.country)
        events = []
        for kind in kinds:
            year = min(year + rng.choice([0, 0, 0, 1, 1, 2]), self.now.year)
            abroad = kind in {Event.Kind.EXILE, Event.Kind.ASYLUM, Event.Kind.ABDUCTION,
                              Event.Kind.DEPORTATION, Event.Kind.EXTRADITION}
            place = rng.choice(ABROAD) if abroad else rng.choice(CITIES[country])
            state, restricted = self._state(public)
            perpetrator = None
            if kind not in {Event.Kind.EXILE, Event.Kind.ASYLUM, Event.Kind.PROTEST,
                            Event.Kind.RELEASE, Event.Kind.DEATH} and rng.random() < 0.6:
                perpetrator = rng.choice(self.bodies[country])
            created, updated = self._timestamps(year)
            events.append(Event(
                person=person, kind=kind, date=self._date(year), place=place,
                place_is_restricted=rng.random() < PLACE_RESTRICTED,
                country="TR" if place == "Istanbul" else ("RU" if place == "Moscow"
                                                         else ("" if abroad else country)),
                perpetrator=perpetrator,
                description=DESCRIPTIONS.get(kind, ""),
                verification=weighted(rng, VERIFICATION),
                publication_state=state, is_restricted=restricted,
                created_at=created, updated_at=updated,
            ))
        return events

    def _proceedings(self, person: Person, events: list[Event]):
        rng = self.rng
        tried = person.involvement == Person.Involvement.TARGET and rng.random() < TRIED_SHARE
        if not tried and not (person.involvement == Person.Involvement.RELATED
                              and rng.random() < 0.08):
            return [], []
        public = person.publication_state == PublicationState.PUBLISHED
        country = str(person.country)
        arrests = [e for e in events if e.kind == Event.Kind.ARREST and e.date]
        year = (arrests[0].date.year if arrests else person._first_year) + rng.randint(0, 1)
        proceedings, charges = [], []
        for n in range(2 if rng.random() < 0.14 else 1):
            outcome = weighted(rng, OUTCOMES)
            life, term = False, None
            if outcome == Proceeding.Outcome.CONVICTED:
                roll = rng.random()
                if roll < LIFE_SHARE:
                    life = True
                elif roll >= LIFE_SHARE + UNKNOWN_TERM_SHARE:
                    term = weighted(rng, TERMS_YEARS) * 12 + rng.choice([0, 0, 0, 6])
            state, restricted = self._state(public)
            created, updated = self._timestamps(year + n)
            proceeding = Proceeding(
                person=person,
                court=rng.choice(self.courts[country]) if rng.random() < 0.9 else None,
                verdict_date=(self._date(year + n) if outcome != Proceeding.Outcome.PENDING
                              else None),
                closed_trial=rng.random() < 0.6, outcome=outcome, term_months=term, life=life,
                fine=f"{rng.randint(1, 50) * 1000:,} somoni" if rng.random() < 0.05 else "",
                confiscation=rng.random() < 0.15,
                appeal=weighted(rng, APPEALS),
                verification=weighted(rng, VERIFICATION),
                publication_state=state, is_restricted=restricted,
                created_at=created, updated_at=updated,
            )
            proceedings.append(proceeding)
            chosen = set()
            for _ in range(rng.choice([1, 1, 2, 2, 2, 3, 4])):
                charge, article, _weight = rng.choices(
                    self.charges, weights=[w for *_, w in self.charges])[0]
                if charge.pk not in chosen:
                    chosen.add(charge.pk)
                    charges.append(ProceedingCharge(
                        proceeding=proceeding, charge=charge,
                        code_article=f"{article} Criminal Code" if rng.random() < 0.7 else "",
                        wording=charge.name if rng.random() < 0.5 else "",
                    ))
        return proceedings, charges

    def _detentions(self, person: Person, proceedings: list[Proceeding],
                    events: list[Event]) -> list[Detention]:
        rng = self.rng
        convicted = [p for p in proceedings if p.outcome == Proceeding.Outcome.CONVICTED]
        held = rng.random() < (0.8 if convicted else 0.15)
        if not held:
            return []
        public = person.publication_state == PublicationState.PUBLISHED
        country = str(person.country)
        arrests = [e.date for e in events if e.kind == Event.Kind.ARREST and e.date]
        start = arrests[0] if arrests else self._date(person._first_year)
        end = None
        released = any(e.kind in {Event.Kind.RELEASE, Event.Kind.PARDON} for e in events)
        if start and (released or not convicted or rng.random() < 0.2):
            term = (convicted[0].term_months or 60) if convicted else rng.randint(1, 18)
            end_year = start.year + max(1, term // 12 if rng.random() < 0.7 else term // 24)
            if end_year <= self.now.year - 1:
                end = PartialDate(end_year, rng.randint(1, 12))
        state, restricted = self._state(public)
        created, updated = self._timestamps(start.year if start else person._first_year)
        return [Detention(
            person=person, start=start, end=end, place=rng.choice(PRISONS[country]),
            place_is_restricted=rng.random() < PLACE_RESTRICTED / 2,
            verification=weighted(rng, VERIFICATION),
            publication_state=state, is_restricted=restricted,
            created_at=created, updated_at=updated,
        )]

    def _status(self, person, events, proceedings, detentions) -> str:
        kinds = {e.kind for e in events}
        S = Person.Status
        if kinds & {Event.Kind.KILLING, Event.Kind.DEATH}:
            return S.DECEASED
        if Event.Kind.DISAPPEARANCE in kinds:
            return S.DISAPPEARED
        held = any(d.end is None for d in detentions)
        if held and any(p.outcome == Proceeding.Outcome.CONVICTED for p in proceedings):
            return S.IMPRISONED
        if held:
            return S.DETAINED
        if kinds & {Event.Kind.EXILE, Event.Kind.ASYLUM}:
            return S.IN_EXILE
        if detentions or kinds & {Event.Kind.RELEASE, Event.Kind.PARDON}:
            return S.RELEASED
        return self.rng.choice([S.AT_LIBERTY, S.UNKNOWN])

    def _summary(self, person, proceedings) -> str:
        convicted = [p for p in proceedings if p.outcome == Proceeding.Outcome.CONVICTED]
        who = person.occupation or "resident"
        country = COUNTRY_NAMES[str(person.country)]
        if person.involvement == Person.Involvement.RELATED:
            return (f"A relative of a government critic in {country}, harassed and questioned "
                    f"by the authorities because of their family member's activities.")
        if convicted:
            sentence = convicted[0].term_display
            return (f"A {who} from {country}, convicted on politically motivated charges "
                    f"({sentence}) after a trial that did not meet fair-trial standards.")
        return (f"A {who} from {country} targeted by the authorities for peaceful "
                f"opposition, religious or journalistic activity.")

    # -- sources and citations ------------------------------------------------------------

    def _sources(self, count: int) -> list[Source]:
        rng = self.rng
        sources = []
        names = list(PUBLISHERS)
        weights = [PUBLISHERS[name][2] for name in names]
        for _ in range(count):
            publisher = rng.choices(names, weights=weights)[0]
            domain, languages, _weight = PUBLISHERS[publisher]
            index = self._source_index
            self._source_index += 1
            year = weighted(rng, YEARS)
            country = weighted(rng, COUNTRIES)
            title = rng.choice(TOPICS).format(country=COUNTRY_NAMES[country])
            interview = not domain
            state = weighted(rng, SOURCE_STATES)
            created, updated = self._timestamps(year)
            slug = f"{slugify(publisher)[:40]}-{year}-{self.seed}-{index}"
            sources.append(Source(
                slug=slug, title=title, publisher=publisher,
                author=rng.choice(["", "", "Staff", "A. Karimova", "J. Smith", "R. Saidov"]),
                published=self._date(year, precision=weighted(rng, SOURCE_DATE_PRECISION)),
                url="" if interview else f"https://{domain}/{year}/{slug}",
                language=weighted(rng, languages),
                notes="Date from the web archive capture." if rng.random() < 0.2 else "",
                publication_state=state,
                is_restricted=interview or rng.random() < SOURCE_RESTRICTED,
                created_at=created, updated_at=updated,
            ))
        return sources

    def _citations(self, facts, pool: list[Source], person_of) -> list[Citation]:
        rng = self.rng
        citations = []
        for attribute, fact in facts:
            count = weighted(rng, CITATIONS_PER_FACT)
            chosen = set()
            for _ in range(count):
                source = (rng.choice(self.wire_sources) if rng.random() < 0.05
                          else rng.choice(pool))
                if source.pk in chosen:
                    continue
                chosen.add(source.pk)
                person = person_of(fact)
                when = getattr(fact, "date", None) or getattr(fact, "verdict_date", None) \
                    or getattr(fact, "start", None)
                passage = rng.choice(PASSAGES).format(
                    name=person.name, what=self._what(attribute, fact),
                    when=when.isoformat() if when else "an unknown year",
                )
                citations.append(Citation(source=source, passage=passage,
                                          **{attribute: fact}))
        return citations

    @staticmethod
    def _what(attribute: str, fact) -> str:
        """What the passage says happened; never a restricted place."""
        if attribute == "event":
            return EVENT_VERBS.get(fact.kind) or f"subject to {fact.get_kind_display().lower()}"
        if attribute == "proceeding":
            if fact.outcome == Proceeding.Outcome.CONVICTED:
                return f"sentenced to {fact.term_display}"
            return "put on trial"
        if attribute == "detention":
            return f"held in {fact.public_place}" if fact.public_place else "held in custody"
        if attribute == "affiliation":
            return f"a {fact.role or 'member'} of {fact.organisation.name}"
        return f"the {fact.kind_term} of {fact.relative.name}"

    # -- one chunk of people --------------------------------------------------------------

    def _chunk(self, size: int):
        rng = self.rng
        people: list[Person] = []
        aliases: list[Alias] = []
        n_related = int(round(size * RELATED_SHARE))
        n_merged = int(size * MERGED_SHARE)
        n_targets = size - n_related - n_merged
        targets = []
        for _ in range(n_targets):
            person, person_aliases, _culture = self._person(weighted(rng, COUNTRIES),
                                                            involvement="target")
            people.append(person)
            targets.append(person)
            aliases += person_aliases
        relatives = []
        for _ in range(n_related):
            target = rng.choice(targets) if targets else None
            country = str(target.country) if target else weighted(rng, COUNTRIES)
            person, person_aliases, _culture = self._person(country, involvement="related")
            if target:
                person._first_year = target._first_year + rng.randint(0, 3)
            people.append(person)
            relatives.append((person, target))
            aliases += person_aliases
        duplicates = []
        for _ in range(n_merged):
            original = rng.choice(targets)
            person, person_aliases, _culture = self._person(str(original.country),
                                                            involvement="target")
            person.name = original.name
            fill_keys(person)
            person.publication_state = PublicationState.PUBLISHED
            person._first_year = original._first_year
            duplicates.append((person, original))
            aliases += person_aliases

        events, proceedings, charges, detentions = [], [], [], []
        affiliations, relationships = [], []
        for person in people + [d for d, _ in duplicates]:
            story = TARGET_STORY if person.involvement == "target" else RELATIVE_STORY
            count = min(10, 3 + int(rng.expovariate(1 / 2.3)))  # 3–10, mostly 3–6
            person_events = self._events(person, story, count)
            person_proceedings, person_charges = self._proceedings(person, person_events)
            person_detentions = self._detentions(person, person_proceedings, person_events)
            person.status = self._status(person, person_events, person_proceedings,
                                         person_detentions)
            person.summary = self._summary(person, person_proceedings)
            events += person_events
            proceedings += person_proceedings
            charges += person_charges
            detentions += person_detentions
            public = person.publication_state == PublicationState.PUBLISHED
            if person.involvement == "target" and rng.random() < 0.5:
                group = rng.choice(self.groups)
                start_year = person._first_year - rng.randint(0, 10)
                state, restricted = self._state(public)
                created, updated = self._timestamps(person._first_year)
                affiliations.append(Affiliation(
                    person=person, organisation=group, role=rng.choice(ROLES),
                    start=self._date(start_year, precision=weighted(
                        rng, AFFILIATION_DATE_PRECISION)),
                    end=(PartialDate(min(start_year + rng.randint(1, 12), self.now.year))
                         if rng.random() < 0.3 else None),
                    publication_state=state, is_restricted=restricted,
                    created_at=created, updated_at=updated,
                ))

        for relative, target in relatives:
            if target is None:
                continue
            kind = weighted(rng, RELATIVE_KINDS)
            relationships.append(self._relationship(relative, kind, target))
        # Lawyers who defended other targets, and colleagues tried together.
        for _ in range(int(len(targets) * 0.05)):
            a, b = rng.sample(targets, 2)
            kind = RelationshipKind.LAWYER if rng.random() < 0.5 else RelationshipKind.COLLEAGUE
            relationships.append(self._relationship(a, kind, b))
        relationships = list({(id(r.person), r.kind, id(r.relative)): r
                              for r in relationships}.values())

        sources = self._sources(max(3, int(size * SOURCES_PER_PERSON)))
        return (people, duplicates, aliases, events, proceedings, charges, detentions,
                affiliations, relationships, sources)

    def _relationship(self, person, kind, relative) -> Relationship:
        public = (person.publication_state == PublicationState.PUBLISHED
                  and relative.publication_state == PublicationState.PUBLISHED)
        state, restricted = self._state(public)
        created, updated = self._timestamps(relative._first_year)
        return Relationship(person=person, kind=kind, relative=relative,
                            note="" if self.rng.random() < 0.8 else "full brother"
                            if kind == RelationshipKind.SIBLING else "",
                            publication_state=state, is_restricted=restricted,
                            created_at=created, updated_at=updated)

    def _write_chunk(self, size: int):
        (people, duplicates, aliases, events, proceedings, charges, detentions,
         affiliations, relationships, sources) = self._chunk(size)
        self._create(Person, people)
        for duplicate, original in duplicates:
            duplicate.merged_into = original
        self._create(Person, [d for d, _ in duplicates])
        self._create(Alias, aliases)
        self._create(Affiliation, affiliations)
        self._create(Relationship, relationships)
        self._create(Event, events)
        self._create(Proceeding, proceedings)
        self._create(ProceedingCharge, charges)
        self._create(Detention, detentions)
        self._create(Source, sources)
        facts = [("event", e) for e in events] + [("proceeding", p) for p in proceedings] \
            + [("detention", d) for d in detentions] \
            + [("affiliation", a) for a in affiliations] \
            + [("relationship", r) for r in relationships]
        citations = self._citations(facts, sources, lambda fact: fact.person)
        self._create(Citation, citations)

    def chunks(self) -> Iterator[int]:
        done = 0
        while done < self.people:
            size = min(CHUNK, self.people - done)
            yield size
            done += size

    def run(self, *, dry_run: bool = False) -> Stats:
        """Write the data set in one transaction (rolled back with ``dry_run``)."""
        prefix = f"{EXTERNAL_ID_PREFIX}-{self.seed}-"
        with given_timestamps(Person, Event, Proceeding, Detention, Affiliation,
                              Relationship, Source), transaction.atomic():
            if Person.objects.filter(external_id__startswith=prefix).exists():
                raise FileExistsError(
                    f"This database already holds synthetic people of seed {self.seed} "
                    f"(external IDs {prefix}…): use another --seed or an empty database."
                )
            self.reference_data()
            done = 0
            for size in self.chunks():
                self._write_chunk(size)
                done += size
                self.progress(f"{done:,} / {self.people:,} people")
            self.log_changes(prefix)
            if dry_run:
                transaction.set_rollback(True)
            else:
                self.analyze()
        return self.stats

    def log_changes(self, prefix):
        """``bulk_create`` passes by ``save()``: the public change log learns of the data
        set here, as it would have of each record published."""
        from casetracker.changes import log

        people = list(Person.objects.filter(external_id__startswith=prefix)
                      .values_list("pk", flat=True))
        for start in range(0, len(people), 5000):
            log.log_records(log.PERSON, people[start:start + 5000])
            self.progress(f"change log: {min(start + 5000, len(people)):,} / {len(people):,}")
        log.log_records(log.SOURCE, Source.objects.values_list("pk", flat=True))

    @staticmethod
    def analyze():
        """Give PostgreSQL's planner statistics for the tables just filled.

        Autovacuum would get there within minutes; until it does, a freshly bulk-loaded
        table looks empty to the planner (a few rows instead of 100,000), which picks
        nested loops that take seconds. Production databases always have statistics.
        """
        if connection.vendor != "postgresql":
            return
        with connection.cursor() as cursor:
            for model in (Organisation, Charge, Person, Alias, Affiliation, Relationship, Event,
                          Proceeding, ProceedingCharge, Detention, Source, Citation):
                for table in (model, model.history.model):  # the history tables too
                    cursor.execute(f"ANALYZE {connection.ops.quote_name(table._meta.db_table)}")
