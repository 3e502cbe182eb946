"""Pagination that stays fast on the last page of 100,000 people.

Responses keep the page-number envelope partners know, ``{"count", "next", "previous",
"results"}``, but ``next`` and ``previous`` are keyset cursors: "the rows after (name, id) =
("Yorov", 42)", which an index or a top-N sort serves at the same cost on any page, where
``OFFSET 99800`` reads and throws away 99,800 rows first. ``?page=N`` still works, for
jumping: a page in the second half of the list is read backwards from the end, so the
last page costs what the first does and only the middle pages of a long list pay an OFFSET.

The cursor is signed: it carries the ordering values of one row, and a client can neither
forge values nor reuse a cursor under another ``ordering``.
"""

from django.core import signing
from django.db.models import F, OrderBy, Q
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import BasePagination
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from casetracker.paging import slice_rows

CURSOR_SALT = "casetracker.api.cursor"
FORWARD, BACKWARD = "n", "p"


def ordering_keys(queryset) -> list[tuple[str, bool]] | None:
    """``[(field name, descending), ...]`` of the queryset's ordering, or None if not plain."""
    keys = []
    for item in queryset.query.order_by:
        if isinstance(item, str):
            keys.append((item.lstrip("-"), item.startswith("-")))
        elif isinstance(item, OrderBy) and isinstance(item.expression, F):
            keys.append((item.expression.name, item.descending))
        else:
            return None
    if not keys or keys[-1][0] not in ("pk", "id"):
        return None  # without a unique last key, "the rows after this one" is ambiguous
    return keys


def key_value(obj, name):
    value = obj.pk if name == "pk" else getattr(obj, name)
    if hasattr(value, "isoformat"):  # PartialDate, date
        return value.isoformat()
    if hasattr(value, "code"):  # django-countries
        return value.code
    return value


def _strictly_after(name, descending, value, *, backward: bool) -> Q | None:
    """Rows whose ``name`` comes strictly after ``value`` (before, going ``backward``).

    Nulls sort last in both directions, as :class:`KeysetOrderingFilter` orders them.
    """
    later = "lt" if descending else "gt"
    earlier = "gt" if descending else "lt"
    if not backward:
        if value is None:
            return None  # nothing sorts after a null but other nulls, which tie
        return Q(**{f"{name}__{later}": value}) | Q(**{f"{name}__isnull": True})
    if value is None:
        return Q(**{f"{name}__isnull": False})
    return Q(**{f"{name}__{earlier}": value})


def beyond(keys, values, *, backward=False) -> Q:
    """Rows after the position ``values`` in the lexicographic order of ``keys``."""
    condition = Q(pk__in=[])
    equal = Q()
    for (name, descending), value in zip(keys, values, strict=True):
        step = _strictly_after(name, descending, value, backward=backward)
        if step is not None:
            condition |= equal & step
        equal &= Q(**{f"{name}__isnull": True}) if value is None else Q(**{name: value})
    return condition


class KeysetPagination(BasePagination):
    page_size = 50
    max_page_size = 200
    page_query_param = "page"
    page_size_query_param = "page_size"
    cursor_query_param = "cursor"

    def get_page_size(self, request) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        if raw in (None, ""):
            return self.page_size
        return self._positive_int(raw, self.page_size_query_param, maximum=self.max_page_size)

    def _positive_int(self, raw, name, maximum=None) -> int:
        try:
            number = int(raw)
        except (TypeError, ValueError):
            raise ValidationError({name: [_("“%(value)s” is not a whole number.")
                                          % {"value": raw}]}) from None
        if number < 1 or (maximum is not None and number > maximum):
            message = (_("Must be between 1 and %(maximum)d.") % {"maximum": maximum}
                       if maximum else _("Must be 1 or more."))
            raise ValidationError({name: [message]})
        return number

    def paginate_queryset(self, queryset, request, view=None, count=None):
        self.request = request
        self.size = self.get_page_size(request)
        self.count = queryset.count() if count is None else count
        self.keys = ordering_keys(queryset)
        self.ordering_id = ",".join(f"{'-' if d else ''}{n}" for n, d in self.keys or [])
        self.page_number = None
        raw_cursor = request.query_params.get(self.cursor_query_param)
        if raw_cursor and self.keys:
            direction, values = self._decode(raw_cursor)
            return self._keyset_page(queryset, direction, values)
        raw_page = request.query_params.get(self.page_query_param)
        self.page_number = 1 if raw_page in (None, "") else self._positive_int(
            raw_page, self.page_query_param)
        return self._numbered_page(queryset)

    def _numbered_page(self, queryset):
        offset = (self.page_number - 1) * self.size
        if offset >= self.count and self.page_number > 1:
            raise NotFound(_("There is no page %(page)d: the last is %(last)d.")
                           % {"page": self.page_number, "last": self.last_page})
        if offset > self.count // 2:
            # Read the second half backwards from the end: the last page costs what the first does.
            end = self.count - offset
            rows = slice_rows(queryset.reverse(), max(end - self.size, 0), end)[::-1]
        else:
            rows = slice_rows(queryset, offset, offset + self.size)
        self.rows = rows
        self.has_previous = self.page_number > 1
        self.has_next = offset + len(rows) < self.count
        return rows

    def _keyset_page(self, queryset, direction, values):
        if direction == FORWARD:
            rows = list(queryset.filter(beyond(self.keys, values))[:self.size + 1])
            self.has_next, self.has_previous = len(rows) > self.size, True
            rows = rows[:self.size]
        else:
            rows = list(queryset.filter(beyond(self.keys, values, backward=True))
                        .reverse()[:self.size + 1])
            self.has_previous, self.has_next = len(rows) > self.size, True
            rows = rows[:self.size][::-1]
        self.rows = rows
        return rows

    @property
    def last_page(self) -> int:
        return max((self.count + self.size - 1) // self.size, 1)

    # -- links ---------------------------------------------------------------------------

    def _encode(self, direction, row) -> str:
        values = [key_value(row, name) for name, _descending in self.keys]
        return signing.dumps([self.ordering_id, direction, values], salt=CURSOR_SALT,
                             compress=True)

    def _decode(self, raw):
        try:
            ordering_id, direction, values = signing.loads(raw, salt=CURSOR_SALT)
        except (signing.BadSignature, ValueError, TypeError):
            raise ValidationError({self.cursor_query_param: [
                _("Not a cursor this API gave out: follow the next and previous links.")
            ]}) from None
        if ordering_id != self.ordering_id or direction not in (FORWARD, BACKWARD):
            raise ValidationError({self.cursor_query_param: [
                _("This cursor belongs to another ordering: start again from the first page.")
            ]})
        return direction, values

    def _link(self, direction, row):
        url = self.request.build_absolute_uri()
        url = remove_query_param(url, self.page_query_param)
        return replace_query_param(url, self.cursor_query_param, self._encode(direction, row))

    def _page_link(self, number):
        url = remove_query_param(self.request.build_absolute_uri(), self.cursor_query_param)
        if number == 1:
            return remove_query_param(url, self.page_query_param)
        return replace_query_param(url, self.page_query_param, number)

    def get_next_link(self):
        if not self.has_next or not self.rows:
            return None
        if self.keys:
            return self._link(FORWARD, self.rows[-1])
        return self._page_link(self.page_number + 1)

    def get_previous_link(self):
        if not self.has_previous:
            return None
        if self.page_number is not None and (self.page_number <= 2 or not self.keys):
            return self._page_link(self.page_number - 1)
        if not self.rows:
            return None
        return self._link(BACKWARD, self.rows[0])

    def get_paginated_response(self, data):
        return Response({
            "count": self.count,
            "next": self.get_next_link(),
            "previous": self.get_previous_link(),
            "results": data,
        })

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["count", "next", "previous", "results"],
            "properties": {
                "count": {"type": "integer", "example": 123,
                          "description": "How many records match, on all pages."},
                "next": {"type": ["string", "null"], "format": "uri",
                         "description": "The next page; null on the last."},
                "previous": {"type": ["string", "null"], "format": "uri",
                             "description": "The previous page; null on the first."},
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view):
        return [
            {"name": self.page_query_param, "required": False, "in": "query",
             "description": "A page number, to jump; to walk the list, follow `next`.",
             "schema": {"type": "integer", "minimum": 1}},
            {"name": self.page_size_query_param, "required": False, "in": "query",
             "description": f"Results per page (default {self.page_size}, at most "
                            f"{self.max_page_size}).",
             "schema": {"type": "integer", "minimum": 1, "maximum": self.max_page_size}},
            {"name": self.cursor_query_param, "required": False, "in": "query",
             "description": "Set by the `next` and `previous` links.",
             "schema": {"type": "string"}},
        ]
