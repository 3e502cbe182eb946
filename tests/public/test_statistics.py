"""Statistics: counted by the database from published targets only; life never becomes years."""

from django.urls import reverse

from casetracker.public import queries
from tests.factories import AffiliationFactory, ProceedingFactory


def test_sentences_by_year_and_country(family):
    assert queries.sentences_by_year_and_country() == [
        {"year": "2016", "country": "TJ", "sentences": 1},
        {"year": "2017", "country": "KG", "sentences": 1},
    ]


def test_life_sentences_are_counted_apart_from_years(family):
    ProceedingFactory(person=family.brother, verdict_date="2018-02", term_months=30)
    totals = queries.sentence_totals()
    assert totals == {"months": 276 + 30, "life": 1, "sentences": 3, "years": 26}


def test_people_by_status_counts_targets_only(family):
    assert queries.people_by_status() == [
        {"status": "imprisoned", "people": 3},
        {"status": "detained", "people": 1},
        {"status": "in_exile", "people": 1},
    ]  # Saidali, deceased, is named for context only


def test_events_by_kind_and_year(family):
    rows = {(row["kind"], row["year"]): row["events"]
            for row in queries.events_by_kind_and_year()}
    assert rows == {("arrest", "2015"): 1, ("arrest", "2017"): 2, ("torture", "2015"): 1,
                    ("threat", "2016"): 1}


def test_prison_years_per_organisation_count_each_sentence_once(family):
    """A member with two roles in the party still adds their 23 years only once."""
    AffiliationFactory(person=family.rustam, organisation=family.party, role="spokesman",
                       start="2012")
    rows = {org.slug: (org.months, org.life, org.sentenced)
            for org in queries.prison_years_by_organisation()}
    assert rows == {"udr": (276, 0, 1), "free-steppe-press": (0, 1, 1)}


def test_statistics_page_shows_the_figures_in_tables(client, family):
    html = client.get(reverse("public:statistics")).content.decode()
    assert "Sentences handed down in all: 23 years and 1 life sentence." in html
    assert "23 years" in html  # the UDR bar
    assert "1 life sentence" in html  # the Free Steppe Press bar, never made into years
    assert '<a href="/organisations/udr/">Union for Democratic Renewal (UDR)</a>' in html


def test_statistics_page_without_any_case(client, db):
    response = client.get(reverse("public:statistics"))
    assert response.status_code == 200
    assert "No sentence has been published yet." in response.content.decode()
