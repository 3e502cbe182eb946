from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from casetracker.cases.models import Source
from casetracker.intake.importing import Action
from casetracker.intake.services import import_file
from casetracker.intake.sheets import SheetError

SYMBOLS = {Action.CREATE: "+", Action.UPDATE: "~", Action.UNCHANGED: "=", Action.REJECT: "✗"}


class Command(BaseCommand):
    help = (
        "Import people, events, proceedings and sources from a CSV or XLSX file. Shows row by "
        "row what is created, updated or rejected and why; without --dry-run, then imports "
        "the accepted rows in one transaction (all or nothing). Records land as drafts."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The .csv or .xlsx file.")
        parser.add_argument("--dry-run", action="store_true",
                            help="Only show what would happen; write nothing.")
        parser.add_argument("--source", metavar="SLUG",
                            help="The source every imported fact cites (default: one created "
                                 "for the file).")
        parser.add_argument("--user", metavar="USERNAME",
                            help="Whose name the history entries carry (and whose rights "
                                 "apply).")

    def handle(self, *args, file, dry_run, source, user, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No file at {path}.")
        chosen = None
        if source:
            chosen = Source.objects.filter(slug=source).first()
            if chosen is None:
                raise CommandError(f"No source has the slug “{source}”.")
        importer = None
        if user:
            importer = get_user_model().objects.filter(username=user).first()
            if importer is None:
                raise CommandError(f"No user is called “{user}”.")
        try:
            plan = import_file(content=path.read_bytes(), file_name=path.name, source=chosen,
                               user=importer, dry_run=dry_run)
        except SheetError as error:
            raise CommandError(str(error)) from error
        for column in plan.ignored_columns:
            self.stdout.write(self.style.WARNING(f"Column '{column}' is not one casetracker "
                                                 "knows: it was ignored."))
        for row in plan.rows:
            for problem in row.problems:
                self.stdout.write(self.style.ERROR(f"{SYMBOLS[row.action]} {problem}"))
            for note in row.notes:
                self.stdout.write(f"{SYMBOLS[row.action]} Row {row.number}: {note}")
        counts = plan.counts
        verb = "Would import" if dry_run else "Imported"
        summary = (f"{verb}: {counts['create']} row(s) creating records, {counts['update']} "
                   f"updating, {counts['unchanged']} unchanged; {counts['reject']} rejected.")
        self.stdout.write(self.style.SUCCESS(summary) if not counts["reject"]
                          else self.style.WARNING(summary))
