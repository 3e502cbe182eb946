"""Bulk import: a dry run that explains every row, then exactly that, all or nothing."""

import io

import openpyxl
import pytest
from django.core.management import call_command
from simple_history.utils import get_history_model_for_model

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
)
from casetracker.intake import services
from casetracker.intake.importing import Action
from casetracker.intake.models import ImportBatch
from tests.factories import PersonFactory, SourceFactory, UserFactory

HEADER = ("external_id,name,aliases,country,birth_year,status,event_kind,event_date,"
          "sentence_years,verdict_date,charges,source_title,source_publisher,passage\n")
GOOD_BAD_DUPLICATE = HEADER + (
    # 2: a new person with an arrest
    "P-1,Alisher Testov,,TJ,1980,imprisoned,arrest,2015-09-28,,,,,,\n"
    # 3: a new person with a sentence, two charges and the article that reports it
    "P-2,Dilshod Namunaev,Дилшод Намунаев,Tajikistan,1975,imprisoned,,,23,2016-10-06,"
    "fraud; extremism,Court report,Partner NGO,He was sentenced to 23 years.\n"
    # 4: bad — words where a number of years is expected
    "P-3,Bad Row,,TJ,,,,,twenty,,,,,\n"
    # 5: bad — no such country
    "P-4,Another Bad,,Tajikstan,,,,,,,,,,\n"
    # 6: the person of row 3 again, in Cyrillic and without external ID: the same person
    ",Дилшод Намунаев,,TJ,1975,,detention,2015-09,,,,,,\n"
    # 7: bad — a date that is not one
    "P-5,Third Bad,,TJ,,,arrest,32 May 2016,,,,,,\n"
)
CREATED_MODELS = [Person, Alias, Event, Proceeding, ProceedingCharge, Citation, Source, Charge]


def counts():
    """Rows in every table an import writes, history tables included."""
    models = CREATED_MODELS + [get_history_model_for_model(model) for model in CREATED_MODELS]
    return {model.__name__: model.objects.count() for model in models} | {
        "ImportBatch": ImportBatch.objects.count()}


def run(content, *, user=None, dry_run=False, file_name="partner.csv", source=None):
    return services.import_file(content=content.encode() if isinstance(content, str)
                                else content, file_name=file_name, user=user, dry_run=dry_run,
                                source=source)


@pytest.fixture
def importer(db):
    return UserFactory(username="importer", is_staff=True, is_superuser=True)


@pytest.mark.django_db
def test_dry_run_explains_every_row_and_writes_nothing():
    """Good rows say what they create; bad rows say row, column, value and reason."""
    before = counts()
    plan = run(GOOD_BAD_DUPLICATE, dry_run=True)
    assert counts() == before
    actions = {row.number: row.action for row in plan.rows}
    assert actions == {2: Action.CREATE, 3: Action.CREATE, 4: Action.REJECT,
                       5: Action.REJECT, 6: Action.CREATE, 7: Action.REJECT}
    problems = {row.number: [str(problem) for problem in row.problems] for row in plan.rows}
    assert problems[4] == ["Row 4, column 'sentence_years': 'twenty' is not a number of years: "
                           "write it in figures, e.g. 10"]
    assert problems[5] == ["Row 5, column 'country': 'Tajikstan' is not a country: write its "
                           "English name (Tajikistan) or its two-letter code (TJ)"]
    assert problems[7][0].startswith("Row 7, column 'event_date': '32 May 2016' is not a date")
    row6 = next(row for row in plan.rows if row.number == 6)
    assert "about Dilshod Namunaev, created by an earlier row" in row6.notes


@pytest.mark.django_db
def test_import_creates_cited_drafts_whose_history_names_the_user(importer):
    plan = run(GOOD_BAD_DUPLICATE, user=importer)
    assert plan.counts == {"create": 3, "update": 0, "unchanged": 0, "reject": 3}
    # Row 6 spelled row 3's person in Cyrillic: one person, not two.
    assert Person.objects.filter(name_key="dilshod namunaev").count() == 1
    assert set(Person.objects.values_list("name", flat=True)) == {"Alisher Testov",
                                                                "Dilshod Namunaev"}
    person = Person.objects.get(external_id="P-2")
    assert person.publication_state == PublicationState.DRAFT
    assert list(person.aliases.values_list("name", flat=True)) == ["Дилшод Намунаев"]
    proceeding = person.proceedings.get()
    assert proceeding.term_months == 276 and proceeding.publication_state == "draft"
    assert sorted(proceeding.charges.values_list("name", flat=True)) == ["extremism", "fraud"]
    # Every fact cites the file's source (row as passage) and, here, the row's own source.
    file_source = Source.objects.get(slug__startswith="import-")
    assert file_source.publication_state == PublicationState.DRAFT
    for fact in [*Event.objects.all(), *Proceeding.objects.all()]:
        assert fact.citations.filter(source=file_source).exists()
    passages = dict(proceeding.citations.values_list("source__title", "passage"))
    assert passages["Court report"] == "He was sentenced to 23 years."
    assert passages[file_source.title].startswith("partner.csv, row 3 — ")
    for model in (Person, Event, Proceeding, Citation, Alias, ProceedingCharge):
        history = model.history.all()
        assert history.exists()
        assert set(history.values_list("history_user__username", flat=True)) == {"importer"}
    assert Person.history.get(external_id="P-1").history_change_reason == \
        "Imported from partner.csv, row 2"


@pytest.mark.django_db
def test_reimporting_the_same_file_changes_nothing(importer):
    run(GOOD_BAD_DUPLICATE, user=importer)
    before = counts()
    plan = run(GOOD_BAD_DUPLICATE, user=importer)
    assert plan.counts == {"create": 0, "update": 0, "unchanged": 3, "reject": 3}
    assert counts() == before


@pytest.mark.django_db
def test_an_updated_file_updates_only_what_changed(importer):
    run(GOOD_BAD_DUPLICATE, user=importer)
    before = counts()
    changed = GOOD_BAD_DUPLICATE.replace("P-1,Alisher Testov,,TJ,1980,imprisoned",
                                         "P-1,Alisher Testov,,TJ,1981,imprisoned")
    plan = run(changed, user=importer, file_name="partner-v2.csv")
    assert plan.counts == {"create": 0, "update": 1, "unchanged": 2, "reject": 3}
    row = next(row for row in plan.rows if row.action == Action.UPDATE)
    assert row.notes[-1] == "changes the year of birth of person Alisher Testov: 1980 → 1981"
    assert Person.objects.get(external_id="P-1").birth_year == 1981
    after = counts()
    assert after["HistoricalPerson"] == before["HistoricalPerson"] + 1
    assert {name: after[name] - before[name] for name in after if after[name] != before[name]} \
        == {"HistoricalPerson": 1, "ImportBatch": 1}


@pytest.mark.django_db
def test_matching_by_name_country_and_birth_year_does_not_duplicate(importer):
    """A recorded person is found under another spelling; a namesake elsewhere is not."""
    recorded = PersonFactory(name="Buzurgmehr Yorov", country="TJ", birth_year=1971)
    Alias.objects.create(person=recorded, name="Buzurgmekhr Yorov")
    PersonFactory(name="Buzurgmehr Yorov", country="KG")
    content = HEADER + "Y-1,Buzurgmekhr Yorov,,TJ,1971,,arrest,2015-09-28,,,,,,\n"
    plan = run(content, user=importer)
    assert plan.rows[0].matched_by == "name, country and year of birth"
    assert Person.objects.filter(name="Buzurgmehr Yorov").count() == 2
    assert recorded.events.get().date.isoformat() == "2015-09-28"
    recorded.refresh_from_db()
    assert recorded.external_id == "Y-1"


@pytest.mark.django_db
def test_two_candidates_are_rejected_with_their_ids(importer):
    first = PersonFactory(name="Ali Valiev", country="TJ")
    second = PersonFactory(name="Ali Valiev", country="TJ")
    plan = run(HEADER + ",Ali Valiev,,TJ,,,arrest,2015,,,,,,\n", user=importer, dry_run=True)
    assert str(plan.rows[0].problems[0]) == (
        f"Row 2, column 'name': 'Ali Valiev' could be any of 2 people (ID {first.pk}, "
        f"ID {second.pk}): put the right one's ID in column 'person_id'")


@pytest.mark.django_db
def test_an_editor_cannot_change_a_published_record_through_an_import(editor):
    person = PersonFactory(name="Published Person", country="TJ", external_id="X-1",
                           publication_state=PublicationState.PUBLISHED)
    plan = run(HEADER + "X-1,Published Person,,TJ,1970,,,,,,,,,\n", user=editor, dry_run=True)
    assert str(plan.rows[0].problems[0]) == (
        "Row 2: Published Person is published, and only a reviewer may change a published "
        "record: ask a reviewer to import this row")
    # New facts land as drafts, so an editor may still add them.
    plan = run(HEADER + "X-1,Published Person,,TJ,,,arrest,2016,,,,,,\n", user=editor)
    assert plan.counts["create"] == 1
    assert person.events.get().publication_state == PublicationState.DRAFT


@pytest.mark.django_db
def test_a_failed_import_writes_nothing(importer, monkeypatch):
    """A failure half-way through the run rolls every write back."""
    before = counts()

    def fail(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "bulk_create_with_history", fail)
    with pytest.raises(RuntimeError):
        run(GOOD_BAD_DUPLICATE, user=importer)
    assert counts() == before


@pytest.mark.django_db
def test_the_run_refuses_when_records_changed_since_the_dry_run(importer):
    """The confirmed run takes the dry run's decisions or none at all."""
    batch = services.import_batch_create(content=GOOD_BAD_DUPLICATE.encode(),
                                         file_name="partner.csv", user=importer)
    PersonFactory(name="Alisher Testov", country="TJ", birth_year=1980)  # now a match
    before = counts()
    with pytest.raises(services.ImportChanged):
        services.import_batch_apply(batch=batch, user=importer)
    assert counts() == before
    batch.refresh_from_db()
    assert batch.state == ImportBatch.State.PLANNED


@pytest.mark.django_db
def test_a_confirmed_upload_applies_its_dry_run(importer):
    source = SourceFactory(slug="partner-report")
    batch = services.import_batch_create(content=GOOD_BAD_DUPLICATE.encode(),
                                         file_name="partner.csv", source=source, user=importer)
    assert Person.objects.count() == 0
    plan = services.import_batch_apply(batch=batch, user=importer)
    assert plan.counts["create"] == 3
    assert Citation.objects.filter(source=source).count() == Event.objects.count() + \
        Proceeding.objects.count()
    batch.refresh_from_db()
    assert batch.state == ImportBatch.State.APPLIED


@pytest.mark.django_db
def test_xlsx_files_import_like_csv(importer, tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Name", "Country", "Birth year", "Event kind", "Event date", "Unknown"])
    sheet.append(["Alisher Testov", "TJ", 1980, "arrest", "2015-09", "ignored"])
    buffer = io.BytesIO()
    book.save(buffer)
    plan = run(buffer.getvalue(), user=importer, file_name="partner.xlsx")
    assert plan.ignored_columns == ["unknown"]
    assert Person.objects.get().events.get().date.isoformat() == "2015-09"


@pytest.mark.django_db
def test_the_command_reports_rows_and_refuses_unreadable_files(tmp_path, importer):
    path = tmp_path / "partner.csv"
    path.write_text(GOOD_BAD_DUPLICATE, encoding="utf-8")
    out = io.StringIO()
    call_command("import", str(path), "--dry-run", "--user", "importer", stdout=out)
    text = out.getvalue()
    assert "Row 4, column 'sentence_years': 'twenty' is not a number of years" in text
    assert "Would import: 3 row(s) creating records, 0 updating, 0 unchanged; 3 rejected." \
        in text
    assert Person.objects.count() == 0
    call_command("import", str(path), "--user", "importer", stdout=io.StringIO())
    assert Person.objects.count() == 2
    from django.core.management.base import CommandError

    bad = tmp_path / "notes.txt"
    bad.write_text("hello")
    with pytest.raises(CommandError, match="is not a CSV or XLSX file"):
        call_command("import", str(bad), stdout=io.StringIO())


@pytest.mark.django_db
def test_staff_upload_see_the_dry_run_and_confirm(staff_client):
    """Upload → report page (nothing written) → confirm → imported."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse
    from rest_framework import status

    upload = SimpleUploadedFile("partner.csv", GOOD_BAD_DUPLICATE.encode(), "text/csv")
    response = staff_client.post(reverse("intake:import"), {"file": upload})
    assert response.status_code == status.HTTP_302_FOUND
    report = staff_client.get(response["Location"])
    page = report.content.decode()
    assert "Row 4, column &#x27;sentence_years&#x27;: &#x27;twenty&#x27; is not a number of " \
           "years" in page
    assert "creates person Dilshod Namunaev (draft)" in page
    assert Person.objects.count() == 0
    batch = ImportBatch.objects.get()
    response = staff_client.post(reverse("intake:import_confirm", args=[batch.pk]))
    assert response.status_code == status.HTTP_302_FOUND
    assert Person.objects.count() == 2
    assert Person.history.filter(history_user__username="superuser").count() == 2


@pytest.mark.django_db
def test_an_unreadable_upload_is_explained_on_the_form(staff_client):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse
    from rest_framework import status

    upload = SimpleUploadedFile("partner.xlsx", b"not a spreadsheet")
    response = staff_client.post(reverse("intake:import"), {"file": upload})
    assert response.status_code == status.HTTP_200_OK
    assert "could not be read as XLSX" in response.content.decode()
    assert ImportBatch.objects.count() == 0
