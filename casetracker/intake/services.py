"""Writes of the intake app: imports, exports' counterpart, article intake and its review.

Every function takes keyword arguments only, validates with ``full_clean()`` and writes in
one transaction; history entries name the user and say why the record changed.
"""

import hashlib
import json

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from casetracker.cases.dates import PartialDate
from casetracker.cases.models import (
    Alias,
    Charge,
    Citation,
    Event,
    Person,
    Proceeding,
    ProceedingCharge,
    PublicationState,
    Source,
    unique_slug,
)
from casetracker.cases.services import record_add
from casetracker.changes import log
from casetracker.intake.extraction import extract, match_person
from casetracker.intake.importing import ImportPlan, plan_import
from casetracker.intake.models import ArticleIntake, ImportBatch, Proposal
from casetracker.intake.sheets import SheetError, read_sheet


class ImportChanged(Exception):
    """The database changed between the dry run and the run: the decisions would differ."""


# ---------------------------------------------------------------------------------------
# Spreadsheet import
# ---------------------------------------------------------------------------------------


def import_plan(*, content: bytes, file_name: str, source=None, user=None,
                progress=None) -> ImportPlan:
    """The dry run: what importing the file would do, row by row. Writes nothing.

    Raises :class:`casetracker.intake.sheets.SheetError` when the file cannot be read.
    ``progress(rows_done)`` is called as the rows are planned.
    """
    sheet = read_sheet(content=content, file_name=file_name)
    return plan_import(sheet=sheet, file_name=file_name,
                       sha256=hashlib.sha256(content).hexdigest(), source=source, user=user,
                       progress=progress)


def import_batch_create(*, content: bytes, file_name: str, source=None, user) -> ImportBatch:
    """Keep an uploaded file, and have the worker make its dry run (``import_batch_plan``).

    The file is read here, so one that cannot be read (or is too large) is refused at once
    with the reason; planning its rows, which can take minutes, is left to the worker.
    """
    from casetracker.intake import tasks

    sheet = read_sheet(content=content, file_name=file_name)
    batch = ImportBatch(file_name=file_name, content=content,
                        sha256=hashlib.sha256(content).hexdigest(), source=source,
                        created_by=user, rows_total=len(sheet.rows))
    batch.full_clean()
    with transaction.atomic():
        batch.save()
        tasks.plan_import_batch.enqueue(batch.pk)
    return batch


def import_batch_plan(*, batch: ImportBatch) -> ImportBatch:
    """The dry run of a kept file, as its uploader (the worker's part of the import)."""
    ImportBatch.objects.filter(pk=batch.pk).update(state=ImportBatch.State.PLANNING,
                                                   rows_done=0, error="")

    def progress(done):
        ImportBatch.objects.filter(pk=batch.pk).update(rows_done=done)

    try:
        plan = import_plan(content=bytes(batch.content), file_name=batch.file_name,
                           source=batch.source, user=batch.created_by, progress=progress)
    except SheetError as error:
        return _failed(batch, str(error))
    ImportBatch.objects.filter(pk=batch.pk).update(
        state=ImportBatch.State.PLANNED, rows_done=len(plan.rows), report=_json(plan.report()))
    batch.refresh_from_db()
    return batch


def import_batch_confirm(*, batch: ImportBatch, user) -> ImportBatch:
    """Have the worker run a planned import (``import_batch_apply``)."""
    from casetracker.intake import tasks

    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if batch.state != ImportBatch.State.PLANNED:
            raise ValidationError(f"This file is {batch.get_state_display().lower()}: only a "
                                  "finished dry run can be imported.")
        batch.state = ImportBatch.State.APPLYING
        batch.error = ""
        batch.save(update_fields=["state", "error"])
        tasks.apply_import_batch.enqueue(batch.pk, user.pk)
    return batch


def import_batch_apply(*, batch: ImportBatch, user) -> ImportPlan:
    """Run a confirmed import: exactly the dry run's decisions, all or nothing."""
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if batch.state == ImportBatch.State.APPLIED:
            raise ValidationError("This file has already been imported.")
        plan = import_plan(content=bytes(batch.content), file_name=batch.file_name,
                           source=batch.source, user=user)
        if _json(plan.signature()) != batch.report.get("signature"):
            raise ImportChanged(
                "Records changed since the dry run, so the import would no longer do what the "
                "report showed. Nothing was imported: upload the file again for a new dry run."
            )
        _write(plan, user=user)
        batch.state = ImportBatch.State.APPLIED
        batch.applied_at = timezone.now()
        batch.report = _json(plan.report())
        batch.full_clean()
        batch.save()
    return plan


def _failed(batch, message: str) -> ImportBatch:
    ImportBatch.objects.filter(pk=batch.pk).update(state=ImportBatch.State.FAILED,
                                                   error=message)
    batch.refresh_from_db()
    return batch


def import_file(*, content: bytes, file_name: str, source=None, user=None,
                dry_run: bool = False) -> ImportPlan:
    """Plan a file and, unless ``dry_run``, apply that very plan, in one transaction."""
    with transaction.atomic():
        plan = import_plan(content=content, file_name=file_name, source=source, user=user)
        if not dry_run and plan.writes_anything:
            batch = ImportBatch(file_name=file_name, content=content, sha256=plan.sha256,
                                source=source, created_by=user,
                                state=ImportBatch.State.APPLIED, applied_at=timezone.now(),
                                report=_json(plan.report()))
            _write(plan, user=user)
            batch.full_clean()
            batch.save()
    return plan


def _json(value):
    return json.loads(json.dumps(value, default=str))


def _write(plan: ImportPlan, *, user):
    """Save what the plan built, in the order foreign keys need; history names ``user``."""
    with log.batch():
        _write_rows(plan, user=user)
        # Facts, aliases, charges and citations are created in bulk, past their save().
        log.touch_people(row.person.pk for row in plan.rows if row.person is not None)


def _write_rows(plan: ImportPlan, *, user):
    rows = [row for row in plan.rows if row.action in ("create", "update")]

    def tag(instance, number):
        instance._history_user = user
        instance._change_reason = f"Imported from {plan.file_name}, row {number}"
        return instance

    def save(instance, number):
        tag(instance, number)
        instance.full_clean(exclude=["slug"] if isinstance(instance, Person) else None)
        instance.save()

    if plan.source is not None and plan.source.pk is None:
        save(plan.source, rows[0].number)
    for charge in plan.new_charges.values():
        if any(item.charge is charge for row in rows for item in row.charges):
            save(charge, next(row.number for row in rows
                              for item in row.charges if item.charge is charge))
    seen = set()
    new_facts, changed_facts = {Event: [], Proceeding: []}, {Event: {}, Proceeding: {}}
    for row in rows:
        for change in row.changes:
            instance = change.instance
            if isinstance(instance, (Person, Source)):
                if id(instance) not in seen or not change.is_new:
                    save(instance, row.number)
                seen.add(id(instance))
            elif change.is_new:
                new_facts[type(instance)].append(tag(instance, row.number))
            elif instance.pk is not None:
                fields = changed_facts[type(instance)].setdefault(id(instance),
                                                                  (instance, set()))[1]
                fields.update(change.fields)
                tag(instance, row.number)
    now = timezone.now()
    for model in (Event, Proceeding):
        for fact in new_facts[model]:
            fact._prepare_related_fields_for_save(operation_name="import")  # new people's IDs
            fact.full_clean()
        bulk_create_with_history(new_facts[model], model, default_user=user)
        updated = [fact for fact, _fields in changed_facts[model].values()]
        fields = set().union(*(fields for _fact, fields in changed_facts[model].values()))
        for fact in updated:
            fact.updated_at = now
            fact.full_clean()
        if updated:
            bulk_update_with_history(updated, model, [*sorted(fields), "updated_at"],
                                     default_user=user)
    for model, attribute in ((Alias, "aliases"), (ProceedingCharge, "charges"),
                             (Citation, "citations")):
        objects = [tag(instance, row.number) for row in rows
                   for instance in getattr(row, attribute)]
        for instance in objects:
            instance._prepare_related_fields_for_save(operation_name="import")
            instance.full_clean()
        bulk_create_with_history(objects, model, default_user=user)


# ---------------------------------------------------------------------------------------
# Article intake
# ---------------------------------------------------------------------------------------


#: The most proposals one article gives: past them a review is no longer a review (a 200 KB
#: text gave 3,401). The rest are counted, and the review says to split the text.
MAX_PROPOSALS = 400


def article_intake_create(*, title: str, publisher: str, text: str, user, published=None,
                          url: str = "", author: str = "", language: str = "en",
                          country: str = "TJ", slug: str = "") -> ArticleIntake:
    """Store an article as a draft Source, and have the worker read it (``read_article``)."""
    from casetracker.intake import tasks

    if isinstance(published, str) and published:
        published = PartialDate.parse(published)
    source = Source(slug=slug or unique_slug(Source, f"{publisher} {title}"), title=title,
                    publisher=publisher, author=author, published=published or None, url=url,
                    language=language, publication_state=PublicationState.DRAFT)
    source._history_user = user
    source._change_reason = "Added through article intake"
    source.full_clean()
    intake = ArticleIntake(text=text, country=country, created_by=user)
    with transaction.atomic():
        source.save()
        intake.source = source
        intake.full_clean()
        intake.save()
        tasks.read_article.enqueue(intake.pk)
    return intake


def article_intake_read(*, intake: ArticleIntake) -> ArticleIntake:
    """Propose what the article seems to say (the worker's part of the intake)."""
    reader = intake.created_by
    findings = extract(intake.text, published=intake.source.published,
                       match=lambda name: match_person(name, user=reader))
    kept, left_out = findings[:MAX_PROPOSALS], max(0, len(findings) - MAX_PROPOSALS)
    with transaction.atomic():
        intake = ArticleIntake.objects.select_for_update().get(pk=intake.pk)
        intake.proposals.all().delete()
        proposals = {}
        for finding in kept:
            proposal = Proposal(intake=intake, **finding.proposal_fields())
            if finding.belongs_to is not None:
                proposal.belongs_to = proposals.get(id(finding.belongs_to))
            proposal.full_clean(exclude=["belongs_to"])
            proposal.save()
            proposals[id(finding)] = proposal
        intake.state = ArticleIntake.State.READ
        intake.proposals_left_out = left_out
        intake.save(update_fields=["state", "proposals_left_out"])
    return intake


def proposal_reject(*, proposal: Proposal, user) -> Proposal:
    proposal.status = Proposal.Status.REJECTED
    proposal.decided_by, proposal.decided_at = user, timezone.now()
    proposal.full_clean()
    with transaction.atomic():
        proposal.save()
    return proposal


def proposal_accept(*, proposal: Proposal, user, **corrections) -> Proposal:
    """Accept a proposal (with the reviewer's corrections): it becomes a cited draft fact.

    A person is linked to the recorded person chosen (the spelling becomes an alias) or
    created as a draft; an event or a sentence becomes an event or a proceeding of that
    person citing the sentence it was read from; a charge is added to the proceeding of
    the sentence it belongs to.
    """
    for name, value in corrections.items():
        setattr(proposal, name, value)
    if proposal.status == Proposal.Status.ACCEPTED:
        raise ValidationError("This proposal has already been accepted.")
    proposal.full_clean()
    reason = f"Accepted from the article “{proposal.intake.source.title}”"
    source = proposal.intake.source

    def saved(instance):
        # Through the policy: an alias or a citation added to a published record, or a
        # charge to a published trial, waits for a reviewer like any other addition.
        record_add(user=user, instance=instance, reason=reason)
        return instance

    def cite(**fact):
        if not Citation.objects.filter(source=source, passage=proposal.sentence,
                                       **fact).exists():
            saved(Citation(source=source, passage=proposal.sentence, **fact))

    with transaction.atomic():
        kind = proposal.kind
        if kind == Proposal.Kind.PERSON:
            proposal.person = _person_for(proposal, saved)
        elif kind in (Proposal.Kind.EVENT, Proposal.Kind.SENTENCE):
            if proposal.person is None:
                raise ValidationError({"person": "Choose the person this is about."})
            if kind == Proposal.Kind.EVENT:
                if not proposal.event_kind:
                    raise ValidationError({"event_kind": "Choose what happened."})
                proposal.event = saved(Event(
                    person=proposal.person, kind=proposal.event_kind, date=proposal.date,
                    description=proposal.sentence, publication_state=PublicationState.DRAFT))
                cite(event=proposal.event)
            else:
                proposal.proceeding = saved(Proceeding(
                    person=proposal.person, verdict_date=proposal.date,
                    term_months=None if proposal.life else proposal.term_months,
                    life=proposal.life, outcome=Proceeding.Outcome.CONVICTED,
                    description=proposal.sentence, publication_state=PublicationState.DRAFT))
                cite(proceeding=proposal.proceeding)
        elif kind == Proposal.Kind.CHARGE:
            trial = proposal.belongs_to.proceeding if proposal.belongs_to else None
            if trial is None:
                raise ValidationError("Accept the sentence this charge belongs to first.")
            name = " ".join(proposal.charge_name.lower().split())
            charge = Charge.objects.filter(name__iexact=name).first() or saved(
                Charge(name=name, slug=unique_charge_slug(name)))
            if not trial.proceeding_charges.filter(charge=charge).exists():
                saved(ProceedingCharge(proceeding=trial, charge=charge,
                                       wording=proposal.wording[:300]))
            proposal.charge, proposal.proceeding = charge, trial
            cite(proceeding=trial)
        proposal.status = Proposal.Status.ACCEPTED
        proposal.decided_by, proposal.decided_at = user, timezone.now()
        proposal.save()
    return proposal


def _person_for(proposal, saved) -> Person:
    """The person a person-proposal names: the chosen record, or a new draft."""
    person = proposal.person
    if person is None:
        person = saved(Person(name=proposal.name, country=proposal.intake.country,
                              publication_state=PublicationState.DRAFT))
    elif proposal.name not in {person.name, *person.aliases.values_list("name", flat=True)}:
        saved(Alias(person=person, name=proposal.name))  # the article's spelling
    # Later proposals read from the same article about that name now know who it is.
    Proposal.objects.filter(intake=proposal.intake, name=proposal.name, person=None).update(
        person=person)
    return person


def unique_charge_slug(name: str) -> str:
    base = slugify(name)[:180] or "charge"
    slug, counter = base, 2
    while Charge.objects.filter(slug=slug).exists():
        slug, counter = f"{base}-{counter}", counter + 1
    return slug


def duplicate_dismiss(*, first, second, user):
    """Record that two people the queue paired are different people."""
    from casetracker.intake.models import NotDuplicate

    first, second = sorted((first, second), key=lambda person: person.pk)
    decision = NotDuplicate(first=first, second=second, decided_by=user)
    # Deciding a pair twice is no error (get_or_create below keeps the first decision).
    decision.full_clean(validate_unique=False, validate_constraints=False)
    with transaction.atomic():
        NotDuplicate.objects.get_or_create(first=first, second=second,
                                           defaults={"decided_by": user})
    return decision
