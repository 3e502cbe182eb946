"""Content negotiation that says what went wrong with ``?format=``, instead of a 404."""

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.negotiation import DefaultContentNegotiation


class ContentNegotiation(DefaultContentNegotiation):
    def filter_renderers(self, renderers, format):
        matching = [renderer for renderer in renderers if renderer.format == format]
        if not matching:
            available = ", ".join(sorted({renderer.format for renderer in renderers}))
            raise exceptions.NotAcceptable(
                _("format=%(format)s is not available here: use one of %(available)s.")
                % {"format": format[:40], "available": available}
            )
        return matching
