"""API tokens: how a partner organisation's client identifies itself to write through the API.

Reading is public and anonymous. A token is issued in the admin to a partner's user account
(so the audit history records who wrote), shown once, and stored only as its SHA-256 hash:
a copy of the database does not hand out working tokens.
"""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# last_used_at is a hint for staff ("is this token still in use?"), not an audit log:
# writing it at most once a minute keeps a busy client from turning every read into a write.
LAST_USED_RESOLUTION = timedelta(minutes=1)


class ApiTokenQuerySet(models.QuerySet):
    def active(self):
        """Tokens that authenticate: not revoked, held by an active account."""
        return self.filter(revoked_at__isnull=True, user__is_active=True)


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens",
        verbose_name=_("partner account"),
        help_text=_("The partner's user account: the audit history names it for every write."),
    )
    name = models.CharField(
        _("name"), max_length=100,
        help_text=_("Who uses the token and for what, e.g. “HRW research team sync”."),
    )
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(
        _("prefix"), max_length=8, editable=False,
        help_text=_("The first characters of the token, to recognise it without revealing it."),
    )
    can_write = models.BooleanField(
        _("may write"), default=False,
        help_text=_("Allow creating and updating people, events, proceedings and sources. "
                    "What a partner writes always lands as a draft for staff to review."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True, editable=False)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    def set_new_key(self) -> str:
        """Give the token a new random key and return it: the only time it is ever readable."""
        key = secrets.token_urlsafe(32)
        self.key_hash = self.hash_key(key)
        self.prefix = key[:8]
        return key

    @classmethod
    def issue(cls, *, user, name: str, can_write: bool = False) -> tuple["ApiToken", str]:
        """Create a token for ``user``; return it with its key."""
        token = cls(user=user, name=name, can_write=can_write)
        key = token.set_new_key()
        token.save()
        return token, key

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    def revoke(self):
        if self.revoked_at is None:
            self.revoked_at = timezone.now()
            self.save(update_fields=["revoked_at"])

    def record_use(self):
        now = timezone.now()
        if self.last_used_at is None or now - self.last_used_at > LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=self.pk).update(last_used_at=now)
            self.last_used_at = now


class Submission(models.Model):
    """What a partner sent through the API for one record, in the API's own representation.

    The API answers a partner's write, and its reads of its own drafts, from these alone
    (merged, oldest first): never with what staff added, corrected or restricted since.
    A submission to a locked record (a published one) waits for review as ``revisions``.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                             related_name="api_submissions", verbose_name=_("partner account"))
    content_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.PROTECT,
                                     related_name="+")
    object_id = models.PositiveBigIntegerField()
    data = models.JSONField(_("what was sent"), default=dict)
    revisions = models.ManyToManyField(
        "cases.Revision", blank=True, related_name="+", verbose_name=_("revisions"),
        help_text=_("The changes it waits as, when the record was locked."))
    created_at = models.DateTimeField(_("received"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("API submission")
        verbose_name_plural = _("API submissions")
        indexes = [models.Index(fields=["content_type", "object_id", "user"])]

    def __str__(self):
        return f"{self.user} → {self.content_type.model} #{self.object_id}"
