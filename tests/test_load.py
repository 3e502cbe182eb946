"""Load: concurrent reads and partner writes against gunicorn, with nothing lost.

The app runs under gunicorn (2 sync workers, DEBUG off, rate limits off) on a throwaway
database of the suite's engine: a fresh SQLite file, or a fresh PostgreSQL database created
beside the test database and dropped afterwards. Threads send a bounded mix of requests over
loopback for at most ``DEADLINE`` seconds: public reads (people list, a record, a search, the
CSV exports, the site's case list) and a partner's writes (people and events created as
drafts, and updates racing on one draft).

Asserted: no 5xx and no connection error; every acknowledged write is there afterwards with
the values written, and its history entry names the partner's account; updates racing on one
record each change only what they were sent (none writes back a value it read before another
update was saved).
"""

import json
import os
import random
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent
REQUESTS = 600
THREADS = 12
DEADLINE = 30  # seconds for the whole mix
PARTNER = "load-partner"
UNLIMITED = "1000000/second"

pytestmark = pytest.mark.skipif(
    subprocess.run([sys.executable, "-c", "import gunicorn"], check=False).returncode != 0,
    reason="gunicorn is not installed (pip install -e .)",
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def database_url(tmp_path):
    """A database nobody else uses, of the engine the suite runs on."""
    if connection.vendor != "postgresql":
        yield f"sqlite:///{tmp_path / 'load.sqlite3'}"
        return
    import psycopg

    params = connection.settings_dict
    name = f"{params['NAME']}_load_{os.getpid()}"
    server = {"host": params["HOST"] or "127.0.0.1", "port": params["PORT"] or 5432,
              "user": params["USER"], "password": params["PASSWORD"] or None}
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    password = f":{server['password']}" if server["password"] else ""
    yield (f"postgres://{server['user']}{password}@{server['host']}:{server['port']}/{name}")
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def manage(env, *args, stdin=None) -> str:
    done = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env,
                          input=stdin, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


SETUP = f"""
from casetracker.api import services
from casetracker.api.models import ApiToken
from casetracker.cases.models import Person
from tests.factories import UserFactory
import json
partner = UserFactory(username="{PARTNER}")
_token, key = ApiToken.issue(user=partner, name="Load test", can_write=True)
draft = services.submit_person(user=partner, name="Raced Draft", country="TJ")
people = list(Person.objects.published().values_list("pk", flat=True))
print(json.dumps({{"key": key, "draft": draft.pk, "people": people}}))
"""

CHECK = f"""
import json, sys
from casetracker.cases.models import Event, Person
wanted = json.load(sys.stdin)
def created_by_partner(model, pk):
    return model.history.filter(id=pk, history_type="+",
                                history_user__username="{PARTNER}").exists()
people = {{str(p.pk): {{"name": p.name, "country": p.country.code, "state": p.publication_state,
                        "by_partner": created_by_partner(Person, p.pk)}}
          for p in Person.objects.filter(pk__in=wanted["people"])}}
events = {{str(e.pk): {{"person": e.person_id, "kind": e.kind, "date": e.date.isoformat(),
                        "state": e.publication_state,
                        "by_partner": created_by_partner(Event, e.pk)}}
          for e in Event.objects.filter(pk__in=wanted["events"])}}
updates = [[h.occupation, h.summary] for h in Person.history.filter(id=wanted["draft"])
           .order_by("history_date", "history_id")]
final = Person.objects.filter(pk=wanted["draft"]).values_list("occupation", "summary").get()
print(json.dumps({{"people": people, "events": events, "updates": updates, "final": final}}))
"""


@pytest.fixture
def server(database_url, tmp_path):
    env = {**os.environ, "CASETRACKER_ENV": "development", "DEBUG": "0",
           "DATABASE_URL": database_url, "AXES_ENABLED": "0", "LOG_LEVEL": "WARNING",
           "API_THROTTLE_ANON": UNLIMITED, "API_THROTTLE_TOKEN": UNLIMITED,
           "SITE_THROTTLE": UNLIMITED, "SITE_THROTTLE_EXPORT": UNLIMITED}
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "loadseeds", "-v0")
    setup = json.loads(manage(env, "shell", "-c", SETUP).strip().splitlines()[-1])
    port = free_port()
    log = open(tmp_path / "gunicorn.log", "w")  # noqa: SIM115 (closed below)
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "casetracker.wsgi:application",
         "--bind", f"127.0.0.1:{port}", "--workers", "2", "--timeout", "60"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(150):
        try:
            urllib.request.urlopen(base + "/api/v1/", timeout=5).read()
            break
        except OSError:
            time.sleep(0.2)
    yield {"base": base, "env": env, "log": tmp_path / "gunicorn.log", **setup}
    process.terminate()
    process.wait(timeout=30)
    log.close()


def call(base, method, path, *, key=None, body=None):
    """``(status, parsed JSON or None)``; a status of 0 is a connection error."""
    headers = {}
    data = None
    if key:
        headers["Authorization"] = f"Token {key}"
    if body is not None:
        headers["Content-Type"] = "application/json"
        data = json.dumps(body).encode()
    request = urllib.request.Request(base + path, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            content, status = response.read(), response.status
            kind = response.headers.get("Content-Type", "")
    except urllib.error.HTTPError as error:
        return error.code, error.read()[:300]
    except OSError as error:
        return 0, repr(error)
    return status, json.loads(content) if kind.startswith("application/json") else None


def plan(server) -> list[tuple]:
    """REQUESTS requests: four reads to one write, in a fixed shuffled order."""
    people = server["people"]
    reads = ["/api/v1/people/", "/api/v1/people/?search=Yorov", "/api/v1/people/?format=csv",
             "/api/v1/events/?ordering=-date", "/cases/", "/cases/?q=Yorov", "/cases.csv",
             "/api/v1/sources/"]
    steps = []
    for number in range(REQUESTS):
        kind = number % 5
        if kind == 0:
            steps.append(("POST", "/api/v1/people/", {
                "name": f"Load Person{number:04d}ov", "country": "KG" if number % 2 else "TJ",
                "aliases": [f"Лоад {number}"]}))
        elif kind == 1 and number % 3 == 0:
            steps.append(("POST", "/api/v1/events/", {
                "person": people[number % len(people)], "kind": "harassment",
                "date": f"20{10 + number % 10}-{1 + number % 12:02d}"}))
        elif kind == 1:
            field = "occupation" if number % 2 else "summary"
            steps.append(("PATCH", f"/api/v1/people/{server['draft']}/",
                          {field: f"{field} {number:04d}"}))
        elif kind == 2:
            steps.append(("GET", f"/api/v1/people/{people[number % len(people)]}/", None))
        else:
            steps.append(("GET", reads[number % len(reads)], None))
    random.Random(2016).shuffle(steps)
    return steps


def test_concurrent_reads_and_writes_lose_nothing(server):
    steps = plan(server)
    deadline = time.monotonic() + DEADLINE

    def send(step):
        method, path, body = step
        if time.monotonic() > deadline:
            return step, None, None
        key = server["key"] if method != "GET" else None
        status, data = call(server["base"], method, path, key=key, body=body)
        return step, status, data

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        results = list(pool.map(send, steps))
    elapsed = time.monotonic() - started
    done = [(step, status, data) for step, status, data in results if status is not None]
    statuses = Counter(status for _step, status, _data in done)
    log_tail = server["log"].read_text()[-3000:]

    failures = [(step[:2], status, data) for step, status, data in done
                if status == 0 or status >= 500]
    assert not failures, f"{len(failures)} errors, e.g. {failures[:3]}\n{log_tail}"
    unexpected = {status for status in statuses if status not in (200, 201)}
    assert not unexpected, (statuses, [(s[:2], st, d) for s, st, d in done if st in unexpected][:3])
    assert len(done) >= REQUESTS * 0.5, f"only {len(done)} requests in {DEADLINE} s: {statuses}"

    created_people = {str(data["id"]): body for (method, path, body), status, data in done
                      if path == "/api/v1/people/" and status == 201}
    created_events = {str(data["id"]): body for (method, path, body), status, data in done
                      if path == "/api/v1/events/" and status == 201}
    updates = [body for (method, _path, body), status, _data in done
               if method == "PATCH" and status == 200]
    assert created_people and created_events and updates
    stored = json.loads(manage(server["env"], "shell", "-c", CHECK, stdin=json.dumps({
        "people": list(created_people), "events": list(created_events),
        "draft": server["draft"]})).strip().splitlines()[-1])

    assert set(stored["people"]) == set(created_people), "acknowledged people are missing"
    for pk, body in created_people.items():
        assert stored["people"][pk] == {"name": body["name"], "country": body["country"],
                                        "state": "draft", "by_partner": True}, pk
    assert set(stored["events"]) == set(created_events), "acknowledged events are missing"
    for pk, body in created_events.items():
        assert stored["events"][pk] == {"person": body["person"], "kind": body["kind"],
                                        "date": body["date"], "state": "draft",
                                        "by_partner": True}, pk
    # Updates racing on one record, each to one field: every acknowledged one was saved, each
    # saved version differs from the one before in that field only (an update read before
    # another was saved must not write back the older value of the other field), and the
    # record ends as the last version.
    history = [tuple(version) for version in stored["updates"]]
    assert len(history) == len(updates) + 1  # the creation, then one version per update
    saved = {(field, value) for version in history
             for field, value in zip(("occupation", "summary"), version, strict=True)}
    assert {next(iter(body.items())) for body in updates} <= saved
    for before, after in zip(history, history[1:], strict=False):
        changed = [name for name, old, new in zip(("occupation", "summary"), before, after,
                                                  strict=True) if old != new]
        assert len(changed) == 1, f"a lost update: {before} then {after}"
    assert tuple(stored["final"]) == history[-1]
    print(f"\nload: {len(done)} requests in {elapsed:.1f} s on {connection.vendor}: "
          f"{dict(statuses)}; {len(created_people)} people, {len(created_events)} events, "
          f"{len(updates)} updates acknowledged and found")


@pytest.mark.django_db
def test_an_update_applies_to_the_latest_saved_version():
    """What the race above found, without threads: an update read before another was saved
    (a partner's PATCH waiting for the row lock) keeps the other update's fields."""
    from casetracker.api import services
    from casetracker.cases.models import Person
    from tests.factories import UserFactory

    partner = UserFactory(username=PARTNER)
    person = services.submit_person(user=partner, name="Raced Draft", country="TJ")
    read_early = Person.objects.get(pk=person.pk)
    services.submit_person(user=partner, instance=Person.objects.get(pk=person.pk),
                           summary="Saved first.")
    services.submit_person(user=partner, instance=read_early, occupation="journalist")
    person.refresh_from_db()
    assert (person.summary, person.occupation) == ("Saved first.", "journalist")
