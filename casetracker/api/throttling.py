"""Request rates for anonymous clients (per IP address) and for tokens (per partner account).

The rates are read from settings on every request rather than once at import as DRF's
throttles do, so ``override_settings`` in tests and a reloaded configuration take effect.
Past the rate, DRF answers 429 with ``Retry-After``.
"""

from rest_framework import throttling
from rest_framework.settings import api_settings


class LiveRateMixin:
    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)


class AnonymousThrottle(LiveRateMixin, throttling.AnonRateThrottle):
    scope = "anon"


class TokenThrottle(LiveRateMixin, throttling.UserRateThrottle):
    scope = "token"

    def get_cache_key(self, request, view):
        if not request.user or not request.user.is_authenticated:
            return None  # AnonymousThrottle's business
        return super().get_cache_key(request, view)
