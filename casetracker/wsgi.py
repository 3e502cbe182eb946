"""WSGI entry point, e.g. ``gunicorn casetracker.wsgi``."""

import os

from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casetracker.settings")

application = get_wsgi_application()

# A server that would answer every page with an error must not start (see checks.py).
from casetracker.checks import missing_static_manifest  # noqa: E402 (needs Django set up)

if problem := missing_static_manifest():
    raise ImproperlyConfigured(problem)
