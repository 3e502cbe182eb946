from django.core.management.base import BaseCommand, CommandError

from casetracker.cases.services import seed_fixture_paths, seed_load


class Command(BaseCommand):
    help = (
        "Load the seed cases from fixtures/*.yaml in one transaction. Idempotent: loading "
        "twice changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true",
                            help="Check the fixtures load cleanly, then roll back.")

    def handle(self, *args, dry_run, **options):
        paths = seed_fixture_paths()
        self.stdout.write(f"Loading {len(paths)} seed fixture file(s)…")
        try:
            counts = seed_load(paths=paths, dry_run=dry_run)
        except Exception as error:  # loaddata wraps the cause; name the file and the problem
            raise CommandError(
                f"The seed fixtures did not load, nothing was written: {error}"
            ) from error
        summary = ", ".join(f"{count} {model._meta.verbose_name_plural}"
                            for model, count in counts.items() if count)
        verb = "Would load" if dry_run else "Loaded"
        self.stdout.write(self.style.SUCCESS(f"{verb}: {summary}."))
