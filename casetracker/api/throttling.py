"""Request rates for anonymous clients (per IP address) and for tokens (per partner account).

Addresses are read by ``casetracker.throttling.client_ip``, as the login lockout and the
public site read them; a request with a bad token counts as an anonymous one.

The rates are read from settings on every request rather than once at import as DRF's
throttles do, so ``override_settings`` in tests and a reloaded configuration take effect.
Past the rate, DRF answers 429 with ``Retry-After``.
"""

from rest_framework import throttling
from rest_framework.settings import api_settings

from casetracker.throttling import AddressThrottle, client_ip


class LiveRateMixin:
    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def get_ident(self, request):
        return client_ip(request)


class AnonymousThrottle(LiveRateMixin, throttling.AnonRateThrottle):
    scope = "anon"


class FailedTokenThrottle(AddressThrottle):
    """A request with a bad token counts against its address's anonymous rate (it is
    refused before the throttles run, so they would never see it)."""

    scope = "anon"


class TokenThrottle(LiveRateMixin, throttling.UserRateThrottle):
    scope = "token"

    def get_cache_key(self, request, view):
        if not request.user or not request.user.is_authenticated:
            return None  # AnonymousThrottle's business
        return super().get_cache_key(request, view)
