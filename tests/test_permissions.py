"""Who can see and do what: every role against every public page, API endpoint and admin action.

Roles: the anonymous public, a partner token that may only read, a partner token that may
write, and staff in the viewer, editor and reviewer groups, and a superuser.
"""

import pytest
from django.contrib.auth.models import Group
from rest_framework import status

from casetracker.api.models import ApiToken
from casetracker.cases.models import Event, Person, PublicationState
from tests.factories import (
    AffiliationFactory,
    OrganisationFactory,
    PersonFactory,
    UserFactory,
    cited_person,
)

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "partner_read", "partner_write", "viewer", "editor", "reviewer",
         "superuser"]
STAFF = {"viewer", "editor", "reviewer", "superuser"}
OK, FOUND, FORBIDDEN = status.HTTP_200_OK, status.HTTP_302_FOUND, status.HTTP_403_FORBIDDEN


@pytest.fixture
def record():
    """A published case, a draft case and a restricted case, with an organisation."""
    published = cited_person(name="Published Person", slug="published-person")
    draft = PersonFactory(name="Draft Person", publication_state=PublicationState.DRAFT)
    restricted = PersonFactory(name="Restricted Person", is_restricted=True)
    organisation = OrganisationFactory(slug="the-party")
    # An organisation is public once a published record names it.
    AffiliationFactory(person=published, organisation=organisation)
    return {"published": published, "draft": draft, "restricted": restricted,
            "organisation": organisation}


@pytest.fixture
def as_role(client):
    """Log the test client in as ``role``; returns extra headers for API token roles."""

    def login(role):
        if role == "anonymous":
            return {}
        if role.startswith("partner"):
            partner = UserFactory(username=f"partner-{role}")
            partner.groups.add(Group.objects.get(name="partner"))
            _token, key = ApiToken.issue(user=partner, name=role,
                                         can_write=role == "partner_write")
            return {"HTTP_AUTHORIZATION": f"Token {key}"}
        if role == "superuser":
            user = UserFactory(username=role, is_staff=True, is_superuser=True)
        else:
            user = UserFactory(username=role, is_staff=True)
            user.groups.add(Group.objects.get(name=role))
        client.force_login(user)
        return {}

    return login


PUBLIC_PAGES = ["/", "/cases/", "/cases/published-person/", "/statistics/", "/sources/",
                "/organisations/the-party/", "/cases.atom", "/sitemap.xml", "/robots.txt",
                "/cases.csv"]
API_READS = ["/api/v1/", "/api/v1/people/", "/api/v1/people/{published}/",
             "/api/v1/events/", "/api/v1/sources/", "/api/v1/organisations/",
             "/api/v1/charges/", "/api/v1/people/?format=csv", "/api/v1/schema/"]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("path", PUBLIC_PAGES + API_READS)
def test_everyone_reads_published_data(client, as_role, record, role, path):
    headers = as_role(role)
    response = client.get(path.format(published=record["published"].pk), **headers)
    assert response.status_code == OK


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("which", ["draft", "restricted"])
def test_nobody_reads_unpublished_data_outside_the_admin(client, as_role, record, role, which):
    """Drafts and restricted people are invisible to every role on the site and the API."""
    headers = as_role(role)
    person = record[which]
    assert client.get(f"/cases/{person.slug}/", **headers).status_code == 404
    assert client.get(f"/api/v1/people/{person.pk}/", **headers).status_code == 404
    listing = b"".join(
        client.get("/api/v1/people/?format=csv", **headers).streaming_content).decode()
    assert person.name not in listing


API_WRITE_EXPECTED = {
    "anonymous": status.HTTP_401_UNAUTHORIZED,
    "partner_read": FORBIDDEN,
    "partner_write": status.HTTP_201_CREATED,
    # Staff write in the admin: the API takes tokens only, so a session is anonymous there.
    "viewer": status.HTTP_401_UNAUTHORIZED,
    "editor": status.HTTP_401_UNAUTHORIZED,
    "reviewer": status.HTTP_401_UNAUTHORIZED,
    "superuser": status.HTTP_401_UNAUTHORIZED,
}


@pytest.mark.parametrize("role", ROLES)
def test_only_a_write_token_creates_through_the_api_and_only_drafts(client, as_role, record,
                                                                    role):
    headers = as_role(role)
    response = client.post("/api/v1/people/", {"name": "Submitted Person", "country": "TJ"},
                           content_type="application/json", **headers)
    assert response.status_code == API_WRITE_EXPECTED[role], response.content
    created = Person.objects.filter(name="Submitted Person")
    if response.status_code == status.HTTP_201_CREATED:
        assert created.get().publication_state == PublicationState.DRAFT
        assert created.get().history.first().history_user.username == "partner-partner_write"
    else:
        assert not created.exists()


ADMIN_PAGES = {
    # path: roles that get 200 (staff without the right get 403; the rest go to the login)
    "/admin/cases/person/": STAFF,
    "/admin/cases/person/add/": {"editor", "reviewer", "superuser"},
    "/admin/cases/person/{published}/change/": STAFF,
    "/admin/cases/person/{published}/history/": STAFF,
    "/admin/cases/person/{published}/record-history/": STAFF,
    "/admin/cases/person/{published}/delete/": {"reviewer", "superuser"},
    "/admin/cases/event/": STAFF,
    "/admin/cases/source/add/": {"editor", "reviewer", "superuser"},
    "/admin/api/apitoken/": {"superuser"},
    "/admin/auth/user/": {"superuser"},
    "/admin/intake/import/": {"editor", "reviewer", "superuser"},
    "/admin/intake/duplicates/": STAFF,
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("path", list(ADMIN_PAGES))
def test_admin_pages_by_role(client, as_role, record, role, path):
    as_role(role)
    response = client.get(path.format(published=record["published"].pk))
    if role in ADMIN_PAGES[path]:
        assert response.status_code == OK
    elif role in STAFF:
        assert response.status_code == FORBIDDEN
    else:
        assert response.status_code == FOUND
        assert "/admin/login/" in response["Location"]


@pytest.mark.parametrize("role", sorted(STAFF))
def test_restricted_records_open_only_for_reviewers(client, as_role, record, role):
    as_role(role)
    response = client.get(f"/admin/cases/person/{record['restricted'].pk}/change/")
    # The admin answers a record it cannot show with a redirect and "doesn't exist".
    expected = OK if role in {"reviewer", "superuser"} else FOUND
    assert response.status_code == expected


ACTIONS = {
    # action: (roles allowed, state before, state after)
    "submit_for_review": ({"editor", "reviewer", "superuser"}, "draft", "in_review"),
    "publish": ({"reviewer", "superuser"}, "in_review", "published"),
    "withdraw": ({"reviewer", "superuser"}, "published", "withdrawn"),
    "return_to_draft": ({"reviewer", "superuser"}, "withdrawn", "draft"),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", list(ACTIONS))
def test_workflow_actions_by_role(client, as_role, role, action):
    allowed, before, after = ACTIONS[action]
    person = PersonFactory(publication_state=before)
    as_role(role)
    client.post("/admin/cases/person/", {"action": action, "_selected_action": [person.pk]})
    person.refresh_from_db()
    assert person.publication_state == (after if role in allowed else before)


@pytest.mark.parametrize("role", ROLES)
def test_deleting_a_fact_by_role(client, as_role, record, role):
    event = record["published"].events.get()
    as_role(role)
    client.post(f"/admin/cases/event/{event.pk}/delete/", {"post": "yes"})
    assert Event.objects.filter(pk=event.pk).exists() is (role not in {"reviewer", "superuser"})
