"""``Authorization: Token <key>``, checked against the hashes of the issued API tokens."""

from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from casetracker.api.models import ApiToken
from casetracker.api.throttling import FailedTokenThrottle


class ApiTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Token"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None  # anonymous: reading needs no token
        if len(header) != 2:
            self.count_as_anonymous(request)
            raise exceptions.AuthenticationFailed(
                _("Malformed Authorization header: send “Authorization: Token <key>”.")
            )
        try:
            key = header[1].decode("ascii")
        except UnicodeDecodeError:
            self.count_as_anonymous(request)
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from None
        token = (
            ApiToken.objects.active().select_related("user")
            .filter(key_hash=ApiToken.hash_key(key)).first()
        )
        if token is None:
            self.count_as_anonymous(request)
            raise exceptions.AuthenticationFailed(_("Invalid or revoked token."))
        token.record_use()
        return token.user, token

    @staticmethod
    def count_as_anonymous(request):
        """A bad token is throttled like no token: past its address's rate, a 429."""
        throttle = FailedTokenThrottle()
        if not throttle.allow_request(request, None):
            raise exceptions.Throttled(throttle.wait())

    def authenticate_header(self, request):
        # Makes DRF answer 401 (with this challenge) rather than 403 to an anonymous write.
        return self.keyword
