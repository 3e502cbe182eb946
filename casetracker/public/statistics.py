"""The statistics page's figures, each as a chart and a table of the same numbers.

The numbers come aggregated from the database (``queries.statistics_figures()``, cached
until a record changes); this module only labels them in the reader's language and lays them
out with ``charts.py``.
"""

import math

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_countries import countries

from casetracker.cases.models import Event, Person
from casetracker.public import charts


def chronological(years) -> list:
    """Distinct years ("2015", ...) in order, the unknown year (None) last."""
    return sorted(set(years), key=lambda year: (year is None, year or ""))


def year_label(year) -> str:
    return year or _("date unknown")


def years_of(months: int) -> str:
    """Months as years for reading: "16", "2.5" ("2,5" in Russian)."""
    years = months / 12
    return formats.number_format(years, decimal_pos=0 if years.is_integer() else 1,
                                 use_l10n=True)


def prison_term(months: int, life: int) -> str:
    """"87 years", "87 years and 2 life sentences": a life sentence is never made into years."""
    term = ngettext("%(years)s year", "%(years)s years", math.ceil(months / 12)) % {
        "years": years_of(months)
    }
    if not life:
        return term
    lives = ngettext("%(count)d life sentence", "%(count)d life sentences", life) % {
        "count": life
    }
    return _("%(term)s and %(life)s") % {"term": term, "life": lives} if months else lives


def sentences_by_year_and_country(rows: list[dict], totals: dict) -> dict:
    """Stacked columns: sentences per verdict year, one colour per country."""
    names = {row["country"]: countries.name(row["country"]) for row in rows}
    series = sorted(names.values())
    years = [year_label(year) for year in chronological(row["year"] for row in rows)]
    values = {(year_label(row["year"]), names[row["country"]]): row["sentences"]
              for row in rows}
    table = []
    for year in years:
        counts = [values.get((year, name), 0) for name in series]
        table.append((year, counts, sum(counts)))
    return {
        "chart": charts.stacked_columns(years, series, values),
        "series": series,
        "table": table,
        "total": totals["sentences"],
        "all_told": prison_term(totals["months"], totals["life"]),
    }


def people_by_status(rows: list[dict]) -> dict:
    """Horizontal bars: published targets per current status, most first."""
    rows = [(Person.Status(row["status"]).label, row["people"]) for row in rows]
    return {
        "chart": charts.horizontal_bars([(label, count, str(count)) for label, count in rows]),
        "table": rows,
        "total": sum(count for _label, count in rows),
    }


def events_by_kind_and_year(rows: list[dict]) -> dict:
    """A heat map of event kinds (in the model's order) by year."""
    present = {row["kind"] for row in rows}
    kinds = [kind.label for kind in Event.Kind if kind in present]
    years = [year_label(year) for year in chronological(row["year"] for row in rows)]
    values = {(Event.Kind(row["kind"]).label, year_label(row["year"])): row["events"]
              for row in rows}
    return {
        "chart": charts.heat_map(kinds, years, values),
        "years": years,
        "table": [(kind, [values.get((kind, year), 0) for year in years]) for kind in kinds],
    }


def prison_years_by_organisation(organisations: list) -> dict:
    """Horizontal bars: years of prison handed down to each organisation's members."""
    rows = [
        {"organisation": org, "sentenced": org.sentenced, "life": org.life,
         "years": years_of(org.months), "term": prison_term(org.months, org.life)}
        for org in organisations
    ]
    bars = [(str(row["organisation"]), row["organisation"].months / 12, row["term"])
            for row in rows]
    return {"chart": charts.horizontal_bars(bars), "table": rows}
