"""The seed articles, split out of the seed document, and the facts the fixtures say each
one supports: the yardstick for article intake."""

from dataclasses import dataclass
from pathlib import Path

import yaml
from django.conf import settings

from casetracker.cases.dates import PartialDate
from casetracker.cases.models import Citation
from casetracker.names.keys import fold

SEED_DOCUMENT = Path(settings.BASE_DIR).parent / "shared" / "seeds" / "000_7880e1605c20be38.txt"
SEEDS_DIR = Path(settings.BASE_DIR) / "seeds"
# The one article the document gives no title line for starts after the sign-off of the
# article before it (the seed's metadata, seeds/newsweek-…yaml, explains the attribution).
UNTITLED_STARTS_AFTER = "Iran News"


@dataclass
class SeedArticle:
    key: str
    title: str
    published: PartialDate | None
    text: str


def seed_document_path() -> Path:
    for candidate in (SEED_DOCUMENT, Path("/work/shared/seeds/000_7880e1605c20be38.txt")):
        if candidate.exists():
            return candidate
    return SEED_DOCUMENT


def seed_articles() -> list[SeedArticle]:
    """Each seed article's text, cut from the seed document at its title line."""
    lines = seed_document_path().read_text(encoding="utf-8").splitlines()
    metas = [yaml.safe_load(path.read_text(encoding="utf-8"))
             for path in sorted(SEEDS_DIR.glob("*.yaml"))]
    starts = {}
    for meta in metas:
        title = fold(meta["title"])
        for number, line in enumerate(lines):
            if title and title in fold(line) and len(line) < len(meta["title"]) + 40:
                starts[meta["key"]] = number
                break
        else:
            after = lines.index(UNTITLED_STARTS_AFTER)
            starts[meta["key"]] = after + 1
    order = sorted(starts.items(), key=lambda item: item[1])
    articles = []
    for position, (key, start) in enumerate(order):
        end = order[position + 1][1] if position + 1 < len(order) else len(lines)
        meta = next(meta for meta in metas if meta["key"] == key)
        published = PartialDate.parse(str(meta["published"])) if meta["published"] else None
        articles.append(SeedArticle(key=key, title=meta["title"], published=published,
                                    text="\n".join(lines[start:end])))
    return articles


@dataclass
class Gold:
    people: set  # person IDs
    sentences: set  # (person ID, months or "life")
    dates: set  # (person ID, ISO date)
    charges: set  # (person ID, charge name)


def gold_facts(source_slug: str) -> Gold:
    """What the fixtures cite this article for."""
    gold = Gold(set(), set(), set(), set())
    citations = Citation.objects.filter(source__slug=source_slug).select_related(
        "event", "proceeding", "detention", "affiliation", "relationship")
    for citation in citations:
        fact = citation.fact
        people = [fact.person_id]
        if citation.relationship_id:
            people.append(fact.relative_id)
        gold.people.update(people)
        date = getattr(fact, "date", None) or getattr(fact, "verdict_date", None) or (
            fact.start if citation.detention_id else None)
        if date and not citation.affiliation_id:
            gold.dates.add((fact.person_id, date.isoformat()))
        if citation.proceeding_id:
            if fact.life or fact.term_months:
                gold.sentences.add((fact.person_id, "life" if fact.life else fact.term_months))
            for charge in fact.charges.all():
                gold.charges.add((fact.person_id, charge.name))
    return gold


def _same_date(proposed: PartialDate, gold_iso: str) -> bool:
    """The proposal gives the gold date, or the same date less precisely ("2016-06" for
    "2016-06-02": the article itself may say only "last June")."""
    return gold_iso.startswith(proposed.isoformat())


def score(findings, gold: Gold) -> dict:
    """Recall (gold facts proposed) and precision (proposals that are right), by kind."""
    result, details = {}, []

    def pid(finding):
        return finding.person.pk if finding.person is not None else None

    people = [f for f in findings if f.kind == "person"]
    people_right = [f for f in people if pid(f) in gold.people]
    result["people_gold"] = len(gold.people)
    result["people_found"] = len(gold.people & {pid(f) for f in people})
    result["people_proposed"] = len(people)
    result["people_correct"] = len(people_right)
    details += [f"person ✗ {f.name} → {pid(f)}" for f in people if f not in people_right]
    details += [f"person missed {p}" for p in gold.people - {pid(f) for f in people}]

    terms = [f for f in findings if f.kind == "sentence"]

    def term_fits(finding, item):
        value = "life" if finding.life else finding.term_months
        return item[1] == value and pid(finding) in (None, item[0])

    result["sentences_gold"] = len(gold.sentences)
    result["sentences_found"] = sum(any(term_fits(f, g) for f in terms) for g in gold.sentences)
    result["sentences_proposed"] = len(terms)
    right = [f for f in terms if any(term_fits(f, g) for g in gold.sentences)]
    result["sentences_correct"] = len(right)
    details += [f"sentence ✗ {f.name} {f.term_months} {f.life}" for f in terms if f not in right]
    details += [f"sentence missed {g}" for g in gold.sentences
                if not any(term_fits(f, g) for f in terms)]

    dated = [f for f in findings if f.kind in ("event", "sentence") and f.date is not None]

    def date_fits(finding, item):
        return pid(finding) in (None, item[0]) and _same_date(finding.date, item[1])

    result["dates_gold"] = len(gold.dates)
    result["dates_found"] = sum(any(date_fits(f, g) for f in dated) for g in gold.dates)
    result["dates_proposed"] = len(dated)
    right = [f for f in dated if any(date_fits(f, g) for g in gold.dates)]
    result["dates_correct"] = len(right)
    details += [f"date ✗ {f.name} {f.event_kind} {f.date} «{f.date_text}»"
                for f in dated if f not in right]
    details += [f"date missed {g}" for g in gold.dates
                if not any(date_fits(f, g) for f in dated)]
    result["details"] = details
    return result
