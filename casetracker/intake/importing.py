"""The dry run of a spreadsheet import: what each row will create, update or be rejected for.

:func:`plan_import` reads every row and decides, without writing anything, which person it
is about (matched by casetracker's ID, by the partner's ``external_id``, or by name under
the name-search rules plus country and year of birth), which event and proceeding, and
which values change. It builds the new and changed model instances in memory; applying
the plan (``services.import_apply``) only saves them, so the run does what the dry run
showed. Every problem is a :class:`Problem` worded for the person who filled in the sheet.

An empty cell leaves the recorded value as it is: an import adds and corrects, it never
erases (use the admin for that), so importing a partial spreadsheet is safe.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db.models import Model
from django.utils import timezone
from django.utils.text import slugify
from django_countries import countries

from casetracker.cases import policy
from casetracker.cases.dates import PartialDate
from casetracker.cases.models import (
    Alias,
    Charge,
    Citation,
    Event,
    Organisation,
    Person,
    Proceeding,
    ProceedingCharge,
    PublicationState,
    Source,
)
from casetracker.cases.roles import PUBLISH
from casetracker.cases.services import resolve_merged
from casetracker.intake.sheets import Sheet
from casetracker.names.keys import name_key

PERSON_COLUMNS = {"sex": "sex", "birth_year": "birth_year", "country": "country",
                  "occupation": "occupation", "status": "status",
                  "involvement": "involvement", "summary": "summary"}
EVENT_COLUMNS = {"event_kind": "kind", "event_date": "date", "event_place": "place",
                 "event_country": "country", "event_description": "description"}
PROCEEDING_COLUMNS = {"court": "court", "verdict_date": "verdict_date", "outcome": "outcome",
                      "fine": "fine", "confiscation": "confiscation", "appeal": "appeal",
                      "closed_trial": "closed_trial",
                      "proceeding_description": "description"}
SENTENCE_COLUMNS = ("sentence_years", "sentence_months", "life_sentence")
SOURCE_COLUMNS = ("source_slug", "source_title", "source_publisher", "source_date",
                  "source_url", "passage")
# Where a model field's error is reported: the column that set it.
FIELD_COLUMNS = {
    Person: {value: key for key, value in PERSON_COLUMNS.items()} | {"name": "name",
                                                                   "external_id": "external_id"},
    Event: {value: key for key, value in EVENT_COLUMNS.items()},
    Proceeding: {value: key for key, value in PROCEEDING_COLUMNS.items()}
    | {"term_months": "sentence_years", "life": "life_sentence"},
}
YES = {"yes", "y", "true", "1", "x", "да"}
NO = {"no", "n", "false", "0", "нет"}
PASSAGE_LIMIT = 2000


class Action:
    CREATE = "create"
    UPDATE = "update"
    UNCHANGED = "unchanged"
    REJECT = "reject"


@dataclass(frozen=True)
class Problem:
    row: int
    column: str
    value: str
    reason: str

    def __str__(self):
        where = f"Row {self.row}, column '{self.column}'" if self.column else f"Row {self.row}"
        return f"{where}: '{self.value}' {self.reason}" if self.value else f"{where}: {self.reason}"


class Rejected(Exception):
    def __init__(self, column, value, reason):
        super().__init__(reason)
        self.column, self.value, self.reason = column, str(value), reason


@dataclass
class Change:
    """A record a row creates (``is_new``) or changes, with the fields it changes."""

    instance: object
    is_new: bool
    fields: dict = field(default_factory=dict)  # field name -> (old, new) as text


@dataclass
class RowPlan:
    number: int
    cells: dict
    action: str = Action.UNCHANGED
    problems: list = field(default_factory=list)
    person: Person | None = None
    matched_by: str = ""
    changes: list = field(default_factory=list)  # [Change] this row creates or changes
    aliases: list = field(default_factory=list)  # [Alias] to create
    charges: list = field(default_factory=list)  # [ProceedingCharge] to create (unsaved)
    citations: list = field(default_factory=list)  # [Citation] to create (unsaved)
    notes: list = field(default_factory=list)  # what it does, in words

    def signature(self) -> list:
        """The decisions of this row, comparable between the dry run and the run."""
        return [
            self.number,
            self.action,
            *[f"{'new' if change.is_new else change.instance.pk}:"
              f"{type(change.instance).__name__}:{sorted(change.fields)}"
              for change in self.changes],
            *sorted(alias.name for alias in self.aliases),
            len(self.charges),
            len(self.citations),
        ]


@dataclass
class ImportPlan:
    file_name: str
    sha256: str
    rows: list
    ignored_columns: list
    source: Source | None  # the source every imported fact cites
    new_charges: dict = field(default_factory=dict)  # name -> unsaved Charge
    encoding: str = ""  # how a CSV file was read, in words

    def count(self, action) -> int:
        return sum(1 for row in self.rows if row.action == action)

    @property
    def counts(self) -> dict:
        return {action: self.count(action)
                for action in (Action.CREATE, Action.UPDATE, Action.UNCHANGED, Action.REJECT)}

    @property
    def writes_anything(self) -> bool:
        return any(row.action in (Action.CREATE, Action.UPDATE) for row in self.rows)

    def signature(self) -> list:
        return [row.signature() for row in self.rows]

    def report(self) -> dict:
        """The dry run as plain data: stored with an upload, shown on the report page."""
        return {
            "file_name": self.file_name,
            "counts": self.counts,
            "ignored_columns": self.ignored_columns,
            "encoding": self.encoding,
            "source": str(self.source) if self.source else "",
            "rows": [
                {"number": row.number, "action": row.action, "notes": row.notes,
                 "problems": [str(problem) for problem in row.problems]}
                for row in self.rows
            ],
            "signature": self.signature(),
        }


# ---------------------------------------------------------------------------------------
# Reading cells, with reasons a non-programmer understands
# ---------------------------------------------------------------------------------------


def _text(value) -> str:
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value).strip()


def parse_choice(column, value, choices, what):
    text = _text(value).lower()
    for choice in choices:
        if text in (choice.value, str(choice.label).lower(), choice.value.replace("_", " ")):
            return choice.value
    names = ", ".join(choice.value for choice in choices)
    raise Rejected(column, value, f"is not {what} casetracker knows: use one of {names}")


def parse_int(column, value, what, example, *, low=None, high=None) -> int:
    text = _text(value)
    try:
        number = Decimal(text.replace(",", "."))
    except InvalidOperation:
        raise Rejected(column, value, f"is not {what}: write it in figures, e.g. {example}") \
            from None
    if number != number.to_integral_value() or number < 0:
        raise Rejected(column, value, f"is not {what}: write a whole number, e.g. {example}")
    number = int(number)
    if (low is not None and number < low) or (high is not None and number > high):
        raise Rejected(column, value, f"is not a plausible {what.removeprefix('a ')} "
                                      f"(between {low} and {high})")
    return number


def parse_bool(column, value) -> bool:
    text = _text(value).lower()
    if text in YES:
        return True
    if text in NO:
        return False
    raise Rejected(column, value, "is not yes or no: write yes, no, or leave it empty")


def parse_date(column, value) -> PartialDate:
    if isinstance(value, datetime.date):
        result = PartialDate.from_date(value)
    elif isinstance(value, int):
        result = PartialDate.parse(str(value)) if 1000 <= value <= 9999 else None
    else:
        try:
            result = PartialDate.parse(_text(value))
        except ValueError:
            result = None
    if result is None:
        raise Rejected(column, value, "is not a date: write 2016, 2016-10 or 2016-10-06 "
                                      "(only as precise as the source)")
    if result.first_day() > timezone.localdate():
        raise Rejected(column, value, "is in the future: record only what has happened")
    return result


def parse_country(column, value) -> str:
    text = _text(value)
    if text.upper() in dict(countries):
        return text.upper()
    code = countries.by_name(text) or countries.alpha2(text)
    if code:
        return code
    raise Rejected(column, value, "is not a country: write its English name (Tajikistan) or "
                                  "its two-letter code (TJ)")


def parse_list(value) -> list[str]:
    return [part.strip() for part in re.split(r"[;\n]", _text(value)) if part.strip()]


def script_of(text: str) -> str:
    if re.search(r"[\u0400-\u04ff]", text):
        return Alias.Script.CYRILLIC
    if re.search(r"[\u0600-\u06ff]", text):
        return Alias.Script.ARABIC
    return Alias.Script.LATIN


def _comparable(value):
    """A field's value in a form that compares equal when the stored value would."""
    if isinstance(value, Model):
        return value.pk
    if hasattr(value, "code"):  # a django-countries Country
        return value.code or ""
    return value


def _shown(value) -> str:
    if value in (None, ""):
        return "(empty)"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


# ---------------------------------------------------------------------------------------
# The planner
# ---------------------------------------------------------------------------------------


class Planner:
    """Plans one file.

    Every record the file touches is held once (``instances``), so rows about the same
    person or fact, recorded or created by an earlier row, act on the same object. A
    rejected row leaves nothing behind: each change it made in memory is logged in
    ``undo`` and taken back.
    """

    #: How many rows are planned between two reports of progress.
    PROGRESS_EVERY = 200

    def __init__(self, *, sheet: Sheet, file_name: str, sha256: str, source, user,
                 progress=None):
        self.sheet, self.file_name, self.sha256, self.user = sheet, file_name, sha256, user
        self.progress = progress
        self.may_publish = user is None or user.has_perm(f"cases.{PUBLISH}")
        self.instances = {}  # (model, pk) -> instance
        self.pending_people = []  # new people, in the order of their first row
        self.pending_facts = {}  # (model, person identity, natural key) -> new fact
        self.charges = {}  # normalised name -> Charge, recorded or new
        self.courts = {}
        self.sources = {}  # slug, URL or title|publisher -> Source, recorded or new
        self.undo = []
        self.plan = ImportPlan(file_name=file_name, sha256=sha256, rows=[],
                               ignored_columns=sheet.ignored_columns, source=source,
                               encoding=sheet.encoding)

    def run(self) -> ImportPlan:
        external_ids = [_text(cells["external_id"]) for _, cells in self.sheet.rows
                        if cells.get("external_id")]
        for person in self._records(Person).filter(external_id__in=external_ids):
            self.instances[(Person, person.pk)] = person
        for index, (number, cells) in enumerate(self.sheet.rows):
            if self.progress is not None and index and index % self.PROGRESS_EVERY == 0:
                self.progress(index)
            row = RowPlan(number=number, cells=cells)
            self.plan.rows.append(row)
            self.undo = []
            try:
                self._plan_row(row)
            except Rejected as rejection:
                for step in reversed(self.undo):
                    step()
                row.problems.append(Problem(number, rejection.column, rejection.value,
                                            rejection.reason))
                row.action = Action.REJECT
                row.changes, row.aliases, row.charges, row.citations, row.notes = (
                    [], [], [], [], [])
                continue
            if any(change.is_new for change in row.changes):
                row.action = Action.CREATE
            elif row.changes or row.aliases or row.charges:
                row.action = Action.UPDATE
            else:
                row.citations = []
                row.notes.append("nothing to change")
        cites_file = any(getattr(citation, "_cites_file_source", False)
                         for row in self.plan.rows for citation in row.citations)
        if cites_file and self.plan.source is None:
            self.plan.source = self._file_source()
        for row in self.plan.rows:
            for citation in row.citations:
                if getattr(citation, "_cites_file_source", False):
                    citation.source = self.plan.source
        self.plan.new_charges = {charge.name: charge for charge in self.charges.values()
                                 if charge.pk is None}
        return self.plan

    # -- memory with undo -----------------------------------------------------------------

    def _set(self, instance, name, value):
        field_object = instance._meta.get_field(name)
        attname = field_object.attname
        old = instance.__dict__.get(attname)
        cached = instance._state.fields_cache.get(name) if field_object.is_relation else None

        def restore():
            instance.__dict__[attname] = old
            if field_object.is_relation:
                instance._state.fields_cache.pop(name, None)
                if cached is not None:
                    instance._state.fields_cache[name] = cached

        self.undo.append(restore)
        setattr(instance, name, value)

    def _register(self, mapping, key, value):
        if isinstance(mapping, list):
            mapping.append(value)
            self.undo.append(mapping.pop)
        else:
            mapping[key] = value
            self.undo.append(lambda: mapping.pop(key, None))

    def _file_source(self) -> Source:
        """The source created for the file (or recorded for it by an earlier import)."""
        slug = f"import-{self.sha256[:16]}"
        existing = self._records(Source).filter(slug=slug).first()
        if existing:
            return existing
        return Source(
            slug=slug, title=f"Spreadsheet “{self.file_name}”"[:500],
            publisher="Imported spreadsheet",
            published=PartialDate.from_date(timezone.localdate()),
            notes=f"Imported by {self.user or 'the command line'}; SHA-256 {self.sha256}.",
            publication_state=PublicationState.DRAFT,
        )

    # -- one row --------------------------------------------------------------------------

    def _plan_row(self, row: RowPlan):
        cells = row.cells
        for column, value in cells.items():
            if isinstance(value, str) and "\x00" in value:
                raise Rejected(column, value.replace("\x00", "\\0"),
                               "contains a NUL character (\\0), which is not text: remove it")
        row_source, passage = self._row_source(row)
        if not any(cells.get(column) for column in ("person_id", "external_id", "name")):
            if row_source is None:
                raise Rejected("name", "", "is empty: every row needs the person's name (or "
                                           "their person_id from an export)")
            return
        person = self._person(row)
        facts = []
        if any(cells.get(column) for column in [*EVENT_COLUMNS, "event_id"]):
            facts.append(self._event(row, person))
        if any(cells.get(column) for column in [*PROCEEDING_COLUMNS, *SENTENCE_COLUMNS,
                                                "charges", "proceeding_id"]):
            facts.append(self._proceeding(row, person))
        row_text = self._row_text(row)
        for fact, touched in facts:
            if touched:
                # What the row creates or changes cites the import's source, with the row
                # as the passage, and the source the row names, with its passage.
                self._cite(row, fact, self.plan.source, row_text)
                if row_source is not None:
                    self._cite(row, fact, row_source, passage or row_text)

    def _row_text(self, row) -> str:
        cells = "; ".join(f"{column}: {_text(value)}" for column, value in row.cells.items()
                          if value != "" and column not in {"person_id", "event_id",
                                                            "proceeding_id", "passage"})
        return f"{self.file_name}, row {row.number} — {cells}"[:PASSAGE_LIMIT]

    def _cite(self, row, fact, source, passage):
        fact_field = type(fact)._meta.model_name
        if source is not None and source.pk is not None and fact.pk is not None and \
                Citation.objects.filter(source=source, passage=passage,
                                        **{fact_field: fact}).exists():
            return
        citation = Citation(passage=passage, **{fact_field: fact})
        if source is None:  # the source created for the file, once it is known to be needed
            citation._cites_file_source = True
        else:
            citation.source = source
        row.citations.append(citation)

    # -- sources --------------------------------------------------------------------------

    def _row_source(self, row):
        """The source a row names (recorded, or new and created with the import)."""
        cells = row.cells
        if not any(cells.get(column) for column in SOURCE_COLUMNS):
            return None, ""
        passage = _text(cells.get("passage", ""))
        slug, url, title, publisher = (_text(cells.get(column, "")) for column in (
            "source_slug", "source_url", "source_title", "source_publisher"))
        key = slug or url or f"{title}|{publisher}"
        if key in self.sources:
            return self.sources[key], passage
        sources = self._records(Source)
        if slug:
            source = sources.filter(slug=slug).first()
        elif url:
            source = sources.filter(url=url).first()
        else:
            source = sources.filter(title=title, publisher=publisher).first()
        if source is None:
            if not title:
                if slug:
                    raise Rejected("source_slug", slug, "is not a recorded source: give its "
                                                        "title and publisher to add it")
                raise Rejected("source_title", "", "is empty: a new source needs its title "
                                                   "and its publisher")
            if not publisher:
                raise Rejected("source_publisher", "", "is empty: a new source needs its "
                                                       "publisher")
            published = (parse_date("source_date", cells["source_date"])
                          if cells.get("source_date") else None)
            source = Source(slug=slug or self._source_slug(title), title=title,
                            publisher=publisher, url=url, published=published,
                            publication_state=PublicationState.DRAFT)
            self._validate(row, source, {"slug": "source_slug", "title": "source_title",
                                         "url": "source_url", "publisher": "source_publisher",
                                         "published": "source_date"})
            row.changes.append(Change(source, True))
            row.notes.append(f"creates source {source}")
        self._register(self.sources, key, source)
        return source, passage

    def _source_slug(self, title) -> str:
        base = slugify(title)[:180] or "source"
        slug, counter = base, 2
        taken = {source.slug for source in self.sources.values()}
        while slug in taken or Source.objects.filter(slug=slug).exists():
            slug, counter = f"{base}-{counter}", counter + 1
        return slug

    # -- people ---------------------------------------------------------------------------

    def _person(self, row) -> Person:
        cells = row.cells
        name = _text(cells.get("name", ""))
        external_id = _text(cells.get("external_id", ""))
        values = {field_name: self._parse_person_value(column, cells[column])
                  for column, field_name in PERSON_COLUMNS.items()
                  if cells.get(column, "") != ""}
        spellings = parse_list(cells.get("aliases", ""))
        person = self._match_person(row, name, external_id, values)
        if person is None:
            if not name:
                raise Rejected("name", "", "is empty: a new person needs a name")
            if not values.get("country"):
                raise Rejected("country", "", f"is empty: casetracker needs the country of "
                                              f"{name}, who is not recorded yet")
            person = Person(name=name, external_id=external_id,
                            publication_state=PublicationState.DRAFT, **values)
            person.name_key = name_key(name)
            self._validate(row, person, FIELD_COLUMNS[Person], exclude=["slug"])
            self._register(self.pending_people, None, person)
            row.changes.append(Change(person, True, {}))
            row.notes.append(f"creates person {name} (draft)")
        else:
            if person.pk is None:
                row.notes.append(f"about {person}, created by an earlier row")
            else:
                row.notes.append(f"about {person} (ID {person.pk}), matched by {row.matched_by}")
            if external_id and not person.external_id:
                values["external_id"] = external_id
            self._update(row, person, values, FIELD_COLUMNS[Person])
            spellings = [name, *spellings] if name else spellings
        # Every new spelling is kept (a Cyrillic one too, though its key is the same).
        known = {person.name.casefold(), *(alias.name.casefold()
                                           for alias in self._aliases(person))}
        for spelling in spellings:
            if spelling.casefold() in known:
                continue
            known.add(spelling.casefold())
            alias = Alias(person=person, name=spelling, script=script_of(spelling))
            self._register(self._pending_aliases(person), None, alias)
            row.aliases.append(alias)
            row.notes.append(f"adds the spelling “{spelling}” to {person}")
        if row.aliases and person.pk is not None:
            self._check_editable(person)
        row.person = person
        return person

    def _aliases(self, person) -> list:
        if person.pk is not None and not hasattr(person, "_import_aliases"):
            person._import_aliases = list(self._records(Alias).filter(person=person))
        return getattr(person, "_import_aliases", []) + self._pending_aliases(person)

    @staticmethod
    def _pending_aliases(person) -> list:
        if not hasattr(person, "_import_new_aliases"):
            person._import_new_aliases = []
        return person._import_new_aliases

    @staticmethod
    def _parse_person_value(column, value):
        if column == "sex":
            return parse_choice(column, value, Person.Sex, "a sex")
        if column == "status":
            return parse_choice(column, value, Person.Status, "a status")
        if column == "involvement":
            return parse_choice(column, value, Person.Involvement, "an involvement")
        if column == "birth_year":
            return parse_int(column, value, "a year of birth", 1971, low=1850,
                             high=timezone.localdate().year)
        if column == "country":
            return parse_country(column, value)
        return _text(value)

    def _match_person(self, row, name, external_id, values):
        cells = row.cells
        if cells.get("person_id"):
            pk = parse_int("person_id", cells["person_id"], "a casetracker ID", 12)
            person = self._get(Person, pk)
            if person is None:
                raise Rejected("person_id", pk, "is not the ID of a recorded person: leave it "
                                                "empty to add a new person")
            if person.merged_into_id:
                survivor = self._survivor(person)
                if survivor is None:
                    raise Rejected("person_id", pk, "is not the ID of a recorded person: "
                                                    "leave it empty to add a new person")
                row.notes.append(f"person {pk} was merged into {survivor} (ID {survivor.pk})")
                person = survivor
            if external_id and person.external_id and person.external_id != external_id:
                raise Rejected("external_id", external_id,
                               f"does not match the external ID “{person.external_id}” "
                               f"recorded for person {person.pk}")
            row.matched_by = "casetracker ID"
            return person
        if external_id:
            for person in self.pending_people:
                if person.external_id == external_id:
                    row.matched_by = "external ID"
                    return person
            for (model, _pk), person in list(self.instances.items()):
                if model is Person and person.external_id == external_id:
                    survivor = self._survivor(person)
                    if survivor is not None:
                        row.matched_by = "external ID"
                        return survivor
        if name and values.get("country"):
            return self._match_by_name(row, name, values["country"], values.get("birth_year"))
        return None

    def _match_by_name(self, row, name, country, birth_year):
        """The one person with this name (in any spelling), country and birth year.

        Candidates come from the name search; a candidate matches when the name's key
        equals the key of their name or of an alias, the country is the same and the
        years of birth are equal or one of them is unknown.
        """
        key = name_key(name)

        def fits(person) -> bool:
            keys = {person.name_key, *(name_key(alias.name) for alias in self._aliases(person))}
            return (key in keys and _comparable(person.country) == country
                    and (birth_year is None or person.birth_year in (None, birth_year)))

        found = [person for person in self.pending_people if fits(person)]
        for candidate in self._records(Person).search(name)[:50]:
            person = self._survivor(candidate)
            if person is not None and fits(person) and person not in found:
                found.append(person)
        if len(found) > 1:
            ids = ", ".join(f"ID {person.pk}" if person.pk else "a person new in this file"
                            for person in found)
            raise Rejected("name", name, f"could be any of {len(found)} people ({ids}): put "
                                         f"the right one's ID in column 'person_id'")
        if found:
            row.matched_by = "name, country and year of birth"
            return found[0]
        return None

    def _known(self, instance):
        return self.instances.setdefault((type(instance), instance.pk), instance)

    def _records(self, model):
        """The records of ``model`` the importing user may see (all, from the command line):
        a row can neither match nor name a record hidden from them."""
        records = model._default_manager.all()
        return records if self.user is None else policy.visible(records, self.user)

    def _survivor(self, person):
        """The record ``person`` survives as (see ``resolve_merged``), if the user may see it."""
        survivor = resolve_merged(person)
        if survivor.pk != person.pk and not self._records(Person).filter(
                pk=survivor.pk).exists():
            return None
        return self._known(survivor)

    def _get(self, model, pk):
        key = (model, pk)
        if key not in self.instances:
            self.instances[key] = self._records(model).filter(pk=pk).first()
        return self.instances[key]

    def _check_editable(self, record):
        if record.pk is not None and not self.may_publish and \
                record.publication_state not in (PublicationState.DRAFT,
                                                 PublicationState.IN_REVIEW):
            state = record.get_publication_state_display().lower()
            raise Rejected("", "", f"{record} is {state}, and only a reviewer may change a "
                                   f"{state} record: ask a reviewer to import this row")

    # -- facts ----------------------------------------------------------------------------

    def _fact(self, row, model, id_column, person, natural_key):
        """The recorded or pending fact the row is about, or a new one; and whether new."""
        cells = row.cells
        if cells.get(id_column):
            pk = parse_int(id_column, cells[id_column], "a casetracker ID", 12)
            fact = self._get(model, pk)
            if fact is None or person.pk is None or \
                    resolve_merged(fact.person).pk != person.pk:
                raise Rejected(id_column, pk, f"is not the ID of a "
                                              f"{model._meta.verbose_name} of this person")
            return fact, False
        key = (model, person.pk or id(person), natural_key)
        if key in self.pending_facts:
            return self.pending_facts[key], False
        if person.pk is not None:
            matches = [fact for fact in self._recorded_facts(model, person)
                       if self._natural_key(fact) == natural_key]
            if len(matches) > 1:
                raise Rejected(id_column, "", f"is empty, and {person} has {len(matches)} "
                                              f"{model._meta.verbose_name_plural} that fit "
                                              f"this row: put the right one's ID in column "
                                              f"'{id_column}'")
            if matches:
                return self._known(matches[0]), False
        fact = model(person=person, publication_state=PublicationState.DRAFT)
        self._register(self.pending_facts, key, fact)
        return fact, True

    def _recorded_facts(self, model, person) -> list:
        cache = f"_import_{model._meta.model_name}s"
        if not hasattr(person, cache):
            setattr(person, cache, list(self._records(model).filter(person=person)))
        return getattr(person, cache)

    @staticmethod
    def _natural_key(fact):
        if isinstance(fact, Event):
            return (fact.kind, fact.date.isoformat() if fact.date else None)
        return (fact.verdict_date.isoformat() if fact.verdict_date else None,)

    def _event(self, row, person):
        cells = row.cells
        values = {}
        for column, field_name in EVENT_COLUMNS.items():
            value = cells.get(column, "")
            if value == "":
                continue
            if column == "event_kind":
                value = parse_choice(column, value, Event.Kind, "an event kind")
            elif column == "event_date":
                value = parse_date(column, value)
            elif column == "event_country":
                value = parse_country(column, value)
            else:
                value = _text(value)
            values[field_name] = value
        if not cells.get("event_id") and "kind" not in values:
            raise Rejected("event_kind", "", "is empty: say what happened (arrest, detention, "
                                             "torture, …) or leave every event column empty")
        date = values.get("date")
        event, is_new = self._fact(row, Event, "event_id", person,
                                   (values.get("kind"), date.isoformat() if date else None))
        return event, self._apply_fact(row, event, is_new, values, Event)

    def _proceeding(self, row, person):
        cells = row.cells
        values = {}
        for column, field_name in PROCEEDING_COLUMNS.items():
            value = cells.get(column, "")
            if value == "":
                continue
            if column == "court":
                value = self._court(value)
            elif column == "verdict_date":
                value = parse_date(column, value)
            elif column == "outcome":
                value = parse_choice(column, value, Proceeding.Outcome, "an outcome")
            elif column == "appeal":
                value = parse_choice(column, value, Proceeding.Appeal, "an appeal state")
            elif column in ("confiscation", "closed_trial"):
                value = parse_bool(column, value)
            else:
                value = _text(value)
            values[field_name] = value
        values.update(self._sentence(cells))
        charges = [self._charge(wording) for wording in parse_list(cells.get("charges", ""))]
        date = values.get("verdict_date")
        proceeding, is_new = self._fact(row, Proceeding, "proceeding_id", person,
                                        (date.isoformat() if date else None,))
        if is_new:
            values.setdefault("outcome", Proceeding.Outcome.CONVICTED)
        touched = self._apply_fact(row, proceeding, is_new, values, Proceeding)
        for charge, wording in charges:
            if self._has_charge(proceeding, charge):
                continue
            if proceeding.pk is not None:
                self._check_editable(proceeding)
            item = ProceedingCharge(proceeding=proceeding, charge=charge,
                                    wording=wording if wording.lower() != charge.name else "")
            self._register(self._pending_charges(proceeding), None, item)
            row.charges.append(item)
            row.notes.append(f"adds the charge “{charge.name}”")
            touched = True
        return proceeding, touched

    @staticmethod
    def _sentence(cells) -> dict:
        values = {}
        life = (parse_bool("life_sentence", cells["life_sentence"])
                if cells.get("life_sentence", "") != "" else None)
        years = (parse_int("sentence_years", cells["sentence_years"], "a number of years", 10,
                           low=0, high=99)
                 if cells.get("sentence_years", "") != "" else None)
        months = (parse_int("sentence_months", cells["sentence_months"], "a number of months",
                            6, low=0, high=1200)
                  if cells.get("sentence_months", "") != "" else None)
        if life and (years or months):
            raise Rejected("life_sentence", cells["life_sentence"],
                           "contradicts the prison term in 'sentence_years': a sentence is "
                           "either life imprisonment or a term, not both")
        if years is not None or months is not None:
            term = (years or 0) * 12 + (months or 0)
            if term == 0:
                raise Rejected("sentence_years", years, "is not a prison term: leave the "
                                                        "sentence columns empty when there "
                                                        "was none")
            values.update(term_months=term, life=False)
        elif life is not None:
            values["life"] = life
            if life:
                values["term_months"] = None
        return values

    def _has_charge(self, proceeding, charge) -> bool:
        if any(item.charge is charge or (charge.pk and item.charge_id == charge.pk)
               for item in self._pending_charges(proceeding)):
            return True
        if proceeding.pk is None or charge.pk is None:
            return False
        if not hasattr(proceeding, "_import_charge_ids"):
            proceeding._import_charge_ids = set(
                proceeding.proceeding_charges.values_list("charge_id", flat=True))
        return charge.pk in proceeding._import_charge_ids

    @staticmethod
    def _pending_charges(proceeding) -> list:
        if not hasattr(proceeding, "_import_new_charges"):
            proceeding._import_new_charges = []
        return proceeding._import_new_charges

    def _court(self, value):
        text = _text(value)
        if text.lower() not in self.courts:
            courts = Organisation.objects.filter(kind=Organisation.Kind.COURT)
            court = (courts.filter(name__iexact=text).first()
                     or courts.filter(abbreviation__iexact=text).first()
                     or courts.filter(other_names__icontains=text).first())
            if court is None:
                raise Rejected("court", value, "is not a court recorded in casetracker: add it "
                                               "in the admin (Organisations, kind “court”) "
                                               "first, or leave the column empty")
            self.courts[text.lower()] = court
        return self.courts[text.lower()]

    def _charge(self, wording):
        """(charge, wording): the recorded charge of that name, or a new one."""
        name = " ".join(wording.lower().split())
        if name not in self.charges:
            charge = (Charge.objects.filter(name__iexact=name).first()
                      or Charge.objects.filter(slug=slugify(name)[:200]).first()
                      or Charge(name=name, slug=slugify(name)[:200] or "charge"))
            self.charges[name] = charge
        return self.charges[name], wording

    def _apply_fact(self, row, fact, is_new, values, model) -> bool:
        """Set the row's values on the fact; whether that creates or changes anything."""
        if is_new:
            for name, value in values.items():
                self._set(fact, name, value)
            self._validate(row, fact, FIELD_COLUMNS[model], exclude=["person"])
            row.changes.append(Change(fact, True, {}))
            row.notes.append(f"creates {model._meta.verbose_name} {self._describe(fact)} "
                             f"(draft)")
            return True
        return self._update(row, fact, values, FIELD_COLUMNS[model])

    @staticmethod
    def _describe(fact) -> str:
        if isinstance(fact, Event):
            return f"“{fact.get_kind_display().lower()}, {fact.date or 'date unknown'}”"
        return f"“{fact.verdict_date or 'date unknown'}, {fact.term_display}”"

    # -- changes --------------------------------------------------------------------------

    def _update(self, row, instance, values, columns) -> bool:
        changed = {}
        for name, value in values.items():
            old = getattr(instance, instance._meta.get_field(name).attname)
            if _comparable(old) != _comparable(value):
                # The old value as the importing user may see it (a restricted place masked).
                old = getattr(instance, name) if self.user is None else policy.shown_value(
                    instance, name, self.user)
                changed[name] = (_shown(old), _shown(value))
        if not changed:
            return False
        self._check_editable(instance)
        for name in changed:
            self._set(instance, name, values[name])
        self._validate(row, instance, columns,
                       exclude=["person"] if instance.pk is None else None)
        row.changes.append(Change(instance, False, changed))
        label = f"{instance._meta.verbose_name} {instance}"
        for name, (old, new) in changed.items():
            verbose = instance._meta.get_field(name).verbose_name
            row.notes.append(f"changes the {verbose} of {label}: {old} → {new}")
        return True

    @staticmethod
    def _validate(row, instance, columns, exclude=None):
        try:
            instance.full_clean(exclude=exclude)
        except ValidationError as error:
            messages = getattr(error, "message_dict", None) or {"": error.messages}
            name, texts = next(iter(messages.items()))
            column = columns.get(name, "")
            reason = " ".join(texts).rstrip(".")
            value = _text(row.cells.get(column, "")) if column else ""
            if value:
                reason = f"cannot be used: {reason[0].lower()}{reason[1:]}"
            raise Rejected(column, value, reason) from None


def plan_import(*, sheet: Sheet, file_name: str, sha256: str, source=None, user=None,
                progress=None):
    """Decide, row by row and without writing, what importing ``sheet`` would do."""
    return Planner(sheet=sheet, file_name=file_name, sha256=sha256, source=source,
                   user=user, progress=progress).run()
