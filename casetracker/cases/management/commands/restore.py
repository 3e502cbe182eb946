from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from casetracker.cases.backup import BackupError, backup_restore, read_backup


class Command(BaseCommand):
    help = ("Restore a backup written by `manage.py backup` into a migrated, empty database, "
            "in one transaction: all or nothing.")

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="The backup file.")
        parser.add_argument("--dry-run", action="store_true",
                            help="Only check that the file is a backup this version can read.")

    def handle(self, *args, path, dry_run, **options):
        try:
            if dry_run:
                document = read_backup(path)
                self.stdout.write(f"{path}: a backup of {sum(document['counts'].values())} "
                                  f"rows made {document['created_at']}.")
                return
            counts = backup_restore(path=path)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(self.style.SUCCESS(
            f"Restored {sum(counts.values())} rows from {path}."))
