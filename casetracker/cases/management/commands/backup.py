from pathlib import Path

from django.core.management.base import BaseCommand

from casetracker.cases.backup import backup_write, secrets_held


class Command(BaseCommand):
    help = ("Write a complete, versioned backup (every record, its history, users, API "
            "tokens and the admin log) to one JSON file. Restore it with `manage.py restore "
            "FILE`. The file holds secrets (TOTP keys in clear, password hashes): store it "
            "encrypted.")

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="Where to write the backup (.json).")

    def handle(self, *args, path, **options):
        counts = backup_write(path=path)
        total = sum(counts.values())
        self.stdout.write(self.style.SUCCESS(
            f"Backed up {total} rows of {len(counts)} tables to {path}."))
        if held := secrets_held(counts):
            self.stdout.write(self.style.WARNING(
                "The file holds secrets; store it encrypted (e.g. with age or gpg) and delete "
                "clear copies: " + "; ".join(held.values()) + "."))
