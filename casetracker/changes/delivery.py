"""Delivering each public change to the partners' webhooks: signed, in order, retried.

Deliveries are rows written in the transaction of the change (``log.py``), so none is lost
or made for a change rolled back; the task worker sends them, oldest first per webhook,
as ``POST <url>`` with the change as JSON (the feed's shape) and the headers

- ``X-Casetracker-Signature: sha256=<HMAC-SHA256 of the body, keyed with the secret>``,
- ``X-Casetracker-Delivery: <delivery id>`` (the same on a retry: a receiver that saw it
  may skip it).

A 2xx answer delivers it. Anything else (or no answer in 10 s) is retried after 1, 2, 4, …
minutes (at most 6 hours apart); after 12 attempts it is given up, and staff see why in
the admin. A webhook's later changes wait behind an undelivered one, so a partner receives
changes in the order they happened.
"""

import hashlib
import hmac
import urllib.error
import urllib.request
from datetime import timedelta

import orjson
from django.db import transaction
from django.utils import timezone

from casetracker.changes.models import Delivery, Webhook

TIMEOUT = 10
MAX_ATTEMPTS = 12
MAX_BACKOFF = timedelta(hours=6)


def schedule(changes):
    """Record a delivery of each change to each active webhook; have the worker send them,
    and refresh the figures cached for the public."""
    from casetracker.changes import tasks

    hooks = list(Webhook.objects.filter(is_active=True))
    if hooks:
        # The deliveries are written with the change; the worker is told once they are
        # committed (it sends every pending delivery of a webhook, so one told late, or a
        # worker restarted, loses none).
        Delivery.objects.bulk_create(
            [Delivery(webhook=hook, change=change) for change in changes for hook in hooks])
        for hook in hooks:
            transaction.on_commit(lambda pk=hook.pk: tasks.deliver_pending.enqueue(pk))
    transaction.on_commit(tasks.refresh_public_figures.enqueue)


def signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def backoff(attempts: int) -> timedelta:
    return min(timedelta(minutes=2 ** (attempts - 1)), MAX_BACKOFF)


def deliver_pending(webhook: Webhook, *, now=None) -> int | None:
    """Send the webhook's due deliveries in order; return when to try again (seconds from
    now), or None when nothing is left waiting."""
    now = now or timezone.now()
    while True:
        with transaction.atomic():
            delivery = (Delivery.objects.select_for_update(skip_locked=True)
                        .select_related("change", "webhook")
                        .filter(webhook=webhook, state=Delivery.State.PENDING)
                        .order_by("change_id").first())
            if delivery is None:
                return None
            if delivery.next_attempt_at and delivery.next_attempt_at > now:
                return (delivery.next_attempt_at - now).total_seconds()
            if not send(delivery, now=now):
                if delivery.state == Delivery.State.FAILED:
                    continue  # given up: the next change's turn
                return (delivery.next_attempt_at - now).total_seconds()


def send(delivery: Delivery, *, now) -> bool:
    """POST one delivery; record the outcome. Whether it was delivered."""
    body = orjson.dumps(delivery.change.as_dict())
    request = urllib.request.Request(delivery.webhook.url, data=body, method="POST", headers={
        "Content-Type": "application/json",
        "User-Agent": "casetracker-webhooks",
        "X-Casetracker-Signature": signature(delivery.webhook.secret, body),
        "X-Casetracker-Delivery": str(delivery.pk),
    })
    delivery.attempts += 1
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310
            status, error = response.status, ""
    except urllib.error.HTTPError as failure:
        status, error = failure.code, f"answered {failure.code}"
    except (urllib.error.URLError, OSError) as failure:
        status, error = None, str(getattr(failure, "reason", failure))[:300]
    delivery.last_status, delivery.last_error = status, error
    if status is not None and 200 <= status < 300:
        delivery.state, delivery.delivered_at, delivery.next_attempt_at = (
            Delivery.State.DELIVERED, now, None)
    elif delivery.attempts >= MAX_ATTEMPTS:
        delivery.state = Delivery.State.FAILED
    else:
        delivery.next_attempt_at = now + backoff(delivery.attempts)
    delivery.save()
    return delivery.state == Delivery.State.DELIVERED
