"""Project-wide defences: optional two-factor login for staff and a clean 503 on a lost database."""

import logging

from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django_otp import devices_for_user, user_has_device
from django_otp.admin import OTPAdminAuthenticationForm

logger = logging.getLogger(__name__)
RETRY_AFTER_SECONDS = 30


class OptionalOTPAuthenticationForm(OTPAdminAuthenticationForm):
    """The admin login: a one-time code is required from staff who registered a TOTP device.

    Staff without a device log in with their password alone, so two-factor stays opt-in
    per person (reviewers handling restricted data should register one).
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["otp_token"].help_text = _(
            "Only if you registered an authenticator app: the 6-digit code it shows."
        )

    def clean_otp(self, user):
        if user is not None and not user_has_device(user):
            return
        devices = [] if user is None else list(devices_for_user(user))
        if len(devices) == 1 and not self.cleaned_data.get("otp_device"):
            # One device: no need to make the user pick it from a list.
            self.cleaned_data["otp_device"] = devices[0].persistent_id
        super().clean_otp(user)


class DatabaseUnavailableMiddleware:
    """Answers 503 with a plain message, not a stack trace, while the database is down.

    Django reconnects on the next request (CONN_HEALTH_CHECKS), so service resumes by
    itself when the database is back.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        if isinstance(exception, DatabaseError) and not _is_connection_error(exception):
            return None
        logger.error("Database unavailable: %s", exception)
        message = _("The database is unavailable. Please try again in a minute.")
        if request.path.startswith("/api/"):
            response = JsonResponse({"detail": message}, status=503)
        else:
            response = HttpResponse(message, status=503, content_type="text/plain; charset=utf-8")
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response


def _is_connection_error(exception) -> bool:
    """A lost or refused connection, as opposed to a bad query (which is a bug, not an outage)."""
    text = str(exception).lower()
    return isinstance(exception, InterfaceError) or any(
        marker in text
        for marker in ("connection", "could not connect", "server closed", "terminating",
                       "the database system is", "database is locked")
    )
