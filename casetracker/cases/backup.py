"""Complete, versioned backups: every record, its whole history, users, API tokens and the
admin's log of actions.

A backup is one JSON document: a header (format version, when, the migrations applied, the
secrets it holds) and the rows in Django's serialisation format, with date-times to the
microsecond (Django's JSON encoder cuts them to milliseconds, which would tie history rows
that are distinct). Restoring goes through ``loaddata`` in one transaction, into a database
that holds no case data yet.

A backup holds secrets (:data:`SECRETS`): store it encrypted, and only where a copy of the
production database may be stored.
"""

import datetime
import json
import tempfile
from pathlib import Path

import django
from django.apps import apps
from django.core import serializers
from django.core.management import call_command
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.db.migrations.recorder import MigrationRecorder

FORMAT = "casetracker-backup"
FORMAT_VERSION = 2
# Application data, in an order that loads without forward references.
BACKED_UP_APPS = ["auth", "cases", "api", "intake", "otp_totp", "admin"]
SKIPPED_MODELS = {"auth.permission", "auth.group"}  # recreated by migrations
#: What a backup holds that must not leak, with what an attacker could do with it.
SECRETS = {
    "auth.user": "password hashes (slow to crack, but crackable offline)",
    "otp_totp.totpdevice": "authenticator (TOTP) secret keys, in clear: they generate valid "
                           "login codes",
    "api.apitoken": "API token hashes (SHA-256 of random keys: not usable as tokens)",
    "admin.logentry": "who did what in the admin, naming records as they were then",
}


class BackupError(Exception):
    """A backup that cannot be restored here; the message says why."""


def backed_up_models():
    models = []
    for label in BACKED_UP_APPS:
        try:
            config = apps.get_app_config(label)
        except LookupError:
            continue  # an optional app that is not installed
        models.extend(model for model in config.get_models()
                      if model._meta.label_lower not in SKIPPED_MODELS
                      and not model._meta.proxy)
    return models


def applied_migrations() -> dict[str, list[str]]:
    applied: dict[str, list[str]] = {}
    for app, name in MigrationRecorder(connection).applied_migrations():
        applied.setdefault(app, []).append(name)
    return {app: sorted(names) for app, names in sorted(applied.items())}


class ExactJSONEncoder(DjangoJSONEncoder):
    """Django's encoder, but date-times and times keep their microseconds."""

    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            text = o.isoformat()
            return text[:-6] + "Z" if text.endswith("+00:00") else text
        return super().default(o)


def secrets_held(counts: dict[str, int]) -> dict[str, str]:
    """The :data:`SECRETS` a backup with these row counts holds."""
    held = {}
    for label, what in SECRETS.items():
        try:
            model = apps.get_model(label)
        except LookupError:
            continue
        if counts.get(model._meta.label):
            held[model._meta.label] = what
    return held


def backup_write(*, path: Path) -> dict[str, int]:
    """Write a backup of the whole database to ``path``; return the row count per model."""
    counts = {}
    rows = []
    with transaction.atomic():  # one consistent snapshot
        for model in backed_up_models():
            queryset = model._default_manager.order_by("pk")
            counts[model._meta.label] = queryset.count()
            rows.extend(serializers.serialize("python", queryset,
                                              use_natural_foreign_keys=True))
        migrations = applied_migrations()
    document = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "created_at": datetime.datetime.now(datetime.UTC).isoformat(),
        "django": django.get_version(),
        "migrations": migrations,
        "secrets": secrets_held(counts),
        "counts": counts,
        "data": rows,
    }
    path.write_text(json.dumps(document, ensure_ascii=False, indent=0, cls=ExactJSONEncoder),
                    encoding="utf-8")
    return counts


def read_backup(path: Path) -> dict:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise BackupError(f"{path} is not a readable backup: {error}") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise BackupError(f"{path} is not a casetracker backup.")
    if document.get("format_version") not in (1, FORMAT_VERSION):  # 1: milliseconds
        raise BackupError(f"{path} has backup format {document.get('format_version')}; this "
                          f"version of casetracker reads format {FORMAT_VERSION}.")
    return document


def backup_restore(*, path: Path) -> dict[str, int]:
    """Restore ``path`` into this (migrated, empty) database, all or nothing."""
    document = read_backup(path)
    current = applied_migrations()
    newer = {app: sorted(set(names) - set(current.get(app, [])))
             for app, names in document["migrations"].items()
             if set(names) - set(current.get(app, []))}
    if newer:
        raise BackupError("The backup comes from a newer schema than this database has; run "
                          f"`manage.py migrate` first. Missing migrations: {newer}")
    occupied = [model._meta.label for model in backed_up_models()
                if model._default_manager.exists()]
    if occupied:
        raise BackupError("Restore only into an empty database; these tables already hold "
                          f"data: {', '.join(occupied)}.")
    with tempfile.TemporaryDirectory() as directory:
        fixture = Path(directory) / "backup.json"
        fixture.write_text(json.dumps(document["data"], ensure_ascii=False), encoding="utf-8")
        with transaction.atomic():
            call_command("loaddata", str(fixture), verbosity=0)
    return {model._meta.label: model._default_manager.count() for model in backed_up_models()}
