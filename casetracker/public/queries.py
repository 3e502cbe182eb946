"""Reads the public site makes, each in a fixed number of queries whatever the data size.

Everything starts from ``published()``: a restricted or unpublished person, fact or source
never reaches a page, a count or a chart. Statistics count *targets* of persecution only;
relatives named for context are not victims. Figures are computed by the database
(``GROUP BY``, ``SUM``, ``COUNT``), never by loading rows into Python, and the ones every
visit needs (the statistics, the home page's figures, the case list's filter choices) are
cached until a record changes (``casetracker.cases.versions``): over 100,000 cases they
take the database a second or more.
"""

from collections import defaultdict

from django.db.models import (
    CharField,
    Count,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    Sum,
)
from django.db.models.functions import Coalesce, Substr

from casetracker.cases import policy
from casetracker.cases.models import (
    Affiliation,
    Charge,
    Citation,
    Detention,
    Event,
    Organisation,
    Person,
    Proceeding,
    ProceedingCharge,
)
from casetracker.cases.versions import Version, cached, public_version


def public_targets():
    """Published targets of persecution: the people the case list and the statistics count."""
    return Person.objects.published().targets()


def case_list():
    """What the case list and its CSV show: published targets with their latest event.

    Ordered by name and id, so every order is total and a page can be read from either end.
    """
    return public_targets().with_latest_event().order_by("name", "pk")


def public_sentences():
    """Published convictions of published targets."""
    return Proceeding.objects.published().sentences().filter(person__in=public_targets())


def public_charges():
    """Charges brought in at least one published proceeding against a published target."""
    used = ProceedingCharge.objects.filter(
        charge=OuterRef("pk"),
        proceeding__in=Proceeding.objects.published().filter(person__in=public_targets()),
    )
    return Charge.objects.filter(Exists(used))


def public_organisations():
    """Organisations with at least one published member who is a published target."""
    members = Affiliation.objects.published().filter(
        organisation=OuterRef("pk"), person__in=public_targets()
    )
    return Organisation.objects.filter(Exists(members))


def case_filter_choices(version: Version) -> dict:
    """What the case list offers to filter by, cached until a record changes: the ids of
    ``public_charges()`` and ``public_organisations()``, the countries (codes) of published
    targets and ``documented_years()``."""
    def compute():
        return {
            "charges": list(public_charges().values_list("pk", flat=True)),
            "organisations": list(public_organisations().values_list("pk", flat=True)),
            "countries": list(public_targets().values_list("country", flat=True)
                              .distinct().order_by()),
            "years": documented_years(),
        }

    return cached("case-filter-choices", compute, version=version)


def year_of(field: str) -> Substr:
    """The year of a partial date column: its first four characters ("2016-10" → "2016")."""
    return Substr(field, 1, 4, output_field=CharField())


def documented_years() -> list[int]:
    """Years in which something published happened to a published target, newest first."""
    targets = public_targets()
    first, *others = [
        model.objects.published()
        .filter(person__in=targets, **{f"{field}__isnull": False})
        .annotate(year=year_of(field))
        .values_list("year", flat=True)
        .order_by()
        for model, field in [(Event, "date"), (Proceeding, "verdict_date"), (Detention, "start")]
    ]
    return sorted({int(year) for year in first.union(*others)}, reverse=True)


def latest_cases(limit: int = 6):
    """The published targets whose public record changed last, with their latest event."""
    return case_list().order_by(F("public_changed_at").desc(nulls_last=True), "pk")[:limit]


def organisation_members(organisation: Organisation):
    """Published targets with a published affiliation to ``organisation`` (two queries)."""
    affiliations = Affiliation.objects.published().filter(organisation=organisation)
    return (
        public_targets()
        .filter(Exists(affiliations.filter(person=OuterRef("pk"))))
        .with_latest_event()
        .prefetch_related(Prefetch("affiliations", queryset=affiliations,
                                   to_attr="memberships"))
    )


# ---------------------------------------------------------------------------------------
# Sources
# ---------------------------------------------------------------------------------------


def public_citations():
    """Citations of public facts in published sources: a relationship's only when both
    people are public (the access policy's public rule)."""
    return policy.public(Citation.objects.all())


def people_by_source(sources) -> dict[int, list[Person]]:
    """{source id: published people its citations document}, in two queries for any page."""
    pairs = set()
    rows = (
        public_citations()
        .filter(source__in=[source.pk for source in sources])
        .annotate(
            subject=Coalesce(
                "event__person", "proceeding__person", "detention__person",
                "affiliation__person", "relationship__person",
            )
        )
        .values_list("source_id", "subject", "relationship__relative")
        .order_by()
    )
    for source_id, subject, relative in rows:
        pairs.add((source_id, subject))
        if relative is not None:  # a relationship documents both people
            pairs.add((source_id, relative))
    people = Person.objects.published().in_bulk({person_id for _source, person_id in pairs})
    documented = defaultdict(list)
    for source_id, person_id in pairs:
        if person_id in people:
            documented[source_id].append(people[person_id])
    for source_people in documented.values():
        source_people.sort(key=lambda person: person.name)
    return documented


# ---------------------------------------------------------------------------------------
# Statistics
# ---------------------------------------------------------------------------------------


def headline_figures() -> dict:
    """The figures on the home page: one query, and two more after a change."""
    return cached("headline-figures", _headline_figures, version=public_version())


def _headline_figures() -> dict:
    killed = Event.objects.published().filter(person=OuterRef("pk"), kind=Event.Kind.KILLING)
    figures = public_targets().order_by().aggregate(
        documented=Count("pk"),
        imprisoned=Count("pk", filter=Q(status__in=[Person.Status.IMPRISONED,
                                                    Person.Status.DETAINED])),
        killed=Count("pk", filter=Q(Exists(killed))),
    )
    figures.update(sentence_totals())
    return figures


def statistics_figures(version: Version | None = None) -> dict:
    """Every figure of the statistics page, cached until a record changes (six queries)."""
    return cached("statistics", lambda: {
        "sentences": sentences_by_year_and_country(),
        "totals": sentence_totals(),
        "statuses": people_by_status(),
        "events": events_by_kind_and_year(),
        "organisations": prison_years_by_organisation(),
    }, version=version or public_version())


def sentence_totals() -> dict:
    """Total prison years handed down and, separately, the number of life sentences."""
    totals = public_sentences().order_by().aggregate(
        months=Coalesce(Sum("term_months"), 0),
        life=Count("pk", filter=Q(life=True)),
        sentences=Count("pk"),
    )
    totals["years"] = round(totals["months"] / 12)
    return totals


def sentences_by_year_and_country() -> list[dict]:
    """Rows ``{"year", "country", "sentences"}``; ``year`` is None for undated verdicts."""
    return list(
        public_sentences()
        .annotate(year=year_of("verdict_date"), country=F("person__country"))
        .values("year", "country")
        .annotate(sentences=Count("pk"))
        .order_by("year", "country")
    )


def people_by_status() -> list[dict]:
    """Rows ``{"status", "people"}`` for every status that has people."""
    return list(
        public_targets().values("status").annotate(people=Count("pk")).order_by("-people",
                                                                                "status")
    )


def events_by_kind_and_year() -> list[dict]:
    """Rows ``{"kind", "year", "events"}``; ``year`` is None for undated events."""
    return list(
        Event.objects.published()
        .filter(person__in=public_targets())
        .annotate(year=year_of("date"))
        .values("kind", "year")
        .annotate(events=Count("pk"))
        .order_by("kind", "year")
    )


def prison_years_by_organisation() -> list[Organisation]:
    """Organisations annotated with the sentences handed down to their members.

    ``months`` sums the fixed terms, ``life`` counts life sentences (which have no term and
    are never turned into years) and ``sentenced`` counts the members sentenced. A sentence
    counts once per organisation however many roles its member held there: only each
    member's first published role in an organisation is joined. One ``GROUP BY`` (1.2 s
    at 100,000 people as a correlated subquery per organisation; a tenth of that now).
    """
    earlier_role = Affiliation.objects.published().filter(
        person=OuterRef("person"), organisation=OuterRef("organisation"), pk__lt=OuterRef("pk"))
    rows = (
        Affiliation.objects.published()
        .filter(person__in=public_targets())
        .exclude(Exists(earlier_role))
        .filter(person__proceedings__in=public_sentences())
        .values("organisation")
        .annotate(
            months=Coalesce(Sum("person__proceedings__term_months"), 0),
            life=Count("person__proceedings", filter=Q(person__proceedings__life=True)),
            sentenced=Count("person", distinct=True),
        )
        .order_by()
    )
    figures = {row.pop("organisation"): row for row in rows}
    organisations = list(Organisation.objects.filter(pk__in=list(figures)).order_by("name"))
    for organisation in organisations:
        for name, value in figures[organisation.pk].items():
            setattr(organisation, name, value)
    # A stable sort keeps the database's order of names (its collation) among equals.
    return sorted(organisations, key=lambda org: (-org.months, -org.life))


def refresh_cached_figures():
    """Compute the cached figures under the current version, so no visitor waits for them
    (the task worker runs this after each public change)."""
    version = public_version()
    headline_figures()
    statistics_figures(version)
    case_filter_choices(version)
