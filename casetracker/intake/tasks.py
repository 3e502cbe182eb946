"""The intake's long work, done by the task worker (``manage.py db_worker``) off the request.

A dry run of 20,000 rows, an import, or reading a long article takes longer than a web
request may; each is a task of django-tasks (the backport of Django 6's tasks framework)
whose database backend needs nothing beside the app's own database. The pages show the
state and progress the tasks keep on their records.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django_tasks import task

from casetracker.intake import services
from casetracker.intake.models import ArticleIntake, ImportBatch


@task()
def plan_import_batch(batch_id: int):
    services.import_batch_plan(batch=ImportBatch.objects.get(pk=batch_id))


@task()
def apply_import_batch(batch_id: int, user_id: int):
    batch = ImportBatch.objects.get(pk=batch_id)
    try:
        services.import_batch_apply(batch=batch, user=get_user_model().objects.get(pk=user_id))
    except (services.ImportChanged, ValidationError) as error:
        ImportBatch.objects.filter(pk=batch_id).update(
            state=ImportBatch.State.FAILED,
            error=" ".join(getattr(error, "messages", [str(error)])))


@task()
def read_article(intake_id: int):
    services.article_intake_read(intake=ArticleIntake.objects.get(pk=intake_id))
