import pytest
from django.utils import translation

from tests.public.cases import build_family, build_secrets


@pytest.fixture
def family(db):
    """The fictional Nazarov family and a Kyrgyz journalist, published and cited."""
    return build_family()


@pytest.fixture
def secrets(family):
    """Unpublished and restricted records around the family, each with a unique marker."""
    return build_secrets(family)


@pytest.fixture(autouse=True)
def english():
    """Each test starts in English, whatever language an earlier test left active."""
    with translation.override("en"):
        yield
