"""Reading is public; writing needs a token that staff allowed to write."""

from django.utils.translation import gettext_lazy as _
from rest_framework import permissions

from casetracker.api.models import ApiToken


class ReadOrTokenWrite(permissions.BasePermission):
    message = _("This API token may read but not write: ask the casetracker team to allow it "
                "to write.")

    def has_permission(self, request, view):
        if request.method in permissions.SAFE_METHODS:
            return True
        if not hasattr(view, request.method.lower()):
            return True  # let the view answer 405 Method Not Allowed, not 401
        token = request.auth
        return isinstance(token, ApiToken) and token.can_write


class IsAuthenticatedPartner(permissions.BasePermission):
    """A partner's own data: only with its token."""

    message = _("Send your token (Authorization: Token <key>) to read what it submitted.")

    def has_permission(self, request, view):
        return isinstance(request.auth, ApiToken)
