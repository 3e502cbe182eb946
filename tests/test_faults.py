"""Faults: the database goes away under a running server, then comes back.

A throwaway PostgreSQL cluster (its own data directory and port) is started for this
test, so stopping it cannot disturb the database the rest of the suite runs on.
"""

import glob
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PG_BIN = sorted(glob.glob("/usr/lib/postgresql/*/bin"))
pytestmark = pytest.mark.skipif(
    not PG_BIN or shutil.which("runuser") is None or os.geteuid() != 0,
    reason="needs Debian's PostgreSQL binaries and root (to run them as the postgres user)",
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def as_postgres(*command, check=True):
    return subprocess.run(["runuser", "-u", "postgres", "--", *command], check=check,
                          capture_output=True, text=True, timeout=120)


def get(url):
    try:
        with urllib.request.urlopen(url, timeout=20) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


@pytest.fixture
def throwaway_postgres():
    bin_dir = Path(PG_BIN[-1])
    data = Path(tempfile.mkdtemp(prefix="ct-faults-"))
    shutil.chown(data, "postgres")
    port = free_port()
    as_postgres(str(bin_dir / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres")
    pg_ctl = [str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(data / "log"), "-w",
              "-o", f"-p {port} -k {data} -c listen_addresses=127.0.0.1"]

    def start():
        as_postgres(*pg_ctl, "start")

    def stop():
        as_postgres(str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop")

    start()
    as_postgres(str(bin_dir / "createdb"), "-h", "127.0.0.1", "-p", str(port), "faults")
    yield {"url": f"postgres://postgres@127.0.0.1:{port}/faults", "start": start, "stop": stop}
    as_postgres(str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop", check=False)
    shutil.rmtree(data, ignore_errors=True)


@pytest.fixture
def server(throwaway_postgres):
    env = {**os.environ, "CASETRACKER_ENV": "development", "DEBUG": "0",
           "DATABASE_URL": throwaway_postgres["url"], "AXES_ENABLED": "0"}
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True,
                   timeout=300)
    subprocess.run([*manage, "loadseeds", "-v0"], cwd=ROOT, env=env, check=True, timeout=300)
    port = free_port()
    process = subprocess.Popen([*manage, "runserver", "--noreload", f"127.0.0.1:{port}"],
                               cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            get(base + "/")
            break
        except OSError:
            time.sleep(0.2)
    yield base
    process.terminate()
    process.wait(timeout=20)


def test_database_outage_gives_503_and_the_server_recovers(server, throwaway_postgres):
    """While PostgreSQL is down pages and API answer 503 + Retry-After; after, 200 again."""
    paths = ["/cases/buzurgmehr-yorov/", "/api/v1/people/?search=Yorov"]
    for path in paths:
        assert get(server + path)[0] == 200, path

    throwaway_postgres["stop"]()
    for path in paths:
        status, headers, body = get(server + path)
        assert status == 503, (path, body[:500])
        assert headers.get("Retry-After") == "30"
        assert "database is unavailable" in body
        assert "Traceback" not in body and "5432" not in body and "psycopg" not in body

    throwaway_postgres["start"]()
    deadline = time.monotonic() + 30
    statuses = []
    while time.monotonic() < deadline:
        statuses = [get(server + path)[0] for path in paths]
        if statuses == [200, 200]:
            break
        time.sleep(0.5)
    assert statuses == [200, 200], "the server did not recover by itself"
