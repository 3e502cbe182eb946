"""Export → edit in a spreadsheet → import round-trips."""

import csv
import io

import openpyxl
import pytest
from django.core.management import call_command
from django.urls import reverse
from rest_framework import status

from casetracker.cases.models import Alias, Event, Person
from casetracker.intake import services
from casetracker.intake.exporting import export_rows, exportable_people
from casetracker.intake.sheets import write_sheet
from tests.factories import AliasFactory, EventFactory, PersonFactory, cited_person
from tests.intake.test_import import counts


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_export_then_import_changes_nothing(seeded, kind):
    content = write_sheet(export_rows(exportable_people()), file_format_name=kind)
    before = counts()
    plan = services.import_file(content=content, file_name=f"export.{kind}")
    assert plan.counts["reject"] == 0, [str(p) for row in plan.rows for p in row.problems]
    assert plan.counts["create"] == plan.counts["update"] == 0
    assert plan.counts["unchanged"] == len(plan.rows) > 40
    assert counts() == before


@pytest.mark.django_db
def test_an_edited_export_updates_only_the_edited_cell(tmp_path):
    person = cited_person(name="Alisher Testov")
    EventFactory(person=person, kind=Event.Kind.TORTURE, date="2015-10")
    path = tmp_path / "people.xlsx"
    call_command("export", str(path), "--base-url", "https://cases.example.org",
                 stdout=io.StringIO())
    book = openpyxl.load_workbook(path)
    sheet = book.active
    header = [cell.value for cell in sheet[1]]
    rows = list(sheet.iter_rows(min_row=2))
    assert rows[0][header.index("person_url")].value == \
        f"https://cases.example.org/cases/{person.slug}/"
    torture = next(row for row in rows if row[header.index("event_kind")].value == "torture")
    torture[header.index("event_place")].value = "Vahdat prison"
    book.save(path)
    before = counts()
    plan = services.import_file(content=path.read_bytes(), file_name="people.xlsx")
    assert plan.counts == {"create": 0, "update": 1, "unchanged": len(rows) - 1, "reject": 0}
    assert Event.objects.get(kind=Event.Kind.TORTURE).place == "Vahdat prison"
    after = counts()
    changed = {name for name in after if after[name] != before[name]}
    # The edited event changed, and cites the edited file with the row as the passage.
    assert changed == {"HistoricalEvent", "Citation", "HistoricalCitation", "Source",
                       "HistoricalSource", "ImportBatch"}


@pytest.mark.django_db
def test_the_export_leaves_restricted_data_out():
    person = PersonFactory(name="Open Person", real_name="Hidden Name", is_pseudonym=True)
    AliasFactory(person=person, name="Secret Spelling", is_restricted=True)
    EventFactory(person=person, place="Safe house", place_is_restricted=True)
    PersonFactory(name="Restricted Person", is_restricted=True)
    rows = export_rows(exportable_people())
    text = repr(rows)
    assert "Open Person" in text
    for hidden in ("Hidden Name", "Secret Spelling", "Safe house", "Restricted Person"):
        assert hidden not in text


@pytest.mark.django_db
def test_staff_download_the_export_from_the_admin(staff_client):
    PersonFactory(name="Alisher Testov")
    response = staff_client.get(reverse("intake:export") + "?format=csv")
    assert response.status_code == status.HTTP_200_OK
    assert response["Content-Disposition"] == 'attachment; filename="casetracker-people.csv"'
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert rows[0]["name"] == "Alisher Testov"
    assert rows[0]["person_url"].startswith("http://testserver/cases/")
    assert Alias.objects.count() == 0
    assert Person.objects.count() == 1


@pytest.mark.django_db
def test_the_person_changelist_links_to_the_intake_pages(staff_client):
    response = staff_client.get(reverse("admin:cases_person_changelist"))
    for name in ("intake:duplicates", "intake:import", "intake:export", "intake:article_add"):
        assert reverse(name) in response.content.decode()
