"""Schema fuzzing: schemathesis generates requests from the live OpenAPI schema.

Every operation of ``/api/v1/schema/`` is called with at least 100 generated cases, once
anonymously and once with a partner's write token, through the real WSGI application on the
test database (SQLite or PostgreSQL, whichever the suite runs on), with the seed cases loaded.
Cases come from the schema's examples, from its boundaries (schemathesis' coverage phase:
empty, shortest and longest strings, out-of-range integers, wrong types, missing required
fields) and from random generation, both valid ("positive") and invalid ("negative"): NUL
bytes, control characters and any Unicode, out-of-range numbers, malformed dates, wrong types,
nested bodies, unexpected methods. (Bytes that are not UTF-8 at all, lone surrogates among
them, are sent by the hand-written cases in ``test_api_bad_input.py``.)

Every response must be no 5xx, and conform to the schema: a documented status code, a
documented content type, and a body matching the documented schema for that status.

Valid generated cases mostly point at records that exist (a real person's id, a real charge's
slug, the partner's own drafts for updates), so reads return real rows and writes succeed:
each write operation must have been accepted at least once with the token.
"""

import json
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
import schemathesis
from django.db import connection
from hypothesis import HealthCheck, settings

from casetracker.wsgi import application

pytestmark = pytest.mark.django_db

#: Generated cases per operation in the fuzzing phase (schemathesis adds its examples and
#: coverage cases on top).
MAX_EXAMPLES = 100
WRITE_METHODS = {"POST", "PUT", "PATCH"}
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

CHECKS = ["not_a_server_error", "status_code_conformance", "content_type_conformance",
          "response_schema_conformance", "response_headers_conformance"]

schema = schemathesis.openapi.from_wsgi(
    "/api/v1/schema/", application,
    config=schemathesis.Config.from_dict({
        "seed": 20160602,
        "generation": {"deterministic": True, "max-examples": MAX_EXAMPLES,
                       # The token is sent by the test (or not at all), not generated.
                       "with-security-parameters": False},
        "checks": {"enabled": False, **{name: {"enabled": True} for name in CHECKS}},
        # Generation must not depend on what the server answered (ids, timestamps), or the
        # cases would change from run to run: a stable CI sends the same cases every time.
        "phases": {
            "examples": {"extra-data-sources": {"responses": False}},
            "coverage": {"extra-data-sources": {"responses": False}},
            "fuzzing": {"extra-data-sources": {"responses": False},
                        "error-feedback": {"enabled": False}},
        },
    }),
)

FUZZ_SETTINGS = settings(
    max_examples=MAX_EXAMPLES,
    derandomize=True,
    deadline=timedelta(seconds=5),
    database=None,
    # One database transaction per operation, shared by its examples, is intended; and
    # large request bodies that are slow to generate are what fuzzing is for.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                           HealthCheck.filter_too_much, HealthCheck.data_too_large],
)


class Tally:
    """Cases sent and writes accepted, per run and operation: checked and reported at the end."""

    def __init__(self):
        self.cases = Counter()
        self.accepted_writes = Counter()
        self.statuses = Counter()


@pytest.fixture(scope="module")
def tally():
    counts = Tally()
    yield counts
    if not counts.cases:
        return
    ARTIFACTS.mkdir(exist_ok=True)
    report = {
        "database": connection.vendor,
        "operations": len({label for _run, label in counts.cases}),
        "cases": sum(counts.cases.values()),
        "per_operation": {f"{run} {label}": n for (run, label), n in sorted(counts.cases.items())},
        "accepted_writes": dict(sorted(counts.accepted_writes.items())),
        "statuses": {str(code): n for code, n in sorted(counts.statuses.items())},
    }
    (ARTIFACTS / f"fuzz-{connection.vendor}.json").write_text(json.dumps(report, indent=2))
    # A partner's submissions take no query parameter: a handful of cases is all there is.
    few = {key: n for key, n in counts.cases.items()
           if n < MAX_EXAMPLES and key[1] not in FINITE_OPERATIONS}
    assert not few, f"operations fuzzed with fewer than {MAX_EXAMPLES} cases: {few}"


FINITE_OPERATIONS = {"GET /api/v1/submissions/"}


def point_at_real_records(case, records, *, run: str, number: int):
    """Make three valid cases in four name records that exist; the fourth keeps its values.

    Random ids and slugs almost never exist, so without this every detail read and every
    write would stop at a 404 or 400 before reaching the code under test.
    """
    if case.meta is None or not case.meta.generation.mode.is_positive or number % 4 == 3:
        return
    resource = case.operation.path.split("/")[3]
    pick = number // 4

    def choose(values):
        return values[pick % len(values)] if values else None

    if "id" in (case.path_parameters or {}):
        own = run == "token" and case.method.upper() in ("PUT", "PATCH")
        pool = records.own if own else records.published
        case.path_parameters["id"] = choose(pool.get(resource, []))
    query = case.query or {}
    replacements = {"person": choose(records.published["people"]),
                    "charge": choose(records.charges),
                    "organisation": choose(records.organisations),
                    "perpetrator": choose(records.organisations)}
    for name, value in replacements.items():
        if name in query:
            query[name] = value
    body = case.body
    if isinstance(body, dict):
        if "person" in body:
            body["person"] = choose(records.published["people"] + records.own["people"])
        if body.get("perpetrator") is not None:
            body["perpetrator"] = choose(records.organisations)
        if body.get("court") is not None:
            body["court"] = choose(records.courts)
        if isinstance(body.get("charges"), list):
            body["charges"] = records.charges[pick % 3: pick % 3 + len(body["charges"])]
        if isinstance(body.get("citations"), list):
            for citation in body["citations"]:
                if isinstance(citation, dict) and "source" in citation:
                    citation["source"] = choose(records.published["sources"])


def is_write(case) -> bool:
    """The case sends the documented write (the coverage phase also tries other methods)."""
    method = case.method.upper()
    return method in WRITE_METHODS and method == case.operation.method.upper()


def send(case, records, tally, *, run: str, headers=None):
    label = case.operation.label
    number = tally.cases[(run, label)]
    tally.cases[(run, label)] += 1
    point_at_real_records(case, records, run=run, number=number)
    response = case.call_and_validate(headers=headers)
    tally.statuses[response.status_code] += 1
    if is_write(case) and response.status_code in (200, 201):
        tally.accepted_writes[label] += 1
    return response


@schema.parametrize()
@FUZZ_SETTINGS
def test_anonymous(case, records, tally, no_throttling, in_process_requests):
    """Anyone, with no token: reads answer; no write is ever accepted; never a 5xx."""
    response = send(case, records, tally, run="anonymous")
    if case.method.upper() in WRITE_METHODS | {"DELETE"}:
        assert not 200 <= response.status_code < 300, response.text[:300]


@schema.parametrize()
@FUZZ_SETTINGS
def test_with_a_write_token(case, records, tally, no_throttling, in_process_requests):
    """A partner's client holding a token allowed to write: reads and draft writes."""
    send(case, records, tally, run="token", headers={"Authorization": f"Token {records.key}"})


def test_every_write_operation_was_accepted(records, tally):
    """The token run really wrote: each write operation succeeded at least once.

    Runs after the fuzz tests of this module (pytest keeps the file's order); skipped when
    they were deselected.
    """
    writes = {label for run, label in tally.cases if run == "token"
              and label.split()[0] in WRITE_METHODS}
    if not writes:
        pytest.skip("the fuzz tests did not run")
    assert writes == set(tally.accepted_writes), sorted(writes - set(tally.accepted_writes))
