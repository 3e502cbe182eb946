import re

from django.apps import AppConfig
from django.core.exceptions import ImproperlyConfigured

RATE = re.compile(r"^\d+/(s|sec|second|m|min|minute|h|hour|d|day)$")


class ApiConfig(AppConfig):
    name = "casetracker.api"
    verbose_name = "API"

    def ready(self):
        # A mistyped rate would otherwise surface as a 500 on the first request.
        from django.conf import settings

        from casetracker.api import schema  # noqa: F401  (registers the token scheme)

        for name in ("API_THROTTLE_ANON", "API_THROTTLE_TOKEN"):
            value = getattr(settings, name, None)
            if value is not None and not RATE.match(value):
                raise ImproperlyConfigured(
                    f"{name}={value!r} is not a rate: use e.g. 120/min, 10/second, 5000/day."
                )
