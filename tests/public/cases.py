"""Fictional cases for the public-site tests: a family, its sources, and secrets that must stay in.

The people are invented (no real person's record is made up for a test); the shapes follow
the seed cases: an imprisoned activist with a Cyrillic alias, his father, brother, son and
lawyer, dated facts at every precision, and a second country with a life sentence.
"""

from types import SimpleNamespace

from casetracker.cases.models import Alias, Event, Person, Proceeding, PublicationState
from tests.factories import (
    AffiliationFactory,
    AliasFactory,
    ChargeFactory,
    CitationFactory,
    CourtFactory,
    DetentionFactory,
    EventFactory,
    OrganisationFactory,
    PersonFactory,
    ProceedingChargeFactory,
    ProceedingFactory,
    RelationshipFactory,
    SourceFactory,
)

DRAFT = PublicationState.DRAFT


def cite(source, fact, passage):
    """A citation of ``fact`` (an event, proceeding, detention, affiliation or relationship)."""
    facts = {"event": None, type(fact).__name__.lower(): fact}
    return CitationFactory(source=source, passage=passage, **facts)


def build_family() -> SimpleNamespace:
    """The Nazarov family of Tajikistan and an unrelated Kyrgyz case, all published and cited."""
    party = OrganisationFactory(name="Union for Democratic Renewal", abbreviation="UDR",
                                slug="udr", description="An opposition party, banned in 2015.")
    media = OrganisationFactory(name="Free Steppe Press", slug="free-steppe-press",
                                kind="media", country="KG")
    court = CourtFactory(name="Dushanbe City Court", slug="dushanbe-city-court")
    news = SourceFactory(slug="example-news-2016", publisher="Example News",
                         title="Opposition deputy sentenced to 23 years", published="2016-06-03",
                         author="A. Reporter", language="en")
    monitor = SourceFactory(slug="monitor-2017", publisher="Steppe Monitor",
                            title="Родственники оппозиционера задержаны", published="2017-10",
                            author="", language="ru")

    rustam = PersonFactory(name="Rustam Nazarov", sex=Person.Sex.MALE,
                           status=Person.Status.IMPRISONED, country="TJ",
                           occupation="UDR deputy chairman", birth_year=1971,
                           summary="Deputy chairman of the UDR, sentenced to 23 years in 2016.")
    AliasFactory(person=rustam, name="Рустам Назаров", script=Alias.Script.CYRILLIC,
                 language="ru")
    AliasFactory(person=rustam, name="Rustam Nazarov-Saidalievich")
    membership = AffiliationFactory(person=rustam, organisation=party, role="deputy chairman",
                                    start="2010")
    cite(news, membership, "Nazarov, the party's deputy chairman since 2010, ...")

    arrest = EventFactory(person=rustam, kind=Event.Kind.ARREST, date="2015-09",
                          place="Dushanbe", description="Arrested with the party leadership.")
    cite(news, arrest, "He was arrested in September 2015.")
    cite(monitor, arrest, "Назаров был задержан в сентябре 2015 года.")
    torture = EventFactory(person=rustam, kind=Event.Kind.TORTURE, date="2015",
                           place="", description="Beaten in pre-trial detention.")
    cite(monitor, torture, "Его избивали в СИЗО.")
    threat = EventFactory(person=rustam, kind=Event.Kind.THREAT, date="2016-10-06",
                          place="Vahdat", description="His family was threatened.")
    cite(monitor, threat, "On 6 October 2016 officers threatened the family.")
    trial = ProceedingFactory(person=rustam, court=court, verdict_date="2016-06-02",
                              term_months=276, appeal=Proceeding.Appeal.UPHELD)
    for name, article in (("extremism", "Art. 307"), ("terrorism", "Art. 179")):
        ProceedingChargeFactory(proceeding=trial, charge=ChargeFactory(name=name),
                                code_article=article)
    cite(news, trial, "The court sentenced him to 23 years.")
    held = DetentionFactory(person=rustam, start="2015-09-16", end=None,
                            place="Prison colony No. 3, Khujand")
    cite(news, held, "He is held in Khujand.")

    father = PersonFactory(name="Saidali Nazarov", sex=Person.Sex.MALE,
                           status=Person.Status.DECEASED,
                           involvement=Person.Involvement.RELATED, summary="Rustam's father.")
    brother = PersonFactory(name="Farrukh Nazarov", sex=Person.Sex.MALE,
                            status=Person.Status.DETAINED, summary="Detained in 2017.")
    son = PersonFactory(name="Umed Nazarov", sex=Person.Sex.MALE,
                        status=Person.Status.IN_EXILE, summary="Fled abroad.")
    lawyer = PersonFactory(name="Zarina Karimova", sex=Person.Sex.FEMALE,
                           status=Person.Status.IMPRISONED, summary="Defence lawyer.")
    brother_arrest = EventFactory(person=brother, kind=Event.Kind.ARREST, date="2017-10",
                                  place="Kulob")
    cite(monitor, brother_arrest, "Фаррух Назаров задержан в октябре 2017 года.")
    relationships = [
        RelationshipFactory(person=father, kind="parent", relative=rustam),
        RelationshipFactory(person=brother, kind="sibling", relative=rustam),
        RelationshipFactory(person=rustam, kind="parent", relative=son),
        RelationshipFactory(person=lawyer, kind="lawyer", relative=rustam),
    ]
    for relationship in relationships:
        cite(monitor, relationship, "Relatives of Nazarov have been targeted.")

    bakyt = PersonFactory(name="Bakyt Ismailov", sex=Person.Sex.MALE, country="KG",
                          status=Person.Status.IMPRISONED, summary="A journalist given life.")
    AffiliationFactory(person=bakyt, organisation=media, role="editor", start="2012")
    bakyt_arrest = EventFactory(person=bakyt, kind=Event.Kind.ARREST, date="2017-03-01",
                                place="Bishkek", country="KG")
    cite(news, bakyt_arrest, "Ismailov was arrested on 1 March 2017.")
    life = ProceedingFactory(person=bakyt, court=None, verdict_date="2017-11", term_months=None,
                             life=True)
    ProceedingChargeFactory(proceeding=life, charge=ChargeFactory(name="high treason"))
    cite(news, life, "Ismailov was sentenced to life.")

    return SimpleNamespace(**locals())


MARKERS = {
    "restricted alias": "Zzrestrictedalias",
    "real name": "Zzrealname",
    "restricted event place": "Zzsecretplace",
    "restricted detention place": "Zzsecretcell",
    "unpublished event": "Zzdraftevent",
    "restricted event": "Zzrestrictedevent",
    "restricted source": "Zzrestrictedsource",
    "restricted source passage": "Zzrestrictedpassage",
    "unpublished source": "Zzdraftsource",
    "source notes": "Zzsourcenotes",
    "draft person": "Zzdraftperson",
    "withdrawn person": "Zzwithdrawnperson",
    "restricted person": "Zzrestrictedperson",
    "merged person": "Zzmergedperson",
    "unpublished charge": "zzsecretcharge",
    "unpublished affiliation role": "Zzsecretrole",
    "organisation known only from a draft": "Zzhiddenorg",
    "restricted relationship note": "Zzrelationshipnote",
    "unpublished proceeding fine": "Zzsecretfine",
}


def build_secrets(family: SimpleNamespace) -> SimpleNamespace:
    """Unpublished and restricted records around the family, each carrying a unique marker.

    Several would change the figures if they leaked: the draft person's 999-month sentence,
    the unpublished killing, the draft organisation member.
    """
    m = MARKERS
    rustam, news = family.rustam, family.news
    AliasFactory(person=rustam, name=m["restricted alias"], is_restricted=True)
    pseudonym = PersonFactory(name="Pen Name Blogger", is_pseudonym=True,
                              real_name=m["real name"], status=Person.Status.IN_EXILE)
    EventFactory(person=pseudonym, kind=Event.Kind.THREAT, date="2018")

    secret_place = EventFactory(person=rustam, kind=Event.Kind.ILL_TREATMENT, date="2016-02",
                                place=m["restricted event place"], place_is_restricted=True)
    cite(news, secret_place, "He was beaten in a place we cannot name.")
    DetentionFactory(person=family.brother, start="2017-10", place=m["restricted detention place"],
                     place_is_restricted=True)

    draft_killing = EventFactory(person=rustam, kind=Event.Kind.KILLING, date="2019",
                                 description=m["unpublished event"], publication_state=DRAFT)
    cite(news, draft_killing, "A draft passage.")
    restricted = EventFactory(person=rustam, kind=Event.Kind.ABDUCTION, date="2014",
                              description=m["restricted event"], is_restricted=True)
    cite(news, restricted, "A passage about a restricted event.")

    hidden_source = SourceFactory(slug="zz-restricted", title=m["restricted source"],
                                  publisher=m["restricted source"], is_restricted=True)
    cite(hidden_source, family.arrest, m["restricted source passage"])
    draft_source = SourceFactory(slug="zz-draft", title=m["unpublished source"],
                                 publication_state=DRAFT)
    cite(draft_source, family.trial, "A passage from a draft source.")
    news.notes = m["source notes"]
    news.save()

    draft_person = PersonFactory(name=m["draft person"], publication_state=DRAFT,
                                 status=Person.Status.IMPRISONED, country="UZ")
    ProceedingFactory(person=draft_person, term_months=999, verdict_date="2013")
    AffiliationFactory(person=draft_person, organisation=family.party)
    RelationshipFactory(person=draft_person, kind="sibling", relative=rustam)
    EventFactory(person=draft_person, kind=Event.Kind.KILLING, date="2012")
    for name, extra in (("withdrawn person", {"publication_state": PublicationState.WITHDRAWN}),
                        ("restricted person", {"is_restricted": True}),
                        # As person_merge leaves a duplicate that was public: withdrawn.
                        ("merged person", {"merged_into": rustam,
                                           "publication_state": PublicationState.WITHDRAWN})):
        person = PersonFactory(name=m[name], status=Person.Status.DISAPPEARED, **extra)
        EventFactory(person=person, kind=Event.Kind.DISAPPEARANCE, date="2011")

    secret_trial = ProceedingFactory(person=rustam, verdict_date="2018", term_months=120,
                                     fine=m["unpublished proceeding fine"], is_restricted=True)
    ProceedingChargeFactory(proceeding=secret_trial, charge=ChargeFactory(
        name=m["unpublished charge"]))
    hidden_org = OrganisationFactory(name=m["organisation known only from a draft"],
                                     slug="zz-hidden-org")
    AffiliationFactory(person=rustam, organisation=hidden_org,
                       role=m["unpublished affiliation role"], publication_state=DRAFT)
    RelationshipFactory(person=rustam, kind="cousin", relative=family.lawyer,
                        note=m["restricted relationship note"], is_restricted=True)
    return SimpleNamespace(**locals())
