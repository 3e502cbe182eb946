"""The case list: search, filters that combine, sorting, pages, and a CSV of exactly that."""

import csv
import io
import re

import pytest
from django.urls import reverse
from rest_framework import status

from casetracker.cases.models import Event, Person
from tests.factories import EventFactory, PersonFactory

LIST = reverse("public:case-list")
CSV = reverse("public:case-csv")


def names(response):
    return [person.name for person in response.context["people"]]


def shown_rows(html: str) -> list[list[str]]:
    """The case table's cells as a reader sees them (tags stripped, spaces collapsed)."""
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    rows = []
    for row in re.findall(r"<tr>(.*?)</tr>", body, re.S):
        cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        rows.append([" ".join(re.sub(r"<[^>]+>", " ", cell).split()) for cell in cells])
    return rows


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_search_finds_a_person_by_surname_and_by_cyrillic_alias(client, family):
    assert names(client.get(LIST, {"q": "Ismailov"})) == ["Bakyt Ismailov"]
    assert "Rustam Nazarov" in names(client.get(LIST, {"q": "Назаров"}))


@pytest.mark.parametrize(("filters", "expected"), [
    ({"country": "KG"}, ["Bakyt Ismailov"]),
    ({"status": "imprisoned"}, ["Bakyt Ismailov", "Rustam Nazarov", "Zarina Karimova"]),
    ({"event": "arrest"}, ["Bakyt Ismailov", "Farrukh Nazarov", "Rustam Nazarov"]),
    ({"charge": "extremism"}, ["Rustam Nazarov"]),
    ({"organisation": "udr"}, ["Rustam Nazarov"]),
    ({"year": "2017"}, ["Bakyt Ismailov", "Farrukh Nazarov"]),
    ({"year": "2016"}, ["Rustam Nazarov"]),  # the verdict and the threat
])
def test_each_filter_narrows_the_list(client, family, filters, expected):
    assert names(client.get(LIST, filters)) == expected


def test_filters_combine(client, family):
    """Two filters together keep only the people matching both."""
    assert names(client.get(LIST, {"event": "arrest", "status": "imprisoned"})) == [
        "Bakyt Ismailov", "Rustam Nazarov"]
    assert names(client.get(LIST, {"event": "arrest", "status": "imprisoned",
                                   "country": "TJ"})) == ["Rustam Nazarov"]
    assert names(client.get(LIST, {"q": "Nazarov", "status": "detained"})) == [
        "Farrukh Nazarov"]
    assert names(client.get(LIST, {"country": "KG", "organisation": "udr"})) == []


def test_filter_choices_offer_only_what_published_cases_contain(client, family):
    form = client.get(LIST).context["filter"].form
    assert [code for code, _label in form.fields["country"].choices if code] == ["KG", "TJ"]
    charges = [str(label) for _value, label in form.fields["charge"].choices][1:]
    assert charges == ["extremism", "high treason", "terrorism"]
    years = [value for value, _label in form.fields["year"].choices if value]
    assert years == ["2017", "2016", "2015"]


@pytest.mark.parametrize(("sort", "expected"), [
    ("name", ["Bakyt Ismailov", "Farrukh Nazarov", "Rustam Nazarov", "Umed Nazarov",
              "Zarina Karimova"]),
    ("-name", ["Zarina Karimova", "Umed Nazarov", "Rustam Nazarov", "Farrukh Nazarov",
               "Bakyt Ismailov"]),
    # Latest facts: Bakyt's verdict 2017-11, Farrukh 2017-10, Rustam 2016-10-06; the others
    # have none.
    ("-latest", ["Bakyt Ismailov", "Farrukh Nazarov", "Rustam Nazarov", "Umed Nazarov",
                 "Zarina Karimova"]),
    ("latest", ["Rustam Nazarov", "Farrukh Nazarov", "Bakyt Ismailov", "Umed Nazarov",
                "Zarina Karimova"]),
    ("country", ["Bakyt Ismailov", "Farrukh Nazarov", "Rustam Nazarov", "Umed Nazarov",
                 "Zarina Karimova"]),
])
def test_sorting(client, family, sort, expected):
    assert names(client.get(LIST, {"sort": sort})) == expected


def test_invalid_filter_is_named_and_shows_nothing_rather_than_failing(client, family):
    response = client.get(LIST, {"status": "on_the_moon", "year": "1066"})
    assert response.status_code == status.HTTP_200_OK
    assert names(response) == []
    errors = response.context["filter"].errors
    assert set(errors) == {"status", "year"}
    assert "Some of the filters are not valid" in response.content.decode()


def test_pages_keep_the_filters_in_their_links(client, family):
    for index in range(30):
        PersonFactory(name=f"Extra Person{index:02d}", country="TJ")
    first = client.get(LIST, {"country": "TJ", "sort": "name"})
    assert first.context["paginator"].count == 34
    assert len(names(first)) == 25
    html = first.content.decode()
    assert 'href="?country=TJ&amp;sort=name&amp;page=2"' in html
    second = client.get(LIST, {"country": "TJ", "sort": "name", "page": 2})
    assert len(names(second)) == 9
    assert not set(names(first)) & set(names(second))


@pytest.mark.parametrize("sort", ["", "name", "-name", "-latest", "latest", "country"])
def test_pages_past_the_middle_read_from_the_end_show_the_same_rows(client, db, sort):
    """Pages past the middle are read backwards (cheap at 100,000 cases): whatever the
    order, even among people with the same name and no events, every person appears on
    exactly one page, in the order CSV gives."""
    for index in range(78):
        person = PersonFactory(name=f"Same Name{index % 3}", country="TJ" if index % 2 else "KG")
        if index % 4:
            EventFactory(person=person, date=f"{2000 + index % 5}")
    query = {"sort": sort} if sort else {}
    pages = [names(client.get(LIST, {**query, "page": page})) for page in (1, 2, 3)]
    assert [len(page) for page in pages] == [25, 25, 28]  # three orphans join the last page
    _header, *rows = csv_rows(client.get(CSV, query))
    assert [name for page in pages for name in page] == [row[0] for row in rows]
    ids = [person.pk for page in (1, 2, 3)
           for person in client.get(LIST, {**query, "page": page}).context["people"]]
    assert sorted(ids) == sorted(Person.objects.values_list("pk", flat=True))


def test_csv_is_exactly_what_the_list_shows(client, family):
    """Same filters, same order, same cells; plus the address of each case page."""
    query = {"q": "Nazarov", "event": "arrest", "sort": "-name"}
    page = client.get(LIST, query)
    html = page.content.decode()
    assert f'href="{CSV}?q=Nazarov&amp;event=arrest&amp;sort=-name"' in html
    response = client.get(CSV, query)
    assert response.status_code == status.HTTP_200_OK
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment;" in response["Content-Disposition"]
    header, *rows = csv_rows(response)
    assert header == ["Name", "Current status", "Country", "Latest event",
                      "Date of latest event", "Case page"]
    shown = shown_rows(html)
    assert [row[0] for row in rows] == ["Rustam Nazarov", "Farrukh Nazarov"]
    assert [[name, state, country, f"{kind}, {date}" if kind else "—"]
            for name, state, country, kind, date, _url in rows] == shown
    assert rows[0][5] == "http://testserver/cases/rustam-nazarov/"


def test_csv_spans_every_page_of_the_list(client, family):
    for index in range(30):
        PersonFactory(name=f"Extra Person{index:02d}")
    shown = []
    for page in (1, 2):
        shown += [row[0] for row in shown_rows(client.get(LIST, {"page": page}).content.decode())]
    _header, *rows = csv_rows(client.get(CSV))
    assert [row[0] for row in rows] == shown
    assert len(shown) == 35


def test_csv_refuses_invalid_filters_with_a_clear_message(client, family):
    response = client.get(CSV, {"status": "on_the_moon"})
    assert response.status_code == status.HTTP_400_BAD_REQUEST
    assert "status" in response.content.decode()
    assert "on_the_moon" in response.content.decode()


def test_csv_cells_cannot_run_as_spreadsheet_formulas(client, db):
    PersonFactory(name="=HYPERLINK(\"http://evil.example\")")
    _header, row = csv_rows(client.get(CSV))
    assert row[0].startswith("'=")


def test_latest_event_ignores_unpublished_events(client, family):
    EventFactory(person=family.rustam, kind=Event.Kind.KILLING, date="2020",
                 publication_state="draft")
    rustam = next(p for p in client.get(LIST).context["people"] if p.name == "Rustam Nazarov")
    assert rustam.latest_event_kind == Event.Kind.THREAT


def test_relatives_named_for_context_are_not_listed(client, family):
    assert family.father.involvement == Person.Involvement.RELATED
    assert "Saidali Nazarov" not in names(client.get(LIST, {"q": "Saidali"}))


def test_a_misspelled_name_is_answered_with_did_you_mean(client, family):
    """A query matching no name as spelled offers the nearest names, each a new search."""
    response = client.get(LIST, {"q": "Isnailov", "country": "TJ"})
    assert names(response) == []
    assert response.context["suggestions"] == ["Bakyt Ismailov"]
    html = response.content.decode()
    assert "Did you mean:" in html
    assert '<a href="/cases/?q=Bakyt%20Ismailov">Bakyt Ismailov</a>' in html


def test_a_name_found_as_spelled_needs_no_suggestion(client, family):
    response = client.get(LIST, {"q": "Ismailov"})
    assert response.context["suggestions"] == []
    assert "Did you mean" not in response.content.decode()


def test_suggestions_never_name_unpublished_people(client, secrets):
    response = client.get(LIST, {"q": "Zzdraftpersonn"})
    assert response.context["suggestions"] == []
