"""Who is asking, and how often: one client address and one kind of rate for every door.

``client_ip`` reads the client's address the same way for the login lockout (django-axes'
``AXES_CLIENT_IP_CALLABLE``), the API's throttles and the public site's: ``REMOTE_ADDR``,
or behind ``PROXY_COUNT`` reverse proxies the address the outermost one appended to
``X-Forwarded-For`` (addresses further left are the client's to forge).

The public site is throttled per address as the API is, with DRF's cache-backed rate
throttle (shared across workers through Redis when ``REDIS_URL`` is set), a lower rate
for its CSV exports; past the rate it answers 429 with ``Retry-After``.
"""

from django.conf import settings
from django.http import HttpResponse
from django.utils.translation import gettext as _
from rest_framework.throttling import SimpleRateThrottle

#: Paths the site's rates do not cover: the API has its own, staff have a login, and
#: static files are served before any of this runs.
UNTHROTTLED_PREFIXES = ("/admin/", "/api/", "/static/", "/_nested_admin/", "/i18n/")
EXPORT_SUFFIXES = (".csv", ".atom")


def client_ip(request) -> str:
    """The client's address (see the module docstring)."""
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = settings.PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR")
    if not proxies or not forwarded:
        return remote
    addresses = [address.strip() for address in forwarded.split(",") if address.strip()]
    if not addresses:
        return remote
    return addresses[-min(proxies, len(addresses))]


class AddressThrottle(SimpleRateThrottle):
    """A rate per client address; the rate is read from settings on every request (so
    ``override_settings`` and a reloaded configuration take effect)."""

    def get_rate(self):
        return settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"].get(self.scope)

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": client_ip(request)}


class SitePageThrottle(AddressThrottle):
    scope = "site"


class SiteExportThrottle(AddressThrottle):
    scope = "site_export"


class SiteRateLimitMiddleware:
    """Answers 429 with ``Retry-After`` to an address past the public site's rate."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path
        if not path.startswith(UNTHROTTLED_PREFIXES):
            throttle = SiteExportThrottle() if path.endswith(EXPORT_SUFFIXES) else \
                SitePageThrottle()
            if not throttle.allow_request(request, None):
                wait = throttle.wait()
                response = HttpResponse(
                    _("Too many requests from your address: please wait a minute and try "
                      "again."), status=429, content_type="text/plain; charset=utf-8")
                response["Retry-After"] = str(max(1, round(wait or 1)))
                return response
        return self.get_response(request)
