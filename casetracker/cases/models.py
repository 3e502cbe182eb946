"""The case record: who suffered what, when, at whose hands, according to which source.

The shape follows the HURIDOCS Events Standard Formats: a *Person* is the victim of
*Events* (arrest, torture, killing, ...), *Proceedings* (trials and their sentences) and
*Detentions*, committed by *Organisations*; every one of these facts *cites* one or more
*Sources* with the passage that supports it.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models import (
    Case,
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, Greatest, NullIf
from django.db.models.lookups import Exact, GreaterThanOrEqual
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from casetracker.cases.dates import PartialDateField
from casetracker.cases.policy import Masked
from casetracker.names.keys import assign_keys


class PublicationState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    PUBLISHED = "published", _("Published")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Verification(models.TextChoices):
    REPORTED = "reported", _("Reported by one source")
    CORROBORATED = "corroborated", _("Corroborated by two or more independent sources")
    CONFIRMED = "confirmed", _("Confirmed by the organisation")


class Logged(models.Model):
    """A record that can be part of a public person's record: each save and deletion tells
    the public change log (``casetracker/changes/log.py``), in the same transaction, which
    people's records it may have changed; the log decides whether the public sees a change.
    """

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        from casetracker.changes import log

        with transaction.atomic(), log.batch():
            before = log.subjects_of_stored(self)
            super().save(*args, **kwargs)
            log.touch(before | log.subjects_of(self))

    def delete(self, *args, **kwargs):
        from casetracker.changes import log

        with transaction.atomic(), log.batch():
            touched = log.subjects_of(self)
            deleted = super().delete(*args, **kwargs)
            log.touch(touched)
        return deleted


class CuratedQuerySet(models.QuerySet):
    def published(self):
        """What may leave the admin: published and not restricted."""
        return self.filter(publication_state=PublicationState.PUBLISHED, is_restricted=False)


def refuse_masked(instance) -> None:
    """A value masked for a user who may not read it (``policy.MASK``) is never stored."""
    for field in instance._meta.concrete_fields:
        if isinstance(field.value_from_object(instance), Masked):
            raise ValueError(f"{instance._meta.label}.{field.name} holds a masked value: the "
                             "stored value must be restored before saving.")


class Curated(Logged):
    """Fields every curated record shares: its publication state, confidentiality and dates."""

    publication_state = models.CharField(
        _("publication state"),
        max_length=16,
        choices=PublicationState,
        default=PublicationState.DRAFT,
        db_index=True,
        help_text=_("Only published records reach the public site, the feeds and the API."),
    )
    is_restricted = models.BooleanField(
        _("restricted"),
        default=False,
        help_text=_("Restricted records never leave the admin, even when published."),
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("submitted by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+", editable=False,
        help_text=_("The partner account that submitted it through the API."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last updated"), auto_now=True, db_index=True)

    objects = CuratedQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        refuse_masked(self)
        super().save(*args, **kwargs)

    @property
    def is_public(self) -> bool:
        return self.publication_state == PublicationState.PUBLISHED and not self.is_restricted


class Fact(Curated):
    """A dated fact about a person that must cite its sources."""

    verification = models.CharField(
        _("verification"),
        max_length=16,
        choices=Verification,
        default=Verification.REPORTED,
        help_text=_("How well the fact is established; shown on the public case page."),
    )
    description = models.TextField(
        _("description"),
        blank=True,
        help_text=_("What happened, in your own words; quote the source in its citation."),
    )

    class Meta:
        abstract = True


# ---------------------------------------------------------------------------------------
# Organisations
# ---------------------------------------------------------------------------------------


class OrganisationQuerySet(models.QuerySet):
    def public(self):
        """Organisations a public record names: a published affiliation, the perpetrator of a
        published event or the court of a published proceeding, of a published person."""
        people = Person.objects.published()
        return self.filter(
            Exists(Affiliation.objects.published().filter(organisation=OuterRef("pk"),
                                                          person__in=people))
            | Exists(Event.objects.published().filter(perpetrator=OuterRef("pk"),
                                                      person__in=people))
            | Exists(Proceeding.objects.published().filter(court=OuterRef("pk"),
                                                           person__in=people))
        )


class Organisation(Logged):
    class Kind(models.TextChoices):
        PARTY = "party", _("Political party or movement")
        MEDIA = "media", _("Media outlet")
        ARMED_GROUP = "armed_group", _("Armed group")
        STATE_BODY = "state_body", _("State body")
        COURT = "court", _("Court")
        NGO = "ngo", _("Non-governmental organisation")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=200, unique=True,
                            help_text=_("Full name in English, e.g. “Islamic Renaissance Party "
                                        "of Tajikistan”."))
    abbreviation = models.CharField(_("abbreviation"), max_length=32, blank=True,
                                    help_text=_("Short name, e.g. “IRPT”."))
    slug = models.SlugField(_("slug"), max_length=200, unique=True,
                            help_text=_("Used in the organisation's public URL."))
    other_names = models.TextField(
        _("other names"), blank=True,
        help_text=_("Other names and spellings the sources use, one per line."),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind, default=Kind.OTHER)
    country = CountryField(_("country"), blank=True,
                           help_text=_("Where it is based; leave empty for international bodies."))
    parent = models.ForeignKey(
        "self", verbose_name=_("part of"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="units", help_text=_("E.g. a special-forces unit is part of a ministry."),
    )
    description = models.TextField(_("description"), blank=True,
                                   help_text=_("A short public description."))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last updated"), auto_now=True)

    objects = OrganisationQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self):
        return f"{self.name} ({self.abbreviation})" if self.abbreviation else self.name

    def get_absolute_url(self):
        return reverse("public:organisation", kwargs={"slug": self.slug})


# ---------------------------------------------------------------------------------------
# People
# ---------------------------------------------------------------------------------------


class PersonQuerySet(CuratedQuerySet):
    def published(self):
        return super().published().filter(merged_into__isnull=True)

    def targets(self):
        """People documented as targets of persecution (not relatives named only for context)."""
        return self.filter(involvement=Person.Involvement.TARGET)

    def search(self, query: str):
        """People whose name or any alias matches ``query`` under any spelling, best first."""
        from casetracker.names.search import search_people

        return search_people(self, query)

    def with_latest_event(self):
        """Annotate ``latest_event_kind`` and ``latest_event_date``: the latest published fact.

        A verdict counts as a "trial" and the start of a detention as a "detention", so a
        sentenced lawyer whose only recorded fact is his trial still has a latest event.
        Partial dates compare as their ISO text, which sorts chronologically.
        """

        def latest(model, date_field, column):
            rows = (model.objects.published()
                    .filter(person=OuterRef("pk"), **{f"{date_field}__isnull": False})
                    .order_by(f"-{date_field}", "-pk"))
            return Subquery(rows.values(column)[:1])

        none = Value("")
        event = Coalesce(latest(Event, "date", "date"), none)
        trial = Coalesce(latest(Proceeding, "verdict_date", "verdict_date"), none)
        detention = Coalesce(latest(Detention, "start", "start"), none)
        return self.annotate(
            latest_event_date=NullIf(Greatest(event, trial, detention), none,
                                     output_field=PartialDateField()),
            latest_event_kind=Case(
                When(Q(GreaterThanOrEqual(event, trial)) & Q(GreaterThanOrEqual(event, detention))
                     & ~Q(Exact(event, none)), then=latest(Event, "date", "kind")),
                When(Q(GreaterThanOrEqual(trial, detention)) & ~Q(Exact(trial, none)),
                     then=Value(Event.Kind.TRIAL.value)),
                When(~Q(Exact(detention, none)), then=Value(Event.Kind.DETENTION.value)),
                default=None,
                output_field=models.CharField(),
            ),
        )

    def with_source_count(self, *, restricted_too: bool = True):
        """Annotate ``source_count``: how many distinct sources the person's facts cite;
        without ``restricted_too``, only unrestricted sources cited by unrestricted facts
        (and relationships with unrestricted people), as staff who may not see restricted
        data count them.

        Written as a UNION ALL of one indexed join per kind of fact: the same count
        through the ORM (an OR across the citation's five foreign keys) cannot use an index
        and scanned every citation once per person listed (12 s a page at 100,000 people).
        """
        people, sources = Person._meta.db_table, Source._meta.db_table
        # (true and false are literals on both PostgreSQL and SQLite 3.23+.)
        hidden = "" if restricted_too else (
            f" AND f.is_restricted = false AND NOT EXISTS (SELECT 1 FROM {sources} s "
            f"WHERE s.id = c.source_id AND s.is_restricted = true)")

        def part(name, model):
            extra = hidden
            if name == "relationship" and not restricted_too:
                extra += (f" AND NOT EXISTS (SELECT 1 FROM {people} r WHERE r.id = "
                          f"f.relative_id AND r.is_restricted = true)")
            return (f"SELECT c.source_id FROM {Citation._meta.db_table} c "
                    f"JOIN {model._meta.db_table} f ON f.id = c.{name}_id "
                    f"WHERE f.person_id = {people}.id{extra}")

        parts = " UNION ALL ".join(part(name, model) for name, model in CITED_FACTS.items())
        return self.annotate(source_count=RawSQL(
            f"SELECT COUNT(DISTINCT cited.source_id) FROM ({parts}) cited", [],
            output_field=IntegerField(),
        ))

    def with_record(self, *, public: bool = True):
        """Prefetch everything a case page or an API detail shows, in a fixed number of queries.

        With ``public`` (the default) only published, unrestricted facts are fetched.
        """

        def visible(model):
            return model.objects.published() if public else model.objects.all()

        citations = Prefetch(
            "citations",
            queryset=Citation.objects.filter(
                source__in=visible(Source)
            ).select_related("source").order_by("source__published", "pk"),
        )
        return self.prefetch_related(
            Prefetch("aliases", queryset=Alias.objects.filter(is_restricted=False)
                     if public else Alias.objects.all()),
            Prefetch(
                "affiliations",
                queryset=visible(Affiliation).select_related("organisation").prefetch_related(
                    citations
                ),
            ),
            Prefetch(
                "relationships",
                queryset=visible(Relationship)
                .filter(relative__in=visible(Person))
                .select_related("relative")
                .prefetch_related(citations),
            ),
            Prefetch(
                "reverse_relationships",
                queryset=visible(Relationship)
                .filter(person__in=visible(Person))
                .select_related("person")
                .prefetch_related(citations),
            ),
            Prefetch(
                "events",
                queryset=visible(Event).select_related("perpetrator").prefetch_related(citations),
            ),
            Prefetch(
                "proceedings",
                queryset=visible(Proceeding)
                .select_related("court")
                .prefetch_related(
                    Prefetch(
                        "proceeding_charges",
                        queryset=ProceedingCharge.objects.select_related("charge"),
                    ),
                    citations,
                ),
            ),
            Prefetch("detentions", queryset=visible(Detention).prefetch_related(citations)),
        )


class Person(Curated):
    class Status(models.TextChoices):
        IMPRISONED = "imprisoned", _("Imprisoned")
        DETAINED = "detained", _("Detained, not yet sentenced")
        RELEASED = "released", _("Released")
        IN_EXILE = "in_exile", _("In exile")
        DECEASED = "deceased", _("Deceased")
        DISAPPEARED = "disappeared", _("Disappeared")
        AT_LIBERTY = "at_liberty", _("At liberty in the country")
        UNKNOWN = "unknown", _("Unknown")

    class Sex(models.TextChoices):
        MALE = "male", _("Male")
        FEMALE = "female", _("Female")
        UNKNOWN = "unknown", _("Unknown")

    class Involvement(models.TextChoices):
        TARGET = "target", _("Target of persecution or reprisal")
        RELATED = "related", _("Relative or associate named for context only")

    name = models.CharField(
        _("name"), max_length=200,
        help_text=_("The name the case is published under, in Latin script, given name first "
                    "(“Buzurgmehr Yorov”). If the person spoke under a pseudonym, put the "
                    "pseudonym here and the real name below."),
    )
    slug = models.SlugField(_("slug"), max_length=200, unique=True, blank=True,
                            help_text=_("Used in the public URL; filled in from the name."))
    real_name = models.CharField(
        _("real name (restricted)"), max_length=200, blank=True,
        help_text=_("Only for a person published under a pseudonym. Never leaves the admin."),
    )
    is_pseudonym = models.BooleanField(
        _("name is a pseudonym"), default=False,
        help_text=_("Tick when the published name is not the person's real name."),
    )
    sex = models.CharField(_("sex"), max_length=8, choices=Sex, default=Sex.UNKNOWN)
    birth_year = models.PositiveSmallIntegerField(
        _("year of birth"), null=True, blank=True,
        validators=[MinValueValidator(1850), MaxValueValidator(2100)],
        help_text=_("Only when a source gives it."),
    )
    country = CountryField(_("country"), help_text=_("The country whose authorities persecute "
                                                     "the person, usually their citizenship."))
    occupation = models.CharField(_("occupation or role"), max_length=200, blank=True,
                                  help_text=_("E.g. “lawyer”, “IRPT deputy chairman”."))
    summary = models.TextField(_("summary"), blank=True,
                               help_text=_("Two or three public sentences: who they are and what "
                                           "happened to them."))
    status = models.CharField(_("current status"), max_length=16, choices=Status,
                              default=Status.UNKNOWN, db_index=True)
    involvement = models.CharField(
        _("involvement"), max_length=8, choices=Involvement, default=Involvement.TARGET,
        help_text=_("Relatives named only to explain a case (e.g. a wanted man whose family is "
                    "persecuted) are not counted as victims."),
    )
    external_id = models.CharField(
        _("external ID"), max_length=100, blank=True,
        help_text=_("A stable identifier from a partner's data set, used to match imports."),
    )
    merged_into = models.ForeignKey(
        "self", verbose_name=_("merged into"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="merged_duplicates", editable=False,
    )
    name_key = models.CharField(max_length=200, editable=False, db_index=True)
    phonetic_key = models.CharField(max_length=200, editable=False, db_index=True, default="")
    version = models.PositiveIntegerField(default=1, editable=False)
    public_changed_at = models.DateTimeField(
        _("public record last changed"), null=True, blank=True, editable=False, db_index=True,
        help_text=_("When what the public sees of this case last changed (the change log's "
                    "time; hidden changes leave it)."))

    objects = PersonQuerySet.as_manager()
    # The log keeps its own history of what the public saw.
    history = HistoricalRecords(excluded_fields=["public_changed_at"])

    class Meta:
        ordering = ["name"]
        verbose_name = _("person")
        verbose_name_plural = _("people")
        # Held on Person but checked for every curated record (see casetracker/cases/roles.py).
        permissions = [
            ("publish_record", _("Can publish, withdraw and return records to draft")),
            ("view_restricted", _("Can see restricted records and fields")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(birth_year__isnull=True)
                | Q(birth_year__gte=1850, birth_year__lte=2100),
                name="person_birth_year_plausible",
                violation_error_message=_("The year of birth must be between 1850 and 2100."),
            ),
            # External IDs are the keys of a data set: a partner's are its own (so its
            # write never learns that a record it may not see holds one), the others staff's.
            models.UniqueConstraint(
                fields=["external_id"], condition=~Q(external_id="")
                & Q(submitted_by__isnull=True), name="person_external_id_unique",
            ),
            models.UniqueConstraint(
                fields=["submitted_by", "external_id"], condition=~Q(external_id="")
                & Q(submitted_by__isnull=False), name="person_external_id_unique_per_partner",
            ),
        ]
        indexes = [
            models.Index(fields=["country", "status"]),
            # Lists are ordered by name: read in order, a page of 50 stops after 50 rows
            # instead of sorting every published person (40 ms at 100,000).
            models.Index(fields=["name", "id"], name="cases_person_name_id"),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        assign_keys(self)
        if self.pk is not None:
            stored = Person.objects.filter(pk=self.pk).values("version", "name").first()
            if stored is not None:
                # Moved on from the stored value, not the in-memory one: restoring an old
                # version from the history must not bring back an old version number.
                self.version = stored["version"] + 1
                # The address follows the name until the case is first published: a slug
                # made from a name since changed (a real name, before the pseudonym) would
                # otherwise keep it in every link, export and redirect.
                if stored["name"] != self.name and not self.was_ever_public():
                    self.slug = ""
        if not self.slug:
            self.slug = unique_slug(Person, self.name, exclude_pk=self.pk)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("public:case", kwargs={"slug": self.slug})

    def was_ever_public(self) -> bool:
        return self.pk is not None and Person.history.filter(
            id=self.pk, publication_state=PublicationState.PUBLISHED, is_restricted=False,
        ).exists()

    def clean(self):
        if self.birth_year and self.birth_year > timezone.localdate().year:
            raise ValidationError({"birth_year": _("The year of birth is in the future.")})
        if self.real_name and not self.is_pseudonym:
            raise ValidationError(
                {"is_pseudonym": _("A real name is only recorded when the published name is a "
                                   "pseudonym: tick “name is a pseudonym” or clear the real name.")}
            )


def unique_slug(model, text: str, *, exclude_pk=None) -> str:
    base = slugify(text)[:180] or "record"
    slug, counter = base, 2
    while model.objects.filter(slug=slug).exclude(pk=exclude_pk).exists():
        slug, counter = f"{base}-{counter}", counter + 1
    return slug


class Alias(Logged):
    class Script(models.TextChoices):
        LATIN = "Latn", _("Latin")
        CYRILLIC = "Cyrl", _("Cyrillic")
        ARABIC = "Arab", _("Arabic (Persian)")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="aliases",
                               verbose_name=_("person"))
    name = models.CharField(_("name"), max_length=200,
                            help_text=_("Another spelling or script, exactly as a source writes "
                                        "it (“Buzurgmkhar Yorov”, “Бузургмеҳр Ёров”)."))
    script = models.CharField(_("script"), max_length=4, choices=Script, default=Script.LATIN)
    language = models.CharField(
        _("language"), max_length=8, blank=True,
        help_text=_("Language code of the spelling when known: en, ru, tg, ky, uz."),
    )
    is_restricted = models.BooleanField(
        _("restricted"), default=False,
        help_text=_("A restricted alias (e.g. the real name behind a pseudonym) never leaves "
                    "the admin."),
    )
    name_key = models.CharField(max_length=200, editable=False, db_index=True)
    phonetic_key = models.CharField(max_length=200, editable=False, db_index=True, default="")

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("alias")
        verbose_name_plural = _("aliases")
        constraints = [
            models.UniqueConstraint(fields=["person", "name"], name="alias_unique_per_person"),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        refuse_masked(self)
        assign_keys(self)
        super().save(*args, **kwargs)


class Affiliation(Curated):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="affiliations",
                               verbose_name=_("person"))
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT,
                                     related_name="affiliations", verbose_name=_("organisation"))
    role = models.CharField(_("role"), max_length=200, blank=True,
                            help_text=_("E.g. “deputy chairman”, “editor”, “member”."))
    start = PartialDateField(_("from"), null=True, blank=True)
    end = PartialDateField(_("until"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["start", "pk"]
        verbose_name = _("affiliation")
        verbose_name_plural = _("affiliations")

    def __str__(self):
        role = f"{self.role}, " if self.role else ""
        return f"{self.person}: {role}{self.organisation}"

    def clean(self):
        check_period(self.start, self.end, "end")


def check_period(start, end, end_field: str):
    if start and end and end.last_day() < start.first_day():
        raise ValidationError({end_field: _("The end (%(end)s) is before the start (%(start)s).")
                               % {"end": end, "start": start}})


class RelationshipKind(models.TextChoices):
    """How ``person`` relates to ``relative``: "<person> is the <kind> of <relative>"."""

    PARENT = "parent", _("parent")
    CHILD = "child", _("child")
    SIBLING = "sibling", _("sibling")
    SPOUSE = "spouse", _("spouse")
    UNCLE_AUNT = "uncle_aunt", _("uncle or aunt")
    NEPHEW_NIECE = "nephew_niece", _("nephew or niece")
    COUSIN = "cousin", _("cousin")
    RELATIVE = "relative", _("relative")
    LAWYER = "lawyer", _("lawyer")
    CLIENT = "client", _("client")
    COLLEAGUE = "colleague", _("colleague")

    @property
    def inverse(self) -> "RelationshipKind":
        return RelationshipKind(INVERSE_KINDS.get(self.value, self.value))

    def term(self, sex: str) -> str:
        """The word for this kind of relative given their sex: "father", "sister", "cousin"."""
        male, female, neutral = KIND_TERMS[self.value]
        return {Person.Sex.MALE: male, Person.Sex.FEMALE: female}.get(sex, neutral)


INVERSE_KINDS = {
    "parent": "child", "child": "parent",
    "uncle_aunt": "nephew_niece", "nephew_niece": "uncle_aunt",
    "lawyer": "client", "client": "lawyer",
}
# (male, female, unknown) terms; the API uses the English words as the stable "kind".
KIND_TERMS = {
    "parent": ("father", "mother", "parent"),
    "child": ("son", "daughter", "child"),
    "sibling": ("brother", "sister", "sibling"),
    "spouse": ("husband", "wife", "spouse"),
    "uncle_aunt": ("uncle", "aunt", "uncle or aunt"),
    "nephew_niece": ("nephew", "niece", "nephew or niece"),
    "cousin": ("cousin", "cousin", "cousin"),
    "relative": ("relative", "relative", "relative"),
    "lawyer": ("lawyer", "lawyer", "lawyer"),
    "client": ("client", "client", "client"),
    "colleague": ("colleague", "colleague", "colleague"),
}


class Relationship(Curated):
    """``person`` is the ``kind`` of ``relative``: Tillo Kabirov is the parent of Muhiddin Kabiri.

    Stored once; :meth:`seen_from` reads it from either side.
    """

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="relationships",
                               verbose_name=_("person"))
    kind = models.CharField(_("is the"), max_length=16, choices=RelationshipKind,
                            help_text=_("Read it as a sentence: <person> is the <kind> of "
                                        "<relative>."))
    relative = models.ForeignKey(Person, on_delete=models.CASCADE,
                                 related_name="reverse_relationships", verbose_name=_("of"))
    note = models.CharField(_("note"), max_length=300, blank=True,
                            help_text=_("E.g. “first wife”, “full brother”."))

    history = HistoricalRecords()

    class Meta:
        ordering = ["pk"]
        verbose_name = _("relationship")
        verbose_name_plural = _("relationships")
        constraints = [
            models.CheckConstraint(condition=~Q(person=F("relative")),
                                   name="relationship_not_self",
                                   violation_error_message=_("A person cannot be their own "
                                                             "relative.")),
            models.UniqueConstraint(fields=["person", "kind", "relative"],
                                    name="relationship_unique"),
        ]

    def __str__(self):
        return f"{self.person} is the {self.kind_term} of {self.relative}"

    @property
    def kind_term(self) -> str:
        return RelationshipKind(self.kind).term(self.person.sex)

    def seen_from(self, viewer: Person) -> tuple[str, Person]:
        """``(term, other)``: what the other person is to ``viewer``, e.g. ("father", Tillo)."""
        if viewer.pk == self.person_id:
            return RelationshipKind(self.kind).inverse.term(self.relative.sex), self.relative
        return RelationshipKind(self.kind).term(self.person.sex), self.person


# ---------------------------------------------------------------------------------------
# Facts: events, proceedings, detentions
# ---------------------------------------------------------------------------------------


class CitedQuerySet(CuratedQuerySet):
    """Records a citation can point at (facts, and sources from the other side)."""

    def with_citation_count(self, citations=None):
        """Annotate ``citation_count``, as a correlated count: a page of 50 records counts
        the citations of 50 (a join with ``GROUP BY`` counted those of every record first,
        2.5 s over 470,000 events). ``citations`` narrows what is counted (those a user may
        see)."""
        citations = (Citation.objects.all() if citations is None else citations).filter(
            **{self.model._meta.model_name: OuterRef("pk")})
        # COUNT as a plain function: no GROUP BY, so the subquery yields 0 for no citation.
        count = Func(F("pk"), function="COUNT")
        return self.annotate(citation_count=Subquery(
            citations.order_by().annotate(n=count).values("n"), output_field=IntegerField()))


class FactQuerySet(CitedQuerySet):
    def unsourced(self, citations=None):
        """Facts that cite no source (of ``citations``, when given: those a user may see):
        flagged in the admin."""
        if citations is None:
            return self.filter(citations__isnull=True)
        return self.exclude(Exists(citations.filter(
            **{self.model._meta.model_name: OuterRef("pk")})))

    def sourced(self, citations=None):
        if citations is None:
            return self.filter(Exists(Citation.objects.filter(
                **{self.model._meta.model_name: OuterRef("pk")})))
        return self.filter(Exists(citations.filter(
            **{self.model._meta.model_name: OuterRef("pk")})))


class Event(Fact):
    class Kind(models.TextChoices):
        ARREST = "arrest", _("Arrest")
        DETENTION = "detention", _("Detention")
        TORTURE = "torture", _("Torture")
        ILL_TREATMENT = "ill_treatment", _("Ill-treatment")
        DISAPPEARANCE = "disappearance", _("Disappearance")
        ABDUCTION = "abduction", _("Abduction or forced return")
        KILLING = "killing", _("Killing")
        DEATH = "death", _("Death")
        THREAT = "threat", _("Threat")
        HARASSMENT = "harassment", _("Harassment")
        TRAVEL_BAN = "travel_ban", _("Travel ban")
        CONFISCATION = "confiscation", _("Confiscation")
        EXTRADITION = "extradition", _("Extradition")
        EXTRADITION_REQUEST = "extradition_request", _("Extradition request")
        DEPORTATION = "deportation", _("Deportation")
        EXILE = "exile", _("Exile")
        ASYLUM = "asylum", _("Asylum")
        TRIAL = "trial", _("Trial")
        RELEASE = "release", _("Release")
        PARDON = "pardon", _("Pardon")
        PROTEST = "protest", _("Protest")
        BAN = "ban", _("Ban on activity")
        WANTED = "wanted", _("Wanted notice")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="events",
                               verbose_name=_("person"))
    kind = models.CharField(_("kind"), max_length=24, choices=Kind, db_index=True)
    date = PartialDateField(_("date"), null=True, blank=True, db_index=True)
    place = models.CharField(_("place"), max_length=200, blank=True,
                             help_text=_("Town, facility or region, as precise as is safe."))
    place_is_restricted = models.BooleanField(
        _("place is restricted"), default=False,
        help_text=_("Tick to keep the place inside the admin (e.g. where an interview was held)."),
    )
    country = CountryField(_("country where it happened"), blank=True)
    perpetrator = models.ForeignKey(
        Organisation, verbose_name=_("perpetrator"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="perpetrated_events",
        help_text=_("The body responsible, where a source names it."),
    )

    objects = FactQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = [F("date").asc(nulls_last=True), "pk"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        indexes = [models.Index(fields=["person", "date"])]

    def __str__(self):
        when = self.date.isoformat() if self.date else _("date unknown")
        return f"{self.get_kind_display()} of {self.person} ({when})"

    @property
    def public_place(self) -> str:
        return "" if self.place_is_restricted else self.place


class ChargeQuerySet(models.QuerySet):
    def public(self):
        """Charges brought in a published proceeding against a published person."""
        return self.filter(Exists(ProceedingCharge.objects.filter(
            charge=OuterRef("pk"),
            proceeding__in=Proceeding.objects.published().filter(
                person__in=Person.objects.published()))))


class Charge(Logged):
    """A normalised criminal charge ("terrorism", "fraud"), whatever the wording of the code."""

    name = models.CharField(_("name"), max_length=200, unique=True,
                            help_text=_("Normalised, lower-case: “extremism”, “fraud”."))
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    description = models.TextField(_("description"), blank=True,
                                   help_text=_("What the charge covers, for readers."))

    objects = ChargeQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("charge")
        verbose_name_plural = _("charges")

    def __str__(self):
        return self.name


class ProceedingQuerySet(FactQuerySet):
    def sentences(self):
        return self.filter(outcome=Proceeding.Outcome.CONVICTED)


class Proceeding(Fact):
    """A criminal case before a court, with its verdict and sentence."""

    class Outcome(models.TextChoices):
        PENDING = "pending", _("Trial under way")
        CONVICTED = "convicted", _("Convicted")
        ACQUITTED = "acquitted", _("Acquitted")
        DISMISSED = "dismissed", _("Case dismissed")
        UNKNOWN = "unknown", _("Unknown")

    class Appeal(models.TextChoices):
        NONE = "none", _("No appeal known")
        PENDING = "pending", _("Appeal pending")
        UPHELD = "upheld", _("Verdict upheld")
        REDUCED = "reduced", _("Sentence reduced")
        INCREASED = "increased", _("Sentence increased")
        OVERTURNED = "overturned", _("Verdict overturned")
        NOT_APPEALED = "not_appealed", _("Not appealed")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="proceedings",
                               verbose_name=_("person"))
    court = models.ForeignKey(
        Organisation, verbose_name=_("court"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="proceedings", limit_choices_to={"kind": Organisation.Kind.COURT},
        help_text=_("Leave empty when the sources do not name the court."),
    )
    verdict_date = PartialDateField(_("verdict date"), null=True, blank=True, db_index=True)
    closed_trial = models.BooleanField(_("held behind closed doors"), default=False)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome,
                               default=Outcome.CONVICTED)
    term_months = models.PositiveIntegerField(
        _("prison term (months)"), null=True, blank=True,
        help_text=_("23 years = 276 months. Leave empty for a life sentence or an unknown term."),
    )
    life = models.BooleanField(_("life imprisonment"), default=False)
    fine = models.CharField(_("fine"), max_length=200, blank=True,
                            help_text=_("Amount and currency as reported, e.g. “20,000 somoni”."))
    confiscation = models.BooleanField(_("confiscation of property"), default=False)
    appeal = models.CharField(_("appeal"), max_length=16, choices=Appeal, default=Appeal.NONE)
    charges = models.ManyToManyField(Charge, through="ProceedingCharge", related_name="proceedings",
                                     verbose_name=_("charges"))

    objects = ProceedingQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = [F("verdict_date").asc(nulls_last=True), "pk"]
        verbose_name = _("proceeding")
        verbose_name_plural = _("proceedings")
        constraints = [
            models.CheckConstraint(
                condition=~Q(life=True, term_months__isnull=False),
                name="proceeding_life_or_term",
                violation_error_message=_("A sentence is either life imprisonment or a term in "
                                          "months, not both."),
            ),
            models.CheckConstraint(
                condition=Q(term_months__isnull=True) | Q(term_months__gt=0),
                name="proceeding_term_positive",
                violation_error_message=_("The prison term must be at least one month."),
            ),
        ]

    def __str__(self):
        when = self.verdict_date.isoformat() if self.verdict_date else _("date unknown")
        return f"{_('Trial')} of {self.person} ({when})"

    @property
    def term_display(self) -> str:
        if self.life:
            return str(_("life imprisonment"))
        if self.term_months is None:
            return str(_("term not known"))
        years, months = divmod(self.term_months, 12)
        parts = []
        if years:
            parts.append(_("%(n)d years") % {"n": years} if years != 1 else _("1 year"))
        if months:
            parts.append(_("%(n)d months") % {"n": months} if months != 1 else _("1 month"))
        return " ".join(str(part) for part in parts)


class ProceedingCharge(Logged):
    proceeding = models.ForeignKey(Proceeding, on_delete=models.CASCADE,
                                   related_name="proceeding_charges")
    charge = models.ForeignKey(Charge, on_delete=models.PROTECT, related_name="proceeding_charges",
                               verbose_name=_("charge"))
    code_article = models.CharField(
        _("criminal-code article"), max_length=100, blank=True,
        help_text=_("Where known, e.g. “Art. 307 Criminal Code of Tajikistan”."),
    )
    wording = models.CharField(_("wording in the source"), max_length=300, blank=True,
                               help_text=_("The charge as the source words it."))

    history = HistoricalRecords()

    class Meta:
        ordering = ["charge__name"]
        verbose_name = _("charge in a proceeding")
        verbose_name_plural = _("charges in proceedings")
        constraints = [
            models.UniqueConstraint(fields=["proceeding", "charge"],
                                    name="proceeding_charge_unique"),
        ]

    def __str__(self):
        return str(self.charge)


class Detention(Fact):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="detentions",
                               verbose_name=_("person"))
    start = PartialDateField(_("from"), null=True, blank=True, db_index=True)
    end = PartialDateField(_("until"), null=True, blank=True,
                           help_text=_("Leave empty while the person is still held."))
    place = models.CharField(_("facility or place"), max_length=200, blank=True)
    place_is_restricted = models.BooleanField(_("place is restricted"), default=False)

    objects = FactQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = [F("start").asc(nulls_last=True), "pk"]
        verbose_name = _("detention")
        verbose_name_plural = _("detentions")

    def __str__(self):
        start = self.start.isoformat() if self.start else "?"
        end = self.end.isoformat() if self.end else _("ongoing")
        return f"{_('Detention')} of {self.person} ({start} – {end})"

    def clean(self):
        check_period(self.start, self.end, "end")

    @property
    def is_open(self) -> bool:
        return self.end is None

    @property
    def public_place(self) -> str:
        return "" if self.place_is_restricted else self.place


# ---------------------------------------------------------------------------------------
# Sources and citations
# ---------------------------------------------------------------------------------------


class Source(Curated):
    slug = models.SlugField(_("slug"), max_length=200, unique=True,
                            help_text=_("A short stable key, e.g. “odr-2017-embattled-islamists”."))
    title = models.CharField(_("title"), max_length=500)
    publisher = models.CharField(_("publisher"), max_length=200,
                                 help_text=_("The outlet, e.g. “openDemocracy (oDR)”."))
    author = models.CharField(_("author"), max_length=200, blank=True)
    published = PartialDateField(_("publication date"), null=True, blank=True, db_index=True)
    url = models.URLField(_("URL"), max_length=500, blank=True)
    language = models.CharField(_("language"), max_length=8, default="en",
                                help_text=_("Language code: en, ru, tg, ky, uz."))
    notes = models.TextField(_("notes for staff"), blank=True,
                             help_text=_("How the date was established, doubts, context. Never "
                                         "public."))
    public_changed_at = models.DateTimeField(
        _("public record last changed"), null=True, blank=True, editable=False,
        help_text=_("When what the public sees of this source last changed."))

    objects = CitedQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["public_changed_at"])

    class Meta:
        ordering = [F("published").desc(nulls_last=True), "title"]
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        constraints = [
            # A source is linked from public pages: a "javascript:" URL must never be stored.
            models.CheckConstraint(
                condition=Q(url="") | Q(url__istartswith="http://")
                | Q(url__istartswith="https://"),
                name="source_url_is_a_web_address",
                violation_error_message=_("The URL must start with http:// or https://."),
            ),
        ]

    def __str__(self):
        when = f", {self.published}" if self.published else ""
        return f"{self.publisher}: “{self.title}”{when}"


# The facts a citation can support (its foreign keys), each pointing at a person.
CITED_FACTS = {"event": Event, "proceeding": Proceeding, "detention": Detention,
               "affiliation": Affiliation, "relationship": Relationship}
CITABLE = tuple(CITED_FACTS)


def _exactly_one_cited() -> Q:
    condition = Q()
    for name in CITABLE:
        term = Q(**{f"{name}__isnull": False}) & Q(
            **{f"{other}__isnull": True for other in CITABLE if other != name}
        )
        condition |= term
    return condition


class Citation(Logged):
    """A source supporting one fact, with the passage that says so."""

    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="citations",
                               verbose_name=_("source"))
    passage = models.TextField(_("quoted passage"),
                               help_text=_("The short passage of the source that supports the "
                                           "fact, quoted exactly."))
    event = models.ForeignKey(Event, null=True, blank=True, on_delete=models.CASCADE,
                              related_name="citations")
    proceeding = models.ForeignKey(Proceeding, null=True, blank=True, on_delete=models.CASCADE,
                                   related_name="citations")
    detention = models.ForeignKey(Detention, null=True, blank=True, on_delete=models.CASCADE,
                                  related_name="citations")
    affiliation = models.ForeignKey(Affiliation, null=True, blank=True,
                                    on_delete=models.CASCADE, related_name="citations")
    relationship = models.ForeignKey(Relationship, null=True, blank=True,
                                     on_delete=models.CASCADE, related_name="citations")

    history = HistoricalRecords()

    class Meta:
        ordering = ["pk"]
        verbose_name = _("citation")
        verbose_name_plural = _("citations")
        constraints = [
            models.CheckConstraint(
                condition=_exactly_one_cited(), name="citation_cites_exactly_one_fact",
                violation_error_message=_("A citation supports exactly one fact."),
            ),
        ]

    def __str__(self):
        return f"{self.source.publisher}: “{self.passage[:60]}”"

    @property
    def fact(self):
        return next(getattr(self, name) for name in CITABLE if getattr(self, f"{name}_id"))


# ---------------------------------------------------------------------------------------
# Revisions: changes waiting for a reviewer
# ---------------------------------------------------------------------------------------


class RevisionQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(state=Revision.State.PENDING)

    def of_case(self, person):
        """Revisions of ``person``'s record: the person and every part of their case."""
        return self.filter(case=person)

    def submitted_by(self, user, record):
        """``user``'s submissions for ``record``, oldest first: what a partner sent us."""
        return self.filter(author=user, target_type=ContentType.objects.get_for_model(record),
                           target_id=record.pk).exclude(state=Revision.State.REJECTED) \
            .order_by("created_at", "pk")


class Revision(models.Model):
    """A change proposed to a record, kept with who proposed it and what became of it.

    A change an editor or a partner makes to a locked record (published or withdrawn, or a
    part of one: see ``policy.py``), or a part they add to or remove from one, waits here
    for a reviewer: the public sees the record as it was until the revision is approved.
    A partner's writes to its own drafts apply at once and are kept here too, as what the
    partner submitted (the API answers with that, never with what staff added since).

    ``changes`` maps each field changed to ``[old, new]``, both as text
    (``Field.value_to_string``); for an addition ``old`` is null.
    """

    class Action(models.TextChoices):
        CHANGE = "change", _("Change")
        ADD = "add", _("Addition")
        DELETE = "delete", _("Deletion")

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting for review")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        APPLIED = "applied", _("Applied at once (not locked)")

    target_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("kind of record"))
    target_id = models.PositiveBigIntegerField(
        _("record"), null=True, blank=True,
        help_text=_("Empty for an addition not approved yet."))
    target = GenericForeignKey("target_type", "target_id")
    # Where it shows and who may see it: the record itself, or the record an addition joins.
    subject_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    subject_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("subject_type", "subject_id")
    case = models.ForeignKey(Person, verbose_name=_("case"), null=True, blank=True,
                             on_delete=models.CASCADE, related_name="revisions",
                             help_text=_("The person whose record it changes, if any."))
    action = models.CharField(_("action"), max_length=8, choices=Action)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    state = models.CharField(_("state"), max_length=8, choices=State, default=State.PENDING,
                             db_index=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("proposed by"),
                               null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("proposed"), auto_now_add=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("reviewed by"),
                                    null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    review_note = models.CharField(
        _("review note"), max_length=300, blank=True,
        help_text=_("Why the change was approved or rejected, for its author."))

    objects = RevisionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("revision")
        verbose_name_plural = _("revisions")
        indexes = [models.Index(fields=["target_type", "target_id"]),
                   models.Index(fields=["subject_type", "subject_id"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(action="add") | Q(target_id__isnull=False),
                name="revision_names_its_record",
                violation_error_message=_("A change or a deletion names its record."),
            ),
        ]

    def __str__(self):
        model = self.target_type.model_class()
        what = model._meta.verbose_name if model else self.target_type.model
        return f"{self.get_action_display()} of {what} #{self.target_id or 'new'}"
