"""Fixtures for schema fuzzing: the seed cases, a partner's token and its own submissions.

The data is loaded once per module inside a transaction that is rolled back at the end, so
thousands of generated requests read real rows without reloading the seeds per operation;
each test (one per operation) runs in a savepoint of its own, as pytest-django's ``db``
fixture gives it.
"""

from dataclasses import dataclass, field

import pytest
from django.core import signals
from django.core.cache import cache
from django.core.management import call_command
from django.db import close_old_connections, transaction

from casetracker.api import services
from casetracker.api.models import ApiToken
from casetracker.cases.models import Charge, Event, Organisation, Person, Source
from tests.factories import UserFactory


@dataclass
class Records:
    """Ids and slugs that exist, for the generated requests to point at."""

    key: str = ""
    partner_id: int = 0
    published: dict[str, list[int]] = field(default_factory=dict)
    #: What the partner submitted: the records its token may update.
    own: dict[str, list[int]] = field(default_factory=dict)
    organisations: list[str] = field(default_factory=list)
    courts: list[str] = field(default_factory=list)
    charges: list[str] = field(default_factory=list)


def _submissions(partner) -> dict[str, list[int]]:
    """A draft of each writable kind, submitted through the API's services as the partner."""
    person = services.submit_person(user=partner, name="Fuzz Partner Draft", country="TJ",
                                    aliases=["Фазз"])
    published_person = Person.objects.published().first()
    source = services.submit_source(user=partner, title="A partner's report",
                                    publisher="Partner NGO")
    event = services.submit_event(user=partner, person=published_person, kind="arrest",
                                  date=None, citations=[{"source": source, "passage": "Held."}])
    proceeding = services.submit_proceeding(user=partner, person=person, outcome="pending",
                                            charges=list(Charge.objects.all()[:2]))
    return {"people": [person.pk], "sources": [source.pk], "events": [event.pk],
            "proceedings": [proceeding.pk]}


@pytest.fixture(scope="module")
def records(django_db_setup, django_db_blocker):
    """The seed cases plus a partner's drafts, for the whole module; rolled back after."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("loadseeds", verbosity=0)
        partner = UserFactory(username="fuzz-partner")
        _token, key = ApiToken.issue(user=partner, name="Fuzzing", can_write=True)
        found = Records(
            key=key,
            partner_id=partner.pk,
            published={
                "people": list(Person.objects.published().values_list("pk", flat=True)),
                "events": list(Event.objects.published().values_list("pk", flat=True)),
                "sources": list(Source.objects.published().values_list("pk", flat=True)),
                "organisations": list(Organisation.objects.values_list("pk", flat=True)),
                "charges": list(Charge.objects.values_list("pk", flat=True)),
            },
            own=_submissions(partner),
            organisations=list(Organisation.objects.values_list("slug", flat=True)),
            courts=list(Organisation.objects.filter(kind=Organisation.Kind.COURT)
                        .values_list("slug", flat=True)),
            charges=list(Charge.objects.values_list("slug", flat=True)),
        )
        assert all(found.published.values()), "the seed cases did not load"
        yield found
        transaction.set_rollback(True)


@pytest.fixture
def no_throttling(settings):
    """Thousands of requests a minute from one client: the rate limits are not under test."""
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": None, "token": None},
    }
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def in_process_requests():
    """Requests go through the real WSGI application in the test's own transaction.

    Django closes "old" connections at the start and end of each request; inside a test
    transaction that would close the connection the test runs on. Django's test client
    disconnects the same handler, for the same reason.
    """
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)
