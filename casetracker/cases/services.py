"""Writes that touch several models at once, each in one transaction."""

from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count

SEED_FIXTURES_DIR = Path(settings.BASE_DIR) / "fixtures"
SEED_CHANGE_REASON = "Loaded from the seed fixtures"


def seed_fixture_paths() -> list[Path]:
    return sorted(SEED_FIXTURES_DIR.glob("*.yaml"))


def history_models():
    """Every casetracker model that keeps an audit history."""
    return [
        model
        for model in apps.get_app_config("cases").get_models()
        if hasattr(model, "history")
    ]


def record_initial_history(*, change_reason: str, user=None) -> int:
    """Give every record without history a first "created" entry; return how many were made.

    ``loaddata`` saves raw, which django-simple-history does not record, so a load is
    followed by this; records that already have a history are left alone.
    """
    created = 0
    for model in history_models():
        historical = model.history.model
        missing = model.objects.exclude(
            pk__in=historical.objects.values("id")
        ).order_by("pk")
        objs = list(missing)
        if objs:
            model.history.bulk_history_create(
                objs, default_user=user, default_change_reason=change_reason
            )
            created += len(objs)
    return created


class SeedError(ValueError):
    """The seed fixtures hold a record that breaks a rule; the message names it."""


def seed_check() -> None:
    """Validate what ``loaddata`` wrote, since it bypasses ``full_clean()``.

    Raises :class:`SeedError` naming the first invalid record, or the people that are
    recorded twice under spellings that share a name key.
    """
    from casetracker.cases.models import Person

    for model in history_models():
        # The database already enforced uniqueness, relations and the check constraints.
        relations = [field.name for field in model._meta.fields if field.is_relation]
        for record in model.objects.all():
            try:
                record.full_clean(exclude=relations, validate_unique=False,
                                  validate_constraints=False)
            except ValidationError as error:
                raise SeedError(f"{model._meta.label} pk={record.pk} ({record}): "
                                f"{'; '.join(error.messages)}") from None
    duplicates = (Person.objects.values("name_key").annotate(count=Count("pk"))
                  .filter(count__gt=1).values_list("name_key", flat=True))
    for key in duplicates:
        names = ", ".join(f"{p.name} (pk={p.pk})" for p in Person.objects.filter(name_key=key))
        raise SeedError(f"The same person is recorded twice: {names}. Keep one record and "
                        "add the other spelling as an alias.")


def seed_load(*, paths: list[Path] | None = None, dry_run: bool = False) -> dict[str, int]:
    """Load the seed fixtures (idempotently: fixed primary keys) in one transaction.

    Returns the number of rows per model after the load. With ``dry_run`` the load is
    validated against the database and rolled back.
    """
    paths = paths or seed_fixture_paths()
    if not paths:
        raise FileNotFoundError(f"No seed fixtures (*.yaml) in {SEED_FIXTURES_DIR}.")
    with transaction.atomic():
        call_command("loaddata", *[str(path) for path in paths], verbosity=0)
        seed_check()
        record_initial_history(change_reason=SEED_CHANGE_REASON)
        counts = {model._meta.verbose_name_plural: model.objects.count()
                  for model in history_models()}
        if dry_run:
            transaction.set_rollback(True)
    return counts
