"""A public case record arranged for reading: timeline, family, numbered source notes.

:class:`CaseRecord` works only on what ``Person.objects.published().with_record()`` has
prefetched, so building it runs no query of its own.
"""

from dataclasses import dataclass, field
from functools import cached_property

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext, pgettext_lazy

from casetracker.cases.models import KIND_TERMS, Person, Proceeding

# What the other person is to the one whose page it is, in the reader's language. The keys
# are the English words of Relationship.seen_from(); the context carries the relative's sex
# because Russian distinguishes what English does not ("cousin": двоюродный брат / сестра).
TERM_CONTEXTS = {Person.Sex.MALE: "male relative", Person.Sex.FEMALE: "female relative"}
RELATIVE_TERMS = (
    pgettext_lazy("male relative", "father"), pgettext_lazy("female relative", "mother"),
    pgettext_lazy("relative", "parent"),
    pgettext_lazy("male relative", "son"), pgettext_lazy("female relative", "daughter"),
    pgettext_lazy("relative", "child"),
    pgettext_lazy("male relative", "brother"), pgettext_lazy("female relative", "sister"),
    pgettext_lazy("relative", "sibling"),
    pgettext_lazy("male relative", "husband"), pgettext_lazy("female relative", "wife"),
    pgettext_lazy("relative", "spouse"),
    pgettext_lazy("male relative", "uncle"), pgettext_lazy("female relative", "aunt"),
    pgettext_lazy("relative", "uncle or aunt"),
    pgettext_lazy("male relative", "nephew"), pgettext_lazy("female relative", "niece"),
    pgettext_lazy("relative", "nephew or niece"),
    pgettext_lazy("male relative", "cousin"), pgettext_lazy("female relative", "cousin"),
    pgettext_lazy("relative", "cousin"),
    pgettext_lazy("male relative", "relative"), pgettext_lazy("female relative", "relative"),
    pgettext_lazy("relative", "relative"),
    pgettext_lazy("male relative", "lawyer"), pgettext_lazy("female relative", "lawyer"),
    pgettext_lazy("relative", "lawyer"),
    pgettext_lazy("male relative", "client"), pgettext_lazy("female relative", "client"),
    pgettext_lazy("relative", "client"),
    pgettext_lazy("male relative", "colleague"), pgettext_lazy("female relative", "colleague"),
    pgettext_lazy("relative", "colleague"),
)


def relative_term(term: str, sex: str) -> str:
    """``term`` from :meth:`Relationship.seen_from` in the active language."""
    return pgettext(TERM_CONTEXTS.get(sex, "relative"), term)


# Relatives are listed generation by generation so that a family reads as a family tree:
# parents first, then the person's own generation, then children; lawyers and colleagues apart.
KIND_OF_TERM = {term: kind for kind, terms in KIND_TERMS.items() for term in terms}
GENERATION = {
    "parent": 0, "uncle_aunt": 1, "spouse": 2, "sibling": 3, "cousin": 4, "child": 5,
    "nephew_niece": 6, "relative": 7, "lawyer": 8, "client": 8, "colleague": 9,
}
CIRCLES = {
    "lawyer": _("Lawyers and clients"),
    "client": _("Lawyers and clients"),
    "colleague": _("Colleagues"),
}
FAMILY = _("Family")


@dataclass
class Footnote:
    """A source cited on the page, numbered by its first appearance."""

    number: int
    source: object
    # {quoted passage: [(anchor of a fact it supports, short label of that fact)]}; a passage
    # supporting several facts is quoted once.
    passages: dict[str, list[tuple[str, str]]] = field(default_factory=dict)

    @property
    def anchor(self) -> str:
        return f"source-{self.number}"


@dataclass
class Fact:
    """A fact on the page (timeline entry, affiliation, relationship) and its source notes."""

    kind: str
    obj: object
    anchor: str
    label: str
    date: object = None
    refs: list[int] = field(default_factory=list)

    @property
    def caption(self) -> str:
        """The label with its date, to tell two arrests apart: "Arrest, September 2015"."""
        return f"{self.label}, {self.date.display()}" if self.date else self.label

    @property
    def sort_key(self):
        return (self.date is None, self.date.isoformat() if self.date else "")


@dataclass
class Relative:
    fact: Fact
    kind: str
    term: str
    person: Person

    @property
    def circle(self) -> str:
        return str(CIRCLES.get(self.kind, FAMILY))


class CaseRecord:
    """Everything a case page shows about ``person``, in reading order."""

    def __init__(self, person: Person):
        self.person = person
        self.footnotes: list[Footnote] = []
        self._numbers: dict[int, Footnote] = {}
        # Numbered in the order a reader meets them: affiliations, the timeline, relatives.
        for fact in [*self.affiliations, *self.timeline, *self.relative_facts]:
            self._cite(fact)

    def _cite(self, fact: Fact):
        for citation in fact.obj.citations.all():
            note = self._numbers.get(citation.source_id)
            if note is None:
                note = Footnote(number=len(self.footnotes) + 1, source=citation.source)
                self._numbers[citation.source_id] = note
                self.footnotes.append(note)
            note.passages.setdefault(citation.passage, []).append((fact.anchor, fact.caption))
            if note.number not in fact.refs:
                fact.refs.append(note.number)
        fact.refs.sort()

    @cached_property
    def aliases(self):
        return list(self.person.aliases.all())

    @cached_property
    def affiliations(self) -> list[Fact]:
        return [
            Fact("affiliation", affiliation, f"affiliation-{affiliation.pk}",
                 str(affiliation.organisation), affiliation.start)
            for affiliation in self.person.affiliations.all()
        ]

    @cached_property
    def timeline(self) -> list[Fact]:
        """Every event, proceeding and detention in date order; undated ones last."""
        person = self.person
        facts = [
            *(Fact("event", event, f"event-{event.pk}", event.get_kind_display(), event.date)
              for event in person.events.all()),
            *(Fact("proceeding", proceeding, f"proceeding-{proceeding.pk}",
                   proceeding_label(proceeding), proceeding.verdict_date)
              for proceeding in person.proceedings.all()),
            *(Fact("detention", detention, f"detention-{detention.pk}",
                   str(_("Detention")), detention.start)
              for detention in person.detentions.all()),
        ]
        # sorted() is stable: same-day facts keep events before proceedings before detentions.
        return sorted(facts, key=lambda fact: fact.sort_key)

    @cached_property
    def sentences(self) -> list[Proceeding]:
        return [
            proceeding for proceeding in self.person.proceedings.all()
            if proceeding.outcome == Proceeding.Outcome.CONVICTED
        ]

    @cached_property
    def open_detention(self):
        return next((d for d in self.person.detentions.all() if d.is_open), None)

    @cached_property
    def relatives(self) -> list[Relative]:
        person = self.person
        relatives = []
        for relationship in [*person.relationships.all(), *person.reverse_relationships.all()]:
            english, other = relationship.seen_from(person)
            term = relative_term(english, other.sex)
            fact = Fact("relationship", relationship, f"relationship-{relationship.pk}",
                        f"{term}: {other.name}")
            relatives.append(Relative(fact, KIND_OF_TERM[english], term, other))
        return sorted(relatives, key=lambda r: (GENERATION[r.kind], r.person.name))

    @property
    def relative_facts(self) -> list[Fact]:
        return [relative.fact for relative in self.relatives]

    @cached_property
    def circles(self) -> list[tuple[str, list[Relative]]]:
        """Relatives grouped: the family first, then lawyers and clients, then colleagues."""
        groups: dict[str, list[Relative]] = {}
        for relative in self.relatives:
            groups.setdefault(relative.circle, []).append(relative)
        return list(groups.items())

    @property
    def last_updated(self):
        """When what the public sees of the case last changed (the public change log)."""
        return self.person.public_changed_at


def sentence_term(proceeding: Proceeding) -> str:
    """"23 years", "1 year 6 months", "life imprisonment", with Russian plural forms.

    Like ``Proceeding.term_display``, but counted with ``ngettext`` so that Russian reads
    "23 года", "25 лет".
    """
    if proceeding.life:
        return str(_("life imprisonment"))
    if proceeding.term_months is None:
        return str(_("term not known"))
    years, months = divmod(proceeding.term_months, 12)
    parts = []
    if years:
        parts.append(ngettext("%(count)d year", "%(count)d years", years) % {"count": years})
    if months:
        parts.append(ngettext("%(count)d month", "%(count)d months", months) % {"count": months})
    return " ".join(parts)


def proceeding_label(proceeding: Proceeding) -> str:
    """A heading for a proceeding in the timeline: "Sentenced to 23 years", "Acquitted"."""
    if proceeding.outcome == Proceeding.Outcome.CONVICTED:
        if proceeding.life:
            return str(_("Sentenced to life imprisonment"))
        if proceeding.term_months:
            return str(_("Sentenced to %(term)s") % {"term": sentence_term(proceeding)})
        return str(_("Convicted"))
    return str(proceeding.get_outcome_display())
