"""Measure one data set in this process: ``python -m bench.measure --backend … --people N``.

Run by bench/__main__.py in a fresh process per database, with ``DATABASE_URL`` set. Every
operation goes through Django's test ``Client`` (the whole middleware stack, in process,
no network), after a warm-up, many times; wall times are taken without query capture and
the query count from one extra run inside ``CaptureQueriesContext``. An operation whose URL
the app does not have (yet) is reported as not available, never approximated.
"""

import argparse
import itertools
import json
import os
import statistics
import sys
import time

SURNAME = "Yorov"  # Ёров: a Tajik surname present in every data set
MISSPELLED = "Yorrov"  # a doubled consonant, the commonest slip
DETAIL_SAMPLE = 20  # people whose pages and records are requested in turn
CSV_ROWS = 10_000


def percentile(values, fraction):
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


class NotAvailable(Exception):
    pass


class Bench:
    def __init__(self, *, budget: float, min_reps: int):
        from django.test import Client

        self.client = Client()
        self.budget = budget
        self.min_reps = min_reps

    def get(self, path, **headers):
        response = self.client.get(path, **headers)
        if response.status_code == 404:
            raise NotAvailable(path)
        if response.status_code != 200:
            raise RuntimeError(f"{path}: HTTP {response.status_code}: "
                               f"{response.content[:300] if not response.streaming else ''}")
        body = (b"".join(response.streaming_content) if response.streaming
                else response.content)
        return response, body

    def time(self, action, **options):
        """{median_ms, p95_ms, reps, cold_ms, queries, sql} of ``action()``."""
        return self.time_group({"app": action}, **options)["app"]

    def time_group(self, actions: dict, *, min_reps=None, budget=None, max_reps=400):
        """Time several actions *interleaved* (a, b, c, a, b, c, …) so that the load of a
        shared machine falls on all of them alike and their ratios hold."""
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        cold = {}
        for name, action in actions.items():
            start = time.perf_counter()
            action()  # the first call: caches, connections, template compilation
            cold[name] = time.perf_counter() - start
        min_reps = min_reps or self.min_reps
        if max(cold.values()) > 1.0:  # a slow page: fewer repetitions, or it takes an hour
            min_reps = min(min_reps, 3)
        else:
            for _ in range(2):
                for action in actions.values():
                    action()
        times = {name: [] for name in actions}
        budget = (budget or self.budget) * len(actions)
        began = time.perf_counter()
        reps = 0
        while reps < max_reps and (reps < min_reps or time.perf_counter() - began < budget):
            for name, action in actions.items():
                start = time.perf_counter()
                action()
                times[name].append(time.perf_counter() - start)
            reps += 1
        out = {}
        for name, action in actions.items():
            # Count the queries of every distinct request (detail pages rotate over people
            # whose records differ): the largest count is the one that must not grow.
            captured = None
            for _ in range(getattr(action, "distinct", 1)):
                with CaptureQueriesContext(connection) as context:
                    action()
                if captured is None or len(context) > len(captured):
                    captured = context
            out[name] = {
                "median_ms": round(statistics.median(times[name]) * 1000, 2),
                "p95_ms": round(percentile(times[name], 0.95) * 1000, 2),
                "reps": len(times[name]),
                "cold_ms": round(cold[name] * 1000, 2),
                "queries": len(captured),
                "sql": [query["sql"] for query in captured.captured_queries],
            }
        return out

    def requests(self, paths, **headers):
        """An action requesting ``paths`` in turn; remembers the last body."""
        cycle = itertools.cycle(paths)
        state = {}

        def action():
            state["response"], state["body"] = self.get(next(cycle), **headers)

        action.state = state
        action.distinct = len(set(paths))
        return action


def emptying_the_cache(action):
    """``action``, run each time on an empty cache."""
    from django.core.cache import cache

    def after_change():
        cache.clear()
        action()

    after_change.state = action.state
    after_change.distinct = action.distinct
    return after_change


def sample_people(n):
    """``n`` full records spread evenly over the table, deterministically.

    Full: published targets with a published affiliation, relationship, sentence with
    charges and detention, so every prefetch of a record issues its query (Django skips
    the query of a prefetch that has no parent rows) and the query count compares.
    """
    from django.db.models import Exists, OuterRef, Q

    from casetracker.cases.models import (
        Affiliation,
        Detention,
        Person,
        Proceeding,
        Relationship,
    )

    def has(model, **lookups):
        return Exists(model.objects.published().filter(**lookups))

    person = OuterRef("pk")
    people = (
        Person.objects.published().targets()
        .filter(has(Affiliation, person=person), has(Detention, person=person),
                has(Proceeding, person=person, outcome="convicted",
                    proceeding_charges__isnull=False),
                Exists(Relationship.objects.published().filter(
                    Q(person=person) | Q(relative=person))))
        .order_by("pk")
    )
    if people.count() < n:
        people = Person.objects.published().targets().order_by("pk")
    total = people.count()
    picks = []
    for i in range(min(n, total)):
        row = people.values_list("pk", "slug")[i * total // n: i * total // n + 1]
        picks.extend(row)
    return picks


def csv_threshold(bench, rows):
    """An ``updated_since`` value for which the API lists about ``rows`` people (None: all).

    The API's ``updated_since`` reads the change log's time of each public record; the
    threshold is found by bisection over those times, asking the API.
    """
    from casetracker.cases.models import Person

    stamps = [stamp.isoformat().replace("+00:00", "Z") for stamp in
              Person.objects.published().exclude(public_changed_at=None)
              .order_by("-public_changed_at").values_list("public_changed_at", flat=True)]
    if len(stamps) <= rows:
        return None

    def count(stamp):
        _response, body = bench.get(f"/api/v1/people/?updated_since={stamp}&page_size=1")
        return json.loads(body)["count"]

    low, high = 0, rows  # count(stamps[i]) >= i + 1 and grows with i
    while low < high:
        middle = (low + high) // 2
        if count(stamps[middle]) < rows:
            low = middle + 1
        else:
            high = middle
    return stamps[max(low - 1, 0)]


def run_api_and_pages(bench: Bench, results: list, extras: dict):
    from urllib.parse import urlencode

    people = sample_people(DETAIL_SAMPLE)
    ids = [pk for pk, _ in people]
    slugs = [slug for _, slug in people]

    def op(operation, paths, *, variant=None, headers=None, after_change=False, **kw):
        """Measure ``paths``, and any baselines given as ``name=paths``, interleaved.

        ``after_change``: empty the cache before each request, as the first request after
        a record changed finds it (counts, statistics and filter choices are cached until
        then): what a visitor waits for at worst.
        """
        baselines = {name: kw.pop(name) for name in ("stock", "floor", "nofilter")
                     if kw.get(name)}
        row = {"operation": operation}
        if variant:
            row["variant"] = variant
        action = bench.requests(paths, **(headers or {}))
        if after_change:
            action = emptying_the_cache(action)
        actions = {"app": action}
        try:
            action()
        except NotAvailable as missing:
            row["not_available"] = f"{missing} answers 404"
            results.append(row)
            return row
        for name, baseline_paths in baselines.items():
            baseline = bench.requests(baseline_paths)
            try:
                baseline()
            except NotAvailable:
                continue
            actions[name] = baseline
        measured = bench.time_group(actions, **kw)
        row.update(measured.pop("app"))
        for name, figures in measured.items():
            row[f"{name}_median_ms"] = figures["median_ms"]
            row[f"{name}_p95_ms"] = figures["p95_ms"]
            row[f"{name}_queries"] = figures["queries"]
        body = action.state.get("body", b"")
        row["bytes"] = len(body)
        if body[:1] == b"{":
            payload = json.loads(body)
            if "count" in payload:
                row["count"] = payload["count"]
        elif headers is None and b"," in body[:2000] and not body.lstrip().startswith(b"<"):
            row["rows"] = body.count(b"\n") - 1
        results.append(row)
        return row

    list_row = op("api_people_list", ["/api/v1/people/"], stock=["/bench/stock/people/"],
                  floor=["/bench/floor/people/"], nofilter=["/bench/nofilter/people/"])
    query = "?country=TJ&status=imprisoned"
    op("api_people_list", [f"/api/v1/people/{query}"], variant="filter",
       stock=[f"/bench/stock/people/{query}"], floor=[f"/bench/floor/people/{query}"])
    if list_row.get("count"):
        last = max(1, -(-list_row["count"] // 50))
        op("api_people_list", [f"/api/v1/people/?page={last}"], variant="last_page",
           stock=[f"/bench/stock/people/?page={last}"])
    op("api_people_list", ["/api/v1/people/"], variant="after_change", after_change=True,
       floor=["/bench/floor/people/"])
    op("api_people_list", ["/api/v1/people/?format=api"], variant="browsable_api",
       min_reps=5)
    op("api_person_detail", [f"/api/v1/people/{pk}/" for pk in ids],
       stock=[f"/bench/stock/people/{pk}/" for pk in ids],
       floor=[f"/bench/floor/people/{pk}/" for pk in ids])
    op("api_search_surname", [f"/api/v1/people/?search={SURNAME}"],
       stock=[f"/bench/stock/people/?search={SURNAME}"])
    op("api_search_variant", [f"/api/v1/people/?search={MISSPELLED}"],
       stock=[f"/bench/stock/people/?search={MISSPELLED}"])
    since = csv_threshold(bench, CSV_ROWS)
    csv_query = urlencode({"format": "csv", **({"updated_since": since} if since else {})})
    op("api_csv_10k", [f"/api/v1/people/?{csv_query}"], min_reps=5, budget=10)

    case_list = op("page_case_list", ["/cases/"])
    if "not_available" not in case_list:
        from django.core.paginator import Paginator

        from casetracker.public.queries import public_targets
        from casetracker.public.views import CaseListView

        pages = Paginator(range(public_targets().count()), CaseListView.paginate_by,
                          orphans=CaseListView.paginate_orphans).num_pages
        op("page_case_list", [f"/cases/?page={pages}"], variant="last_page")
        op("page_case_list", [f"/cases/?q={SURNAME}"], variant="search")
        op("page_case_list", ["/cases/"], variant="after_change", after_change=True,
           min_reps=5)
    op("page_case", [f"/cases/{slug}/" for slug in slugs])
    op("page_statistics", ["/statistics/"], min_reps=5)
    op("page_statistics", ["/statistics/"], variant="after_change", after_change=True,
       min_reps=3, budget=2)
    op("page_home", ["/"], variant="home")
    op("page_home", ["/"], variant="home_after_change", after_change=True, min_reps=5)
    extras["detail_people"] = ids


def run_change_log(bench: Bench, results: list, extras: dict):
    """The public change log: what a write costs it, what reading the feed costs, and what
    a visitor waits for after a change once the worker has done its part."""
    from casetracker.cases.models import Person
    from casetracker.changes import log
    from casetracker.changes.models import LogHead
    from casetracker.public.queries import refresh_cached_figures

    people = itertools.cycle(Person.objects.published().filter(
        pk__in=extras["detail_people"]))

    def write():
        person = next(people)
        person.summary = f"{person.summary.rstrip('.')}."
        person.occupation = "changed" if person.occupation != "changed" else "changed again"
        person.save()  # the write: its insert in the log's queue

    def write_and_log():
        write()
        log.catch_up()  # the worker's part: compare and number the change

    for operation, action in (("change_log_write", write), ("change_log_write_and_log",
                                                            write_and_log)):
        results.append({"operation": operation, **bench.time(action, min_reps=20)})
    head = LogHead.objects.get().last
    feed = bench.requests([f"/api/v1/changes/?after={max(0, head - 500)}"])
    results.append({"operation": "api_changes_feed", "variant": "500 rows",
                    **bench.time(feed)})
    first = bench.requests(["/api/v1/changes/?page_size=500"])
    results.append({"operation": "api_changes_feed", "variant": "from the start",
                    **bench.time(first)})

    for page in ("/statistics/", "/", "/cases/"):
        cached = bench.requests([page])
        cached_row = {"operation": "page_after_worker", "variant": f"{page} cached",
                      **bench.time(cached, min_reps=5)}

        def after_worker(page=page):
            write()
            log.catch_up()
            refresh_cached_figures()  # what the worker does after the commit
            return bench.requests([page])()

        row = {"operation": "page_after_worker", "variant": f"{page} after a change",
               **bench.time(after_worker, min_reps=3, budget=3)}
        # The request alone, once the worker's work is done (the action times both).
        write()
        log.catch_up()
        refresh_cached_figures()
        start = time.perf_counter()
        bench.requests([page])()
        row["request_only_ms"] = round((time.perf_counter() - start) * 1000, 2)
        results += [cached_row, row]


def run_admin(bench: Bench, results: list):
    from django.contrib.auth import get_user_model

    user, _ = get_user_model().objects.get_or_create(
        username="bench-admin", defaults={"is_staff": True, "is_superuser": True})
    bench.client.force_login(user)
    try:
        for name, path in [("admin_person_changelist", "/admin/cases/person/"),
                           ("admin_event_changelist", "/admin/cases/event/"),
                           ("admin_person_search", f"/admin/cases/person/?q={SURNAME}")]:
            row = {"operation": name}
            try:
                row.update(bench.time(bench.requests([path]), min_reps=5))
            except NotAvailable as missing:
                row["not_available"] = str(missing)
            results.append(row)
    finally:
        bench.client.logout()


def explain_search(results: list) -> list[dict]:
    """EXPLAIN ANALYZE every query of the API name search (PostgreSQL)."""
    from django.db import connection

    plans = []
    for row in results:
        if row["operation"] not in ("api_search_surname", "api_search_variant"):
            continue
        if row.get("variant") or "sql" not in row:
            continue
        for sql in row["sql"]:
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
                plan = "\n".join(line for (line,) in cursor.fetchall())
            plans.append({"operation": row["operation"], "sql": sql, "plan": plan})
    return plans


def query_times(results: list, limit: int = 15):
    """EXPLAIN ANALYZE each operation's queries: the slowest one and its time (PostgreSQL)."""
    from django.db import connection

    for row in results:
        timed = []
        for sql in row.get("sql", [])[:limit]:
            if not sql.lstrip().upper().startswith(("SELECT", "(SELECT")):
                continue
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql)
                plan = cursor.fetchone()[0]
            plan = plan[0] if isinstance(plan, list) else json.loads(plan)[0]
            timed.append((plan["Execution Time"], sql))
        if timed:
            slowest = max(timed)
            row["slowest_sql_ms"] = round(slowest[0], 2)
            row["slowest_sql"] = slowest[1][:700]
            row["sql_ms_total"] = round(sum(t for t, _ in timed), 2)


def run_seed(bench: Bench, results: list):
    from django.db import transaction

    from casetracker.cases.services import seed_fixture_paths, seed_load

    row = {"operation": "load_seed"}
    if not seed_fixture_paths():
        row["not_available"] = "no fixtures/*.yaml"
        results.append(row)
        return

    def action():
        with transaction.atomic():
            counts = seed_load()
            transaction.set_rollback(True)
        action.counts = counts

    row.update(bench.time(action, min_reps=5, budget=8))
    row["loaded"] = {str(name): count for name, count in action.counts.items()}
    results.append(row)


def dataset_counts() -> dict:
    from casetracker.cases.models import Citation, Event, Person, Proceeding, Source

    return {model._meta.model_name: model.objects.count()
            for model in (Person, Event, Proceeding, Source, Citation)}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--backend", required=True, choices=["postgresql", "sqlite"])
    parser.add_argument("--people", type=int, required=True)
    parser.add_argument("--mode", choices=["dataset", "seed"], default="dataset")
    parser.add_argument("--out", required=True)
    parser.add_argument("--budget", type=float, default=4.0,
                        help="Seconds of repetitions per operation (after min-reps).")
    parser.add_argument("--min-reps", type=int, default=15)
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--admin", action="store_true")
    args = parser.parse_args(argv)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casetracker.settings")
    import django

    django.setup()
    from django.test.utils import override_settings

    bench = Bench(budget=args.budget, min_reps=args.min_reps)
    results, extras = [], {}
    with override_settings(ROOT_URLCONF="bench.urls"):
        if args.mode == "seed":
            run_seed(bench, results)
        else:
            extras["counts"] = dataset_counts()
            run_api_and_pages(bench, results, extras)
            run_change_log(bench, results, extras)
            if args.admin:
                run_admin(bench, results)
            if args.explain:
                extras["explain"] = explain_search(results)
                query_times(results)
    for row in results:
        row.update(backend=args.backend, people=args.people)
        if row.get("queries", 0) > 30:
            row["sql"] = row["sql"][:30]  # enough to see an N+1; the count says the rest
    with open(args.out, "w") as out:
        json.dump({"results": results, **extras}, out, indent=1, default=str)
    return 0


if __name__ == "__main__":
    sys.exit(main())
