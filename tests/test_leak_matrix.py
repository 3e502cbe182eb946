"""The leak matrix: every page of the URL conf × every role × records in every state.

Every secret of the world (``tests/world.py``) carries a marker; every address the URL conf
answers is fetched as every role, and no answer (page, JSON, CSV, XLSX, redirect) may hold
a marker the role may not read: reviewers and superusers read everything, viewers and
editors everything but restricted data, the public (anonymous, or a partner's token)
nothing of it. The addresses are generated from the URL conf and the database, so a new
model, admin view or URL is in the matrix as soon as it exists; and every marker must be
shown to someone who may read it, or the pages searched would prove nothing.
"""

from urllib.parse import quote

import pytest
from django.contrib.auth.models import Group

from casetracker.api.models import ApiToken
from tests.factories import UserFactory
from tests.world import MARKERS, RESTRICTED, build_world, every_page, readable

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "partner", "viewer", "editor", "reviewer", "superuser"]
#: The editor's own import, seen by its uploader and reviewers only.
OWN_TO_THE_EDITOR = {"draft import"}


def may_read(role: str, marker: str) -> bool:
    if role in ("reviewer", "superuser"):
        return True
    if role in ("anonymous", "partner"):
        return False
    if marker in OWN_TO_THE_EDITOR:
        return role == "editor"
    return marker not in RESTRICTED


def log_in(client, role, world) -> dict:
    """Log ``client`` in as ``role``; the request headers a partner's token needs."""
    if role == "anonymous":
        return {}
    if role == "partner":
        partner = UserFactory(username="matrix-partner")
        partner.groups.add(Group.objects.get(name="partner"))
        client.force_login(partner)  # a partner account in the admin, and its token
        _token, key = ApiToken.issue(user=partner, name="matrix", can_write=True)
        return {"HTTP_AUTHORIZATION": f"Token {key}"}
    if role == "editor":
        client.force_login(world.editor)  # the editor who made the world's pending change
        return {}
    user = UserFactory(username=f"matrix-{role}", is_staff=True,
                       is_superuser=role == "superuser")
    if role != "superuser":
        user.groups.add(Group.objects.get(name=role))
    client.force_login(user)
    return {}


def without_the_address(text: str, address: str) -> str:
    """The answer without the address asked for (a 404 or a login redirect may repeat it)."""
    for form in (address, quote(address), quote(address, safe="")):
        text = text.replace(form.lower(), " ")
    return text


@pytest.mark.parametrize("role", ROLES)
def test_no_role_reads_a_marker_it_may_not(client, settings, role):
    rates = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK,
                               "DEFAULT_THROTTLE_RATES": dict.fromkeys(rates, "100000/min")}
    world = build_world()
    headers = log_in(client, role, world)
    addresses = every_page()
    leaks, seen, errors = {}, set(), []
    for address in addresses:
        response = client.get(address, **headers)
        if response.status_code >= 500:
            errors.append((address, response.status_code))
            continue
        text = without_the_address(readable(response).lower(), address.lower())
        for name, marker in MARKERS.items():
            if marker.lower() in text:
                seen.add(name)
                if not may_read(role, name):
                    leaks.setdefault(name, []).append(address)
    assert errors == []
    assert leaks == {}
    # The pages showed every secret to those who may read it: the matrix searched real pages.
    assert seen == {name for name in MARKERS if may_read(role, name)}
    assert len(addresses) > 300


def changelists():
    """Every registered admin's changelist that has a search box."""
    from django.contrib import admin

    for model, model_admin in admin.site._registry.items():
        if model_admin.search_fields:
            opts = model._meta
            yield f"/admin/{opts.app_label}/{opts.model_name}/"


@pytest.mark.parametrize("role", ["viewer", "editor"])
def test_searching_for_a_restricted_value_finds_nothing(client, role):
    """A search that matched a hidden value would betray it even without showing it: every
    changelist's search box and every autocomplete, for every restricted marker."""
    from tests.world import autocomplete_addresses

    world = build_world()
    log_in(client, role, world)
    found = []
    for marker in (MARKERS[name] for name in sorted(RESTRICTED)):
        for changelist in changelists():
            response = client.get(changelist, {"q": marker})
            if response.status_code == 200 and response.context["cl"].result_count:
                found.append((changelist, marker))
        for address in autocomplete_addresses():
            response = client.get(address.replace("term=", f"term={marker}"))
            if response.status_code == 200 and response.json()["results"]:
                found.append((address, marker))
    assert found == []


def test_a_reviewer_finds_them(client):
    """The searches above can find: a reviewer's find the restricted person and source."""
    world = build_world()
    log_in(client, "reviewer", world)
    people = client.get("/admin/cases/person/", {"q": MARKERS["restricted person"]})
    sources = client.get("/admin/cases/source/", {"q": MARKERS["restricted source"]})
    assert people.context["cl"].result_count == sources.context["cl"].result_count == 1


@pytest.mark.parametrize("role", ["viewer", "editor"])
def test_no_query_string_lookup_filters_on_a_hidden_value(client, role):
    """Every field of every changelist's model, looked up in the query string (Django
    admits lookups on a model's own fields): refused, or matching nothing hidden."""
    from django.contrib import admin

    world = build_world()
    log_in(client, role, world)
    matched, tried = [], 0
    for model, _model_admin in admin.site._registry.items():
        opts = model._meta
        for field in opts.concrete_fields:
            if field.is_relation or field.get_internal_type() not in (
                    "CharField", "TextField", "SlugField", "JSONField"):
                continue
            for marker in (MARKERS["real name"], MARKERS["restricted event place"],
                           MARKERS["proposed secret place"]):
                tried += 1
                response = client.get(f"/admin/{opts.app_label}/{opts.model_name}/",
                                      {f"{field.name}__icontains": marker[2:]})
                if response.status_code == 200 and response.context["cl"].result_count:
                    matched.append((opts.label, field.name, marker))
    assert matched == []
    assert tried > 150
