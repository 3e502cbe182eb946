"""Filtering and ordering the lists."""

import datetime

import pytest
from django.utils import timezone

from casetracker.cases.models import Person, PublicationState
from tests.api.conftest import names, results
from tests.factories import (
    AffiliationFactory,
    AliasFactory,
    EventFactory,
    OrganisationFactory,
    PersonFactory,
    ProceedingChargeFactory,
    ProceedingFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db

PEOPLE = "/api/v1/people/"


def people(api, **params) -> list[str]:
    return names(api.get(PEOPLE, params))


def test_search_matches_the_name_and_public_aliases_in_any_case(api):
    yorov = PersonFactory(name="Buzurgmehr Yorov")
    AliasFactory(person=yorov, name="Бузургмеҳр Ёров")
    AliasFactory(person=PersonFactory(name="Someone Else"), name="Secret Yorov",
                 is_restricted=True)
    PersonFactory(name="Mahmadali Hayit")
    assert people(api, search="yorov") == ["Buzurgmehr Yorov"]
    assert people(api, search="Ёров") == ["Buzurgmehr Yorov"]
    assert people(api, search="BUZURGMEHR") == ["Buzurgmehr Yorov"]


def test_country_and_status(api):
    PersonFactory(name="A Tajik", country="TJ", status=Person.Status.IMPRISONED)
    PersonFactory(name="A Kyrgyz", country="KG", status=Person.Status.IMPRISONED)
    PersonFactory(name="An Exile", country="TJ", status=Person.Status.IN_EXILE)
    assert people(api, country="KG") == ["A Kyrgyz"]
    assert people(api, country="kg") == ["A Kyrgyz"]
    assert people(api, country="TJ", status="in_exile") == ["An Exile"]


def test_event_kind_and_event_dates_apply_to_one_published_event(api):
    """event_kind with event_after/before needs one event of that kind in the range; an
    event known only to the month matches a bound inside that month."""
    tortured = PersonFactory(name="Tortured In October")
    EventFactory(person=tortured, kind="torture", date="2016-10")
    split = PersonFactory(name="Arrested Then Tortured Earlier")
    EventFactory(person=split, kind="arrest", date="2016-11-02")
    EventFactory(person=split, kind="torture", date="2015")
    hidden = PersonFactory(name="Draft Torture Only")
    EventFactory(person=hidden, kind="torture", date="2016-10-20",
                 publication_state=PublicationState.DRAFT)
    assert people(api, event_kind="torture") == ["Arrested Then Tortured Earlier",
                                                 "Tortured In October"]
    assert people(api, event_after="2016-10-15") == ["Arrested Then Tortured Earlier",
                                                     "Tortured In October"]
    assert people(api, event_kind="torture", event_after="2016-10-15") == [
        "Tortured In October"]
    assert people(api, event_before="2016-09") == ["Arrested Then Tortured Earlier"]
    assert people(api, event_after="2016-11-01", event_before="2016-11-30") == [
        "Arrested Then Tortured Earlier"]


def test_charge_by_slug_or_name(api):
    fraud = ProceedingChargeFactory(charge__name="fraud", charge__slug="fraud",
                                    proceeding__person__name="Charged With Fraud")
    ProceedingChargeFactory(charge__name="extremism", proceeding__person__name="An Extremist")
    ProceedingChargeFactory(charge=fraud.charge, proceeding__person__name="Draft Charge",
                            proceeding__publication_state=PublicationState.DRAFT)
    assert people(api, charge="fraud") == ["Charged With Fraud"]
    assert people(api, charge="Fraud") == ["Charged With Fraud"]


def test_organisation_by_slug(api):
    irpt = OrganisationFactory(slug="irpt")
    AffiliationFactory(organisation=irpt, person__name="A Member")
    AffiliationFactory(organisation=irpt, person__name="A Secret Member", is_restricted=True)
    AffiliationFactory(person__name="Someone Else")
    assert people(api, organisation="irpt") == ["A Member"]


def test_sentenced_after_and_before_look_at_convictions(api):
    ProceedingFactory(person__name="Sentenced 2016", verdict_date="2016-06-02")
    ProceedingFactory(person__name="Sentenced In April 2017", verdict_date="2017-04")
    ProceedingFactory(person__name="Acquitted 2017", verdict_date="2017-05-01",
                      outcome="acquitted", term_months=None)
    assert people(api, sentenced_after="2017-04-17") == ["Sentenced In April 2017"]
    assert people(api, sentenced_before="2016-12-31") == ["Sentenced 2016"]
    assert people(api, sentenced_after="2016", sentenced_before="2016") == ["Sentenced 2016"]


def test_updated_since_sees_changes_to_the_person_or_their_facts(api):
    """By the public change log: a person whose record changed, a fact included."""
    from casetracker.changes.log import catch_up
    from casetracker.changes.models import Change

    old, fact_changed = (PersonFactory(name=name) for name in ("Old", "Fact"))
    catch_up()
    long_ago = timezone.now() - datetime.timedelta(days=30)  # logged a month ago
    Change.objects.update(at=long_ago)
    Person.objects.update(public_changed_at=long_ago)
    EventFactory(person=fact_changed)
    PersonFactory(name="New")
    since = (timezone.now() - datetime.timedelta(days=1)).isoformat()
    assert people(api, updated_since=since) == ["Fact", "New"]
    assert people(api, updated_since=long_ago.date().isoformat()) == ["Fact", "New", "Old"]


def test_involvement(api):
    PersonFactory(name="Target")
    PersonFactory(name="Relative", involvement=Person.Involvement.RELATED)
    assert people(api, involvement="related") == ["Relative"]


def test_ordering_by_name_country_and_latest_event(api):
    """Default by name; the latest event date puts people without one last, both ways."""
    b = PersonFactory(name="B", country="UZ")
    a = PersonFactory(name="A", country="TJ")
    c = PersonFactory(name="C", country="KG")
    PersonFactory(name="D No Event", country="KG")
    EventFactory(person=a, date="2017")
    EventFactory(person=b, date="2016-10-06")
    EventFactory(person=c, date="2016-10")
    assert people(api) == ["A", "B", "C", "D No Event"]
    assert people(api, ordering="-name") == ["D No Event", "C", "B", "A"]
    assert people(api, ordering="country,name") == ["C", "D No Event", "A", "B"]
    assert people(api, ordering="latest_event_date") == ["C", "B", "A", "D No Event"]
    assert people(api, ordering="-latest_event_date") == ["A", "B", "C", "D No Event"]


def test_events_filters(api):
    person = PersonFactory()
    nkvd = OrganisationFactory(slug="gknb")
    EventFactory(person=person, kind="arrest", date="2015-09", perpetrator=nkvd)
    EventFactory(person=person, kind="torture", date="2016-10", country="RU")
    EventFactory(person=PersonFactory(), kind="arrest", date="2017-01-02")

    def kinds(**params):
        return [(e["kind"], e["date"]) for e in results(api.get("/api/v1/events/", params))]

    assert kinds() == [("arrest", "2015-09"), ("torture", "2016-10"), ("arrest", "2017-01-02")]
    assert kinds(ordering="-date")[0] == ("arrest", "2017-01-02")
    assert kinds(person=person.pk) == [("arrest", "2015-09"), ("torture", "2016-10")]
    assert kinds(kind="arrest", after="2016") == [("arrest", "2017-01-02")]
    assert kinds(perpetrator="gknb") == [("arrest", "2015-09")]
    assert kinds(country="ru") == [("torture", "2016-10")]
    assert kinds(after="2016-10-15", before="2016-12") == [("torture", "2016-10")]


def test_sources_organisations_and_charges_filters(api):
    SourceFactory(title="Meet Tajikistan's embattled Islamists", publisher="openDemocracy",
                  published="2017-09-28")
    SourceFactory(title="The success story that failed", publisher="Al Jazeera",
                  published="2016-12-10", language="ru")
    SourceFactory(title="Unpublished", publication_state=PublicationState.DRAFT)

    def titles(**params):
        return [s["title"] for s in results(api.get("/api/v1/sources/", params))]

    assert titles() == ["Meet Tajikistan's embattled Islamists", "The success story that failed"]
    assert titles(search="embattled") == ["Meet Tajikistan's embattled Islamists"]
    assert titles(publisher="al jazeera") == ["The success story that failed"]
    assert titles(language="ru") == ["The success story that failed"]
    assert titles(published_before="2016") == ["The success story that failed"]
    assert titles(ordering="title")[0] == "Meet Tajikistan's embattled Islamists"

    # Organisations are public once a published record names them.
    AffiliationFactory(organisation=OrganisationFactory(
        name="Islamic Renaissance Party", abbreviation="IRPT", kind="party"))
    ProceedingFactory(court=OrganisationFactory(name="Supreme Court", kind="court"))
    OrganisationFactory(name="Islamic Party Known Only To Staff", abbreviation="IRPT")
    assert names(api.get("/api/v1/organisations/", {"search": "irpt"})) == [
        "Islamic Renaissance Party"]
    assert names(api.get("/api/v1/organisations/", {"kind": "court"})) == ["Supreme Court"]
    ProceedingChargeFactory(charge__name="fraud")
    ProceedingChargeFactory(charge__name="extremism")
    assert names(api.get("/api/v1/charges/", {"search": "fra"})) == ["fraud"]
