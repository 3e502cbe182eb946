"""The change log's work for the task worker: webhook deliveries and the public figures."""

from datetime import timedelta

from django.utils import timezone
from django_tasks import task

from casetracker.changes import delivery
from casetracker.changes.models import Webhook


@task()
def catch_up():
    """Log what committed writes changed for the public (``log.catch_up``)."""
    from casetracker.changes import log

    log.catch_up()


@task()
def deliver_pending(webhook_id: int):
    """Send a webhook's due deliveries; come back when the next retry is due."""
    webhook = Webhook.objects.filter(pk=webhook_id, is_active=True).first()
    if webhook is None:
        return
    wait = delivery.deliver_pending(webhook)
    if wait and deliver_pending.get_backend().supports_defer:
        deliver_pending.using(run_after=timezone.now() + timedelta(seconds=wait)) \
            .enqueue(webhook_id)


@task()
def refresh_public_figures():
    """Compute, under the new version, what every visitor would otherwise wait for: the
    statistics, the home page's figures and the case list's filter choices."""
    from casetracker.public import queries

    queries.refresh_cached_figures()
