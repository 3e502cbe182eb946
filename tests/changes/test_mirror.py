"""A partner's mirror: replaying /api/v1/changes/ after each step of a working day leaves
it equal to the public API; updated_since lists exactly the people whose public record
changed; and a change nobody outside can see moves nothing.

Each step is a kind of change staff or partners make, by the door they use: the admin's
forms and actions, the API, the services, a plain save() or delete() as in manage.py shell.
"""

import datetime
import json

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from casetracker.api.models import ApiToken
from casetracker.cases.models import Alias, Citation, Person, PublicationState, Source
from casetracker.cases.services import person_merge
from casetracker.changes.log import version
from tests.factories import (
    AffiliationFactory,
    AliasFactory,
    CitationFactory,
    DetentionFactory,
    EventFactory,
    PersonFactory,
    ProceedingChargeFactory,
    ProceedingFactory,
    RelationshipFactory,
    SourceFactory,
    UserFactory,
    cited_person,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def unthrottled(settings):
    """A mirror reads the whole API after every step: past the anonymous rate."""
    rates = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK,
                               "DEFAULT_THROTTLE_RATES": dict.fromkeys(rates, "100000/min")}


PUBLISHED, DRAFT, WITHDRAWN = (PublicationState.PUBLISHED, PublicationState.DRAFT,
                               PublicationState.WITHDRAWN)


class Mirror:
    """What a partner keeps: every public person and source, synced from the feed only."""

    def __init__(self, api):
        self.api, self.after, self.records = api, 0, {"person": {}, "source": {}}
        self.paths = {"person": "/api/v1/people/{}/", "source": "/api/v1/sources/{}/"}

    def sync(self) -> list[dict]:
        rows, url = [], "/api/v1/changes/"
        params = {"after": self.after}
        while url:
            page = self.api.get(url, params).json()
            rows += page["results"]
            for row in page["results"]:
                copies = self.records[row["type"]]
                if row["action"] == "changed":
                    copies[row["id"]] = self.api.get(
                        self.paths[row["type"]].format(row["id"])).json()
                else:
                    copies.pop(row["id"], None)
                self.after = row["cursor"]
            url, params = page["next"], None
        return rows


def public_data(api) -> dict:
    """Every public person's record and every public source, read from the API."""
    people = api.get("/api/v1/people/", {"page_size": 200}).json()["results"]
    sources = api.get("/api/v1/sources/", {"page_size": 200}).json()["results"]
    return {"person": {row["id"]: api.get(f"/api/v1/people/{row['id']}/").json()
                       for row in people},
            "source": {row["id"]: api.get(f"/api/v1/sources/{row['id']}/").json()
                       for row in sources}}


def comparable(records: dict) -> str:
    return json.dumps(records, sort_keys=True, default=str)


@pytest.fixture
def day(client, superuser, reviewer, editor):
    """The steps of the day, each a function doing one kind of change; ``hidden`` ones
    change nothing the public sees."""
    family = cited_person(name="Rustam Nazarov")
    brother = PersonFactory(name="Farrukh Nazarov")
    RelationshipFactory(person=brother, kind="sibling", relative=family)
    partner = UserFactory(username="partner-org")
    _token, key = ApiToken.issue(user=partner, name="sync", can_write=True)
    writer = APIClient()
    writer.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    admin = client
    admin.force_login(superuser)
    event = family.events.get()
    secret = EventFactory(person=family, kind="ill_treatment", place="A secret place",
                          place_is_restricted=True)
    state = {}

    def move_secret():
        secret.place = "Another secret place"
        secret.save()

    def action(name, person):
        admin.post(reverse("admin:cases_person_changelist"),
                   {"action": name, "_selected_action": [person.pk]})

    def admin_form_summary():
        url = reverse("admin:cases_person_change", args=[family.pk])
        from tests.browserform import submitted

        data = submitted(admin.get(url).content.decode())
        admin.post(url, {**data, "summary": ["Edited in the admin form."]})

    def partner_submits_and_staff_publish():
        state["partner"] = writer.post("/api/v1/people/", {
            "name": "Izzat Amon", "country": "TJ"}, format="json").json()["id"]
        action("publish", Person.objects.get(pk=state["partner"]))

    def duplicate():
        state["merged"] = PersonFactory(name="Rustam Nazarov-Duplicate").pk
        EventFactory(person_id=state["merged"], kind="threat", date="2019")

    def merge():
        person_merge(keep=family, duplicate=Person.objects.get(pk=state["merged"]),
                     user=reviewer)

    public_steps = [
        ("a person published", lambda: PersonFactory(name="Umed Nazarov")),
        ("an alias added", lambda: AliasFactory(person=family, name="Рустам Назаров")),
        ("an alias removed", lambda: Alias.objects.get(name="Рустам Назаров").delete()),
        ("an event added", lambda: EventFactory(person=family, kind="torture", date="2016")),
        ("an event deleted", lambda: family.events.get(kind="torture").delete()),
        ("a proceeding's charge added", lambda: ProceedingChargeFactory(
            proceeding=family.proceedings.get())),
        ("a detention added", lambda: DetentionFactory(person=family, start="2017")),
        ("an affiliation added", lambda: AffiliationFactory(person=family)),
        ("a cited passage edited", lambda: Citation.objects.filter(event=event).update(
            passage="x") and None or _save_passage(event)),
        ("a source retitled", lambda: _retitle(event)),
        ("the admin form", admin_form_summary),
        ("withdrawn with the admin's action", lambda: action("withdraw", family)),
        ("published again with the admin's action", lambda: action("publish", family)),
        ("restricted", lambda: _restrict(brother)),
        ("a partner's draft published", partner_submits_and_staff_publish),
        ("a duplicate recorded", duplicate),
        ("a merge", merge),
        ("a relative deleted", lambda: Person.objects.get(name="Umed Nazarov").delete()),
        ("a new source cited", lambda: CitationFactory(
            event=event, source=SourceFactory(title="Another report"))),
        ("a proceeding published later", lambda: _publish_later(family)),
    ]
    hidden_steps = [
        ("a draft event added", lambda: EventFactory(person=family, publication_state=DRAFT)),
        ("a restricted alias added", lambda: AliasFactory(person=family, is_restricted=True)),
        ("a draft person", lambda: PersonFactory(publication_state=DRAFT)),
        ("a restricted place edited", move_secret),
        ("a source's staff notes", lambda: _note(event)),
        ("a draft source", lambda: SourceFactory(publication_state=DRAFT)),
    ]
    return public_steps, hidden_steps, state


def _save_passage(event):
    citation = Citation.objects.filter(event=event).first()
    citation.passage = "He was arrested, a source says."
    citation.save()


def _retitle(event):
    source = event.citations.first().source
    source.title = "A corrected title"
    source.save()


def _restrict(person):
    person.is_restricted = True
    person.save()


def _note(event):
    source = event.citations.first().source
    source.notes = "Staff only: how the date was found."
    source.save()


def _publish_later(person):
    proceeding = ProceedingFactory(person=person, publication_state=DRAFT)
    proceeding.publication_state = PUBLISHED
    proceeding.save()


def test_a_mirror_replaying_the_feed_equals_the_public_api_after_every_step(day):
    public_steps, hidden_steps, _state = day
    api = APIClient()
    mirror = Mirror(api)
    mirror.sync()
    assert comparable(mirror.records) == comparable(public_data(api))
    for name, step in public_steps:
        before = public_data(api)
        since = timezone.now() - datetime.timedelta(microseconds=1)
        step()
        rows = mirror.sync()
        after = public_data(api)
        assert comparable(mirror.records) == comparable(after), name
        assert rows, f"{name}: nothing logged"
        changed = {pk for pk in before["person"].keys() | after["person"].keys()
                   if before["person"].get(pk) != after["person"].get(pk)}
        listed = {row["id"] for row in api.get("/api/v1/people/", {
            "updated_since": since.isoformat(), "page_size": 200}).json()["results"]}
        # updated_since lists exactly the public people whose record changed (those who
        # left the public record are in the feed, as removed or merged).
        assert listed == changed & after["person"].keys(), name
    for name, step in hidden_steps:
        before_version = version()
        list_etag = api.get("/api/v1/people/")["ETag"]
        step()
        assert mirror.sync() == [], name
        assert version() == before_version, name
        assert api.get("/api/v1/people/", HTTP_IF_NONE_MATCH=list_etag).status_code == 304, name


def test_removals_and_merges_are_tombstones(day):
    public_steps, _hidden, state = day
    api = APIClient()
    for _name, step in public_steps:
        step()
        version()  # the worker catches up after each commit
    rows = api.get("/api/v1/changes/", {"type": "person"}).json()["results"]
    merged = [row for row in rows if row["id"] == state["merged"]]
    assert merged[-1]["action"] == "merged" and merged[-1]["into"] is not None
    deleted = Person.objects.filter(name="Umed Nazarov").exists()
    assert not deleted
    assert any(row["action"] == "removed" for row in rows)


def test_the_feed_pages_and_resumes_from_any_cursor(client):
    for index in range(7):
        PersonFactory(name=f"Person {index}")
    api = APIClient()
    first = api.get("/api/v1/changes/", {"page_size": 3}).json()
    assert [row["cursor"] for row in first["results"]] == [1, 2, 3]
    second = api.get(first["next"]).json()
    assert [row["cursor"] for row in second["results"]] == [4, 5, 6]
    resumed = api.get("/api/v1/changes/", {"after": 5}).json()
    assert [row["cursor"] for row in resumed["results"]] == [6, 7]
    assert resumed["next"] is None and resumed["cursor"] == 7
    assert api.get("/api/v1/changes/", {"after": "x"}).status_code == 400
    since = api.get("/api/v1/changes/", {"since": "2999-01-01T00:00:00Z"}).json()
    assert since["results"] == []


def test_a_source_is_logged_as_a_source(client):
    source = SourceFactory(title="Report")
    api = APIClient()
    assert api.get("/api/v1/changes/", {"type": "source"}).json()["results"][-1]["id"] == \
        source.pk
    source.publication_state = WITHDRAWN
    source.save()
    last = api.get("/api/v1/changes/", {"type": "source"}).json()["results"][-1]
    assert (last["id"], last["action"]) == (source.pk, "removed")
    assert not Source.objects.published().exists()


def test_the_atom_feed_gives_each_entry_its_own_time(client):
    first = PersonFactory(name="First")
    second = PersonFactory(name="Second")
    first.summary = "Changed later."
    first.save()
    feed = client.get("/cases.atom").content.decode()
    import re

    updated = re.findall(r"<entry>.*?<updated>([^<]+)</updated>", feed, re.S)
    assert len(updated) == 2 and len(set(updated)) == 2
    assert feed.index("First") < feed.index("Second")  # the latest change first
    assert second.pk
