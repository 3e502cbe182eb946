import time

from django.core.management.base import BaseCommand, CommandError

from casetracker.cases.synth import CHANGE_REASON, Generator


class Command(BaseCommand):
    help = (
        "Generate a realistic synthetic case record of N people for benchmarks and load tests "
        "(deterministic for a given --seed; written with bulk inserts in one transaction). "
        "Names are Tajik, Uzbek, Kyrgyz, Kazakh, Turkmen and Russian, published in Latin "
        "script under one of several transliterations, with Cyrillic and other Latin "
        "spellings as aliases. Approximate proportions: 80% of people published (10% draft, "
        "6% in review, 4% withdrawn), 3% restricted, 15% relatives named for context, 0.3% "
        "duplicates merged into another record, 1% pseudonyms; 3-10 events each (mostly 3-6); "
        "65% of targets tried (14% of them twice), 75% of trials ending in conviction, of "
        "which 3% life and 10% with an unknown term; 80% of the convicted detained; half of "
        "the targets affiliated to a party, outlet or NGO; facts 92% published and 4% "
        "restricted; every fact cites 1-3 sources (0.4 sources per person, 90% published, "
        "5% restricted). Each row gets one 'created' history entry unless --without-history."
    )

    def add_arguments(self, parser):
        parser.add_argument("--people", type=int, required=True,
                            help="How many people to generate (at least 1).")
        parser.add_argument("--seed", type=int, default=1,
                            help="Random seed: the same seed gives the same data (default 1).")
        parser.add_argument("--dry-run", action="store_true",
                            help="Generate and insert everything, then roll back.")
        parser.add_argument("--without-history", action="store_true",
                            help=f"Skip the '{CHANGE_REASON}' history rows (about 40%% faster).")

    def handle(self, *args, people, seed, dry_run, without_history, **options):
        if people < 1:
            raise CommandError(f"--people must be at least 1 (got {people}).")
        started = time.perf_counter()

        def progress(message):
            if options["verbosity"] >= 2:
                self.stdout.write(f"  {message} ({time.perf_counter() - started:.0f} s)")

        generator = Generator(people=people, seed=seed, with_history=not without_history,
                              progress=progress)
        try:
            stats = generator.run(dry_run=dry_run)
        except FileExistsError as error:
            raise CommandError(str(error)) from error
        elapsed = time.perf_counter() - started
        summary = ", ".join(f"{count:,} {name}" for name, count in stats.rows.items())
        verb = "Would create" if dry_run else "Created"
        self.stdout.write(self.style.SUCCESS(
            f"{verb} {summary}; {stats.history_rows:,} history rows; in {elapsed:.1f} s."
        ))
