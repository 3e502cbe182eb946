"""The admin: best match first in the person search, and a warning before a duplicate."""

import pytest
from django.urls import reverse

from casetracker.cases.models import Alias, Person
from tests.adminforms import change_url, form_data
from tests.factories import AliasFactory, PersonFactory

pytestmark = pytest.mark.django_db

ADD = "admin:cases_person_add"


def new_person(client, name, **changes):
    return form_data(client, reverse(ADD), name=name, slug="", country="TJ",
                     status="imprisoned", **changes)


def with_alias(data, name):
    """``data`` with one new alias typed into the alias inline."""
    return {**data, "aliases-TOTAL_FORMS": "1", "aliases-0-name": name,
            "aliases-0-script": Alias.Script.CYRILLIC}


def warning(response):
    errors = response.context["adminform"].form.non_field_errors()
    return " ".join(errors)


def test_changelist_search_lists_the_best_match_first(staff_client):
    """Not alphabetically: the name spelled as typed before a spelling that sounds alike."""
    yorov = PersonFactory(name="Buzurgmehr Yorov")
    yorova = PersonFactory(name="Abdullo Yorova")
    PersonFactory(name="Rustam Nazarov")
    response = staff_client.get(reverse("admin:cases_person_changelist"), {"q": "Ёров"})
    assert list(response.context["cl"].result_list) == [yorov, yorova]
    by_name = staff_client.get(reverse("admin:cases_person_changelist"), {"q": "Ёров", "o": "1"})
    assert list(by_name.context["cl"].result_list) == [yorova, yorov]


def test_adding_a_person_spelled_like_another_shows_them_with_links(staff_client):
    existing = PersonFactory(name="Buzurgmehr Yorov")
    response = staff_client.post(reverse(ADD), new_person(staff_client, "Buzurgmekhr Iorov"))
    assert response.status_code == 200
    message = warning(response)
    assert "spelled like a person already recorded" in message
    assert f'<a href="{change_url(existing)}"' in message
    checkbox = response.context["adminform"].form["not_a_duplicate"]
    assert not checkbox.is_hidden  # shown with the warning, hidden otherwise
    assert Person.objects.count() == 1


def test_ticking_not_a_duplicate_saves_the_person(staff_client):
    PersonFactory(name="Buzurgmehr Yorov")
    data = new_person(staff_client, "Buzurgmekhr Iorov", not_a_duplicate="on")
    response = staff_client.post(reverse(ADD), data)
    assert response.status_code == 302
    assert Person.objects.filter(name="Buzurgmekhr Iorov").exists()


def test_a_new_alias_spelled_like_another_person_is_caught_before_saving(staff_client):
    existing = PersonFactory(name="Muhiddin Kabiri")
    data = with_alias(new_person(staff_client, "Pen Name Karimov"), "Кабирӣ Муҳиддин")
    response = staff_client.post(reverse(ADD), data)
    assert response.status_code == 200
    assert f'<a href="{change_url(existing)}"' in warning(response)
    assert not Person.objects.filter(name="Pen Name Karimov").exists()


def test_an_unrelated_name_saves_without_a_warning(staff_client):
    PersonFactory(name="Buzurgmehr Yorov")
    response = staff_client.post(reverse(ADD), new_person(staff_client, "Rustam Nazarov"))
    assert response.status_code == 302


def test_saving_an_existing_person_again_does_not_warn_again(staff_client):
    """Two people may rightly share a name: once confirmed, later edits are not nagged."""
    PersonFactory(name="Muhammad Karimov")
    second = PersonFactory(name="Muhammad Karimov")
    AliasFactory(person=second, name="Мухаммад Каримов")
    url = change_url(second)
    data = form_data(staff_client, url, summary="A different man with the same name.")
    # The stored alias, posted back unchanged as the inline does.
    data.update({"aliases-INITIAL_FORMS": "1", "aliases-TOTAL_FORMS": "1",
                 "aliases-0-id": second.aliases.get().pk, "aliases-0-person": second.pk,
                 "aliases-0-name": "Мухаммад Каримов", "aliases-0-script": "Cyrl"})
    response = staff_client.post(url, data)
    assert response.status_code == 302, warning(response)


def test_editors_are_not_shown_restricted_people_as_duplicates(client, editor):
    """The warning must not reveal a restricted record to staff who may not see it."""
    PersonFactory(name="Buzurgmehr Yorov", is_restricted=True)
    client.force_login(editor)
    response = client.post(reverse(ADD), new_person(client, "Buzurgmekhr Iorov"))
    assert response.status_code == 302
