"""Fixtures for the API tests: a DRF client and partner tokens."""

import pytest
from rest_framework.test import APIClient

from casetracker.api.models import ApiToken
from tests.factories import UserFactory


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def partner(db):
    return UserFactory(username="partner-ngo")


@pytest.fixture
def write_key(partner):
    _token, key = ApiToken.issue(user=partner, name="Sync", can_write=True)
    return key


@pytest.fixture
def read_key(partner):
    _token, key = ApiToken.issue(user=partner, name="Read only", can_write=False)
    return key


@pytest.fixture
def writer(api, write_key):
    """A client holding a token allowed to write."""
    api.credentials(HTTP_AUTHORIZATION=f"Token {write_key}")
    return api


def results(response) -> list[dict]:
    assert response.status_code == 200, response.content
    return response.json()["results"]


def names(response) -> list[str]:
    return [row["name"] for row in results(response)]
