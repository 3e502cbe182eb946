"""Markup planted in every text field is shown as text and never runs, in a real browser."""

import pytest
from django.contrib.auth import get_user_model

from casetracker.cases import models
from tests.browser.conftest import DESKTOP, open_page

pytestmark = pytest.mark.browser

MARK = "window.__xss = (window.__xss || 0) + 1"
PAYLOADS = [
    f"<script>{MARK}</script>",
    f'<img src=x onerror="{MARK}">',
    f'"><svg onload="{MARK}">',
    f"'><iframe srcdoc=\"<script>parent.{MARK}</script>\">",
    f"</textarea></title><script>{MARK}</script>",
]


def planted(index: int, limit: int = 200) -> str:
    """A readable word (to find the record) followed by the payloads that fit in ``limit``."""
    text = f"Xss{index}"
    for payload in PAYLOADS:
        if len(text) + 1 + len(payload) <= limit:
            text += " " + payload
    return text


@pytest.fixture
def hostile_record(transactional_db):
    """One published case whose every staff-written text field carries the payloads."""
    organisation = models.Organisation.objects.create(
        name=planted(1), slug="hostile-organisation", description=planted(2), kind="party")
    court = models.Organisation.objects.create(name=planted(3), slug="hostile-court",
                                               kind="court")
    person = models.Person.objects.create(
        name=planted(4), slug="hostile", country="TJ", occupation=planted(5),
        summary=planted(6), publication_state="published")
    relative = models.Person.objects.create(name=planted(7), slug="hostile-relative",
                                            country="TJ", publication_state="published")
    models.Alias.objects.create(person=person, name=planted(8))
    source = models.Source.objects.create(
        slug="hostile-source", title=planted(9), publisher=planted(10), author=planted(11),
        published="2017-01", url='https://news.example.org/"><script>window.__xss=1</script>',
        publication_state="published")
    charge = models.Charge.objects.create(name=planted(12), slug="hostile-charge")
    event = models.Event.objects.create(
        person=person, kind="arrest", date="2016-10", place=planted(13),
        description=planted(14), perpetrator=organisation, publication_state="published")
    proceeding = models.Proceeding.objects.create(
        person=person, court=court, verdict_date="2016-10-06", term_months=120,
        fine=planted(15), description=planted(16), publication_state="published")
    models.ProceedingCharge.objects.create(proceeding=proceeding, charge=charge,
                                           wording=planted(17))
    detention = models.Detention.objects.create(person=person, start="2016-10",
                                                place=planted(18), publication_state="published")
    affiliation = models.Affiliation.objects.create(
        person=person, organisation=organisation, role=planted(19), publication_state="published")
    relationship = models.Relationship.objects.create(
        person=relative, kind="parent", relative=person, note=planted(20),
        publication_state="published")
    for fact in ("event", "proceeding", "detention", "affiliation", "relationship"):
        models.Citation.objects.create(source=source, passage=planted(21),
                                       **{fact: locals()[fact]})
    return person


PUBLIC_PATHS = ["/", "/cases/", "/cases/hostile/", "/cases/hostile-relative/",
                "/sources/", "/organisations/hostile-organisation/", "/statistics/",
                "/cases/?q=" + "%3Cscript%3Ewindow.__xss%3D1%3C%2Fscript%3E",
                "/api/v1/people/?format=api", "/api/v1/sources/?format=api"]


def assert_inert(page, path):
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    response = page.goto(path)
    assert response.status < 500, path
    page.wait_for_load_state("load")
    assert page.evaluate("window.__xss") is None, f"a payload ran on {path}"
    assert dialogs == [], path
    # (The admin's own widgets use href="javascript://"; only the planted URL is checked.)
    planted_link = "a[href^='javascript:' i][href*='__xss']"
    assert not page.locator(planted_link).count(), f"planted javascript: link on {path}"


def test_payloads_never_run_on_public_pages(browser, live_server, hostile_record):
    context, page = open_page(browser, live_server.url, DESKTOP)
    try:
        for path in PUBLIC_PATHS:
            assert_inert(page, path)
        # Shown as text, so a reader sees exactly what was recorded.
        page.goto("/cases/hostile/")
        assert "<script>" in page.locator("main").inner_text()
    finally:
        context.close()


def test_payloads_never_run_in_the_admin(browser, live_server, hostile_record):
    get_user_model().objects.create_superuser("xss-admin", "", "a long password 12345")
    context, page = open_page(browser, live_server.url, DESKTOP)
    try:
        page.goto("/admin/login/")
        page.fill("#id_username", "xss-admin")
        page.fill("#id_password", "a long password 12345")
        page.click("input[type=submit]")
        person = hostile_record
        for path in ["/admin/cases/person/", f"/admin/cases/person/{person.pk}/change/",
                     f"/admin/cases/person/{person.pk}/record-history/",
                     "/admin/cases/source/", "/admin/cases/event/", "/admin/cases/citation/",
                     f"/admin/cases/source/{models.Source.objects.get().pk}/change/"]:
            assert_inert(page, path)
    finally:
        context.close()
