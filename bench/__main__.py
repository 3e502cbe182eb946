"""``python -m bench`` (``make bench``): build the data sets, measure, load-test, report.

1. Data sets of 1,000 / 10,000 / 100,000 people on PostgreSQL (databases ``ct_bench_1k`` …)
   and 1,000 / 10,000 on SQLite (``var/bench/ct_bench_1k.sqlite3`` …), made by
   ``manage.py synth``. A data set is kept between runs while its size, seed and generator
   (casetracker/cases/synth.py and the name keys it stores) are unchanged; it is migrated
   every run.
2. Each data set measured in a fresh process by bench/measure.py; loading the seed
   fixtures measured on an empty database of each backend.
3. The throughput run (bench/throughput.py) on the largest PostgreSQL data set.
4. The report: bench/results/latest.md and latest.json (bench/report.py).
"""

import argparse
import hashlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var" / "bench"
RESULTS = ROOT / "bench" / "results"
PYTHON = sys.executable
# Files whose change makes a kept data set stale: the generator and the keys it stores.
GENERATOR_FILES = ["casetracker/cases/synth.py", "casetracker/names/keys.py",
                   "casetracker/names/tables.py"]


def label(people: int) -> str:
    return f"{people // 1000}k" if people % 1000 == 0 else str(people)


def log(message: str):
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


def base_env() -> dict:
    env = dict(os.environ)
    env.update(
        CASETRACKER_ENV="development",  # no HTTPS redirect; DEBUG is turned off below
        DEBUG="0",
        # The throttles stay in the request path (their cache look-up is part of the cost)
        # but at a rate no benchmark reaches.
        API_THROTTLE_ANON="1000000/s",
        API_THROTTLE_TOKEN="1000000/s",
        LOG_LEVEL="WARNING",
        PYTHONHASHSEED="0",
    )
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return env


class Backend:
    def __init__(self, name: str, pg_server: str):
        self.name = name
        self.pg_server = pg_server.rstrip("/")

    def url(self, database: str) -> str:
        if self.name == "postgresql":
            return f"{self.pg_server}/{database}"
        return f"sqlite:///{VAR / (database + '.sqlite3')}"

    # -- PostgreSQL administration through psycopg ----------------------------------------

    def _admin(self, sql: str, *params):
        import psycopg

        with psycopg.connect(f"{self.pg_server}/postgres", autocommit=True) as conn:
            return conn.execute(sql, params).fetchall() if sql.startswith("SELECT") \
                else conn.execute(sql, params)

    def exists(self, database: str) -> bool:
        if self.name == "sqlite":
            return (VAR / f"{database}.sqlite3").exists()
        return bool(self._admin("SELECT 1 FROM pg_database WHERE datname = %s", database))

    def recreate(self, database: str):
        if self.name == "sqlite":
            for suffix in ("", "-wal", "-shm"):
                (VAR / f"{database}.sqlite3{suffix}").unlink(missing_ok=True)
            return
        self._admin(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        self._admin(f'CREATE DATABASE "{database}"')


def manage(env, database_url, *args, capture=False):
    run_env = {**env, "DATABASE_URL": database_url}
    command = [PYTHON, "manage.py", *args]
    if capture:
        done = subprocess.run(command, cwd=ROOT, env=run_env, capture_output=True, text=True)
        if done.returncode:
            raise RuntimeError(f"{' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
        return done.stdout
    subprocess.run(command, cwd=ROOT, env=run_env, check=True)
    return ""


def generator_hash(seed: int, people: int) -> str:
    digest = hashlib.sha256(f"{seed}:{people}".encode())
    for name in GENERATOR_FILES:
        path = ROOT / name
        if path.exists():
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def ensure_dataset(backend: Backend, people: int, seed: int, env, registry: dict) -> dict:
    database = f"ct_bench_{label(people)}"
    key = f"{backend.name}:{database}"
    fingerprint = generator_hash(seed, people)
    url = backend.url(database)
    kept = registry.get(key, {})
    if kept.get("fingerprint") == fingerprint and backend.exists(database):
        log(f"{backend.name} {label(people)}: kept from {kept.get('built')} (same seed, size, "
            "generator); migrating")
        manage(env, url, "migrate", "--noinput", "-v0", capture=True)
        return kept
    log(f"{backend.name} {label(people)}: building {database} ({people:,} people, seed {seed})")
    backend.recreate(database)
    started = time.perf_counter()
    manage(env, url, "migrate", "--noinput", "-v0", capture=True)
    migrated = time.perf_counter()
    output = manage(env, url, "synth", "--people", str(people), "--seed", str(seed),
                    capture=True)
    elapsed = time.perf_counter() - migrated
    entry = {"fingerprint": fingerprint, "built": time.strftime("%Y-%m-%d %H:%M"),
             "people": people, "seed": seed, "synth_seconds": round(elapsed, 1),
             "migrate_seconds": round(migrated - started, 1),
             "synth_output": output.strip().splitlines()[-1] if output.strip() else "",
             "load_during_build": os.getloadavg()}
    registry[key] = entry
    log(f"{backend.name} {label(people)}: synth took {elapsed:.0f} s")
    return entry


def ensure_seed_database(backend: Backend, env):
    """An empty, migrated database to load the seed fixtures into (rolled back each time)."""
    database = "ct_bench_seed"
    if not backend.exists(database):
        backend.recreate(database)
    manage(env, backend.url(database), "migrate", "--noinput", "-v0", capture=True)
    return backend.url(database)


def measure(env, url, backend, people, *, mode="dataset", admin=False, explain=False,
            budget=4.0, min_reps=15, reuse=False) -> dict:
    out = VAR / f"measure-{backend}-{mode}-{label(people)}.json"
    if reuse and out.exists():
        log(f"  reusing {out.name}")
        return json.loads(out.read_text())
    command = [PYTHON, "-m", "bench.measure", "--backend", backend, "--people", str(people),
               "--mode", mode, "--out", str(out), "--budget", str(budget),
               "--min-reps", str(min_reps)]
    if admin:
        command.append("--admin")
    if explain:
        command.append("--explain")
    load_before = os.getloadavg()
    started = time.perf_counter()
    out.unlink(missing_ok=True)
    done = subprocess.run(command, cwd=ROOT, env={**env, "DATABASE_URL": url})
    if done.returncode or not out.exists():
        # One broken page must not cost the rest of the report: say which and go on.
        log(f"  measuring {backend} {label(people)} ({mode}) failed: see the output above")
        return {"results": [{"operation": "load_seed" if mode == "seed" else "all",
                             "backend": backend, "people": people,
                             "not_available": f"the measurement failed (exit "
                                              f"{done.returncode}); see the make bench output"}]}
    data = json.loads(out.read_text())
    data["load_before"] = load_before
    data["load_after"] = os.getloadavg()
    data["seconds"] = round(time.perf_counter() - started, 1)
    return data


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pg", default="1000,10000,100000",
                        help="PostgreSQL data set sizes (comma-separated; empty for none).")
    parser.add_argument("--sqlite", default="1000,10000", help="SQLite data set sizes.")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--budget", type=float, default=4.0,
                        help="Seconds of repetitions per operation after the minimum.")
    parser.add_argument("--min-reps", type=int, default=15)
    parser.add_argument("--throughput-seconds", type=int, default=30)
    parser.add_argument("--no-throughput", action="store_true")
    parser.add_argument("--reuse-measurements", action="store_true",
                        help="Reuse var/bench/measure-*.json where present (to redo a report).")
    parser.add_argument("--pg-server", default=os.environ.get(
        "BENCH_PG_SERVER", "postgres://postgres@127.0.0.1:5432"),
        help="PostgreSQL server URL without a database name.")
    parser.add_argument("--report-only", action="store_true",
                        help="Only rewrite the report from the last run (var/bench/last-run.json).")
    args = parser.parse_args(argv)

    from bench import report, throughput

    if args.report_only:
        report.write(json.loads((VAR / "last-run.json").read_text()), RESULTS)
        log(f"report rewritten from the last run: {RESULTS / 'latest.md'}")
        return 0

    VAR.mkdir(parents=True, exist_ok=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    env = base_env()
    registry_path = VAR / "datasets.json"
    registry = json.loads(registry_path.read_text()) if registry_path.exists() else {}
    sizes = {
        "postgresql": [int(n) for n in args.pg.split(",") if n.strip()],
        "sqlite": [int(n) for n in args.sqlite.split(",") if n.strip()],
    }
    started = time.time()
    run = {"started": time.strftime("%Y-%m-%d %H:%M:%S %Z"), "seed": args.seed,
           "datasets": {}, "measurements": [], "machine": report.machine(args.pg_server)}

    backends = {}
    for name, backend_sizes in sizes.items():
        if not backend_sizes:
            continue
        backend = backends[name] = Backend(name, args.pg_server)
        for people in backend_sizes:
            run["datasets"][f"{name}:{label(people)}"] = ensure_dataset(
                backend, people, args.seed, env, registry)
            registry_path.write_text(json.dumps(registry, indent=1))

    for name, backend in backends.items():
        largest = max(sizes[name])
        for people in sizes[name]:
            log(f"measuring {name} {label(people)} (load {os.getloadavg()[0]:.1f})")
            run["measurements"].append(measure(
                env, backend.url(f"ct_bench_{label(people)}"), name, people,
                admin=name == "postgresql" or people == largest,
                explain=name == "postgresql" and people == largest,
                budget=args.budget, min_reps=args.min_reps, reuse=args.reuse_measurements))
        log(f"measuring {name}: loading the seed fixtures into an empty database")
        run["measurements"].append(measure(
            env, ensure_seed_database(backend, env), name, 0, mode="seed",
            budget=args.budget, min_reps=5, reuse=args.reuse_measurements))

    if not args.no_throughput and sizes["postgresql"]:
        people = max(sizes["postgresql"])
        log(f"throughput: gunicorn (2 workers) on postgresql {label(people)}, "
            f"{args.throughput_seconds} s")
        run["throughput"] = throughput.run(
            env, backends["postgresql"].url(f"ct_bench_{label(people)}"), people,
            seconds=args.throughput_seconds)

    run["seconds"] = round(time.time() - started)
    run["finished"] = time.strftime("%Y-%m-%d %H:%M:%S %Z")
    (VAR / "last-run.json").write_text(json.dumps(run, indent=1, default=str))
    report.write(run, RESULTS)
    log(f"report: {RESULTS / 'latest.md'} and latest.json ({run['seconds']} s in all)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
