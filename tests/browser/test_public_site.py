"""A reader's way through the public site, in a real browser, on the seed cases.

A reader who knows only a surname finds the person, sees what happened and who says so,
moves to their relatives, reads it all in Russian and downloads the list.
"""

import csv
import io
import re
from urllib.parse import parse_qs, urlparse

import pytest
from PIL import Image

from tests.browser.conftest import DESKTOP, PHONE

pytestmark = pytest.mark.browser


def table_names(page) -> list[str]:
    return page.locator("table.cases tbody th").all_inner_texts()


def test_a_surname_leads_to_the_case_and_on_to_the_family(page):
    page.goto("/")
    page.get_by_label("Find a person by name").fill("Kabiri")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url(re.compile(r"/cases/\?q=Kabiri"))
    assert "Muhiddin Kabiri" in table_names(page)

    page.get_by_role("link", name="Muhiddin Kabiri").click()
    assert page.locator("h1").inner_text() == "Muhiddin Kabiri"
    status = page.locator(".case__header .status").inner_text()
    assert status == "In exile"
    # What happened and when, each fact pointing at its numbered source.
    timeline = page.locator(".timeline")
    assert timeline.locator("time").first.inner_text() == "March 2015"
    first_ref = timeline.locator(".refs a").first
    target = first_ref.get_attribute("href")
    first_ref.click()
    assert page.url.endswith(target)
    assert page.locator(f"{target} blockquote").count() >= 1

    relatives = page.locator(".relatives")
    father = relatives.locator("li", has_text="Father")
    assert father.locator("a.relatives__name").inner_text() == "Tillo Kabirov"
    father.locator("a.relatives__name").click()
    assert page.locator("h1").inner_text() == "Tillo Kabirov"
    son = page.locator(".relatives li", has_text="Son")
    assert son.locator("a.relatives__name").inner_text() == "Muhiddin Kabiri"


def test_two_filters_combine_and_live_in_the_address(page):
    page.goto("/cases/")
    everyone = len(table_names(page))
    page.get_by_label("Country").select_option(label="Tajikistan")
    page.get_by_label("Current status").select_option(label="Imprisoned")
    page.get_by_role("button", name="Show cases").click()
    page.wait_for_url(re.compile(r"status=imprisoned"))
    query = parse_qs(urlparse(page.url).query)
    assert query["country"] == ["TJ"] and query["status"] == ["imprisoned"]
    statuses = page.locator("table.cases tbody td:nth-child(2)").all_inner_texts()
    countries = page.locator("table.cases tbody td:nth-child(3)").all_inner_texts()
    assert statuses and set(statuses) == {"Imprisoned"}
    assert set(countries) == {"Tajikistan"}
    assert len(statuses) < everyone
    # The form shows the state it was sent with, so the reader can refine it.
    assert page.get_by_label("Country").input_value() == "TJ"


def test_the_csv_download_holds_what_the_list_shows(page):
    page.goto("/cases/?country=TJ&status=imprisoned")
    shown = table_names(page)
    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile(r"Download these \d+ cases as CSV")).click()
    download = download_info.value
    assert download.suggested_filename.endswith(".csv")
    with open(download.path(), encoding="utf-8") as file:
        header, *rows = list(csv.reader(io.StringIO(file.read())))
    assert header[0] == "Name"
    assert [row[0] for row in rows] == shown
    assert {row[1] for row in rows} == {"Imprisoned"}


def test_switching_to_russian_keeps_the_reader_on_the_same_page(page):
    page.goto("/cases/muhiddin-kabiri/")
    page.get_by_role("button", name="Русский").click()
    page.wait_for_function("document.documentElement.lang === 'ru'")
    assert urlparse(page.url).path == "/cases/muhiddin-kabiri/"
    assert page.locator("h1").inner_text() == "Muhiddin Kabiri"
    assert page.get_by_role("heading", name="Хронология").is_visible()
    assert page.locator(".timeline time").first.inner_text() == "Март 2015"
    assert page.locator(".relatives li", has_text="Отец").count() == 1
    # And back to English.
    page.get_by_role("button", name="English").click()
    page.wait_for_function("document.documentElement.lang === 'en'")
    assert page.get_by_role("heading", name="Timeline").is_visible()


def test_keyboard_users_can_skip_to_the_content(page):
    page.goto("/cases/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    assert skip.evaluate("element => element === document.activeElement")
    assert skip.is_visible()  # shown when focused
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def distinct_colours(path) -> tuple[int, float]:
    """The number of distinct colours in a PNG and the share of its most common one."""
    with Image.open(path) as image:
        image.load()
        assert image.format == "PNG"
        pixels = image.convert("RGB")
        colours = pixels.getcolors(maxcolors=pixels.width * pixels.height)
        top = max(count for count, _colour in colours)
        return len(colours), top / (pixels.width * pixels.height)


@pytest.mark.parametrize("path", ["/", "/cases/", "/cases/muhiddin-kabiri/", "/statistics/"])
def test_screenshots_at_desktop_and_phone_widths_are_not_blank(page, phone, artifacts, path):
    """Each page renders, fits a phone without sideways scrolling, and is not a blank image."""
    name = path.strip("/").replace("/", "-") or "home"
    for tab, viewport, label in ((page, DESKTOP, "desktop"), (phone, PHONE, "phone")):
        tab.goto(path)
        overflow = tab.evaluate("document.documentElement.scrollWidth")
        assert overflow <= viewport["width"], f"{path} scrolls sideways at {label} width"
        target = artifacts / f"{name}-{label}.png"
        tab.screenshot(path=str(target), full_page=True)
        with Image.open(target) as image:
            assert image.width == viewport["width"]
            assert image.height >= viewport["height"]
        count, dominant = distinct_colours(target)
        assert count > 50, f"{target.name} has only {count} colours"
        assert dominant < 0.95, f"{target.name} is {dominant:.0%} one colour"
