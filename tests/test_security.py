"""Deployment hardening: deploy checks, brute-force lockout, optional TOTP, CSP, 503 on outage."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import OperationalError, ProgrammingError
from django.test import RequestFactory
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from casetracker.security import DatabaseUnavailableMiddleware
from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "correct horse battery staple"


def production(tmp_path) -> dict:
    """Production settings, with static files collected (or not) under ``tmp_path``."""
    env = {
        **os.environ,
        "CASETRACKER_ENV": "production",
        "SECRET_KEY": "x7!" + "k" * 30 + "q9#Zr2@Lm4$Vb8%Np6^Tw1&Yd3*Hs5",
        "ALLOWED_HOSTS": "cases.example.org",
        "DEBUG": "0",
        "STATIC_ROOT": str(tmp_path / "static"),
    }
    env.pop("DATABASE_URL", None)
    return env


def manage(env, *args):
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=180)


def test_production_settings_pass_check_deploy_without_warnings(tmp_path):
    """`manage.py check --deploy` finds nothing to warn about in production settings, once
    static files are collected (as `make deploy` does first)."""
    env = production(tmp_path)
    assert manage(env, "collectstatic", "--noinput", "-v0").returncode == 0
    result = manage(env, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_without_collected_static_files_cannot_half_work(tmp_path):
    """Without the manifest every page would be a 500: the deploy check fails, naming the
    fix, and the WSGI application refuses to start."""
    env = production(tmp_path)
    result = manage(env, "check", "--deploy")
    assert result.returncode != 0
    assert "casetracker.E003" in result.stderr and "collectstatic" in result.stderr
    started = subprocess.run([sys.executable, "-c", "import casetracker.wsgi"], cwd=ROOT,
                             env=env, capture_output=True, text=True, timeout=120)
    assert started.returncode != 0
    assert "Static files have not been collected" in started.stderr


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        ({"CASETRACKER_ENV": "production", "ALLOWED_HOSTS": "a.org"}, "SECRET_KEY is required"),
        ({"CASETRACKER_ENV": "production", "SECRET_KEY": "short", "ALLOWED_HOSTS": "a.org"},
         "at least 50 characters"),
        ({"CASETRACKER_ENV": "development", "DEBUG": "maybe"}, "DEBUG='maybe' is not a boolean"),
        ({"CASETRACKER_ENV": "staging"}, "use development, test or production"),
        ({"CASETRACKER_ENV": "production", "SECRET_KEY": "k" * 60, "ALLOWED_HOSTS": "a.org",
          "DEBUG": "1"}, "DEBUG must never be on in production"),
    ],
)
def test_bad_settings_stop_the_process_with_a_clear_message(variables, message):
    env = {key: value for key, value in os.environ.items()
           if key not in {"SECRET_KEY", "DEBUG", "ALLOWED_HOSTS", "DATABASE_URL"}}
    env.update(variables)
    result = subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    assert message in result.stderr


@pytest.mark.django_db
def test_admin_login_locks_out_after_repeated_failures(client):
    """Five wrong passwords lock the username out, even the right password then fails."""
    UserFactory(username="staffer", is_staff=True)
    url = reverse("admin:login")
    for _ in range(5):
        client.post(url, {"username": "staffer", "password": "wrong"})
    response = client.post(url, {"username": "staffer", "password": PASSWORD})
    assert response.status_code == 429
    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_login_failure_does_not_reveal_whether_the_user_exists(client):
    UserFactory(username="staffer", is_staff=True)
    url = reverse("admin:login")
    known = client.post(url, {"username": "staffer", "password": "wrong"})
    unknown = client.post(url, {"username": "nobody", "password": "wrong"})
    assert known.status_code == unknown.status_code == 200
    assert known.context["form"].errors == unknown.context["form"].errors


@pytest.mark.django_db
def test_staff_without_a_device_log_in_with_a_password(client):
    UserFactory(username="staffer", is_staff=True)
    response = client.post(reverse("admin:login"), {"username": "staffer", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200


@pytest.mark.django_db
def test_staff_with_a_totp_device_need_its_code(client):
    """A registered authenticator makes its current code required at login."""
    user = UserFactory(username="reviewer2", is_staff=True)
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    url = reverse("admin:login")
    refused = client.post(url, {"username": "reviewer2", "password": PASSWORD})
    assert refused.status_code == 200
    assert "_auth_user_id" not in client.session
    code = f"{totp(device.bin_key, device.step, device.t0, device.digits):06d}"
    wrong_code = f"{(int(code) + 1) % 1_000_000:06d}"
    wrong = client.post(url, {"username": "reviewer2", "password": PASSWORD,
                              "otp_token": wrong_code})
    assert "_auth_user_id" not in client.session and wrong.status_code == 200
    device.refresh_from_db()
    device.throttle_reset()  # django-otp slows retries after a failure; not under test here
    accepted = client.post(url, {"username": "reviewer2", "password": PASSWORD,
                                 "otp_token": code})
    assert accepted.status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200


@pytest.mark.django_db
def test_content_security_policy_forbids_inline_and_foreign_scripts(client):
    response = client.get(reverse("admin:login"))
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    assert "frame-ancestors 'none'" in policy


@pytest.mark.parametrize("path", ["/cases/", "/api/v1/people/"])
def test_lost_database_answers_503_with_a_clear_message(path):
    """A refused connection gives a 503 with Retry-After, not a stack trace."""
    middleware = DatabaseUnavailableMiddleware(lambda request: None)
    request = RequestFactory().get(path)
    error = OperationalError('connection to server at "127.0.0.1", port 5432 failed: '
                             "Connection refused")
    response = middleware.process_exception(request, error)
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert b"database is unavailable" in response.content
    assert b"5432" not in response.content


def test_a_bad_query_is_not_mistaken_for_an_outage():
    middleware = DatabaseUnavailableMiddleware(lambda request: None)
    request = RequestFactory().get("/cases/")
    assert middleware.process_exception(request, ProgrammingError("syntax error")) is None
    assert middleware.process_exception(request, OperationalError("no such column: x")) is None
