from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from casetracker.intake.exporting import export_rows, exportable_people
from casetracker.intake.sheets import SheetError, file_format, write_sheet


class Command(BaseCommand):
    help = (
        "Export every unrestricted person, event and proceeding to a CSV or XLSX file in the "
        "layout `manage.py import` reads, with each record's ID and public URL."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The .csv or .xlsx file to write.")
        parser.add_argument("--base-url", default="",
                            help="Prefix of the public URLs, e.g. https://cases.example.org")

    def handle(self, *args, file, base_url, **options):
        path = Path(file)
        try:
            kind = file_format(path.name)
        except SheetError as error:
            raise CommandError(str(error)) from error
        rows = export_rows(exportable_people(), base_url=base_url.rstrip("/"))
        path.write_bytes(write_sheet(rows, file_format_name=kind))
        self.stdout.write(self.style.SUCCESS(f"Wrote {len(rows)} row(s) to {path}."))
