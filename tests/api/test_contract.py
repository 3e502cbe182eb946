"""The people API on the seed cases: a dozen people checked field by field against what the
articles say (as curated in fixtures/seed.yaml), and every seed person as the contract
partners rely on describes them."""

import re

import pytest
from django.urls import reverse
from rest_framework import status

from casetracker.cases.models import Person
from tests.api.conftest import results

pytestmark = pytest.mark.django_db

DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
LIST_KEYS = {"id", "url", "name", "aliases", "country", "status", "involvement",
             "latest_event", "updated_at"}
DETAIL_KEYS = {"id", "url", "name", "aliases", "sex", "birth_year", "country", "occupation",
               "status", "involvement", "summary", "affiliations", "relationships",
               "sentences", "charges", "events", "detentions", "sources", "updated_at"}
SUPREME_COURT = "Supreme Court of Tajikistan"
PERVOMAISKY = "Pervomaisky District Court of Bishkek"


def find(api, search: str) -> dict:
    """The one list result for ``search``, whose name contains it."""
    found = [row for row in results(api.get("/api/v1/people/", {"search": search}))
             if search.split()[-1] in row["name"]]
    assert len(found) == 1, found
    return found[0]


def record(api, name: str) -> dict:
    person = Person.objects.get(name=name)
    response = api.get(reverse("api:person-detail", args=[person.pk]))
    assert response.status_code == status.HTTP_200_OK
    return response.json()


def sentence(data: dict) -> dict:
    assert len(data["sentences"]) == 1, data["sentences"]
    return data["sentences"][0]


def test_search_finds_the_lawyer_yorov_and_his_record_shows_his_sentence(api, seeded):
    """?search=Yorov finds him; his detail gives 23 years (276 months) on 6 October 2016 for
    fraud, calls to overthrow the constitutional order and incitement of hatred."""
    row = find(api, "Yorov")
    assert row["name"] == "Buzurgmehr Yorov"
    assert set(row["aliases"]) >= {"Buzurgmekhr Yorov", "Buzurgmkhar Yorov"}
    assert (row["country"], row["status"]) == ("TJ", "imprisoned")
    data = api.get(row["url"]).json()
    assert data["occupation"] == "lawyer"
    verdict = sentence(data)
    assert verdict["date"] == "2016-10-06"
    assert (verdict["term_months"], verdict["life"]) == (276, False)
    assert set(verdict["charges"]) == {"fraud", "overthrow of the constitutional order",
                                       "incitement of national or religious hatred"}
    assert data["charges"] == sorted(verdict["charges"])
    publishers = {source["publisher"] for source in data["sources"]}
    assert "Modern Diplomacy" in publishers


@pytest.mark.parametrize("name", ["Mahmadali Hayit", "Umarali Hisainov"])
def test_irpt_deputies_life_sentences_by_the_supreme_court(api, seeded, name):
    """Hayit and Hisainov: life imprisonment by the Supreme Court of Tajikistan, 2 June 2016,
    with no term in months; both arrested in September 2015."""
    data = record(api, name)
    verdict = sentence(data)
    assert verdict["court"] == SUPREME_COURT
    assert verdict["date"] == "2016-06-02"
    assert verdict["life"] is True
    assert verdict["term_months"] is None
    assert {"terrorism", "extremism"} <= set(verdict["charges"])
    assert ("arrest", "2015-09") in {(event["kind"], event["date"]) for event in data["events"]}
    assert data["affiliations"][0]["organisation"]["name"] == (
        "Islamic Renaissance Party of Tajikistan")


def test_hayit_alias_is_listed(api, seeded):
    assert "Mahmadali Haitov" in find(api, "Hayit")["aliases"]


@pytest.mark.parametrize("name", ["Bektur Asanov", "Kubanychbek Kadyrov", "Ernest Karybekov",
                                  "Dastan Sarygulov"])
def test_the_kyrgyz_four_got_twenty_years_from_the_pervomaisky_court(api, seeded, name):
    """The four Kyrgyz opposition politicians: 240 months each, Pervomaisky District Court of
    Bishkek, 17 April 2017."""
    data = record(api, name)
    assert data["country"] == "KG"
    verdict = sentence(data)
    assert (verdict["court"], verdict["date"]) == (PERVOMAISKY, "2017-04-17")
    assert (verdict["term_months"], verdict["life"]) == (240, False)
    assert "overthrow of the constitutional order" in verdict["charges"]


def test_kabiri_and_his_father_see_each_other_from_their_own_side(api, seeded):
    """Tillo Kabirov is Muhiddin Kabiri's father on Kabiri's record and Kabiri his son on
    Tillo's; the links lead to each other's records."""
    kabiri, tillo = record(api, "Muhiddin Kabiri"), record(api, "Tillo Kabirov")
    assert {"kind": "father", "person": {"id": tillo["id"], "name": "Tillo Kabirov",
                                         "url": tillo["url"]}} in [
        {"kind": r["kind"], "person": r["person"]} for r in kabiri["relationships"]]
    assert ("son", "Muhiddin Kabiri") in [
        (r["kind"], r["person"]["name"]) for r in tillo["relationships"]]
    assert tillo["status"] == "deceased"
    assert ("death", "2016-10") in {(e["kind"], e["date"]) for e in tillo["events"]}


def test_kabiri_record(api, seeded):
    """Kabiri: IRPT leader in exile since March 2015, with his other spellings."""
    data = record(api, "Muhiddin Kabiri")
    assert data["status"] == "in_exile"
    assert "Mukhiddin Kabiri" in data["aliases"]
    assert ("exile", "2015-03") in {(e["kind"], e["date"]) for e in data["events"]}
    assert data["affiliations"][0]["role"] == "party leader"
    assert data["sentences"] == []


def test_safar_kabirov_detained_and_tortured_on_6_september_2017(api, seeded):
    """The reprisal against Muhammadjon Kabirov's father, dated from the article."""
    data = record(api, "Safar Kabirov")
    kinds = {event["kind"] for event in data["events"] if event["date"] == "2017-09-06"}
    assert {"detention", "torture", "threat"} <= kinds
    assert ("son", "Muhammadjon Kabirov") in [
        (r["kind"], r["person"]["name"]) for r in data["relationships"]]


def test_makhamov_was_yorovs_lawyer_and_got_21_years(api, seeded):
    data = record(api, "Nuriddin Makhamov")
    verdict = sentence(data)
    assert verdict["term_months"] == 252
    assert verdict["date"] == "2016-10"
    assert ("client", "Buzurgmehr Yorov") in [
        (r["kind"], r["person"]["name"]) for r in data["relationships"]]


def test_every_seed_person_has_the_contract_shape(api, seeded):
    """Every published seed person, listed and in detail, has every contract field, with
    ISO dates and alpha-2 countries; a life sentence has no term."""
    listed = results(api.get("/api/v1/people/", {"page_size": 200}))
    assert len(listed) == Person.objects.published().count() >= 30
    for row in listed:
        assert set(row) == LIST_KEYS
        data = api.get(row["url"]).json()
        assert set(data) == DETAIL_KEYS
        assert re.match(r"^[A-Z]{2}$", data["country"])
        for verdict in data["sentences"]:
            assert not (verdict["life"] and verdict["term_months"] is not None)
        dates = [e["date"] for e in data["events"]] + [s["date"] for s in data["sentences"]]
        dates += [d[key] for d in data["detentions"] for key in ("start", "end")]
        dates += [s["published"] for s in data["sources"]]
        assert all(value is None or DATE.match(value) for value in dates), dates
        assert data["charges"] == sorted(set(data["charges"]))
