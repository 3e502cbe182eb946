from django.core.management.base import BaseCommand

from casetracker.cases.models import Alias, Person
from casetracker.names.keys import rebuild_keys


class Command(BaseCommand):
    help = (
        "Recompute the stored name keys (name_key, phonetic_key) of every person and alias, "
        "after the transliteration tables in casetracker/names/tables.py change, or after "
        "rows were written without save() (bulk_create)."
    )

    def handle(self, *args, **options):
        for model in (Person, Alias):
            changed = rebuild_keys(model.objects.all())
            self.stdout.write(f"{model._meta.verbose_name_plural}: {changed} re-keyed.")
