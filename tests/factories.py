"""factory-boy factories for every model; published and public unless a test says otherwise."""

import factory
from django.contrib.auth import get_user_model

from casetracker.cases import models
from casetracker.cases.models import PublicationState


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    password = factory.django.Password("correct horse battery staple")


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    slug = factory.Sequence(lambda n: f"organisation-{n}")
    kind = models.Organisation.Kind.PARTY
    country = "TJ"


class CourtFactory(OrganisationFactory):
    name = factory.Sequence(lambda n: f"District Court {n}")
    slug = factory.Sequence(lambda n: f"district-court-{n}")
    kind = models.Organisation.Kind.COURT


class ChargeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Charge
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"charge {n}")
    slug = factory.LazyAttribute(lambda charge: charge.name.replace(" ", "-"))


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Source

    slug = factory.Sequence(lambda n: f"source-{n}")
    title = factory.Sequence(lambda n: f"Report number {n}")
    publisher = "Example News"
    author = "A. Reporter"
    published = "2017-03-12"
    url = factory.Sequence(lambda n: f"https://news.example.org/{n}")
    publication_state = PublicationState.PUBLISHED


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Person

    name = factory.Sequence(lambda n: f"Person Number{n}ov")
    country = "TJ"
    sex = models.Person.Sex.MALE
    status = models.Person.Status.IMPRISONED
    summary = "An opposition activist sentenced after an unfair trial."
    publication_state = PublicationState.PUBLISHED


class AliasFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Alias

    person = factory.SubFactory(PersonFactory)
    name = factory.Sequence(lambda n: f"Alias {n}")


class AffiliationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Affiliation

    person = factory.SubFactory(PersonFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = "member"
    start = "2010"
    publication_state = PublicationState.PUBLISHED


class RelationshipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Relationship

    person = factory.SubFactory(PersonFactory)
    kind = models.RelationshipKind.PARENT
    relative = factory.SubFactory(PersonFactory)
    publication_state = PublicationState.PUBLISHED


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Event

    person = factory.SubFactory(PersonFactory)
    kind = models.Event.Kind.ARREST
    date = "2015-09"
    place = "Dushanbe"
    country = "TJ"
    description = "Arrested with other party leaders."
    publication_state = PublicationState.PUBLISHED


class ProceedingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Proceeding

    person = factory.SubFactory(PersonFactory)
    court = factory.SubFactory(CourtFactory)
    verdict_date = "2016-06-02"
    term_months = 276
    publication_state = PublicationState.PUBLISHED


class ProceedingChargeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.ProceedingCharge

    proceeding = factory.SubFactory(ProceedingFactory)
    charge = factory.SubFactory(ChargeFactory)


class DetentionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Detention

    person = factory.SubFactory(PersonFactory)
    start = "2015-09"
    place = "Dushanbe pre-trial detention centre"
    publication_state = PublicationState.PUBLISHED


class CitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Citation

    source = factory.SubFactory(SourceFactory)
    passage = "He was arrested in September 2015."
    event = factory.SubFactory(EventFactory)


def cited_person(**kwargs):
    """A published person with an arrest, a sentence with two charges and a detention, all cited."""
    person = PersonFactory(**kwargs)
    source = SourceFactory()
    event = EventFactory(person=person)
    proceeding = ProceedingFactory(person=person)
    for name in ("terrorism", "extremism"):
        ProceedingChargeFactory(proceeding=proceeding, charge=ChargeFactory(name=name))
    detention = DetentionFactory(person=person)
    CitationFactory(source=source, event=event)
    CitationFactory(source=source, event=None, proceeding=proceeding)
    CitationFactory(source=source, event=None, detention=detention)
    return person
