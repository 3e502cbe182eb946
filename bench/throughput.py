"""The throughput run: the app under gunicorn (2 sync workers, production settings) on
PostgreSQL, loaded by wrk from a second process over loopback for a bounded time.

The request mix is what partners and readers do most: API list, filtered list, records,
name searches, case pages and the case list (not the statistics page or CSV exports,
which are measured on their own). Errors are non-2xx/3xx answers plus socket errors and
timeouts (10 s).
"""

import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var" / "bench"
HOST, PORT = "127.0.0.1", 8799
WORKERS = 2
CONNECTIONS = 4


def sample(database_url: str, n: int = 20) -> list[tuple[int, str]]:
    import psycopg

    with psycopg.connect(database_url.replace("postgres://", "postgresql://", 1)) as conn:
        rows = conn.execute(
            "SELECT id, slug FROM cases_person WHERE publication_state = 'published' "
            "AND NOT is_restricted AND merged_into_id IS NULL AND involvement = 'target' "
            "ORDER BY id").fetchall()
    return [rows[i * len(rows) // n] for i in range(min(n, len(rows)))]


def paths(database_url: str) -> list[str]:
    people = sample(database_url)
    mix = []
    for index, (pk, slug) in enumerate(people):
        mix.append(f"/api/v1/people/{pk}/")
        mix.append(f"/cases/{slug}/")
        if index % 2 == 0:
            mix.append("/api/v1/people/")
        if index % 4 == 0:
            mix.append("/api/v1/people/?country=TJ&status=imprisoned")
            mix.append("/cases/")
        if index % 5 == 0:
            mix.append("/api/v1/people/?search=Yorov")
    return mix


def lua_script(mix: list[str]) -> Path:
    path = VAR / "wrk-mix.lua"
    quoted = ",\n  ".join(f'"{p}"' for p in mix)
    path.write_text(
        f"local paths = {{\n  {quoted}\n}}\nlocal i = 0\n"
        "request = function()\n  i = i % #paths + 1\n"
        "  return wrk.format(\"GET\", paths[i])\nend\n"
    )
    return path


def wait_for_port(timeout=60) -> bool:
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            socket.create_connection((HOST, PORT), 1).close()
            return True
        except OSError:
            time.sleep(0.5)
    return False


def parse_wrk(output: str) -> dict:
    def number(pattern, default=0.0):
        match = re.search(pattern, output)
        return float(match.group(1)) if match else default

    def ms(text):
        value, unit = re.match(r"([\d.]+)(us|ms|s|m)", text).groups()
        return round(float(value) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit], 2)

    latency = {f"p{p}": ms(v) for p, v in
               re.findall(r"^\s+(\d+)%\s+([\d.]+(?:us|ms|s|m))\s*$", output, re.M)}
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    socket_total = sum(int(g) for g in socket_errors.groups()) if socket_errors else 0
    non_2xx = int(number(r"Non-2xx or 3xx responses: (\d+)"))
    return {
        "requests": int(number(r"(\d+) requests in")),
        "requests_per_second": number(r"Requests/sec:\s+([\d.]+)"),
        "latency_ms": latency,
        "non_2xx_3xx": non_2xx,
        "socket_errors": socket_total,
        "errors": non_2xx + socket_total,
    }


def run(env: dict, database_url: str, people: int, *, seconds: int = 30) -> dict:
    wrk = shutil.which("wrk")
    if not wrk:
        return {"not_available": "wrk is not installed (apt-get install -y wrk)"}
    gunicorn = Path(sys.executable).with_name("gunicorn")
    if not gunicorn.exists():
        return {"not_available": "gunicorn is not installed (pip install -e '.[bench]')"}
    app_env = {
        **env,
        "CASETRACKER_ENV": "production",
        "DATABASE_URL": database_url,
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": f"{HOST},localhost",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_HSTS_SECONDS": "0",
        "LOG_LEVEL": "WARNING",
    }
    app_env.pop("DEBUG", None)
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
                   cwd=ROOT, env=app_env, check=True)
    log_path = VAR / "gunicorn.log"
    with open(log_path, "w") as log:
        server = subprocess.Popen(
            [str(gunicorn), "casetracker.wsgi:application", "--bind", f"{HOST}:{PORT}",
             "--workers", str(WORKERS), "--worker-class", "sync", "--timeout", "60",
             "--log-level", "warning"],
            cwd=ROOT, env=app_env, stdout=log, stderr=subprocess.STDOUT,
        )
    try:
        if not wait_for_port():
            return {"error": f"gunicorn did not start: see {log_path}"}
        mix = paths(database_url)
        script = lua_script(mix)
        # Warm both workers: connections, caches, compiled templates.
        subprocess.run([wrk, "-t1", f"-c{CONNECTIONS}", "-d5s", "-s", str(script),
                        f"http://{HOST}:{PORT}"], capture_output=True, text=True, check=False)
        started_load = _load()
        done = subprocess.run(
            [wrk, "-t1", f"-c{CONNECTIONS}", f"-d{seconds}s", "--timeout", "10s", "--latency",
             "-s", str(script), f"http://{HOST}:{PORT}"],
            capture_output=True, text=True, check=False,
        )
        result = parse_wrk(done.stdout)
        result.update(
            people=people, seconds=seconds, workers=WORKERS, connections=CONNECTIONS,
            tool="wrk (1 thread)", paths_in_mix=len(mix), distinct_paths=len(set(mix)),
            load_before=started_load, load_after=_load(), raw=done.stdout[-2000:],
            settings="CASETRACKER_ENV=production, DEBUG off, persistent DB connections",
        )
        return result
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()


def _load():
    import os

    return [round(x, 2) for x in os.getloadavg()]
