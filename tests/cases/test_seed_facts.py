"""The seed fixtures against the six articles they were curated from.

Each test checks facts of fixtures/seed.yaml that the articles state (names, dates, terms,
courts, relationships), or that every cited passage is verbatim: in its source's
seeds/*.yaml file and, when the seed document is available, in the document itself.
"""

from collections import defaultdict
from pathlib import Path

import pytest
import yaml
from django.apps import apps
from django.core.management import call_command

from casetracker.cases.models import (
    Affiliation,
    Alias,
    Citation,
    Detention,
    Event,
    Organisation,
    Person,
    Proceeding,
    Relationship,
    Source,
)
from casetracker.names.keys import name_key

REPO = Path(__file__).resolve().parents[2]
SEEDS_DIR = REPO / "seeds"
SEED_DOCUMENT_NAME = "000_7880e1605c20be38.txt"
SEED_DOCUMENT_DIRS = [Path("/work/shared/seeds"), REPO.parent / "shared" / "seeds"]

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeds(db):
    """The seed fixtures, loaded through the management command as `make run` does."""
    call_command("loadseeds", verbosity=0)


def seed_files() -> dict[str, dict]:
    """The seeds/*.yaml files by their key."""
    files = {}
    for path in sorted(SEEDS_DIR.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        files[data["key"]] = data
    return files


def seed_document() -> str | None:
    for directory in SEED_DOCUMENT_DIRS:
        path = directory / SEED_DOCUMENT_NAME
        if path.is_file():
            return path.read_text(encoding="utf-8")
    return None


def person(name: str) -> Person:
    return Person.objects.get(name=name)


def proceeding_of(name: str) -> Proceeding:
    return Proceeding.objects.get(person__name=name)


def charge_names(proceeding: Proceeding) -> set[str]:
    return set(proceeding.charges.values_list("name", flat=True))


def iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def sources_cited(fact) -> set[str]:
    return set(fact.citations.values_list("source__slug", flat=True))


# --- Loading --------------------------------------------------------------------------


def test_loading_the_seeds_twice_changes_nothing(seeds):
    """A second `loadseeds` leaves every row count and every timestamp as the first left it."""
    models = [Person, Alias, Affiliation, Relationship, Event, Proceeding, Detention, Source,
              Citation, Organisation]
    before = {m: m.objects.count() for m in models}
    stamps = dict(Person.objects.values_list("pk", "updated_at"))
    call_command("loadseeds", verbosity=0)
    assert {m: m.objects.count() for m in models} == before
    assert dict(Person.objects.values_list("pk", "updated_at")) == stamps


def test_every_seeded_record_passes_model_validation(seeds):
    """full_clean() accepts every loaded record: no future date, no life-plus-term, no bad key."""
    failures = []
    for model in apps.get_app_config("cases").get_models():
        if model.__name__.startswith("Historical"):
            continue
        for obj in model.objects.all():
            try:
                obj.full_clean()
            except Exception as error:  # noqa: BLE001 - collect every failure
                failures.append(f"{model.__name__} {obj.pk}: {error}")
    assert failures == []


def test_seeded_people_are_published_and_keyed(seeds):
    """About 41 people are seeded, all published and unrestricted, with name keys and version 1."""
    people = Person.objects.all()
    assert people.count() == 41
    assert Person.objects.targets().count() == 39
    for p in people:
        assert p.is_public, p
        assert p.name_key == name_key(p.name)
        assert p.version == 1
        assert p.slug
    for alias in Alias.objects.all():
        assert alias.name_key == name_key(alias.name)
        assert (alias.script, alias.language) == ("Latn", "en")


def test_every_fact_cites_a_source_and_corroboration_means_two_sources(seeds):
    """Each fact has a citation; a fact called corroborated cites two or more sources.

    The converse does not hold: a second article may be cited for context without
    confirming the fact (oDR gives the 13 leaders' terms as "two to 28 years", which does
    not corroborate Modern Diplomacy's life sentences).
    """
    for model in (Event, Proceeding, Detention):
        for fact in model.objects.all():
            cited = sources_cited(fact)
            assert cited, fact
            if len(cited) == 1:
                assert fact.verification == "reported", fact
            if fact.verification == "corroborated":
                assert len(cited) > 1, fact
            assert fact.is_public
    for model in (Affiliation, Relationship):
        for fact in model.objects.all():
            assert fact.citations.exists(), fact
            assert fact.is_public


# --- Sources ---------------------------------------------------------------------------


def test_sources_carry_the_dates_the_articles_establish(seeds):
    """Sources are dated at the precision the articles justify, with their authors."""
    got = {s.slug: (s.publisher, s.author, iso(s.published)) for s in Source.objects.all()}
    assert got == {
        "odr-2017-meet-tajikistans-embattled-islamists":
            ("openDemocracy (oDR)", "", "2017-09-28"),
        "moderndiplomacy-2017-reverse-side-of-struggle-against-isis-in-central-asia":
            ("Modern Diplomacy", "", "2017"),
        "rferl-2017-tajikistans-deadly-export":
            ("Radio Free Europe/Radio Liberty (RFE/RL)", "Frud Bezhan", "2017-03-12"),
        "aljazeera-2016-tajikistan-the-success-story-that-failed":
            ("Al Jazeera", "Massoumeh Torfeh", "2016-12-10"),
        "newsweek-2017-why-extremist-groups-are-gaining-strength-in-central-asia":
            ("Newsweek", "", "2017-04"),
        "iran-news-iran-warns-central-asia-may-be-daeshs-next-target":
            ("Iran News (as labelled in the repost)", "", None),
    }
    assert all(s.notes and s.is_public and s.language == "en" for s in Source.objects.all())


def test_seed_files_match_the_sources(seeds):
    """Each seeds/*.yaml file describes one Source with the same title, publisher and date."""
    files = seed_files()
    assert set(files) == set(Source.objects.values_list("slug", flat=True))
    for source in Source.objects.all():
        data = files[source.slug]
        assert data["title"] == source.title
        assert data["publisher"] == source.publisher
        assert (data["author"] or "") == source.author
        assert (str(data["published"]) if data["published"] else None) == iso(source.published)
        assert data["language"] == "en"
        assert data["date_note"]
        assert (data["url"] or "") == source.url


def test_every_citation_passage_is_in_its_sources_seed_file(seeds):
    """A citation quotes exactly one of the passages listed for its source in seeds/."""
    passages = {key: {p["text"] for p in data["passages"]} for key, data in seed_files().items()}
    for citation in Citation.objects.select_related("source"):
        assert citation.passage in passages[citation.source.slug], citation.passage


def test_every_seed_file_passage_occurs_in_the_seed_document():
    """Every passage of seeds/*.yaml is verbatim text of the seed document, quotes included."""
    document = seed_document()
    if document is None:
        pytest.skip(f"The seed document {SEED_DOCUMENT_NAME} is not available on this machine.")
    for key, data in seed_files().items():
        ids = [p["id"] for p in data["passages"]]
        assert len(ids) == len(set(ids)), key
        for passage in data["passages"]:
            assert passage["text"] in document, (key, passage["id"])


def test_every_alias_is_a_spelling_the_seed_document_uses(seeds):
    """Aliases record spellings found in the articles, e.g. “Buzurgmkhar Yorov”."""
    document = seed_document()
    if document is None:
        pytest.skip(f"The seed document {SEED_DOCUMENT_NAME} is not available on this machine.")
    for alias in Alias.objects.all():
        assert alias.name in document, alias.name


# --- Tajikistan: the IRPT leadership ----------------------------------------------------


def test_hayit_and_hisainov_got_life_from_the_supreme_court_on_2_june_2016(seeds):
    """Mahmadali Hayit (alias Haitov) and Umarali Hisainov: life, Supreme Court, 2016-06-02."""
    for name in ("Mahmadali Hayit", "Umarali Hisainov"):
        trial = proceeding_of(name)
        assert trial.court.name == "Supreme Court of Tajikistan"
        assert iso(trial.verdict_date) == "2016-06-02"
        assert trial.life is True and trial.term_months is None
        assert trial.outcome == "convicted"
        assert {"terrorism", "extremism", "attempted coup", "murder",
                "overthrow of the constitutional order"} == charge_names(trial)
        assert person(name).status == "imprisoned"
    assert list(person("Mahmadali Hayit").aliases.values_list("name", flat=True)) == [
        "Mahmadali Haitov"]
    held = Detention.objects.get(person__name="Mahmadali Hayit")
    assert iso(held.start) == "2015-09" and held.end is None


def test_zarafo_rahmoni_was_pardoned_in_october_2016(seeds):
    """Zarafo Rahmoni, the only woman of the 13, sentenced 2016-06-02, was pardoned in 2016-10."""
    rahmoni = person("Zarafo Rahmoni")
    assert (rahmoni.sex, rahmoni.status) == ("female", "released")
    assert iso(rahmoni.events.get(kind="pardon").date) == "2016-10"
    trial = proceeding_of("Zarafo Rahmoni")
    assert iso(trial.verdict_date) == "2016-06-02"
    assert trial.term_months is None and trial.life is False  # her own term is not reported
    held = rahmoni.detentions.get()
    assert (iso(held.start), iso(held.end)) == ("2015-09", "2016-10")


def test_muhiddin_kabiri_fled_in_march_2015_and_leads_the_irpt(seeds):
    """Kabiri fled in March 2015 (three articles agree); his other spellings are aliases."""
    kabiri = person("Muhiddin Kabiri")
    assert kabiri.status == "in_exile"
    assert set(kabiri.aliases.values_list("name", flat=True)) == {
        "Mukhiddin Kabiri", "Kabiri Muhiddin"}
    exile = kabiri.events.get(kind="exile")
    assert iso(exile.date) == "2015-03"
    assert exile.verification == "corroborated" and len(sources_cited(exile)) == 3
    leader = kabiri.affiliations.get(organisation__abbreviation="IRPT")
    # oDR says he succeeded Nuri in 2000, Al Jazeera has Nuri presiding after 2000: the
    # conflict is in the summaries, and the affiliation carries no date.
    assert leader.role == "party leader" and leader.start is None
    assert "2000" in kabiri.summary


def test_kabiri_family_reprisals(seeds):
    """Tillo Kabirov (father) died 2016-10; Safar Kabirov was detained and tortured 2017-09-06."""
    tillo = person("Tillo Kabirov")
    assert iso(tillo.events.get(kind="death").date) == "2016-10"
    assert tillo.status == "deceased" and tillo.birth_year is None  # an age is not a birth year
    assert Relationship.objects.filter(person=tillo, kind="parent",
                                       relative__name="Muhiddin Kabiri").exists()
    safar = person("Safar Kabirov")
    assert {(e.kind, iso(e.date)) for e in safar.events.all()} == {
        ("detention", "2017-09-06"), ("torture", "2017-09-06"), ("threat", "2017-09-06")}
    assert all(e.perpetrator.name == "Tajik authorities" for e in safar.events.all())
    assert Relationship.objects.filter(person=safar, kind="parent",
                                       relative__name="Muhammadjon Kabirov").exists()
    assert Relationship.objects.filter(person__name="Muhammadjon Kabirov", kind="cousin",
                                       relative__name="Muhiddin Kabiri").exists()


def test_ilhomjon_yaqubov_interview_place_is_restricted(seeds):
    """Yaqubov: detained about 2015, mob at his mother's home 2016-09-22, interview town hidden."""
    yaqubov = person("Ilhomjon Yaqubov")
    assert iso(yaqubov.events.get(kind="detention").date) == "2015"
    mob = yaqubov.events.get(kind="harassment")
    assert iso(mob.date) == "2016-09-22" and "Khujand" in mob.place
    exile = yaqubov.events.get(kind="exile")
    assert exile.place_is_restricted and exile.public_place == ""
    assert "Sughd" in yaqubov.affiliations.get().role


def test_pseudonymous_exiles_keep_only_their_first_names(seeds):
    """Massud and Rostam spoke under first names: pseudonyms, no real name recorded."""
    for name in ("Massud", "Rostam"):
        exile = person(name)
        assert exile.is_pseudonym and exile.real_name == ""
        assert exile.status == "in_exile"
        assert iso(exile.events.get(kind="exile").date) == "2015"
    assert iso(person("Massud").affiliations.get().start) == "1999"


# --- Tajikistan: the lawyers ----------------------------------------------------------------


def test_buzurgmehr_yorov_23_years_on_6_october_2016(seeds):
    """Yorov: 23 years (276 months) on 2016-10-06 for fraud, overthrow calls and incitement."""
    yorov = person("Buzurgmehr Yorov")
    assert set(yorov.aliases.values_list("name", flat=True)) == {
        "Buzurgmekhr Yorov", "Buzurgmkhar Yorov"}
    trial = proceeding_of("Buzurgmehr Yorov")
    assert trial.term_months == 276 and trial.term_display == "23 years"
    assert iso(trial.verdict_date) == "2016-10-06"
    assert trial.court is None  # the articles never name his court
    assert {"fraud", "overthrow of the constitutional order",
            "incitement of national or religious hatred"} <= charge_names(trial)
    assert trial.verification == "corroborated"


def test_nuriddin_makhamov_21_years_and_lawyer_of_yorov(seeds):
    """Makhamov, who defended Yorov, got 21 years (252 months) in October 2016."""
    trial = proceeding_of("Nuriddin Makhamov")
    assert trial.term_months == 252 and iso(trial.verdict_date) == "2016-10"
    # oDR names "supporting extremist activity" as a charge in the two lawyers' cases
    # without saying whose: it is in both descriptions, attached to neither as a charge.
    assert "supporting extremist activity" not in charge_names(trial)
    assert "supporting extremist activity" in trial.description
    link = Relationship.objects.get(person__name="Nuriddin Makhamov")
    assert (link.kind, link.relative.name) == ("lawyer", "Buzurgmehr Yorov")
    assert link.seen_from(link.relative)[0] == "lawyer"


# --- Tajikistan: the family of Gulmurod Halimov ------------------------------------------------


def test_halimov_relatives_killed_on_5_july_2017(seeds):
    """Two brothers, a nephew and a relative of Halimov were killed on 2017-07-05 by the MVD."""
    killed = Event.objects.filter(kind="killing", date="2017-07-05")
    assert set(killed.values_list("person__name", flat=True)) == {
        "Sultonmurod Halimov", "Fozil Halimov", "Afzal Abdurashidov", "Naim Rahmonov"}
    assert {e.perpetrator.name for e in killed} == {"Ministry of Internal Affairs of Tajikistan"}
    kinds = dict(Relationship.objects.filter(relative__name="Gulmurod Halimov")
                 .values_list("person__name", "kind"))
    assert kinds["Sultonmurod Halimov"] == kinds["Fozil Halimov"] == "sibling"
    assert kinds["Afzal Abdurashidov"] == kinds["F. Halimov"] == "nephew_niece"
    assert kinds["Naim Rahmonov"] == "relative"
    assert kinds["Ali"] == kinds["Komil"] == kinds["Nazir"] == "sibling"


def test_gulmurod_halimov_is_context_not_a_victim(seeds):
    """Halimov (OMON commander turned ISIS commander) and his first wife are 'related'."""
    halimov = person("Gulmurod Halimov")
    assert halimov.involvement == "related"
    assert set(halimov.aliases.values_list("name", flat=True)) == {
        "Gulmorod Halimov", "Gulmorod Khalimov", "Halimov Gulmorod"}
    joined = halimov.affiliations.get(organisation__abbreviation="ISIS")
    assert iso(joined.start) == "2015"  # sources disagree on April, May or July 2015
    assert iso(halimov.affiliations.get(organisation__abbreviation="OMON").end) == "2015"
    assert person("Nazokat Murodova").involvement == "related"
    assert not halimov.events.exists()


def test_behrouz_gulmurod_10_years_from_dushanbe_city_court_june_2017(seeds):
    """Halimov's son Behrouz: 10 years (120 months), Dushanbe City Court, 2017-06, closed trial."""
    behrouz = person("Behrouz Gulmurod")
    assert list(behrouz.aliases.values_list("name", flat=True)) == ["Gulmurod Behrouz"]
    trial = proceeding_of("Behrouz Gulmurod")
    assert trial.court.name == "Dushanbe City Court"
    assert (trial.term_months, iso(trial.verdict_date), trial.closed_trial) == (
        120, "2017-06", True)
    assert Relationship.objects.filter(person=behrouz, kind="child",
                                       relative__name="Gulmurod Halimov").exists()
    wife = Relationship.objects.get(person__name="Nazokat Murodova", kind="spouse")
    assert (wife.relative.name, wife.note) == ("Gulmurod Halimov", "first wife")
    assert Relationship.objects.filter(person__name="Nazokat Murodova", kind="parent",
                                       relative=behrouz).exists()


def test_f_halimov_is_not_fozil_halimov(seeds):
    """Nephew F. Halimov (arrested 2017-07-04) and brother Fozil (killed 2017-07-05) differ."""
    nephew, brother = person("F. Halimov"), person("Fozil Halimov")
    assert nephew.pk != brother.pk
    assert iso(nephew.events.get(kind="arrest").date) == "2017-07-04"
    assert iso(nephew.detentions.get().start) == "2017-07-04"
    assert nephew.detentions.get().end is None
    assert iso(brother.events.get(kind="killing").date) == "2017-07-05"


# --- Kyrgyzstan ---------------------------------------------------------------------------------


def test_four_kyrgyz_opposition_politicians_20_years_on_17_april_2017(seeds):
    """Asanov, Kadyrov, Karybekov, Sarygulov: 20 years, Pervomaisky court of Bishkek, 2017-04-17."""
    for name in ("Bektur Asanov", "Kubanychbek Kadyrov", "Ernest Karybekov", "Dastan Sarygulov"):
        trial = proceeding_of(name)
        assert trial.court.name == "Pervomaisky District Court of Bishkek"
        assert trial.court.country == "KG"
        assert (trial.term_months, iso(trial.verdict_date)) == (240, "2017-04-17")
        assert trial.closed_trial
        assert charge_names(trial) == {"overthrow of the constitutional order",
                                       "seizure of power"}
        assert person(name).country == "KG"


def test_maksat_kunakunov_10_years_with_confiscation(seeds):
    """Kunakunov: 10 years and confiscation in January 2017, for a coup attempt and ISIS funding."""
    trial = proceeding_of("Maksat Kunakunov")
    assert (trial.term_months, iso(trial.verdict_date), trial.confiscation) == (
        120, "2017-01", True)
    assert charge_names(trial) == {"attempted coup", "financing of terrorism"}


def test_tekebayev_and_japarov_on_trial(seeds):
    """Tekebayev (Ata Meken leader) and Japarov were arrested in 2017; their trial was pending."""
    for name in ("Omurbek Tekebayev", "Sadyr Japarov"):
        assert proceeding_of(name).outcome == "pending"
        assert person(name).status == "detained"
    leader = person("Omurbek Tekebayev").affiliations.get()
    assert (leader.organisation.name, leader.role) == ("Ata Meken", "leader")


# --- Journalists, preachers and others ----------------------------------------------------------


def test_najot_editor_sentenced_to_16_years(seeds):
    """Khikmatullo Sayfullozoda, Najot's editor, was arrested 2015-09 and given 16 years."""
    trial = proceeding_of("Khikmatullo Sayfullozoda")
    assert trial.term_months == 192 and trial.verdict_date is None and trial.court is None
    assert iso(person("Khikmatullo Sayfullozoda").events.get(kind="arrest").date) == "2015-09"


def test_said_abdullo_nuri_and_umarali_kuvvatov(seeds):
    """Nuri (three spellings) led the IRPT; Kuvvatov was shot in Istanbul in 2015."""
    nuri = person("Said Abdullo Nuri")
    assert set(nuri.aliases.values_list("name", flat=True)) == {
        "Abdullo Nuri", "Said Abdullah Nuri"}
    assert nuri.affiliations.get().role == "party leader"
    assert nuri.status == "deceased"
    killing = person("Umarali Kuvvatov").events.get(kind="killing")
    assert (iso(killing.date), killing.place, killing.country) == ("2015", "Istanbul", "TR")


def test_irpt_organisation_lists_the_other_names(seeds):
    """The IRPT is recorded once, with the names the articles also use for it."""
    irpt = Organisation.objects.get(abbreviation="IRPT")
    assert irpt.kind == "party" and irpt.country == "TJ"
    assert {"Islamic Revival Party of Tajikistan",
            "Islamic Revolutionary Party of Tajikistan"} <= set(irpt.other_names.splitlines())
    members = defaultdict(list)
    for role, name in irpt.affiliations.values_list("role", "person__name"):
        members[name].append(role)
    assert members["Mahmudjon Faizrahmonov"] == ["spokesman"]
    assert members["Mahmadali Hayit"] == ["deputy chairman"]
