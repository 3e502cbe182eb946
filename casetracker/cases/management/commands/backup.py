from pathlib import Path

from django.core.management.base import BaseCommand

from casetracker.cases.backup import backup_write


class Command(BaseCommand):
    help = ("Write a complete, versioned backup (every record, its history, users and API "
            "tokens) to one JSON file. Restore it with `manage.py restore FILE`.")

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="Where to write the backup (.json).")

    def handle(self, *args, path, **options):
        counts = backup_write(path=path)
        total = sum(counts.values())
        self.stdout.write(self.style.SUCCESS(
            f"Backed up {total} rows of {len(counts)} tables to {path}."))
