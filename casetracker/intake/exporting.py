"""The export: every unrestricted person and fact in the import layout (see ``sheets``).

Restricted records, restricted aliases and restricted places are left out, as are real
names and staff notes: an export is a file that leaves casetracker. Importing it back
changes nothing (an import never erases), so the round trip is safe.
"""

from django.db.models import Prefetch

from casetracker.cases import policy
from casetracker.cases.models import (
    Alias,
    Citation,
    Event,
    Person,
    Proceeding,
    ProceedingCharge,
)


def exportable_people():
    """The people an export holds, with everything a row needs prefetched: what the policy
    lets leave the admin in a file (``policy.FILE_READER``)."""

    def leaving(model):
        return policy.visible(model.objects.all(), policy.FILE_READER)

    citations = Prefetch("citations", queryset=leaving(Citation).select_related("source")
                         .order_by("pk"))
    return (
        leaving(Person).filter(merged_into__isnull=True)
        .order_by("pk")
        .prefetch_related(
            Prefetch("aliases", queryset=leaving(Alias)),
            Prefetch("events", queryset=leaving(Event).order_by("pk")
                     .prefetch_related(citations)),
            Prefetch("proceedings", queryset=leaving(Proceeding).order_by("pk")
                     .select_related("court").prefetch_related(
                         Prefetch("proceeding_charges",
                                  queryset=ProceedingCharge.objects.select_related("charge")),
                         citations)),
        )
    )


def _yes(value: bool) -> str:
    return "yes" if value else "no"


def _source_columns(fact) -> dict:
    """The fact's first citation, preferring a published article to an imported file."""
    citations = sorted(fact.citations.all(),
                       key=lambda citation: citation.source.slug.startswith("import-"))
    if not citations:
        return {}
    citation = citations[0]
    source = citation.source
    return {"source_slug": source.slug, "source_title": source.title,
            "source_publisher": source.publisher, "source_date": source.published,
            "source_url": source.url, "passage": citation.passage}


def person_columns(person, *, base_url: str = "") -> dict:
    return {
        "person_id": person.pk,
        "person_url": f"{base_url}{person.get_absolute_url()}",
        "external_id": person.external_id,
        "name": person.name,
        "aliases": "; ".join(alias.name for alias in person.aliases.all()),
        "sex": person.sex,
        "birth_year": person.birth_year,
        "country": person.country.code,
        "occupation": person.occupation,
        "status": person.status,
        "involvement": person.involvement,
        "summary": person.summary,
    }


def event_columns(event) -> dict:
    return {
        "event_id": event.pk,
        "event_kind": event.kind,
        "event_date": event.date,
        "event_place": event.public_place,
        "event_country": event.country.code,
        "event_description": event.description,
        **_source_columns(event),
    }


def proceeding_columns(proceeding) -> dict:
    years, months = divmod(proceeding.term_months, 12) if proceeding.term_months else ("", "")
    return {
        "proceeding_id": proceeding.pk,
        "court": proceeding.court.name if proceeding.court else "",
        "verdict_date": proceeding.verdict_date,
        "outcome": proceeding.outcome,
        "sentence_years": years,
        "sentence_months": months,
        "life_sentence": _yes(proceeding.life),
        "fine": proceeding.fine,
        "confiscation": _yes(proceeding.confiscation),
        "appeal": proceeding.appeal,
        "closed_trial": _yes(proceeding.closed_trial),
        "charges": "; ".join(item.charge.name for item in proceeding.proceeding_charges.all()),
        "proceeding_description": proceeding.description,
        **_source_columns(proceeding),
    }


def export_rows(people, *, base_url: str = "") -> list[dict]:
    """One row per event and per proceeding, or one per person without either."""
    rows = []
    for person in people:
        columns = person_columns(person, base_url=base_url)
        facts = [event_columns(event) for event in person.events.all()] + [
            proceeding_columns(proceeding) for proceeding in person.proceedings.all()]
        rows.extend({**columns, **fact} for fact in facts or [{}])
    return rows
