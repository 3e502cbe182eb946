"""Reading an article for the facts it reports: rule-based, English, offline.

:func:`extract` splits an article into sentences and proposes, each with the words that
gave it away:

- the **people** it names (runs of capitalised words, minus places, bodies and titles),
  matched against the records by the name search;
- **dated events** (a verb such as "arrested", "detained", "pardoned" in a sentence with a
  date), the date resolved against the article's own date: "on 6 September" is the last
  6 September before it, "last June" the June of the year before, "four months later"
  four months after the previous date the article gave, "two years ago" counts back;
- **prison sentences** ("sentenced to 23 years", "life imprisonment", "condemned for 21
  years", "23 and 21 years … respectively");
- **charges** ("fraud", "extremism", "overthrow of the constitutional order", …) in a
  sentence that convicts or accuses, attached to the sentence they belong to.

Nothing here writes: the proposals are stored and reviewed by ``services``.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field

from casetracker.cases.dates import PartialDate
from casetracker.names.keys import name_key

MONTH_NAMES = {name.lower(): number for number in range(1, 13)
               for name in (calendar.month_name[number], calendar.month_abbr[number])}
MONTH_NAMES["sept"] = 9
MONTH = r"(?P<month>January|February|March|April|May|June|July|August|September|October|" \
        r"November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?"
DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
YEAR = r"(?P<year>(?:19|20)\d\d)"
NUMBER_WORDS = {word: number for number, word in enumerate(re.findall(r"\w+", """
    zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen
    fifteen sixteen seventeen eighteen nineteen twenty"""))}
NUMBER_WORDS |= {"twenty-one": 21, "twenty-two": 22, "twenty-three": 23, "twenty-four": 24,
                 "twenty-five": 25, "thirty": 30, "a": 1, "an": 1}
COUNT = r"(?P<count>\d{1,2}|" + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True)) + r")"

# Date patterns, most precise first; a later pattern never overrides an earlier match.
DATE_PATTERNS = [
    ("dmy", re.compile(rf"\b{DAY}\s+{MONTH},?\s+{YEAR}\b")),
    ("mdy", re.compile(rf"\b{MONTH}\s+{DAY},?\s+{YEAR}\b")),
    ("my", re.compile(rf"\b{MONTH},?\s+(?:of\s+)?{YEAR}\b")),
    ("last_month_name", re.compile(rf"\b[Ll]ast\s+{MONTH}\b")),
    ("month_last_year", re.compile(rf"\b{MONTH}\s+last\s+year\b")),
    ("dm", re.compile(rf"\b[Oo]n\s+{DAY}\s+{MONTH}\b")),
    ("md", re.compile(rf"\b[Oo]n\s+{MONTH}\s+{DAY}\b(?!,?\s+\d)")),
    ("m", re.compile(rf"\b(?:[Ii]n|[Ss]ince|[Bb]y)\s+(?:(?:early|late|mid)-?\s*)?{MONTH}\b"
                     rf"(?!\s*,?\s*\d)")),
    ("ago", re.compile(rf"\b{COUNT}\s+(?P<unit>years?|months?)\s+ago\b", re.IGNORECASE)),
    ("later", re.compile(rf"\b{COUNT}\s+(?P<unit>years?|months?)\s+later\b", re.IGNORECASE)),
    ("last_year", re.compile(r"\blast\s+year\b", re.IGNORECASE)),
    ("y", re.compile(rf"\b(?:[Ii]n|[Ss]ince|[Ii]n\s+(?:early|late|mid)-?)\s+{YEAR}\b(?!s)")),
]

EVENT_VERBS = [
    ("arrest", r"arrest(?:ed|s)?|(?:taken|put) into custody"),
    ("detention", r"detain(?:ed|s)?|imprisoned|jailed"),
    ("torture", r"tortur(?:ed|e|ing)"),
    ("ill_treatment", r"beaten|beat\b|ill-treat(?:ed|ment)"),
    ("killing", r"killed|murdered|shot dead|assassinated|liquidated"),
    ("death", r"died|death of"),
    ("disappearance", r"disappeared|went missing"),
    ("abduction", r"abducted|kidnapped|spirited back|forcibly returned"),
    ("extradition", r"extradit(?:ed|e)"),
    ("deportation", r"deported"),
    ("exile", r"fled|escaped (?:from )?(?!arrest)|left for|went into exile|in exile"),
    ("asylum", r"(?:received|granted|given) (?:political )?asylum"),
    ("release", r"released|freed"),
    ("pardon", r"pardon(?:ed)?"),
    ("protest", r"protested"),
    ("threat", r"threatened|death threats"),
    ("harassment", r"harass(?:ed|ment)|intimidat(?:ed|ion)"),
    ("confiscation", r"confiscated"),
    ("ban", r"banned|declared .{0,40}(?:terrorist|extremist) organi[sz]ation"),
    ("wanted", r"wanted list"),
]
EVENT_PATTERN = re.compile("|".join(f"(?P<{kind}>\\b(?:{words}))" for kind, words in EVENT_VERBS),
                           re.IGNORECASE)
SENTENCING = re.compile(r"\b(?:sentenc\w*|condemn\w*|imprison\w*|jailed|prison term)",
                        re.IGNORECASE)
TERMS = re.compile(
    rf"\b(?:to|for|of|received|got|with)\s+(?:(?:a|an)\s+)?{COUNT}"
    rf"(?:\s*(?:and|,)\s*(?P<more>\d{{1,2}}|\w+))?(?:\s|-)(?P<unit>years?|months?)"
    rf"(?:[’']?\s+(?:in\s+(?:a\s+)?(?:prison|jail|penal colony)|of\s+imprisonment|"
    rf"imprisonment|prison|behind bars)\b"
    rf"|(?=[’']?\s*(?:respectively|[,.;]|(?:with|for|on|in|the)\b)))",
    re.IGNORECASE)
LIFE = re.compile(r"\blife (?:imprisonment|sentences?|in prison)\b|\bto life\b", re.IGNORECASE)
RANGE = re.compile(r"\b(?:up to|ranging from|from \w+ to|between)\b", re.IGNORECASE)
CHARGE_CUES = re.compile(r"guilty|charg\w+|accus\w+|convict\w+|sentenc\w+|condemn\w+|"
                         r"indict\w+|prosecut\w+", re.IGNORECASE)
# (normalised charge, pattern); the names are those the seed records use.
CHARGES = [
    ("fraud", r"fraud"),
    ("supporting extremist activity", r"support(?:ing)? extremist activity"),
    ("extremism", r"(?:religious )?extremism|extremist (?:activity|activities|organi[sz]ation)"),
    ("financing of terrorism", r"financ\w+ (?:of )?(?:the )?(?:local cell of the )?"
                               r"(?:international )?terroris\w+"),
    ("terrorism", r"terrorism|terrorist acts?"),
    ("attempted coup", r"coup d[’']?\s?état attempt|attempted coup|coup attempt|"
                       r"attempt(?:ed)? (?:a )?coup"),
    ("overthrow of the constitutional order",
     r"overthrow\w* (?:of )?the constitutional (?:order|form of (?:the )?government)"),
    ("seizure of power", r"seiz\w+ (?:of )?power"),
    ("murder", r"murder"),
    ("incitement of national or religious hatred",
     r"incit\w+ (?:of )?(?:national|religious|ethnic)(?: or religious)? hatred"),
    ("treason", r"treason"),
    ("hooliganism", r"hooliganism"),
    ("mercenary activity", r"mercenar\w+"),
    ("recruitment for terrorism", r"recruit\w+ .{0,40}for jihad"),
    ("spreading religious propaganda", r"spreading religious propaganda"),
    ("illegal border crossing", r"illegal(?:ly)? cross\w+ (?:of )?the border"),
]
CHARGE_PATTERN = re.compile("|".join(f"(?P<c{index}>\\b(?:{pattern}))"
                                     for index, (_name, pattern) in enumerate(CHARGES)),
                            re.IGNORECASE)

NAME_TOKEN = r"(?:[A-Z]\.|[A-ZÀ-ÖØ-ÞĀ-Ž][a-zà-öø-ÿā-ž]+(?:[’'-][A-Za-zà-ÿ]+)?)"
NAME_RUN = re.compile(rf"{NAME_TOKEN}(?:\s+{NAME_TOKEN})+")
# Capitalised words that are not (parts of) people's names: places, bodies, titles, months.
NOT_NAMES = set(re.findall(r"[\w-]+", """
the a an in on at of for and but or as by from to with after before during since when while
this that these those his her their its our my your he she they we it there here then so
according although though however also even only once four three two five six ten last next
president presidential colonel general deputy minister ministry foreign ambassador party
leader leaders chairman spokesman lawyer lawyers judge prosecutor prosecutors mr mrs ms dr
prime sir saint st head chief mufti speaker commander former senior
tajikistan tajik tajiks islamic islam islamist muslim muslims party renaissance revival
revolutionary court supreme state states ministry interior internal affairs united nations
human rights watch central asia asian asians russia russian russians soviet union european
europe afghan afghanistan kyrgyz kyrgyzstan uzbek uzbekistan kazakh kazakhstan turkmen
turkmenistan turkey turkish istanbul ankara dushanbe moscow international center centre
commission council movement front democratic democracy social opposition organisation
organization radio free liberty news times al jazeera aljazeera osce un irpt isis isil is
daesh syria syrian iraq mosul kabul warsaw germany poland ukraine belarus kyiv khujand sughd
bishkek pervomaisky district city special police force forces security service services
federal fsb facebook youtube photo image global magnitsky list interpol prophet caliphate
allah god west western east eastern north south northern southern america american usa us
uk britain british sweden swedish stockholm brussels iran iranian china chinese xinjiang
beijing urumqi tehran petersburg metro hague reuters amnesty monday tuesday wednesday
thursday friday saturday sunday january february march april may june july august september
october november december group army republic republics national popular people peoples
alliance reformist forces constitution constitutional parliament parliamentary assembly
embassy ministry department agency agencies office committee bureau institute university
college school hospital village region province mosque janoza shakhid shahid media
newspaper magazine channel television tv programme program report reports statement
recently today yesterday unfortunately thus so indeed meanwhile moreover furthermore
instead many most some several other others another all both each every no none one
emomali rahmon rakhmon
sea river gorge lake valley mountains law electoral freedom religious reporters borders mission
assistance science political statistical analysis industry martyrdom analyst researcher
conflict resolution directorate main ustod secretary-general iraqi shia darai pyanj kamarob
ata meken jaishul
"""))
# "Emomali Rahmon" (the head of state) is named in nearly every article and is never the
# victim of a case: leaving him out saves reviewers a rejection per article.
TITLES_BEFORE = re.compile(
    r"(?:\b(?:of|’s|'s)\s+(?:the\s+)?(?:[A-Z][a-z]+,?\s+){0,2}|"
    r"\b(?:father|mother|son|daughter|brothers?|sisters?|wife|husband|relatives?|cousin|"
    r"nephew|niece|uncle|aunt|family|home|house)\s+of\b[^,;]*)$")
# A sentence that demands or asks for a sentence does not report one.
NOT_A_VERDICT = re.compile(r"\b(?:demand\w*|request\w*|seek\w*|sought|asked for)\b",
                           re.IGNORECASE)
PRONOUN_SUBJECT = re.compile(r"(?:^|[,;]\s*)(?:[Hh]e|[Ss]he|[Tt]hey)\b")

ABBREVIATIONS = re.compile(r"\b(?:St|Mr|Mrs|Ms|Dr|Gen|Col|Lt|U\.S|U\.N|No|vs|e\.g|i\.e)\.$")


@dataclass
class Finding:
    kind: str
    sentence: str
    start: int
    end: int
    position: int
    name: str = ""
    person: object = None
    date: PartialDate | None = None
    date_text: str = ""
    event_kind: str = ""
    term_months: int | None = None
    life: bool = False
    charge_name: str = ""
    wording: str = ""
    belongs_to: Finding | None = field(default=None, repr=False)

    def proposal_fields(self) -> dict:
        return {name: getattr(self, name) for name in (
            "kind", "sentence", "start", "end", "position", "name", "person", "date",
            "date_text", "event_kind", "term_months", "life", "charge_name", "wording")}


# ---------------------------------------------------------------------------------------
# Sentences
# ---------------------------------------------------------------------------------------


def split_sentences(text: str) -> list[tuple[int, str]]:
    """(offset, sentence) for each sentence; lines are never joined across."""
    sentences = []
    for line in re.finditer(r"[^\n]+", text):
        chunk, base = line.group(), line.start()
        start = 0
        for match in re.finditer(r"[.!?][”\"’)]?(?=\s+[“\"‘(]?[A-Z0-9])", chunk):
            if ABBREVIATIONS.search(chunk[start:match.end()]) or \
                    re.search(r"\b[A-Z]\.$", chunk[start:match.end()]):
                continue
            piece = chunk[start:match.end()]
            if piece.strip():
                sentences.append((base + start + len(piece) - len(piece.lstrip()),
                                  piece.strip()))
            start = match.end()
        piece = chunk[start:]
        if piece.strip():
            sentences.append((base + start + len(piece) - len(piece.lstrip()), piece.strip()))
    return sentences


def is_heading(sentence: str) -> bool:
    """Headings and captions without a verb: short and not ending like a sentence."""
    return not re.search(r"[.!?”\"’)]$", sentence) and len(sentence.split()) < 14


# ---------------------------------------------------------------------------------------
# Dates
# ---------------------------------------------------------------------------------------


def _count(text: str) -> int:
    text = text.lower()
    return int(text) if text.isdigit() else NUMBER_WORDS.get(text, 0)


def _shift(date: PartialDate, months: int) -> PartialDate:
    if date.month is None:
        return PartialDate(date.year + months // 12)
    index = date.year * 12 + date.month - 1 + months
    return PartialDate(index // 12, index % 12 + 1)


def _last(published: PartialDate, month: int, day: int | None = None) -> PartialDate | None:
    """The most recent (day and) month not after the publication date."""
    if published is None or published.month is None:
        return None
    year = published.year
    if (month, day or 1) > (published.month, published.day or 31):
        year -= 1
    try:
        return PartialDate(year, month, day)
    except ValueError:
        return None


def find_dates(sentence: str, published: PartialDate | None,
               previous: PartialDate | None) -> list[tuple[int, int, str, PartialDate]]:
    """(start, end, text, date) for each date in the sentence, relative ones resolved."""
    found = []
    taken = []
    for kind, pattern in DATE_PATTERNS:
        for match in pattern.finditer(sentence):
            if any(match.start() < end and start < match.end() for start, end in taken):
                continue
            groups = match.groupdict()
            month = MONTH_NAMES.get((groups.get("month") or "").lower().rstrip("."))
            try:
                date = _resolve(kind, groups, month, published, previous)
            except ValueError:
                date = None
            taken.append((match.start(), match.end()))
            if date is None or (published and date.first_day() > published.last_day()):
                continue
            found.append((match.start(), match.end(), match.group(), date))
    return sorted(found)


def _resolve(kind, groups, month, published, previous):
    year = int(groups["year"]) if groups.get("year") else None
    day = int(groups["day"]) if groups.get("day") else None
    if kind in ("dmy", "mdy"):
        return PartialDate(year, month, day)
    if kind == "my":
        return PartialDate(year, month)
    if kind == "y":
        return PartialDate(year)
    if kind in ("last_month_name", "month_last_year"):
        return PartialDate(published.year - 1, month) if published else None
    if kind in ("dm", "md"):
        return _last(published, month, day)
    if kind == "m":
        return _last(published, month)
    if kind == "last_year":
        return PartialDate(published.year - 1) if published else None
    count = _count(groups["count"])
    months = count * 12 if groups["unit"].lower().startswith("year") else count
    if kind == "ago":
        if published is None:
            return None
        return PartialDate(published.year - count) if months % 12 == 0 \
            else _shift(published, -months)
    if kind == "later" and previous is not None:
        return _shift(previous, months)
    return None


# ---------------------------------------------------------------------------------------
# People
# ---------------------------------------------------------------------------------------


def find_names(sentence: str) -> list[tuple[int, int, str]]:
    """(start, end, name) for each run of two or more capitalised words that can be a name."""
    names = []
    for match in NAME_RUN.finditer(sentence):
        tokens = list(re.finditer(r"\S+", match.group()))
        segment = []
        for token in [*tokens, None]:
            word = token.group().lower().strip("’'") if token else ""
            if token is not None and word.rstrip(".") not in NOT_NAMES and \
                    not (word.endswith("’s") or word.endswith("'s")):
                segment.append(token)
                continue
            if token is not None and (word.endswith("’s") or word.endswith("'s")) and \
                    word[:-2] not in NOT_NAMES:
                segment.append(token)
            if len(segment) >= 2 and not segment[-1].group().endswith("."):
                start = match.start() + segment[0].start()
                end = match.start() + segment[-1].end()
                text = re.sub(r"[’']s$", "", sentence[start:end])
                end = start + len(text)
                names.append((start, end, text))
            segment = []
    return names


def _surname_mentions(sentence, known: dict) -> list[tuple[int, int, str]]:
    """Single words that are part of a full name the article gave earlier ("Kabiri")."""
    mentions = []
    for match in re.finditer(r"\b[A-Z][a-z]+\b", sentence):
        full = known.get(match.group().lower())
        if full:
            mentions.append((match.start(), match.end(), full))
    return mentions


# ---------------------------------------------------------------------------------------
# Sentences and charges
# ---------------------------------------------------------------------------------------


def find_terms(sentence: str) -> list[tuple[int, int, int | None, bool]]:
    """(start, end, months, life) for each prison term the sentence gives."""
    if not SENTENCING.search(sentence):
        return []
    terms = []
    for match in LIFE.finditer(sentence):
        terms.append((match.start(), match.end(), None, True))
    for match in TERMS.finditer(sentence):
        before = sentence[max(0, match.start() - 16):match.start() + 8]
        if RANGE.search(before):
            continue  # "up to 28 years" gives a ceiling, not anyone's term
        unit = 12 if match.group("unit").lower().startswith("year") else 1
        for count in filter(None, (match.group("count"), match.group("more"))):
            months = _count(count) * unit
            if months:
                terms.append((match.start(), match.end(), months, False))
    return sorted(terms, key=lambda term: term[0])


def find_charges(sentence: str) -> list[tuple[int, int, str]]:
    if not CHARGE_CUES.search(sentence):
        return []
    charges = []
    for match in CHARGE_PATTERN.finditer(sentence):
        index = int(next(name for name, value in match.groupdict().items() if value)[1:])
        if CHARGES[index][0] not in (charge for _s, _e, charge in charges):
            charges.append((match.start(), match.end(), CHARGES[index][0]))
    return charges


# ---------------------------------------------------------------------------------------
# The article
# ---------------------------------------------------------------------------------------


def match_person(name: str, *, user=None):
    """The recorded person a name most likely refers to (the name search's best), or None;
    with ``user``, only among the people they may see (an article's reader learns nothing
    of the others, not even that a proposal is missing)."""
    from casetracker.cases import policy
    from casetracker.cases.models import Person

    people = Person.objects.filter(merged_into__isnull=True)
    if user is not None:
        people = policy.visible(people, user)
    return people.search(name).first()


def extract(text: str, *, published: PartialDate | None = None, match=match_person):
    """Every proposal for the article ``text`` published on ``published``."""
    findings: list[Finding] = []
    people: dict[str, Finding] = {}  # person key -> the first person finding
    surnames: dict[str, str] = {}  # single word -> the full name it stands for
    matched: dict[str, object] = {}
    previous_date = published
    last_subject: list[str] = []
    recent_sentence: list[tuple[int, Finding]] = []  # (sentence index, sentence finding)

    def person_for(name):
        key = name_key(name)
        if key not in matched:
            matched[key] = match(name) if match else None
        return matched[key]

    for index, (offset, sentence) in enumerate(split_sentences(text)):
        if is_heading(sentence):
            continue

        def add(kind, start, end, sentence=sentence, offset=offset, **values):
            finding = Finding(kind=kind, sentence=sentence, start=start, end=end,
                              position=offset + start, **values)
            findings.append(finding)
            return finding

        names = find_names(sentence)
        for start, end, name in names:
            person = person_for(name)
            key = f"id:{person.pk}" if person is not None else name_key(name)
            for word in name.split():
                if len(word) > 3 and not word.endswith("."):
                    surnames.setdefault(word.lower(), name)
            if key not in people:
                people[key] = add("person", start, end, name=name, person=person)
        spans = [(start, end) for start, end, _name in names]
        mentions = names + [mention for mention in _surname_mentions(sentence, surnames)
                            if not any(s <= mention[0] < e for s, e in spans)]
        mentions.sort()
        # The people a sentence is about: not those named as someone's relative ("father
        # of X") or possession ("X's mother").
        subjects = [(start, end, name) for start, end, name in mentions
                    if not TITLES_BEFORE.search(sentence[:start])
                    and not re.match(r"\s*[’']s\b", sentence[end:end + 3])]
        if not subjects and PRONOUN_SUBJECT.search(sentence) and last_subject:
            subjects = [(0, 0, name) for name in last_subject]
        if subjects:
            last_subject = [name for _s, _e, name in subjects]

        dates = find_dates(sentence, published, previous_date)
        if dates:
            previous_date = dates[0][3]  # the sentence's own time comes first
        terms = [] if NOT_A_VERDICT.search(sentence) else find_terms(sentence)
        sentence_findings = []
        if terms:
            names_for_terms = [name for _s, _e, name in subjects]
            distinct = list(dict.fromkeys(names_for_terms))
            date = dates[0] if dates else None
            for position, (start, end, months, life) in enumerate(terms):
                if len(terms) > 1 and len(distinct) == len(terms):
                    targets = [distinct[position]]
                elif len(terms) == 1:
                    targets = distinct or [""]
                else:
                    targets = [""]
                for name in targets:
                    sentence_findings.append(add(
                        "sentence", start, end, name=name,
                        person=person_for(name) if name else None,
                        date=date[3] if date else None, date_text=date[2] if date else "",
                        term_months=months, life=life))
            if sentence_findings:
                recent_sentence.append((index, sentence_findings[0]))
        elif dates and subjects:
            for match_ in EVENT_PATTERN.finditer(sentence):
                kind = match_.lastgroup
                for _start, _end, name in subjects:
                    date = min(dates, key=lambda d: abs(d[0] - match_.start()))
                    add("event", match_.start(), match_.end(), name=name,
                        person=person_for(name), date=date[3], date_text=date[2],
                        event_kind=kind)
        charges = find_charges(sentence)
        if charges:
            owner = sentence_findings[0] if sentence_findings else next(
                (finding for number, finding in reversed(recent_sentence)
                 if index - number <= 2), None)
            for start, end, charge in charges:
                add("charge", start, end, charge_name=charge,
                    wording=sentence[start:end], belongs_to=owner,
                    name=owner.name if owner else "",
                    person=owner.person if owner else None)
    return _deduplicated(findings)


def _deduplicated(findings: list[Finding]) -> list[Finding]:
    """One event proposal per person, kind and date: articles repeat themselves."""
    seen = set()
    kept = []
    for finding in findings:
        if finding.kind == "event":
            who = finding.person.pk if finding.person is not None else name_key(finding.name)
            key = (who, finding.event_kind, finding.date)
            if key in seen:
                continue
            seen.add(key)
        kept.append(finding)
    return kept
