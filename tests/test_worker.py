"""Long work runs in the task worker, off the request: the real worker, on the real queue.

The rest of the suite runs tasks at once (TASKS_BACKEND=immediate); here the database
backend queues them and ``manage.py db_worker --batch`` (what ``make run`` starts, without
``--batch``) works the queue.
"""

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

from casetracker.intake.models import ArticleIntake, ImportBatch

pytestmark = pytest.mark.django_db(transaction=True)

QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
SHEET = b"name,country,event_kind,event_date\nQueued Person,TJ,arrest,2016-10\n"


def work_the_queue():
    call_command("db_worker", "--batch", "--interval", "0", verbosity=0)


@override_settings(TASKS=QUEUE)
def test_an_upload_is_planned_and_imported_by_the_worker(staff_client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = staff_client.post(reverse("intake:import"),
                                 {"file": SimpleUploadedFile("queued.csv", SHEET)})
    batch = ImportBatch.objects.get()
    assert response["Location"] == reverse("intake:import_report", args=[batch.pk])
    assert (batch.state, batch.rows_total, batch.report) == ("planning", 1, {})
    page = staff_client.get(response["Location"]).content.decode()
    assert "planning row 0 of 1" in page and 'http-equiv="refresh"' in page

    work_the_queue()
    batch.refresh_from_db()
    assert (batch.state, batch.rows_done, batch.report["counts"]["create"]) == ("planned", 1, 1)

    staff_client.post(reverse("intake:import_confirm", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.state == "applying"
    work_the_queue()
    batch.refresh_from_db()
    assert batch.state == "applied"
    from casetracker.cases.models import Person

    person = Person.objects.get(name="Queued Person")
    assert person.history.get().history_user.username == "superuser"
    assert "Imported" in staff_client.get(reverse("intake:import_report",
                                                  args=[batch.pk])).content.decode()


@override_settings(TASKS=QUEUE)
def test_an_article_is_read_by_the_worker(staff_client):
    response = staff_client.post(reverse("intake:article_add"), {
        "title": "A queued report", "publisher": "Example News", "published": "2017-03-01",
        "language": "en", "country": "TJ",
        "text": "Buzurgmehr Yorov was sentenced to 23 years in prison in October 2016."})
    intake = ArticleIntake.objects.get()
    assert (intake.state, intake.proposals.count()) == ("reading", 0)
    assert "being read" in staff_client.get(response["Location"]).content.decode()
    work_the_queue()
    intake.refresh_from_db()
    assert intake.state == "read"
    assert intake.proposals.filter(kind="sentence", term_months=276).exists()
