"""Hostile values in every search and filter parameter of the public case list and its CSV.

The parameters come from the case list's FilterSet (plus ``page``), so a new filter is
covered automatically. The list answers 200 and names each invalid filter beside its field
(showing no cases rather than all of them); the CSV answers 400 with a line naming it. A
value a filter accepts gives the right list: nothing for a value no case holds (``%`` and
``_`` are not wildcards), everything for an empty one. A ``page`` that is not a number shows
the first page; a page number past the last is the site's 404. Never a 5xx, on SQLite and
PostgreSQL.
"""

import csv
import io
from urllib.parse import urlencode

import pytest
from django.db import transaction
from django.test import Client
from django.utils.html import escape
from rest_framework import status

from casetracker.cases.models import Person
from casetracker.names.search import MAX_QUERY_WORDS
from casetracker.public.filters import CaseFilter
from tests.fuzz import hostile
from tests.public.cases import build_family

pytestmark = pytest.mark.django_db

LIST = "/cases/"
CSV = "/cases.csv"
PARAMETERS = [*CaseFilter.base_filters, "page"]
#: Parameters that choose how the list is shown rather than which cases it holds.
NOT_FILTERS = {"page", "sort"}


@pytest.fixture(scope="module")
def cases(django_db_setup, django_db_blocker):
    """The fictional family, built once for the module and rolled back after it."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_family()
        transaction.set_rollback(True)


@pytest.fixture(scope="module")
def browser():
    """One client for the module (each new one loads the middleware stack again)."""
    return Client()


@pytest.fixture(scope="module")
def everyone(cases, browser, django_db_blocker):
    with django_db_blocker.unblock():
        count = browser.get(LIST).context["paginator"].count
    assert count
    return count


def get(browser, path, name, value_id, value):
    if value_id in hostile.RAW_IDS:
        return browser.get(f"{path}?{name}={value}")
    return browser.get(f"{path}?{urlencode({name: value})}")


@pytest.mark.parametrize("name", PARAMETERS)
@pytest.mark.parametrize(("value_id", "value"), hostile.ALL, ids=[v for v, _ in hostile.ALL])
def test_the_case_list_names_a_bad_filter_or_gives_the_right_cases(browser, everyone, name,
                                                                   value_id, value):
    response = get(browser, LIST, name, value_id, value)
    assert response["Content-Type"] == "text/html; charset=utf-8"
    html = response.content.decode()
    if name == "page" and value.isascii() and value.isdigit():
        # A page number past the last (or 0) is not found, as any address that names nothing.
        assert response.status_code == status.HTTP_404_NOT_FOUND
        assert "Page not found" in html
        return
    assert response.status_code == status.HTTP_200_OK, response.content[:300]
    assert "<script>alert(1)</script>" not in html
    errors = response.context["filter"].form.errors
    shown = response.context["paginator"].count
    if errors:
        assert set(errors) == {name}, errors
        assert "Some of the filters are not valid, so no cases are shown" in html
        label = response.context["filter"].form.fields[name].label
        for message in errors[name]:
            assert escape(message) in html, message
        assert escape(str(label)) in html
        assert not response.context["people"]
    elif name in NOT_FILTERS or value in hostile.NO_VALUE:
        assert shown == everyone
        assert response.context["people"]
    elif value in hostile.MATCH_NOTHING:
        assert shown == 0, f"?{name}={value!r} matched {shown} cases"
        assert "No published case matches" in html


@pytest.mark.parametrize("name", PARAMETERS)
@pytest.mark.parametrize(("value_id", "value"), hostile.ALL, ids=[v for v, _ in hostile.ALL])
def test_the_csv_names_a_bad_filter_or_exports_the_right_cases(browser, everyone, name,
                                                               value_id, value):
    response = get(browser, CSV, name, value_id, value)
    assert response.status_code in (status.HTTP_200_OK, status.HTTP_400_BAD_REQUEST)
    if response.status_code == status.HTTP_400_BAD_REQUEST:
        assert response["Content-Type"] == "text/plain; charset=utf-8"
        message = response.content.decode()
        assert message.startswith("The filters are not valid, so nothing was exported: "
                                  f"{name}: "), message
        return
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    _header, *rows = csv.reader(io.StringIO(response.content.decode()))
    if name in NOT_FILTERS or value in hostile.NO_VALUE:
        assert len(rows) == everyone
    elif value in hostile.MATCH_NOTHING:
        assert rows == []


@pytest.mark.parametrize("pattern", ["%", "_", "%%", "__", "%_%"])
def test_like_wildcards_in_the_name_search_are_literal(browser, everyone, pattern):
    """``?q=%`` does not list everyone."""
    response = browser.get(LIST, {"q": pattern})
    assert response.context["paginator"].count == 0


def test_a_search_too_long_for_a_name_is_refused_before_it_reaches_the_database(browser,
                                                                                 cases):
    """5,000 words made a query whose planning exhausted PostgreSQL's memory; the search
    box takes what the API's does, 200 characters, and says so."""
    response = browser.get(LIST, {"q": " ".join(["Nazarov"] * 1_250)})
    assert response.context["filter"].form.errors["q"] == [
        "Ensure this value has at most 200 characters (it has 9999)."]
    assert response.context["paginator"].count == 0


def test_the_name_search_refuses_more_words_than_a_name_has(cases, django_assert_num_queries):
    """Behind every search box (site, API, admin): past MAX_QUERY_WORDS words, no query."""
    with django_assert_num_queries(0):
        assert list(Person.objects.search(" ".join(["Nazarov"] * 5_000))) == []
    assert len(Person.objects.search(" ".join(["Nazarov"] * MAX_QUERY_WORDS))) == 4


@pytest.mark.parametrize("page", ["abc", "-1", "1.5", "\x00", "\u0661", "", "1e3"])
def test_a_page_that_is_not_a_page_number_shows_the_first(browser, everyone, page):
    """Rather than a 404 page that cannot say what was wrong with the link."""
    response = browser.get(LIST, {"page": page})
    assert response.status_code == status.HTTP_200_OK
    assert response.context["page_obj"].number == 1


@pytest.mark.parametrize("page", ["0", "2", str(2**63), "9" * 5000])
def test_a_page_number_past_the_last_is_not_found(browser, everyone, page):
    assert browser.get(LIST, {"page": page}).status_code == status.HTTP_404_NOT_FOUND
