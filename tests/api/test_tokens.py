"""Partner tokens (issued and revoked in the admin, stored hashed) and request throttling."""

import hashlib

import pytest
from django.test import override_settings
from django.urls import reverse
from rest_framework import status

from casetracker.api.models import ApiToken
from tests.factories import PersonFactory, UserFactory

pytestmark = pytest.mark.django_db

NEW_PERSON = {"name": "Izzat Amon", "country": "TJ"}


def throttled(anon="1000/min", token="1000/min"):
    from django.conf import settings

    return override_settings(REST_FRAMEWORK={
        **settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": anon, "token": token},
    })


# -- tokens ---------------------------------------------------------------------------------


def test_only_the_hash_of_a_token_is_stored(partner):
    token, key = ApiToken.issue(user=partner, name="Sync")
    stored = ApiToken.objects.get(pk=token.pk)
    assert stored.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert key not in {str(value) for value in vars(stored).values()}
    assert stored.prefix == key[:8]
    assert len(key) >= 40


def test_reading_needs_no_token(api):
    PersonFactory()
    assert api.get("/api/v1/people/").status_code == status.HTTP_200_OK


def test_writing_without_a_token_is_a_401_with_a_challenge(api):
    response = api.post("/api/v1/people/", NEW_PERSON, format="json")
    assert response.status_code == status.HTTP_401_UNAUTHORIZED
    assert response["WWW-Authenticate"] == "Token"
    assert response.json() == {"detail": "Authentication credentials were not provided."}


def test_writing_with_a_read_only_token_is_a_403(api, read_key):
    api.credentials(HTTP_AUTHORIZATION=f"Token {read_key}")
    response = api.post("/api/v1/people/", NEW_PERSON, format="json")
    assert response.status_code == status.HTTP_403_FORBIDDEN
    assert "may read but not write" in response.json()["detail"]
    assert api.get("/api/v1/people/").status_code == status.HTTP_200_OK


def test_writing_with_a_write_token_works(writer):
    assert writer.post("/api/v1/people/", NEW_PERSON, format="json").status_code == (
        status.HTTP_201_CREATED)


@pytest.mark.parametrize("header", ["Token wrong", "Token", "Token a b", "token \xe9t\xe9"])
def test_a_bad_token_is_a_401(api, header, write_key):
    api.credentials(HTTP_AUTHORIZATION=header)
    response = api.get("/api/v1/people/")
    assert response.status_code == status.HTTP_401_UNAUTHORIZED
    assert response.json()["detail"]


def test_a_revoked_token_or_an_inactive_account_no_longer_works(api, partner, write_key):
    api.credentials(HTTP_AUTHORIZATION=f"Token {write_key}")
    ApiToken.objects.get().revoke()
    assert api.post("/api/v1/people/", NEW_PERSON, format="json").status_code == 401
    _token, other = ApiToken.issue(user=partner, name="Other", can_write=True)
    partner.is_active = False
    partner.save()
    api.credentials(HTTP_AUTHORIZATION=f"Token {other}")
    assert api.post("/api/v1/people/", NEW_PERSON, format="json").status_code == 401


def test_use_is_recorded(writer):
    writer.get("/api/v1/people/")
    assert ApiToken.objects.get().last_used_at is not None


# -- the admin ------------------------------------------------------------------------------


def test_staff_issue_a_token_in_the_admin_and_see_it_once(staff_client):
    partner = UserFactory(username="hrw")
    response = staff_client.post(reverse("admin:api_apitoken_add"), {
        "user": partner.pk, "name": "HRW sync", "can_write": "on",
    }, follow=True)
    assert response.status_code == 200
    token = ApiToken.objects.get()
    [message] = [str(m) for m in response.context["messages"] if "<code>" in str(m)]
    key = message.split("<code>")[1].split("</code>")[0]
    assert key in response.content.decode()
    assert token.key_hash == ApiToken.hash_key(key)
    assert (token.user, token.can_write) == (partner, True)
    page = staff_client.get(reverse("admin:api_apitoken_change", args=[token.pk]))
    assert key not in page.content.decode()
    assert token.prefix in page.content.decode()


def test_staff_revoke_tokens_in_the_admin(staff_client, partner, write_key):
    token = ApiToken.objects.get()
    response = staff_client.post(reverse("admin:api_apitoken_changelist"), {
        "action": "revoke", "_selected_action": [token.pk],
    })
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert staff_client.get(reverse("admin:api_apitoken_changelist")).status_code == 200


# -- throttling -----------------------------------------------------------------------------


def test_anonymous_reads_are_throttled_with_retry_after(api):
    with throttled(anon="3/min"):
        for _ in range(3):
            assert api.get("/api/v1/charges/").status_code == status.HTTP_200_OK
        response = api.get("/api/v1/charges/")
    assert response.status_code == status.HTTP_429_TOO_MANY_REQUESTS
    assert 0 < int(response["Retry-After"]) <= 60
    assert "throttled" in response.json()["detail"].lower()


def test_token_reads_have_their_own_rate_per_partner(api, read_key):
    with throttled(anon="1/min", token="4/min"):
        assert api.get("/api/v1/charges/").status_code == status.HTTP_200_OK
        assert api.get("/api/v1/charges/").status_code == status.HTTP_429_TOO_MANY_REQUESTS
        api.credentials(HTTP_AUTHORIZATION=f"Token {read_key}")
        codes = [api.get("/api/v1/charges/").status_code for _ in range(5)]
    assert codes == [200, 200, 200, 200, 429]


def test_a_forged_forwarded_for_header_does_not_reset_the_rate(api):
    with throttled(anon="2/min"):
        codes = [api.get("/api/v1/charges/", HTTP_X_FORWARDED_FOR=f"10.0.0.{n}").status_code
                 for n in range(3)]
    assert codes == [200, 200, 429]
