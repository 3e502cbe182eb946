"""Bad input in the admin's forms: a message naming the problem, beside it, and nothing saved.

Each case posts a whole add form as a browser would (every field's initial value, every
inline's management form) with one thing wrong, and checks that the page comes back with the
message on that field and that no record, and no history entry, was written.
"""

import pytest
from django.urls import reverse
from django.utils.html import escape

from casetracker.cases.models import (
    Affiliation,
    Detention,
    Event,
    Person,
    Proceeding,
    Relationship,
)
from tests.factories import OrganisationFactory, PersonFactory

pytestmark = pytest.mark.django_db

FORMAT_HELP = "Type 2015, 2016-10 or 2016-10-06"
NOT_BOTH = "A sentence is either life imprisonment or a term in months, not both."


def form_data(client, url, **changes) -> dict:
    """What the add page at ``url`` would post untouched, with ``changes`` applied."""
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None or value is False:
            continue  # an empty box or an unticked checkbox sends nothing
        data[name] = "on" if value is True else value
    for inline in page.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        data.update({f"{inline.formset.prefix}-{key}": value
                     for key, value in management.initial.items()})
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def history_count() -> int:
    return sum(model.history.count()
               for model in (Person, Event, Proceeding, Detention, Relationship, Affiliation))


def assert_refused(client, model_name, changes, field, message):
    """Posting the add form with ``changes`` shows ``message`` on ``field``; saves nothing."""
    url = reverse(f"admin:cases_{model_name}_add")
    model = Person if model_name == "person" else {
        "event": Event, "proceeding": Proceeding, "detention": Detention,
        "relationship": Relationship, "affiliation": Affiliation}[model_name]
    records, history = model.objects.count(), history_count()
    response = client.post(url, form_data(client, url, **changes))
    assert response.status_code == 200, "the form was accepted"
    errors = response.context["adminform"].form.errors
    assert field in errors, errors
    assert any(message in error for error in errors[field]), errors[field]
    html = response.content.decode()
    assert escape(message) in html
    assert "Please correct the error below" in html or "Please correct the errors below" in html
    assert model.objects.count() == records
    assert history_count() == history


@pytest.fixture
def person(db):
    return PersonFactory(name="Rustam Nazarov")


@pytest.mark.parametrize(("date", "message"), [
    ("2016-02-30", "2016-02 has no day 30 (it has 29 days)."),
    ("2015-02-29", "2015-02 has no day 29 (it has 28 days)."),
    ("30 February 2016", "2016-02 has no day 30 (it has 29 days)."),
    ("2016-13", "13 is not a month (1–12)."),
    ("2016-00-10", "0 is not a month (1–12)."),
    ("0000", "0 is not a valid year."),
    ("sometime", "“sometime” is not a date."),
    ("Smarch 2016", "“smarch” is not a month name."),
    ("2016/10/06", "“2016/10/06” is not a date."),
    ("9999999", "“9999999” is not a date."),
])
def test_an_impossible_date_is_named(staff_client, person, date, message):
    """The message says what is wrong with the date, then how to type one."""
    assert_refused(staff_client, "event", {"person": person.pk, "kind": "arrest",
                                           "date": date}, "date", message)
    assert_refused(staff_client, "event", {"person": person.pk, "kind": "arrest",
                                           "date": date}, "date", FORMAT_HELP)


@pytest.mark.parametrize(("model_name", "field", "extra"), [
    ("event", "date", {"kind": "arrest"}),
    ("proceeding", "verdict_date", {"outcome": "pending"}),
    ("detention", "start", {}),
])
def test_a_date_in_the_future_is_refused(staff_client, person, model_name, field, extra):
    assert_refused(staff_client, model_name, {"person": person.pk, field: "2999-05", **extra},
                   field, "2999-05 is in the future: record only what has happened.")


def test_a_sentence_of_life_and_a_term_is_refused(staff_client, person):
    assert_refused(staff_client, "proceeding",
                   {"person": person.pk, "life": "on", "term_months": "276"},
                   "__all__", NOT_BOTH)


def test_a_term_of_no_months_is_refused(staff_client, person):
    assert_refused(staff_client, "proceeding", {"person": person.pk, "term_months": "0"},
                   "__all__", "The prison term must be at least one month.")


@pytest.mark.parametrize("country", ["XX", "Tajikistan", "TJK", "tj ", "🙂", "' OR 1=1 --"])
def test_an_unknown_country_is_refused(staff_client, person, country):
    message = f"Select a valid choice. {country} is not one of the available choices."
    assert_refused(staff_client, "person", {"name": "Umed Nazarov", "country": country},
                   "country", message)
    assert_refused(staff_client, "event", {"person": person.pk, "kind": "arrest",
                                           "country": country}, "country", message)


def test_a_birth_year_in_the_future_is_refused(staff_client):
    assert_refused(staff_client, "person", {"name": "Umed Nazarov", "country": "TJ",
                                            "birth_year": "2999"},
                   "birth_year", "The year of birth is in the future.")


@pytest.mark.parametrize(("start", "end", "message"), [
    ("2016-05", "2016-01", "The end (2016-01) is before the start (2016-05)."),
    ("2016-10-06", "2016-10-05", "The end (2016-10-05) is before the start (2016-10-06)."),
    ("2017", "2016-12-31", "The end (2016-12-31) is before the start (2017)."),
])
def test_a_detention_ending_before_it_starts_is_refused(staff_client, person, start, end,
                                                        message):
    assert_refused(staff_client, "detention", {"person": person.pk, "start": start,
                                               "end": end}, "end", message)


def test_an_affiliation_ending_before_it_starts_is_refused(staff_client, person):
    party = OrganisationFactory()
    assert_refused(staff_client, "affiliation",
                   {"person": person.pk, "organisation": party.pk, "start": "2015",
                    "end": "2010"}, "end", "The end (2010) is before the start (2015).")


def test_a_person_cannot_be_their_own_relative(staff_client, person):
    assert_refused(staff_client, "relationship",
                   {"person": person.pk, "kind": "parent", "relative": person.pk},
                   "__all__", "A person cannot be their own relative.")


def test_a_bad_date_in_an_inline_saves_neither_the_fact_nor_the_person(staff_client):
    """The person page saves the person and every inline in one transaction, or nothing."""
    url = reverse("admin:cases_person_add")
    data = form_data(staff_client, url, name="Umed Nazarov", country="TJ", **{
        "events-TOTAL_FORMS": "1", "events-0-kind": "arrest", "events-0-date": "2016-02-30",
        "events-0-verification": "reported", "events-0-publication_state": "draft",
    })
    data.update({"events-0-citations-TOTAL_FORMS": "0", "events-0-citations-INITIAL_FORMS": "0"})
    people, events, history = Person.objects.count(), Event.objects.count(), history_count()
    response = staff_client.post(url, data)
    assert response.status_code == 200
    assert "2016-02 has no day 30 (it has 29 days)." in response.content.decode()
    assert (Person.objects.count(), Event.objects.count(), history_count()) == (
        people, events, history)


@pytest.mark.parametrize(("field", "value", "message"), [
    ("name", "x" * 10_000, "Ensure this value has at most 200 characters (it has 10000)."),
    ("name", "Umed\x00Nazarov", "Null characters are not allowed."),
    ("name", "   ", "This field is required."),
    ("birth_year", str(2**63), "Ensure this value is less than or equal to"),
    ("birth_year", "nineteen seventy", "Enter a whole number."),
])
def test_person_fields_refuse_hostile_values(staff_client, field, value, message):
    changes = {"name": "Umed Nazarov", "country": "TJ", field: value}
    assert_refused(staff_client, "person", changes, field, message)
