"""The site in Russian: interface, model labels, relatives, plural forms and dates."""

import csv
import io
import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from rest_framework import status

from casetracker.cases.dates import PartialDate


@pytest.fixture
def russian(client):
    """A reader who chose Russian with the language switcher (the choice lives in a cookie)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ru"
    return client


def test_language_switcher_sets_russian_and_returns_to_the_same_page(client, family):
    page = client.get("/cases/?status=imprisoned").content.decode()
    assert '<form class="language" action="/i18n/setlang/" method="post">' in page
    assert '<button type="submit" name="language" value="ru" lang="ru">Русский</button>' in page
    response = client.post(reverse("set_language"),
                           {"language": "ru", "next": "/cases/?status=imprisoned"})
    assert response.status_code == status.HTTP_302_FOUND
    assert response["Location"] == "/cases/?status=imprisoned"
    html = client.get(response["Location"]).content.decode()
    assert '<html lang="ru">' in html
    assert "<h1>Дела</h1>" in html
    assert '<span class="language__current" lang="ru" aria-current="true">Русский</span>' in html


def test_home_in_russian(russian, family):
    html = russian.get("/").content.decode()
    assert "Документируем политические преследования в Центральной Азии" in html
    assert "и 1 пожизненный срок, не учтённый в годах" in html
    assert "Недавно обновлённые дела" in html


def test_case_page_in_russian_translates_labels_relatives_and_dates(russian, family):
    html = russian.get(family.rustam.get_absolute_url()).content.decode()
    assert "Хронология" in html
    # Dates at their precision, with the month in the genitive after a day.
    assert '<time datetime="2016-10-06">6 октября 2016</time>' in html
    assert '<time datetime="2015-09">Сентябрь 2015</time>' in html
    # Choice labels from the models: status, event kinds, verification, appeal.
    assert '<span class="status status--imprisoned">В заключении</span>' in html
    assert "Арест" in html and "Пытки" in html
    assert "Сообщает один источник" in html
    assert "Приговор оставлен в силе" in html
    # Russian plural forms: "23 года", not "23 лет".
    assert "Приговор: 23 года" in html
    # Relatives, by the relative's sex.
    for term in ("Отец", "Брат", "Сын", "Адвокат"):
        assert re.search(rf'<span class="relatives__term">{term}</span>', html), term
    assert "Семья" in html and "Адвокаты и подзащитные" in html
    assert "Таджикистан" in html  # country names come translated from django-countries


def test_case_list_filters_and_csv_in_russian(russian, family):
    html = russian.get("/cases/", {"event": "arrest"}).content.decode()
    assert '<label for="id_status">Нынешнее положение</label>' in html
    assert '<option value="arrest" selected>Арест</option>' in html
    assert "3 дела" in html
    rows = list(csv.reader(io.StringIO(russian.get("/cases.csv", {"event": "arrest"})
                                       .content.decode())))
    assert rows[0][:4] == ["Имя", "Нынешнее положение", "Страна", "Последнее событие"]
    # Bakyt's latest fact is his verdict of November 2017.
    assert rows[1][:5] == ["Bakyt Ismailov", "В заключении", "Киргизия", "Суд", "Ноябрь 2017"]


def test_statistics_in_russian(russian, family):
    html = russian.get("/statistics/").content.decode()
    assert "Приговоры по годам и странам" in html
    assert "Всего назначено: 23 года и 1 пожизненный срок." in html


def test_partial_dates_are_localised():
    with translation.override("ru"):
        assert PartialDate(2016, 10, 6).display() == "6 октября 2016"
        assert PartialDate(2016, 10).display() == "Октябрь 2016"
        assert PartialDate(2015).display() == "2015"
    with translation.override("en"):
        assert PartialDate(2016, 10, 6).display() == "6 October 2016"
        assert PartialDate(2016, 10).display() == "October 2016"


def test_404_in_russian(russian, db):
    response = russian.get("/cases/nobody/")
    assert response.status_code == status.HTTP_404_NOT_FOUND
    assert "Страница не найдена" in response.content.decode()


def test_feed_in_russian(russian, family):
    assert "Rustam Nazarov (В заключении)" in russian.get("/cases.atom").content.decode()
