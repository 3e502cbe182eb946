"""Accessibility and self-sufficiency rules the design must keep."""

import re
from pathlib import Path

import pytest
from django.conf import settings

from casetracker.public.charts import PALETTE, contrast, shade_of, text_colour_on

CSS = Path(settings.BASE_DIR) / "casetracker/public/static/public/site.css"


def test_status_badges_meet_wcag_aa_contrast():
    """White badge text on each status colour reads at 4.5:1 or better."""
    badges = dict(re.findall(r"\.status--(\w+) \{ background: (#[0-9a-f]{6}); \}",
                             CSS.read_text()))
    assert set(badges) == {"imprisoned", "detained", "released", "in_exile", "deceased",
                           "disappeared", "at_liberty", "unknown"}
    for status, colour in badges.items():
        assert contrast("#ffffff", colour) >= 4.5, status


def test_text_colours_of_the_stylesheet_meet_wcag_aa_on_white_and_on_panels():
    variables = dict(re.findall(r"--([\w-]+): (#[0-9a-f]{6});", CSS.read_text()))
    for name in ("ink", "muted", "link", "link-visited", "accent"):
        for background in ("paper", "tint"):
            assert contrast(variables[name], variables[background]) >= 4.5, (name, background)


def test_chart_colours_stand_out_and_cell_numbers_stay_legible():
    for colour in PALETTE:
        assert contrast(colour, "#ffffff") >= 3, colour  # WCAG 1.4.11, graphical objects
    for step in range(101):
        shade = shade_of(step / 100)
        assert contrast(text_colour_on(shade), shade) >= 4.5, shade


@pytest.mark.parametrize("path", ["/", "/cases/", "/statistics/", "/sources/"])
def test_pages_load_nothing_from_elsewhere_and_run_no_script(client, family, path):
    html = client.get(path).content.decode()
    assert "<script" not in html
    assert not re.search(r'<link[^>]+href="(https?:)?//', html)
    assert '<link rel="stylesheet" href="/static/public/site.css">' in html
