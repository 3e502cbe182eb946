"""The admin staff curate in: every page renders, search and filters work, facts are flagged."""

import pytest
from django.contrib import admin
from django.urls import reverse

from casetracker.cases.models import Person, Revision
from tests.factories import (
    AffiliationFactory,
    AliasFactory,
    CitationFactory,
    EventFactory,
    PersonFactory,
    RelationshipFactory,
    SourceFactory,
    cited_person,
)

pytestmark = pytest.mark.django_db

# Revisions are a log with no add form: tests/cases/test_revisions.py covers their pages.
CASE_MODELS = [model for model in admin.site._registry
               if model._meta.app_label == "cases" and model is not Revision]


@pytest.fixture
def record():
    person = cited_person(name="Buzurgmehr Yorov")
    AliasFactory(person=person, name="Бузургмеҳр Ёров")
    AffiliationFactory(person=person)
    RelationshipFactory(person=PersonFactory(name="Nuriddin Makhamov"), kind="lawyer",
                        relative=person)
    return person


@pytest.mark.parametrize("model", CASE_MODELS, ids=lambda model: model._meta.model_name)
def test_every_changelist_add_and_change_page_renders(staff_client, record, model):
    """Each registered model's list, add form, change form and history render for staff."""
    opts = model._meta
    changelist = staff_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
    assert changelist.status_code == 200
    add = staff_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add"))
    assert add.status_code == 200
    obj = model.objects.first()
    assert obj is not None, f"no {opts.model_name} in the test record"
    change = staff_client.get(
        reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk]))
    assert change.status_code == 200
    history = staff_client.get(
        reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=[obj.pk]))
    assert history.status_code == 200


def test_person_page_holds_the_whole_record(staff_client, record):
    """The person change page shows aliases, relatives, events, charges and citations inline."""
    response = staff_client.get(reverse("admin:cases_person_change", args=[record.pk]))
    content = response.content.decode()
    for expected in ["Бузургмеҳр Ёров", "Nuriddin Makhamov", "terrorism", "Arrested with other",
                     "He was arrested in September 2015.", "Report number"]:
        assert expected in content


def test_changelist_shows_latest_event_and_source_count(staff_client, record):
    response = staff_client.get(reverse("admin:cases_person_changelist"))
    content = response.content.decode()
    assert "Trial, 2016-06-02" in content  # the verdict is the latest fact
    row = next(p for p in response.context["cl"].result_list if p.pk == record.pk)
    assert row.source_count == 1


def test_changelist_search_finds_aliases(staff_client, record):
    response = staff_client.get(reverse("admin:cases_person_changelist"), {"q": "Ёров"})
    assert [p.pk for p in response.context["cl"].result_list] == [record.pk]


def test_unsourced_facts_filter_flags_people_with_an_uncited_fact(staff_client, record):
    """The "facts without sources" filter lists exactly the people with an uncited fact."""
    unsourced = PersonFactory(name="Uncited Person")
    EventFactory(person=unsourced)
    url = reverse("admin:cases_person_changelist")
    flagged = staff_client.get(url, {"sourcing": "unsourced"}).context["cl"].result_list
    assert unsourced in flagged and record not in flagged
    sourced = staff_client.get(url, {"sourcing": "sourced"}).context["cl"].result_list
    assert record in sourced and unsourced not in sourced


def test_event_kind_and_year_filters(staff_client, record):
    EventFactory(kind="torture", date="2016-10-06", person=PersonFactory(name="Tortured Man"))
    url = reverse("admin:cases_person_changelist")
    tortured = staff_client.get(url, {"event_kind": "torture"}).context["cl"].result_list
    assert [p.name for p in tortured] == ["Tortured Man"]
    in_2015 = staff_client.get(url, {"year": "2015"}).context["cl"].result_list
    assert [p.name for p in in_2015] == ["Buzurgmehr Yorov"]


def year_choices(response) -> list[str]:
    year_filter = next(spec for spec in response.context["cl"].filter_specs
                       if getattr(spec, "parameter_name", "") == "year")
    return [value for value, _label in year_filter.lookup_choices]


def test_year_filters_offer_the_years_of_their_own_dates(staff_client, record):
    """Events offer the years of events, trials the years of verdicts; both follow a change
    at once, though the years are cached."""
    events = reverse("admin:cases_event_changelist")
    trials = reverse("admin:cases_proceeding_changelist")
    assert year_choices(staff_client.get(events)) == ["2015"]
    assert year_choices(staff_client.get(trials)) == ["2016"]
    EventFactory(person=record, date="2009-03")
    assert year_choices(staff_client.get(events)) == ["2015", "2009"]
    assert year_choices(staff_client.get(trials)) == ["2016"]


def test_changelists_count_each_records_citations(staff_client, record):
    """The sources columns count the citations of each row on the page."""
    event = record.events.get()
    source = event.citations.get().source
    CitationFactory(event=event, source=SourceFactory())
    CitationFactory(event=EventFactory(person=record), source=source)
    uncited_event, uncited_source = EventFactory(person=record), SourceFactory()
    assert event.citations.count() == 2
    for model, counted, uncited in [("event", event, uncited_event),
                                    ("source", source, uncited_source)]:
        page = staff_client.get(reverse(f"admin:cases_{model}_changelist"))
        counts = {row.pk: row.citation_count for row in page.context["cl"].result_list}
        assert counts[counted.pk] == counted.citations.count() >= 2, model
        assert counts[uncited.pk] == 0, model


def test_date_typed_as_words_is_saved_at_its_precision(staff_client, record):
    """Staff can type "October 2016" in a date box; it is stored as 2016-10."""
    event = record.events.get()
    url = reverse("admin:cases_event_change", args=[event.pk])
    form = staff_client.get(url).context["adminform"].form
    data = {name: form[name].value() or "" for name in form.fields}
    data.update({"date": "October 2016", "citations-TOTAL_FORMS": "0",
                 "citations-INITIAL_FORMS": "0"})
    data = {key: value for key, value in data.items() if value is not False}
    response = staff_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    event.refresh_from_db()
    assert event.date.isoformat() == "2016-10"


def test_admin_requires_staff(client, record):
    response = client.get(reverse("admin:cases_person_changelist"))
    assert response.status_code == 302
    assert Person.objects.count() >= 1


@pytest.mark.parametrize("model", ["person", "event", "source", "organisation", "charge"])
def test_an_overlong_admin_search_is_refused_not_run(staff_client, record, model):
    """Thousands of words in a search box (or a crafted link) answer with a message, not a
    query with one condition per word."""
    url = reverse(f"admin:cases_{model}_changelist")
    response = staff_client.get(url, {"q": "a " * 5000})
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == []
    assert "at most 12 words" in response.content.decode()


def test_year_filters_offer_restricted_years_only_to_who_may_see_them(
        client, staff_client, record, editor):
    """An editor, who may not see restricted records, is not told their years either."""
    EventFactory(person=record, date="1999", is_restricted=True)
    events = reverse("admin:cases_event_changelist")
    assert "1999" in year_choices(staff_client.get(events))
    client.force_login(editor)
    assert "1999" not in year_choices(client.get(events))
