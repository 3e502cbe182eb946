"""Fixtures for end-to-end tests in Debian's Chromium, driven by Playwright (no pytest-playwright).

The browser is never downloaded: the tests use /usr/bin/chromium (``apt-get install chromium``)
and skip, saying so, when it is missing, unless ``REQUIRE_BROWSER=1`` (set by CI), in which
case a missing browser fails them.
"""

import os
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
]
ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def browser():
    """One Chromium per test module, launched only when a browser test runs."""
    if not CHROMIUM.exists():
        reason = (f"Chromium is not installed at {CHROMIUM} (apt-get install chromium); "
                  "the browser tests did not run")
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"{reason}, and REQUIRE_BROWSER=1 requires them.", pytrace=False)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread, and Django refuses database
    # calls from a thread with a running loop unless told it is safe: here they are the
    # test's own (loading the seeds, flushing the tables). Only while the browser runs.
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def site(transactional_db, live_server):
    """The live server with the seed cases (the server thread needs a shared, committed DB)."""
    call_command("loadseeds", verbosity=0)
    return live_server.url


def open_page(browser, site, viewport):
    context = browser.new_context(viewport=viewport, accept_downloads=True, locale="en-GB",
                                  base_url=site)
    page = context.new_page()
    page.set_default_timeout(15_000)
    return context, page


@pytest.fixture
def page(browser, site):
    """A fresh desktop-sized tab on the live site, in English."""
    context, tab = open_page(browser, site, DESKTOP)
    yield tab
    context.close()


@pytest.fixture
def phone(browser, site):
    """A fresh phone-sized tab on the live site."""
    context, tab = open_page(browser, site, PHONE)
    yield tab
    context.close()


@pytest.fixture(scope="session")
def artifacts():
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
