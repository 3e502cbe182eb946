"""Shared fixtures: the seed data and personas for every role."""

import pytest
from django.core.cache import cache
from django.core.management import call_command

from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def empty_cache():
    """Throttle counters and cached figures live in the cache: each test starts with none.

    (Cached figures are keyed by the newest history ids, which a rolled-back test can hand
    out again on SQLite.)
    """
    cache.clear()
    yield
    cache.clear()


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


def _member_of(role: str, username: str):
    from django.contrib.auth.models import Group

    user = UserFactory(username=username, is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def editor(db):
    """Creates and edits drafts, submits them for review."""
    return _member_of("editor", "editor")


@pytest.fixture
def reviewer(db):
    """Publishes, withdraws and sees restricted data."""
    return _member_of("reviewer", "reviewer")


@pytest.fixture
def viewer(db):
    """Reads the admin, changes nothing."""
    return _member_of("viewer", "viewer")
