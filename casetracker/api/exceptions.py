"""Every error as JSON of one shape: ``{"detail": "..."}``, plus ``"errors"`` for bad input."""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.utils.encoding import force_str
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, status
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler as drf_exception_handler


def _flatten(errors, prefix="") -> list[str]:
    """``{"country": ["…"], "citations": [{"source": ["…"]}]}`` as readable lines."""
    lines = []
    if isinstance(errors, dict):
        for key, value in errors.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            lines += _flatten(value, "" if key == "non_field_errors" else name)
    elif isinstance(errors, list):
        for index, value in enumerate(errors):
            nested = isinstance(value, dict | list)
            lines += _flatten(value, f"{prefix}[{index}]" if nested else prefix)
    else:
        lines.append(f"{prefix}: {errors}" if prefix else force_str(errors))
    return lines


class RequestTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE


def exception_handler(exc, context):
    if isinstance(exc, RequestDataTooBig):
        # Django's own answer would be an HTML page saying only "Bad Request (400)".
        exc = RequestTooLarge(_("The request body is too large: send at most %(size)d bytes.")
                              % {"size": settings.DATA_UPLOAD_MAX_MEMORY_SIZE})
    if isinstance(exc, DjangoValidationError):
        # A model's full_clean() in a service: the same 400 as a serializer's.
        exc = exceptions.ValidationError(as_serializer_error(exc))
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        errors = response.data if isinstance(response.data, dict) else {
            "non_field_errors": response.data}
        detail = "; ".join(_flatten(errors))
        response.data = {"detail": f"{_('Invalid input')}: {detail}", "errors": errors}
    elif isinstance(exc, Http404) and not isinstance(response.data, dict):
        response.data = {"detail": force_str(_("Not found."))}
    return response


@csrf_exempt  # the API authenticates by token, not cookie: a POST here is a 404, not a 403
def not_found(request, *args, **kwargs):
    """Unknown paths under /api/v1/ answer in JSON too, whatever the method."""
    return JsonResponse({"detail": force_str(_("No such API endpoint: see /api/v1/."))},
                        status=status.HTTP_404_NOT_FOUND)
