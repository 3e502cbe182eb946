"""Shared fixtures: the seed data and personas for every role."""

import pytest
from django.core.management import call_command

from tests.factories import UserFactory


@pytest.fixture
def seeded(db):
    """The seed cases, loaded as `make run` loads them."""
    call_command("loadseeds", verbosity=0)


@pytest.fixture
def superuser(db):
    return UserFactory(username="superuser", is_staff=True, is_superuser=True)


@pytest.fixture
def staff_client(client, superuser):
    client.force_login(superuser)
    return client
