"""JSON request bodies through orjson, which refuses nesting deeper than 1024 levels.

The standard library's parser recurses until Python's stack limit and raises a
RecursionError that DRF does not catch: a 500 for a body of a few hundred kilobytes.
"""

import orjson
from django.utils.translation import gettext_lazy as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError


class OrjsonParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return orjson.loads(stream.read())
        except orjson.JSONDecodeError as error:
            raise ParseError(_("Invalid JSON: %(error)s") % {"error": error}) from None
