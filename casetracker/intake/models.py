"""What arrives in bulk and in pieces: spreadsheets to import, and articles to read.

An :class:`ImportBatch` keeps an uploaded spreadsheet between its dry run and its confirmed
run, so the run can check it applies exactly the decisions the dry run showed. An
:class:`ArticleIntake` keeps a pasted or uploaded article with the :class:`Proposal`\\ s
read from it, which staff accept, correct or reject one by one. Both dry run, run and
reading are done by the task worker (``tasks.py``), off the request; their state and
progress are kept here for the pages that show them.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from casetracker.cases.dates import PartialDateField
from casetracker.cases.models import Charge, Event, Person, Proceeding, Source


class ImportBatch(models.Model):
    class State(models.TextChoices):
        PLANNING = "planning", _("Dry run under way")
        PLANNED = "planned", _("Dry run done, waiting for confirmation")
        APPLYING = "applying", _("Import under way")
        APPLIED = "applied", _("Imported")
        FAILED = "failed", _("Failed")

    file_name = models.CharField(_("file name"), max_length=255)
    content = models.BinaryField(_("file content"))
    sha256 = models.CharField(_("SHA-256 of the file"), max_length=64, db_index=True)
    source = models.ForeignKey(
        Source, verbose_name=_("source cited"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="import_batches",
        help_text=_("Cited by every imported fact; when empty, a source is created for the file."),
    )
    state = models.CharField(_("state"), max_length=16, choices=State, default=State.PLANNING)
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    rows_done = models.PositiveIntegerField(_("rows planned"), default=0)
    error = models.TextField(_("what went wrong"), blank=True)
    report = models.JSONField(
        _("dry-run report"), default=dict, blank=True,
        help_text=_("The decisions of the dry run, row by row: the run must take the same."),
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"),
                                   null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    applied_at = models.DateTimeField(_("imported"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("spreadsheet import")
        verbose_name_plural = _("spreadsheet imports")

    def __str__(self):
        return f"{self.file_name} ({self.get_state_display()})"

    @property
    def in_progress(self) -> bool:
        return self.state in (self.State.PLANNING, self.State.APPLYING)


class ArticleIntake(models.Model):
    """An article pasted or uploaded by staff, stored as a draft Source, and its proposals."""

    class State(models.TextChoices):
        READING = "reading", _("Being read")
        READ = "read", _("Read")
        FAILED = "failed", _("Failed")

    source = models.OneToOneField(Source, verbose_name=_("source"), on_delete=models.PROTECT,
                                  related_name="intake")
    text = models.TextField(_("article text"))
    country = models.CharField(
        _("country of new people"), max_length=2, default="TJ",
        help_text=_("People the article names who are not recorded yet are created with it."),
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("added by"),
                                   null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(_("added"), auto_now_add=True)
    state = models.CharField(_("state"), max_length=8, choices=State, default=State.READING)
    proposals_left_out = models.PositiveIntegerField(
        _("proposals left out"), default=0,
        help_text=_("Past the most one article may propose: split a text this long."))
    error = models.TextField(_("what went wrong"), blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("article intake")
        verbose_name_plural = _("article intakes")

    def __str__(self):
        return self.source.title


class ProposalQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(status=Proposal.Status.PROPOSED)


class Proposal(models.Model):
    """One thing an article seems to say, waiting for a person to accept, correct or reject it.

    ``sentence`` is the sentence it was read from; ``start``/``end`` mark the words in it
    that gave the proposal away, for highlighting.
    """

    class Kind(models.TextChoices):
        PERSON = "person", _("Person named")
        EVENT = "event", _("Dated event")
        SENTENCE = "sentence", _("Prison sentence")
        CHARGE = "charge", _("Charge")

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Waiting for review")
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Rejected")

    intake = models.ForeignKey(ArticleIntake, on_delete=models.CASCADE, related_name="proposals")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind)
    status = models.CharField(_("status"), max_length=16, choices=Status,
                              default=Status.PROPOSED, db_index=True)
    sentence = models.TextField(_("sentence"))
    start = models.PositiveIntegerField(_("highlight start"))
    end = models.PositiveIntegerField(_("highlight end"))
    position = models.PositiveIntegerField(_("position in the article"), default=0)

    name = models.CharField(_("name as written"), max_length=200, blank=True)
    person = models.ForeignKey(
        Person, verbose_name=_("person"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", help_text=_("The recorded person it is about; empty for a new one."),
    )
    date = PartialDateField(_("date"), null=True, blank=True)
    date_text = models.CharField(_("date as written"), max_length=100, blank=True)
    event_kind = models.CharField(_("event kind"), max_length=24, choices=Event.Kind,
                                  blank=True)
    term_months = models.PositiveIntegerField(_("prison term (months)"), null=True, blank=True)
    life = models.BooleanField(_("life imprisonment"), default=False)
    charge_name = models.CharField(_("charge"), max_length=200, blank=True)
    wording = models.CharField(_("wording in the article"), max_length=300, blank=True)
    belongs_to = models.ForeignKey(
        "self", verbose_name=_("sentence it belongs to"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="parts",
        help_text=_("For a charge: the sentence proposal of the same trial."),
    )

    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("decided by"),
                                   null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    event = models.ForeignKey(Event, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+", verbose_name=_("event created"))
    proceeding = models.ForeignKey(Proceeding, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("proceeding created"))
    charge = models.ForeignKey(Charge, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+", verbose_name=_("charge recorded"))

    objects = ProposalQuerySet.as_manager()

    class Meta:
        ordering = ["intake", "position", "kind", "pk"]
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        constraints = [
            models.CheckConstraint(condition=Q(end__gte=models.F("start")),
                                   name="proposal_highlight_ordered"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.summary}"

    @property
    def summary(self) -> str:
        if self.kind == self.Kind.PERSON:
            return self.name
        if self.kind == self.Kind.EVENT:
            kind = Event.Kind(self.event_kind).label if self.event_kind else "?"
            return f"{kind}, {self.date or '?'}"
        if self.kind == self.Kind.SENTENCE:
            return str(_("life imprisonment")) if self.life else f"{self.term_months} months"
        return self.charge_name

    @property
    def before(self) -> str:
        return self.sentence[: self.start]

    @property
    def highlighted(self) -> str:
        return self.sentence[self.start : self.end]

    @property
    def after(self) -> str:
        return self.sentence[self.end :]


class NotDuplicate(models.Model):
    """Two people a member of staff compared and found to be different people."""

    first = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("pair that is not a duplicate")
        verbose_name_plural = _("pairs that are not duplicates")
        constraints = [
            models.UniqueConstraint(fields=["first", "second"], name="not_duplicate_unique"),
            models.CheckConstraint(condition=Q(first__lt=models.F("second")),
                                   name="not_duplicate_ordered"),
        ]

    def __str__(self):
        return f"{self.first} ≠ {self.second}"
