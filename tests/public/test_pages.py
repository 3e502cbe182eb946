"""Every public page answers and shows what a reader came for."""

import xml.etree.ElementTree as ET

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework import status

from casetracker.cases.models import Person

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def test_home_shows_headline_figures_and_latest_cases(client, family):
    """The home page says what is documented, gives the figures and the latest cases."""
    response = client.get(reverse("public:home"))
    assert response.status_code == status.HTTP_200_OK
    figures = response.context["figures"]
    # Rustam, Farrukh, Umed, Zarina and Bakyt are targets; Saidali is named for context only.
    assert figures["documented"] == 5
    assert figures["imprisoned"] == 4  # Rustam, Zarina, Bakyt imprisoned; Farrukh detained
    assert figures["years"] == 23
    assert figures["life"] == 1
    assert figures["killed"] == 0
    html = response.content.decode()
    assert "Documenting political persecution in Central Asia" in html
    assert 'href="/cases/rustam-nazarov/"' in html
    assert "and 1 life sentence" in html


def test_case_list_shows_published_targets_with_latest_event(client, family):
    """The list shows each target with status, country and latest event, not context relatives."""
    response = client.get(reverse("public:case-list"))
    assert response.status_code == status.HTTP_200_OK
    names = [person.name for person in response.context["people"]]
    assert names == ["Bakyt Ismailov", "Farrukh Nazarov", "Rustam Nazarov", "Umed Nazarov",
                     "Zarina Karimova"]
    html = response.content.decode()
    assert "Saidali Nazarov" not in html
    assert "Threat, <span class=\"nowrap\">6 October 2016</span>" in html
    assert "Kyrgyzstan" in html


def test_case_page_answers_for_published_relatives_named_for_context(client, family):
    """A relative named only for context has a page, so the family links work."""
    response = client.get(family.father.get_absolute_url())
    assert response.status_code == status.HTTP_200_OK
    assert "Saidali Nazarov" in response.content.decode()


def test_statistics_page_draws_each_chart_beside_its_table(client, family):
    """Four charts, each an accessible SVG followed by a table of the same figures."""
    response = client.get(reverse("public:statistics"))
    assert response.status_code == status.HTTP_200_OK
    html = response.content.decode()
    assert html.count('role="img"') == 4
    assert html.count('<table class="figures-table">') == 4
    for title in ("Sentences by year and country", "People by current status",
                  "Events by kind over time", "Prison sentences by organisation"):
        assert title in html


def test_sources_page_lists_every_published_source_with_the_people_it_documents(client, family):
    response = client.get(reverse("public:source-list"))
    assert response.status_code == status.HTTP_200_OK
    entries = dict(response.context["entries"])
    assert [person.name for person in entries[family.news]] == [
        "Bakyt Ismailov", "Rustam Nazarov"]
    # The monitor cites the relationships too, so it documents every member of the family.
    assert [person.name for person in entries[family.monitor]] == [
        "Farrukh Nazarov", "Rustam Nazarov", "Saidali Nazarov", "Umed Nazarov",
        "Zarina Karimova"]
    html = response.content.decode()
    assert "Родственники оппозиционера задержаны" in html
    assert '<cite lang="ru">' in html


def test_organisation_page_lists_persecuted_members(client, family):
    response = client.get(reverse("public:organisation", kwargs={"slug": "udr"}))
    assert response.status_code == status.HTTP_200_OK
    assert [person.name for person in response.context["members"]] == ["Rustam Nazarov"]
    html = response.content.decode()
    assert "Union for Democratic Renewal" in html
    assert "deputy chairman" in html
    assert "?organisation=udr" in html


def test_atom_feed_lists_new_and_updated_cases(client, family):
    """The feed is valid Atom with one entry per published target, each linking to its page."""
    response = client.get(reverse("public:case-feed"))
    assert response.status_code == status.HTTP_200_OK
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    entries = feed.findall(f"{ATOM}entry")
    titles = {entry.find(f"{ATOM}title").text for entry in entries}
    assert "Rustam Nazarov (Imprisoned)" in titles
    assert len(entries) == 5
    links = {entry.find(f"{ATOM}link").get("href") for entry in entries}
    assert "http://testserver/cases/rustam-nazarov/" in links
    assert all(entry.find(f"{ATOM}updated") is not None for entry in entries)


def test_sitemap_lists_pages_cases_and_organisations(client, family):
    response = client.get("/sitemap.xml")
    assert response.status_code == status.HTTP_200_OK
    urls = {node.text for node in ET.fromstring(response.content).iter(f"{SITEMAP}loc")}
    assert "http://testserver/cases/rustam-nazarov/" in urls
    assert "http://testserver/cases/saidali-nazarov/" in urls
    assert "http://testserver/organisations/udr/" in urls
    assert "http://testserver/statistics/" in urls
    # Courts have no members: only organisations with published members are listed.
    assert "http://testserver/organisations/dushanbe-city-court/" not in urls
    case_urls = [url for url in urls if "/cases/" in url and url != "http://testserver/cases/"]
    assert len(case_urls) == Person.objects.published().count()


def test_robots_txt_points_to_the_sitemap_and_keeps_out_of_the_admin(client, db):
    response = client.get("/robots.txt")
    assert response.status_code == status.HTTP_200_OK
    assert response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    assert "Disallow: /admin/" in text
    assert "Sitemap: http://testserver/sitemap.xml" in text


@pytest.mark.parametrize("path", [
    "/cases/nobody-at-all/", "/organisations/no-such-party/", "/no/such/page/",
])
def test_unknown_addresses_get_the_sites_404_page(client, db, path):
    response = client.get(path)
    assert response.status_code == status.HTTP_404_NOT_FOUND
    html = response.content.decode()
    assert "Page not found" in html
    assert 'action="/cases/"' in html  # a search box to find the person after all


def test_page_past_the_last_is_not_found(client, family):
    response = client.get(reverse("public:case-list"), {"page": 9})
    assert response.status_code == status.HTTP_404_NOT_FOUND


def test_server_error_page_renders_without_a_request_context(db, monkeypatch):
    """A crash shows the site's own 500 page, which needs neither a request nor the database."""
    from casetracker.public import views

    def crash(self, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(views.StatisticsView, "get_context_data", crash)
    client = Client(raise_request_exception=False)
    response = client.get(reverse("public:statistics"))
    assert response.status_code == status.HTTP_500_INTERNAL_SERVER_ERROR
    html = response.content.decode()
    assert "Something went wrong on our side" in html
    assert "/static/public/site.css" in html


def test_every_page_is_labelled_and_navigable(client, family):
    """Each page has a language, a skip link to its main landmark, one h1 and labelled fields."""
    for url in ["/", "/cases/", family.rustam.get_absolute_url(), "/statistics/", "/sources/",
                "/organisations/udr/"]:
        html = client.get(url).content.decode()
        assert '<html lang="en">' in html, url
        assert 'href="#main"' in html and '<main id="main"' in html, url
        assert html.count("<h1") == 1, url
    form = client.get("/cases/").content.decode()
    for name in ("q", "country", "status", "event", "charge", "organisation", "year", "sort"):
        assert f'<label for="id_{name}">' in form, name
