"""The case page: who, what happened and when, who says so, and the family around them."""

import re

import pytest
from rest_framework import status

from casetracker.public.records import CaseRecord
from tests.factories import EventFactory


@pytest.fixture
def page(client, family):
    response = client.get(family.rustam.get_absolute_url())
    assert response.status_code == status.HTTP_200_OK
    return response


INLINE = r"</?(?:a|span|strong|cite|time|sup|em)\b[^>]*>"


def text_of(html: str) -> str:
    """The text a reader sees: inline tags vanish, block tags separate words."""
    return " ".join(re.sub(r"<[^>]+>", " ", re.sub(INLINE, "", html)).split())


def section(html: str, title_id: str) -> str:
    """The HTML of the section labelled by ``title_id``."""
    return html.split(f'aria-labelledby="{title_id}"', 1)[1].split("</section>", 1)[0]


def test_header_names_the_person_with_aliases_status_and_summary(page):
    html = page.content.decode()
    assert "<h1 id=\"case-name\">Rustam Nazarov</h1>" in html
    assert '<span class="alias" lang="ru">Рустам Назаров</span>' in html
    assert "Rustam Nazarov-Saidalievich" in html
    assert '<span class="status status--imprisoned">Imprisoned</span>' in html
    assert "Deputy chairman of the UDR, sentenced to 23 years in 2016." in html
    assert "born 1971" in html


def test_timeline_lists_every_fact_in_date_order_at_its_precision(page):
    """Events, the trial and the detention interleave by date: "2015" < "September 2015"."""
    timeline = section(page.content.decode(), "timeline-title")
    dates = re.findall(r'<time datetime="([^"]+)">([^<]+)</time>', timeline)
    assert dates == [
        ("2015", "2015"),
        ("2015-09", "September 2015"),
        ("2015-09-16", "16 September 2015"),
        ("2016-06-02", "2 June 2016"),
        ("2016-10-06", "6 October 2016"),
    ]
    text = text_of(timeline)
    for label in ("Torture", "Arrest", "Detention", "Sentenced to 23 years", "Threat"):
        assert label in text
    assert "Held since 16 September 2015: Prison colony No. 3, Khujand" in text
    assert "Dushanbe City Court" in text


def test_undated_facts_come_last(client, family):
    EventFactory(person=family.rustam, kind="harassment", date=None, description="Undated.")
    timeline = CaseRecord(
        type(family.rustam).objects.published().with_record().get(pk=family.rustam.pk)
    ).timeline
    assert timeline[-1].date is None
    assert [fact.date.isoformat() for fact in timeline[:-1]] == [
        "2015", "2015-09", "2015-09-16", "2016-06-02", "2016-10-06"]


def test_charges_and_sentences(page):
    html = page.content.decode()
    glance = text_of(section(html, "glance-title"))
    assert "23 years, 2 June 2016 — extremism, terrorism" in glance
    assert "since 16 September 2015" in glance
    timeline = text_of(section(html, "timeline-title"))
    assert "extremism (Art. 307)" in timeline
    assert "terrorism (Art. 179)" in timeline
    assert "Appeal Verdict upheld" in timeline


def test_each_fact_shows_its_verification_level(page):
    html = page.content.decode()
    assert html.count('class="verification verification--reported"') == 5
    assert "Reported by one source" in html


def test_relatives_read_as_a_family_linked_to_their_pages(page):
    """Father first, then brother, then son; the lawyer in a circle of their own."""
    relatives = section(page.content.decode(), "relatives-title")
    text = text_of(relatives)
    assert re.search(r"Family Father Saidali Nazarov Deceased.*Brother Farrukh Nazarov "
                     r"Detained, not yet sentenced.*Son Umed Nazarov In exile.*"
                     r"Lawyers and clients Lawyer Zarina Karimova Imprisoned", text), text
    for slug in ("saidali-nazarov", "farrukh-nazarov", "umed-nazarov", "zarina-karimova"):
        assert f'href="/cases/{slug}/"' in relatives


def test_relatives_see_the_relationship_from_their_own_side(client, family):
    rustam = r'</span>\s*<a class="relatives__name" href="/cases/rustam-nazarov/">'
    html = client.get(family.son.get_absolute_url()).content.decode()
    assert re.search(r"Father\s*" + rustam, html)
    html = client.get(family.father.get_absolute_url()).content.decode()
    assert re.search(r"Son\s*" + rustam, html)


def test_sources_are_numbered_footnotes_with_publisher_date_and_passage(page):
    html = page.content.decode()
    sources = section(html, "sources-title")
    notes = re.findall(r'<li id="source-(\d+)" value="\1">', sources)
    assert notes == ["1", "2"]
    text = text_of(sources)
    # Numbered by first appearance: the affiliation (Example News) comes before the timeline.
    assert text.index("Example News, 3 June 2016") < text.index("Steppe Monitor, October 2017")
    assert "Opposition deputy sentenced to 23 years" in text
    assert "The court sentenced him to 23 years." in text
    assert "Supports: Sentenced to 23 years, 2 June 2016" in text
    assert '<blockquote lang="ru"><p>Его избивали в СИЗО.</p></blockquote>' in sources
    # The arrest cites both sources, so its heading carries both numbers.
    assert re.search(r'Arrest<sup class="refs"><a href="#source-1"[^>]*>\[1\]</a>'
                     r'<a href="#source-2"[^>]*>\[2\]</a></sup>', html)


def test_a_passage_supporting_several_facts_is_quoted_once(page):
    sources = section(page.content.decode(), "sources-title")
    assert sources.count("Relatives of Nazarov have been targeted.") == 1


def test_last_updated_and_api_link(page, family):
    html = page.content.decode()
    assert "Last updated" in html
    assert f'href="/api/v1/people/{family.rustam.pk}/"' in html


def test_unpublished_person_is_not_found(client, family):
    family.rustam.publication_state = "draft"
    family.rustam.save()
    assert client.get(family.rustam.get_absolute_url()).status_code == status.HTTP_404_NOT_FOUND


@pytest.mark.django_db
def test_a_merged_away_case_redirects_to_the_surviving_record(client):
    """A duplicate's old URL keeps working after a merge; an unpublished survivor stays hidden."""
    from casetracker.cases.services import person_merge
    from tests.factories import PersonFactory

    keep = PersonFactory(name="Buzurgmehr Yorov")
    duplicate = PersonFactory(name="Buzurgmekhr Yorov")
    old_url = duplicate.get_absolute_url()
    person_merge(keep=keep, duplicate=duplicate, user=None)
    response = client.get(old_url)
    assert response.status_code == 301
    assert response["Location"] == keep.get_absolute_url()

    keep.publication_state = "draft"
    keep.save()
    assert client.get(old_url).status_code == 404
