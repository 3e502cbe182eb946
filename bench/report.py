"""Write bench/results/latest.md and latest.json from one run of the harness."""

import json
import os
import platform
import re
import sqlite3
from pathlib import Path

OPERATIONS = ["api_people_list", "api_person_detail", "api_search_surname",
              "api_search_variant", "api_csv_10k", "page_case_list", "page_case",
              "page_statistics", "load_seed"]
NOTES = Path(__file__).resolve().parent / "notes.md"
# Operations on one record, whose query count depends on the parts the record has.
RECORD_OPERATIONS = {"api_person_detail", "page_case"}


def machine(pg_server: str) -> dict:
    info = {"python": platform.python_version(), "sqlite": sqlite3.sqlite_version,
            "os": f"{platform.system()} {platform.release()}", "cores": os.cpu_count()}
    try:
        text = Path("/proc/cpuinfo").read_text()
        info["cpu"] = re.search(r"model name\s*:\s*(.+)", text).group(1).strip()
    except (OSError, AttributeError):
        info["cpu"] = platform.processor() or "unknown"
    try:
        kib = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
        info["ram_gib"] = round(kib / 1024 / 1024, 1)
    except (OSError, AttributeError):
        pass
    try:
        import psycopg

        with psycopg.connect(f"{pg_server.rstrip('/')}/postgres") as conn:
            info["postgresql"] = conn.execute("SHOW server_version").fetchone()[0]
            info["postgresql_shared_buffers"] = conn.execute("SHOW shared_buffers").fetchone()[0]
    except Exception as error:  # the report says why rather than failing
        info["postgresql"] = f"unavailable ({error.__class__.__name__})"
    try:
        import django

        info["django"] = django.get_version()
    except ImportError:
        pass
    info["load_at_start"] = [round(x, 2) for x in os.getloadavg()]
    return info


def machine_line(m: dict) -> str:
    return (f"{m.get('cpu')}, {m.get('cores')} cores, {m.get('ram_gib')} GiB RAM, "
            f"PostgreSQL {m.get('postgresql')}, SQLite {m.get('sqlite')}, "
            f"Python {m.get('python')}, Django {m.get('django')}")


def rows_of(run: dict) -> list[dict]:
    rows = []
    for measurement in run["measurements"]:
        for row in measurement["results"]:
            rows.append(row)
    return rows


def key(row) -> tuple:
    return (row["operation"], row.get("variant") or "")


def contract_rows(run: dict) -> list[dict]:
    """latest.json: one row per operation, backend and size, as the issue specifies."""
    line = machine_line(run["machine"])
    out = []
    for row in rows_of(run):
        if row["operation"] not in OPERATIONS or row.get("variant"):
            continue
        item = {"operation": row["operation"], "backend": row["backend"],
                "people": row["people"], "median_ms": row.get("median_ms"),
                "p95_ms": row.get("p95_ms"), "queries": row.get("queries")}
        for name in ("floor_median_ms", "stock_median_ms"):
            if name in row:
                item[name] = row[name]
        if "not_available" in row:
            item["not_available"] = row["not_available"]
        item["machine"] = line
        out.append(item)
    return out


def fmt(value, digits=1) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    return f"{value:,}" if isinstance(value, int) else str(value)


def ratio(a, b) -> str:
    return f"{a / b:.2f}×" if a and b else "—"


def name_of(row) -> str:
    return row["operation"] + (f" ({row['variant']})" if row.get("variant") else "")


def index(run):
    table = {}
    for row in rows_of(run):
        table[(row["backend"], row["people"], *key(row))] = row
    return table


def sizes(run, backend):
    return sorted({row["people"] for row in rows_of(run)
                   if row["backend"] == backend and row["people"]})


def results_table(run, backend, people) -> list[str]:
    lines = [f"#### {backend}, {people:,} people", "",
             "| operation | median ms | p95 ms | queries | stock median ms (queries) | "
             "floor median ms | app/floor | stock/app | notes |",
             "|---|--:|--:|--:|--:|--:|--:|--:|---|"]
    for row in rows_of(run):
        if row["backend"] != backend or row["people"] != people:
            continue
        if "not_available" in row:
            lines.append(f"| {name_of(row)} | not available | | | | | | | "
                         f"{row['not_available']} |")
            continue
        notes = []
        for field, text in (("count", "{} matches"), ("rows", "{} CSV rows"),
                            ("bytes", "{} bytes")):
            if field in row:
                notes.append(text.format(fmt(row[field])))
        notes.append(f"cold {fmt(row.get('cold_ms'))} ms, {row.get('reps')} reps")
        stock = (f"{fmt(row['stock_median_ms'])} ({row.get('stock_queries')})"
                 if "stock_median_ms" in row else "—")
        lines.append(
            f"| {name_of(row)} | {fmt(row['median_ms'])} | {fmt(row['p95_ms'])} | "
            f"{row['queries']} | {stock} | {fmt(row.get('floor_median_ms'))} | "
            f"{ratio(row['median_ms'], row.get('floor_median_ms'))} | "
            f"{ratio(row.get('stock_median_ms'), row['median_ms'])} | {'; '.join(notes)} |")
    return lines + [""]


def growth_table(run, backend) -> list[str]:
    table = index(run)
    people = sizes(run, backend)
    if len(people) < 2:
        return []
    head = " | ".join(f"{n:,}" for n in people)
    lines = [f"#### {backend}: median ms (queries) by data set size", "",
             f"| operation | {head} | growth {people[0]:,}→{people[-1]:,} |",
             "|---|" + "--:|" * (len(people) + 1)]
    seen = []
    for row in rows_of(run):
        if row["backend"] == backend and key(row) not in seen and row["people"]:
            seen.append(key(row))
    for op in seen:
        cells, first, last = [], None, None
        for n in people:
            row = table.get((backend, n, *op))
            if not row or "median_ms" not in row:
                cells.append("n/a")
                continue
            cells.append(f"{fmt(row['median_ms'])} ({row['queries']})")
            first = row if first is None else first
            last = row
        growth = ratio(last["median_ms"], first["median_ms"]) if first and last else "—"
        label = op[0] + (f" ({op[1]})" if op[1] else "")
        lines.append(f"| {label} | {' | '.join(cells)} | {growth} |")
    return lines + [""]


# ---------------------------------------------------------------------------------------
# Targets
# ---------------------------------------------------------------------------------------


def targets(run) -> list[tuple[str, str, str]]:
    """[(target, "met"/"missed"/"not measured", figures and reasons)]."""
    table = index(run)
    out = []
    pg = sizes(run, "postgresql")
    small, large = (pg[0], pg[-1]) if len(pg) >= 2 else (None, None)

    def get(n, op, variant=""):
        row = table.get(("postgresql", n, op, variant))
        return row if row and "median_ms" in row else None

    # 1. Constant queries and sub-linear time.
    if small:
        bad_queries, bad_time, details, varies = [], [], [], []
        for (backend, n, op, variant), row in table.items():
            if backend != "postgresql" or n != large or "median_ms" not in row:
                continue
            if op.startswith("admin_") or op == "api_csv_10k":
                continue  # the admin has its own target; an export grows with its rows
            first = get(small, op, variant)
            if not first:
                continue
            label = op + (f" ({variant})" if variant else "")
            growth = row["median_ms"] / first["median_ms"]
            if row["queries"] != first["queries"]:
                smaller = [get(n, op, variant) for n in pg if n < large]
                most = max(r["queries"] for r in smaller if r)
                if op in RECORD_OPERATIONS and row["queries"] <= most:
                    varies.append(f"{label}: {', '.join(str(r['queries']) for r in smaller if r)}"
                                  f", {row['queries']}")
                else:
                    bad_queries.append(f"{label}: {first['queries']}→{row['queries']} queries")
            if growth > 2:
                slow = row.get("slowest_sql_ms")
                why = (f" (slowest query {fmt(slow)} ms at {large:,}: "
                       f"`{row['slowest_sql'][:160]}…`)" if slow else "")
                bad_time.append(f"{label}: {fmt(first['median_ms'])}→{fmt(row['median_ms'])} ms "
                                f"= {growth:.1f}×{why}")
            details.append(label)
        out.append((
            f"Constant query count from {small:,} to {large:,} people (PostgreSQL)",
            "met" if not bad_queries else "missed",
            "; ".join(bad_queries) or f"all {len(details)} operations constant"
            + (f" (records: the most queries over the 20 records sampled, by size: "
               f"{'; '.join(varies)} — a prefetch with no rows to follow issues no query, so "
               "the count depends on which parts the sampled records have, and the largest "
               "data set needs no more than a smaller one)" if varies else "")))
        out.append((
            f"Median grows at most 2× from {small:,} to {large:,} people",
            "met" if not bad_time else "missed",
            "<br>".join(bad_time) or "every operation within 2×"))
    csv_rows = [table.get(("postgresql", n, "api_csv_10k", "")) for n in pg]
    csv_rows = [row for row in csv_rows if row and row.get("rows")]
    if csv_rows:
        per_k = [f"{row['people']:,} people: {row['rows']:,} rows in {fmt(row['median_ms'])} ms "
                 f"= {row['median_ms'] / row['rows'] * 1000:.0f} ms per 1,000 rows, "
                 f"{row['queries']} queries" for row in csv_rows]
        flat = csv_rows[-1]["median_ms"] / csv_rows[-1]["rows"] <= 2 * (
            csv_rows[0]["median_ms"] / csv_rows[0]["rows"])
        out.append(("CSV export: cost per row flat across sizes (streamed in chunks of 2,000 "
                    "rows, so queries grow with the rows exported, not the database)",
                    "met" if flat else "missed", "; ".join(per_k)))
    # 2. List and detail against the baselines.
    for op in ("api_people_list", "api_person_detail"):
        row = get(large, op) if large else None
        if not row or not row.get("floor_median_ms"):
            out.append((f"{op}: within 2× floor, ≥3× faster than stock", "not measured", ""))
            continue
        app_floor = row["median_ms"] / row["floor_median_ms"]
        stock_app = row["stock_median_ms"] / row["median_ms"]
        ok = app_floor <= 2 and stock_app >= 3
        out.append((f"{op} at {large:,}: app/floor ≤ 2 and stock/app ≥ 3",
                    "met" if ok else "missed",
                    f"app {fmt(row['median_ms'])} ms, floor {fmt(row['floor_median_ms'])} ms "
                    f"(app/floor {app_floor:.2f}), stock {fmt(row['stock_median_ms'])} ms "
                    f"(stock/app {stock_app:.2f}); queries app {row['queries']}, "
                    f"stock {row.get('stock_queries')}, floor 1"))
    # 3. Deep pages.
    for op, label in (("api_people_list", "API people list"),
                      ("page_case_list", "public case list")):
        first, last = (get(large, op), get(large, op, "last_page")) if large else (None, None)
        if first and last:
            r = last["median_ms"] / first["median_ms"]
            out.append((f"{label}: last page ≤ 1.5× first at {large:,}",
                        "met" if r <= 1.5 else "missed",
                        f"first {fmt(first['median_ms'])} ms, last {fmt(last['median_ms'])} ms "
                        f"({r:.2f}×)"))
    for op in ("admin_person_changelist", "admin_event_changelist"):
        row = get(large, op) if large else None
        if row:
            ok = row["median_ms"] <= 1000
            first = get(small, op)
            out.append((f"{op} at {large:,}: bounded (≤ 1 s, constant queries; "
                        "show_full_result_count = False)",
                        "met" if ok and first and first["queries"] == row["queries"] else "missed",
                        f"{fmt(row['median_ms'])} ms, {row['queries']} queries "
                        f"(at {small:,}: {fmt(first['median_ms']) if first else '—'} ms, "
                        f"{first['queries'] if first else '—'} queries); slowest query "
                        f"{fmt(row.get('slowest_sql_ms'))} ms"))
    # 4. Filters.
    if large:
        plain = get(large, "api_people_list")
        if plain and plain.get("nofilter_median_ms"):
            bare = plain["nofilter_median_ms"]
            extra = plain["median_ms"] / bare - 1
            out.append(("django-filter adds ≤ 10% with no filter parameter",
                        "met" if extra <= 0.10 else "missed",
                        f"people list with its filter backend {fmt(plain['median_ms'])} ms, "
                        f"the same view without it {fmt(bare)} ms ({extra * 100:+.0f}%), "
                        "timed interleaved"))
        browsable_small = get(small, "api_people_list", "browsable_api")
        browsable = get(large, "api_people_list", "browsable_api")
        if browsable and browsable_small:
            grew = browsable["bytes"] / browsable_small["bytes"]
            ok = grew < 1.2 and browsable["queries"] == browsable_small["queries"]
            out.append(("No filter renders a table into a form or the browsable API",
                        "met" if ok else "missed",
                        f"browsable API page {fmt(browsable_small['bytes'])} → "
                        f"{fmt(browsable['bytes'])} bytes, {browsable_small['queries']} → "
                        f"{browsable['queries']} queries from {small:,} to {large:,} people"))
    # 5. Name search.
    if large:
        row = get(large, "api_search_surname")
        variant = get(large, "api_search_variant")
        plans = " ".join(p["plan"] for m in run["measurements"] for p in m.get("explain", []))
        indexed = bool(re.search(r"Index (Only )?Scan|Bitmap Index Scan", plans))
        seq = re.findall(r"Seq Scan on (cases_person|cases_alias)\b", plans)
        if row:
            worst = max(row["median_ms"], variant["median_ms"] if variant else 0)
            ok = worst < 50 and indexed and not seq
            out.append((f"Name search at {large:,} on PostgreSQL: index, median < 50 ms",
                        "met" if ok else "missed",
                        f"surname {fmt(row['median_ms'])} ms ({row.get('count')} matches), "
                        f"variant {fmt(variant['median_ms']) if variant else '—'} ms; plan "
                        f"{'uses an index' if indexed else 'uses no index'}"
                        f"{'; sequential scans on ' + ', '.join(sorted(set(seq))) if seq else ''}"
                        f"; slowest query {fmt(row.get('slowest_sql_ms'))} ms"))
    # 6. Statistics.
    row = get(large, "page_statistics") if large else None
    if row:
        aggregate = all(re.search(r"COUNT\(|SUM\(|GROUP BY|LIMIT|MAX\(|DISTINCT", sql, re.I)
                        for sql in row.get("sql", []) if sql.lstrip().upper().startswith(
                            ("SELECT", "(SELECT")))
        out.append(("Statistics page by aggregate queries, not rows in Python",
                    "met" if aggregate else "missed",
                    f"{row['queries']} queries, all aggregates: {aggregate}; "
                    f"{fmt(row['median_ms'])} ms at {large:,}"))
    # 7. Throughput.
    tp = run.get("throughput")
    if tp and "errors" in tp:
        out.append(("Throughput run: zero errors", "met" if tp["errors"] == 0 else "missed",
                    f"{tp['requests']:,} requests, {fmt(tp['requests_per_second'])} req/s, "
                    f"{tp['errors']} errors"))
    elif tp:
        out.append(("Throughput run: zero errors", "not measured",
                    tp.get("not_available") or tp.get("error", "")))
    return out


def write(run: dict, results_dir: Path):
    results_dir.mkdir(parents=True, exist_ok=True)
    contract = contract_rows(run)
    (results_dir / "latest.json").write_text(json.dumps(contract, indent=1) + "\n")
    details = {key: value for key, value in run.items() if key != "measurements"}
    details["rows"] = [{k: v for k, v in row.items() if k != "sql"} for row in rows_of(run)]
    details["explain"] = [p for m in run["measurements"] for p in m.get("explain", [])]
    (results_dir / "latest-details.json").write_text(
        json.dumps(details, indent=1, default=str) + "\n")

    m = run["machine"]
    loads = [(f"{x['results'][0]['backend']} {x['results'][0]['people']:,}",
              x.get("load_before"), x.get("load_after"))
             for x in run["measurements"] if x["results"]]
    lines = [
        "# casetracker scale benchmark: latest run", "",
        f"Run {run['started']} → {run['finished']} ({run['seconds']} s), seed {run['seed']}, "
        "by `make bench` (`python -m bench`).", "",
        f"**Machine**: {machine_line(m)}; PostgreSQL shared_buffers "
        f"{m.get('postgresql_shared_buffers')}; {m.get('os')}.", "",
        f"**Load average** at start {m.get('load_at_start')}; per data set (before → after): "
        + "; ".join(f"{name} {b[0]:.1f} → {a[0]:.1f}" for name, b, a in loads if b and a)
        + ". This machine is shared: other test suites ran during the run, so absolute "
        "times are noisy; ratios measured in the same minute (app/floor, stock/app, growth) "
        "hold better.", "",
        "Method: Django's test `Client` in process (whole middleware stack, no network), "
        "DEBUG off, after a warm-up of 3 requests; median and p95 over the repetitions "
        "shown (at least 15, or 3–5 for slow pages, then as many as fit in a few seconds); "
        "an operation and its baselines are timed interleaved (app, stock, floor, app, …) "
        "so the machine's load falls on all alike; "
        "the query count from one more request under `CaptureQueriesContext`. Detail and "
        "case pages rotate over 20 people spread over the table. **stock** is a plain DRF "
        "`ModelViewSet` with nested `ModelSerializer`s (bench/stock.py); **floor** one "
        "hand-written SQL query per response serialised with orjson (bench/floor.py); both "
        "through the same middleware. `api_csv_10k` exports the published people updated "
        "most recently, 10,000 rows where the data set has them (all otherwise). "
        "`load_seed` loads fixtures/*.yaml into an empty database (people = 0), rolled back "
        "after each repetition.", "",
        "## Targets", "", "| target | result | measured |", "|---|---|---|",
    ]
    for target, result, figures in targets(run):
        mark = {"met": "✅ met", "missed": "❌ missed"}.get(result, result)
        lines.append(f"| {target} | {mark} | {figures} |")
    lines.append("")
    if NOTES.exists():
        lines += ["## Analysis", "", NOTES.read_text().strip(), ""]
    lines += ["## Data sets", "", "| data set | people | events | proceedings | sources | "
              "citations | built | synth time |", "|---|--:|--:|--:|--:|--:|---|--:|"]
    for measurement in run["measurements"]:
        counts = measurement.get("counts")
        if not counts:
            continue
        first = measurement["results"][0]
        from bench.__main__ import label

        entry = run["datasets"].get(f"{first['backend']}:{label(first['people'])}", {})
        lines.append(f"| {first['backend']} {first['people']:,} | {fmt(counts['person'])} | "
                     f"{fmt(counts['event'])} | {fmt(counts['proceeding'])} | "
                     f"{fmt(counts['source'])} | {fmt(counts['citation'])} | "
                     f"{entry.get('built', '—')} | {fmt(entry.get('synth_seconds'))} s |")
    lines += ["", "## Growth from the smallest to the largest data set", ""]
    for backend in ("postgresql", "sqlite"):
        lines += growth_table(run, backend)
    lines += ["## All measurements", ""]
    for backend in ("postgresql", "sqlite"):
        for people in [0, *sizes(run, backend)]:
            if any(r["backend"] == backend and r["people"] == people for r in rows_of(run)):
                lines += results_table(run, backend, people)
    lines += ["## Slowest query per operation (PostgreSQL, largest data set, EXPLAIN ANALYZE)",
              "", "| operation | slowest query ms | all queries ms | query |", "|---|--:|--:|---|"]
    for row in rows_of(run):
        if row.get("slowest_sql_ms") is not None:
            sql = row["slowest_sql"][:220].replace("|", "\\|")
            lines.append(f"| {name_of(row)} | {fmt(row['slowest_sql_ms'], 2)} | "
                         f"{fmt(row.get('sql_ms_total'), 2)} | `{sql}…` |")
    lines += ["", "## Name search on PostgreSQL: query plans", ""]
    for plan in details["explain"]:
        lines += [f"**{plan['operation']}**", "", "```sql", plan["sql"][:3000], "```", "",
                  "```", plan["plan"], "```", ""]
    tp = run.get("throughput")
    lines += ["## Throughput", ""]
    if tp and "requests_per_second" in tp:
        lat = tp["latency_ms"]
        lines += [
            f"gunicorn, {tp['workers']} sync workers, {tp['settings']}; PostgreSQL "
            f"{tp['people']:,} people; {tp['tool']}, {tp['connections']} connections, "
            f"{tp['seconds']} s on 127.0.0.1, a mix of {tp['distinct_paths']} URLs (API list, "
            "filtered list, records, name search, case pages, case list). Server and load "
            "generator share the 2 cores.", "",
            "| requests | req/s | p50 ms | p75 ms | p90 ms | p99 ms | non-2xx/3xx | "
            "socket errors/timeouts | load before → after |",
            "|--:|--:|--:|--:|--:|--:|--:|--:|---|",
            f"| {tp['requests']:,} | {fmt(tp['requests_per_second'])} | "
            f"{fmt(lat.get('p50'))} | {fmt(lat.get('p75'))} | {fmt(lat.get('p90'))} | "
            f"{fmt(lat.get('p99'))} | {tp['non_2xx_3xx']} | {tp['socket_errors']} | "
            f"{tp['load_before']} → {tp['load_after']} |", ""]
    elif tp:
        lines += [f"Not measured: {tp.get('not_available') or tp.get('error')}", ""]
    else:
        lines += ["Not run (--no-throughput or no PostgreSQL data set).", ""]
    lines += ["## Reproduce", "", "```sh", "make bench                      # everything",
              ".venv/bin/python -m bench --pg 1000,10000 --sqlite '' --no-throughput  "
              "# a quick look", "```", "",
              "Data sets are kept in PostgreSQL (`ct_bench_1k`, `ct_bench_10k`, "
              "`ct_bench_100k`) and var/bench/ and rebuilt when the generator changes. "
              "Machine-readable: `latest.json` (one row per operation, backend and size) and "
              "`latest-details.json` (every variant, admin pages, plans, throughput)."]
    (results_dir / "latest.md").write_text("\n".join(lines) + "\n")
