"""JSON through orjson, and CSV for the partner who opens a list in a spreadsheet."""

import csv
import io

import orjson
from django.utils.encoding import force_str
from django.utils.functional import Promise
from rest_framework import renderers

from casetracker.cases.exports import spreadsheet_cell

CSV_SEPARATOR = "; "


def _default(value):
    if isinstance(value, Promise):  # lazy translations in error messages
        return force_str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "tolist"):
        return value.tolist()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


class OrjsonRenderer(renderers.JSONRenderer):
    """DRF's JSON renderer, several times faster: orjson writes UTF-8 bytes directly.

    orjson only indents by two spaces, which is what a requested indent (the browsable
    API asks for one) gets.
    """

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None:
            return b""
        renderer_context = renderer_context or {}
        option = orjson.OPT_NON_STR_KEYS
        if self.get_indent(accepted_media_type, renderer_context):
            option |= orjson.OPT_INDENT_2
        return orjson.dumps(data, default=_default, option=option)


class CsvRenderer(renderers.BaseRenderer):
    """Render flat rows (dicts sharing the keys of the first) as CSV with a header line.

    Lists stream through :func:`stream_csv` instead (see ``CsvListMixin``); this renderer
    serves content negotiation and anything small, such as a single object.
    """

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None:
            return b""
        rows = data if isinstance(data, list) else [data]
        header = list(rows[0]) if rows else []
        return b"".join(stream_csv(header, rows))


class Echo:
    """A file-like object whose write returns what it was given: csv.writer without a buffer."""

    def write(self, value):
        return value


def stream_csv(header: list[str], rows, *, bom: bool = False):
    """Yield CSV lines (bytes) for ``rows`` (mappings with the ``header`` keys)."""
    writer = csv.writer(Echo())
    if bom:
        # Excel only reads a UTF-8 file as UTF-8 (Cyrillic aliases!) when it starts with a BOM.
        yield "\ufeff".encode()
    yield writer.writerow(header).encode()
    buffer = io.StringIO()
    buffered = csv.writer(buffer)
    for count, row in enumerate(rows, start=1):
        buffered.writerow([spreadsheet_cell(row.get(column)) for column in header])
        if count % 500 == 0:  # a few hundred rows per chunk: fewer, larger writes
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue().encode()
