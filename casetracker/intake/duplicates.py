"""The duplicate queue: pairs of people who are probably one person recorded twice.

A pair of people of the same country is listed when they share a transliteration key
(their names, or a name and an alias, are the same name in another spelling), or when
their names are merely similar but they have overlapping facts (the same year of birth,
an event of the same kind on the same date, a verdict on the same date, or a source citing
both).
"""

from collections import defaultdict
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from itertools import combinations

from casetracker.cases import policy
from casetracker.cases.models import Alias, Citation, Event, Person, Proceeding
from casetracker.intake.models import NotDuplicate

SIMILAR = 0.8


@dataclass
class DuplicatePair:
    first: Person
    second: Person
    reasons: list = field(default_factory=list)


def _facts(people, user) -> dict:
    """person ID -> set of comparable facts (those ``user`` may see)."""
    facts = defaultdict(set)
    for person, kind, date in policy.visible(Event.objects.filter(person__in=people), user) \
            .exclude(date=None).values_list("person", "kind", "date"):
        facts[person].add(f"{Event.Kind(kind).label.lower()} on {date}")
    for person, date in policy.visible(Proceeding.objects.filter(person__in=people), user) \
            .exclude(verdict_date=None).values_list("person", "verdict_date"):
        facts[person].add(f"a verdict on {date}")
    cited = policy.visible(Citation.objects.all(), user).values_list(
        "source__title", "event__person", "proceeding__person", "detention__person")
    for title, *owners in cited:
        for owner in filter(None, owners):
            facts[owner].add(f"cited by “{title}”")
    return facts


def likely_duplicates(*, user, limit: int = 200) -> list[DuplicatePair]:
    """The likely pairs among the people ``user`` may see, compared on what they may see."""
    people = {person.pk: person for person in policy.visible(
        Person.objects.filter(merged_into__isnull=True), user)}
    keys = defaultdict(set)
    for person in people.values():
        keys[person.pk].add(person.name_key)
    for person_id, key in policy.visible(Alias.objects.filter(person__in=people), user) \
            .values_list("person", "name_key"):
        keys[person_id].add(key)
    dismissed = set(NotDuplicate.objects.values_list("first", "second"))
    pairs: dict = {}

    def pair(a, b, reason):
        first, second = sorted((a, b))
        if first == second or (first, second) in dismissed:
            return
        found = pairs.setdefault((first, second), DuplicatePair(people[first], people[second]))
        if reason not in found.reasons:
            found.reasons.append(reason)

    by_key = defaultdict(set)
    for person_id, person_keys in keys.items():
        for key in person_keys:
            if key:
                by_key[(people[person_id].country.code, key)].add(person_id)
    for (_country, key), members in by_key.items():
        for a, b in combinations(sorted(members), 2):
            pair(a, b, f"the same name in another spelling (“{key}”)")

    # Similar names: compared only within blocks of one country and one initial, so the
    # work stays proportional to the size of the blocks, not to the square of the record.
    blocks = defaultdict(set)
    for person in people.values():
        for word in person.name_key.split():
            blocks[(person.country.code, word[:1])].add(person.pk)
    facts = _facts(list(people), user)
    for members in blocks.values():
        for a, b in combinations(sorted(members), 2):
            if (a, b) in pairs:
                continue
            ratio = SequenceMatcher(None, people[a].name_key, people[b].name_key).ratio()
            if ratio < SIMILAR:
                continue
            shared = sorted(facts[a] & facts[b])
            if people[a].birth_year and people[a].birth_year == people[b].birth_year:
                shared.insert(0, f"born in {people[a].birth_year}")
            if shared:
                pair(a, b, f"similar names ({ratio:.0%}), the same country and "
                           f"{'; '.join(shared[:3])}")
    return sorted(pairs.values(), key=lambda p: (p.first.name, p.second.name))[:limit]
