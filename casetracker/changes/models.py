"""The public change log: what the public can see of each record, and when that changed.

A :class:`Change` is written, in the same transaction, whenever what the public sees of a
person's record changes: it was published, withdrawn, restricted, merged, deleted, or a
published part of it was edited, added or removed (see ``log.py``). A change nobody outside
can see writes nothing. The log is append-only; its ids are the cursor partners sync from,
handed out in commit order (:class:`LogHead`), so a reader never skips a late commit.

Partners can also register :class:`Webhook`\\ s; each change is delivered to each of them
(:class:`Delivery`) by the task worker, signed, retried with backoff.
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Action(models.TextChoices):
    CHANGED = "changed", _("changed (or first published)")
    REMOVED = "removed", _("removed from the public record")
    MERGED = "merged", _("merged into another record")


class RecordType(models.TextChoices):
    """The public records the log follows: people (with everything their record shows) and
    sources, the two lists partners mirror."""

    PERSON = "person", _("person")
    SOURCE = "source", _("source")


class ChangeQuerySet(models.QuerySet):
    def of(self, record_type: str, ids):
        return self.filter(record_type=record_type, record_id__in=ids)

    def latest(self, record_type: str, record_id):
        """The latest change of one record, or None."""
        return self.filter(record_type=record_type, record_id=record_id).order_by("-id").first()

    def latest_per_record(self, record_type: str, ids) -> dict[int, "Change"]:
        """``{record id: its latest change}`` for ``ids`` (two queries)."""
        newest = (self.of(record_type, ids).values("record_id")
                  .annotate(last=models.Max("id")).values("last"))
        return {change.record_id: change for change in self.filter(id__in=newest)}


class Change(models.Model):
    """One change to what the public sees of a record. Never updated, never deleted."""

    id = models.BigIntegerField(primary_key=True, editable=False,
                                help_text=_("The cursor: ids grow in the order changes were "
                                            "committed."))
    record_type = models.CharField(_("kind of record"), max_length=16, choices=RecordType)
    record_id = models.BigIntegerField(_("record"))
    action = models.CharField(_("action"), max_length=8, choices=Action)
    into = models.BigIntegerField(_("merged into"), null=True, blank=True)
    at = models.DateTimeField(_("when"), db_index=True)
    digest = models.CharField(
        _("digest of the public record"), max_length=64, blank=True,
        help_text=_("SHA-256 of the public representation after the change; empty once "
                    "removed."))

    objects = ChangeQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        verbose_name = _("public change")
        verbose_name_plural = _("public changes")
        indexes = [models.Index(fields=["record_type", "record_id", "id"],
                                name="changes_record_latest")]
        constraints = [
            models.CheckConstraint(
                condition=Q(action="merged", into__isnull=False) | ~Q(action="merged"),
                name="change_merged_names_survivor",
                violation_error_message=_("A merge names the record it was merged into."),
            ),
        ]

    def __str__(self):
        return f"#{self.id} {self.record_type} {self.record_id} {self.action}"

    def as_dict(self) -> dict:
        """The change as the feed and the webhooks give it."""
        return {"cursor": self.id, "type": self.record_type, "id": self.record_id,
                "action": self.action, "into": self.into, "at": self.at}


class Touched(models.Model):
    """A public record a committed write may have changed, not yet compared.

    Written in the write's own transaction (one insert per person), so no change is lost;
    ``log.catch_up`` turns them into :class:`Change`\\ s before the log is read, and the
    worker does it within seconds of the commit.
    """

    id = models.BigAutoField(primary_key=True)
    record_type = models.CharField(max_length=16, choices=RecordType)
    record_id = models.BigIntegerField()
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("record to compare")

    def __str__(self):
        return f"{self.record_type} {self.record_id}"


class LogHead(models.Model):
    """The one row holding the last cursor handed out.

    Writers lock it (``SELECT … FOR UPDATE``) to number their changes, and hold it until
    they commit: cursors are in commit order, so a partner that read up to cursor N will
    never see a change numbered below N appear later.
    """

    last = models.BigIntegerField(default=0)
    last_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("change log head")

    def __str__(self):
        return f"cursor {self.last}"


def new_secret() -> str:
    return secrets.token_urlsafe(32)


class Webhook(models.Model):
    """A partner's URL that receives every public change, signed with its secret."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="webhooks", verbose_name=_("partner account"))
    url = models.URLField(_("URL"), max_length=500,
                          help_text=_("Where each change is POSTed, as JSON."))
    secret = models.CharField(
        _("signing secret"), max_length=64, default=new_secret, editable=False,
        help_text=_("Signs each delivery (HMAC-SHA256); shown once when the webhook is made."))
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("webhook")
        verbose_name_plural = _("webhooks")
        constraints = [
            models.CheckConstraint(
                condition=Q(url__istartswith="http://") | Q(url__istartswith="https://"),
                name="webhook_url_is_a_web_address",
                violation_error_message=_("The URL must start with http:// or https://."),
            ),
        ]

    def __str__(self):
        return f"{self.user} → {self.url}"


class Delivery(models.Model):
    """One change to deliver to one webhook: delivered once, retried until it is."""

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Gave up")

    webhook = models.ForeignKey(Webhook, on_delete=models.CASCADE, related_name="deliveries")
    change = models.ForeignKey(Change, on_delete=models.PROTECT, related_name="deliveries")
    state = models.CharField(_("state"), max_length=16, choices=State, default=State.PENDING,
                             db_index=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    last_status = models.PositiveSmallIntegerField(_("last answer"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)

    class Meta:
        ordering = ["-change_id"]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [models.UniqueConstraint(fields=["webhook", "change"],
                                               name="delivery_once_per_change")]

    def __str__(self):
        return f"{self.change} → {self.webhook.url} ({self.get_state_display()})"
