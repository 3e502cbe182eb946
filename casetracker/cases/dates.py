"""Dates known only to the year or the month, as the articles give them.

Articles say "in 2015", "in October 2016", "on 6 October 2016". A :class:`PartialDate`
keeps exactly that much and no more: it is stored as its ISO 8601 reduced form
(``2015``, ``2016-10``, ``2016-10-06``) in one short text column, which also sorts
chronologically, so ``ORDER BY`` and range filters work without a second column.
"""

from __future__ import annotations

import calendar
import datetime
import re
from dataclasses import dataclass
from functools import total_ordering

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

ISO_PATTERN = re.compile(r"^(?P<year>\d{4})(?:-(?P<month>\d{2})(?:-(?P<day>\d{2}))?)?$")
MONTHS = {
    name.lower(): number
    for number in range(1, 13)
    for name in (calendar.month_name[number], calendar.month_abbr[number])
}
# "6 October 2016", "October 6, 2016", "October 2016", "Oct 2016".
DAY_MONTH_YEAR = re.compile(r"^(?P<day>\d{1,2})\s+(?P<month>[a-z]+)\.?,?\s+(?P<year>\d{4})$")
MONTH_DAY_YEAR = re.compile(r"^(?P<month>[a-z]+)\.?\s+(?P<day>\d{1,2}),?\s+(?P<year>\d{4})$")
MONTH_YEAR = re.compile(r"^(?P<month>[a-z]+)\.?,?\s+(?P<year>\d{4})$")
# 06.10.2016, the way Russian-language documents write a date.
DOTTED = re.compile(r"^(?P<day>\d{1,2})\.(?P<month>\d{1,2})\.(?P<year>\d{4})$")

FORMAT_HELP = _("Type 2015, 2016-10 or 2016-10-06 (or “October 2016”, “6 October 2016”). "
                "Give only as much as the source says: never guess a day or a month.")


class Precision(models.TextChoices):
    YEAR = "year", _("Year")
    MONTH = "month", _("Month")
    DAY = "day", _("Day")


@total_ordering
@dataclass(frozen=True, slots=True)
class PartialDate:
    """A calendar date known to the year, the month or the day."""

    year: int
    month: int | None = None
    day: int | None = None

    def __post_init__(self):
        if self.day is not None and self.month is None:
            raise ValueError("A day needs a month.")
        if not 1 <= self.year <= 9999:
            raise ValueError(f"{self.year} is not a valid year.")
        if self.month is not None and not 1 <= self.month <= 12:
            raise ValueError(f"{self.month} is not a month (1–12).")
        if self.day is not None:
            days = calendar.monthrange(self.year, self.month)[1]
            if not 1 <= self.day <= days:  # 30 February: say so, not "day is out of range"
                raise ValueError(f"{self.year:04d}-{self.month:02d} has no day {self.day} "
                                 f"(it has {days} days).")

    @classmethod
    def parse(cls, text: str) -> PartialDate:
        """Read an ISO reduced date or a written-out English date; raise ValueError otherwise."""
        value = " ".join(str(text).strip().split())
        if match := ISO_PATTERN.match(value):
            parts = [int(part) for part in match.group("year", "month", "day") if part]
            return cls(*parts)
        lowered = value.lower()
        for pattern in (DAY_MONTH_YEAR, MONTH_DAY_YEAR, MONTH_YEAR, DOTTED):
            if match := pattern.match(lowered):
                groups = match.groupdict()
                month = groups["month"]
                month_number = int(month) if month.isdigit() else MONTHS.get(month)
                if month_number is None:
                    raise ValueError(f"“{month}” is not a month name.")
                day = int(groups["day"]) if groups.get("day") else None
                return cls(int(groups["year"]), month_number, day)
        raise ValueError(f"“{text}” is not a date.")

    @classmethod
    def from_date(cls, value: datetime.date) -> PartialDate:
        return cls(value.year, value.month, value.day)

    @property
    def precision(self) -> Precision:
        if self.day is not None:
            return Precision.DAY
        if self.month is not None:
            return Precision.MONTH
        return Precision.YEAR

    def isoformat(self) -> str:
        if self.day is not None:
            return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"
        if self.month is not None:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}"

    def first_day(self) -> datetime.date:
        return datetime.date(self.year, self.month or 1, self.day or 1)

    def last_day(self) -> datetime.date:
        month = self.month or 12
        return datetime.date(self.year, month, self.day or calendar.monthrange(self.year, month)[1])

    def display(self) -> str:
        """The date as a reader writes it, in the active language: "6 October 2016"."""
        when = self.first_day()
        if self.precision == Precision.DAY:
            return date_format(when, pgettext("partial date, day precision", "j F Y"))
        if self.precision == Precision.MONTH:
            return date_format(when, pgettext("partial date, month precision", "F Y"))
        return str(self.year)

    def __str__(self) -> str:
        return self.isoformat()

    def __lt__(self, other):
        if not isinstance(other, PartialDate):
            return NotImplemented
        return self.isoformat() < other.isoformat()


def validate_not_future(value: PartialDate) -> None:
    if value is not None and value.first_day() > timezone.localdate():
        raise ValidationError(
            _("%(date)s is in the future: record only what has happened."),
            code="future_date",
            params={"date": value.isoformat()},
        )


def overlapping(field_name: str, after=None, before=None) -> models.Q:
    """A filter for partial dates that may fall between ``after`` and ``before`` (inclusive).

    The bounds are PartialDates or ``datetime.date``s.

    "October 2016" overlaps 2016-10-15..2016-12-31 although its stored text, ``2016-10``,
    sorts before ``2016-10-15``; so the year and the month containing a bound also match.
    """
    after, before = (PartialDate.from_date(bound) if isinstance(bound, datetime.date) else bound
                     for bound in (after, before))
    query = models.Q()
    if after is not None:
        iso = after.isoformat()
        query &= (
            models.Q(**{f"{field_name}__gte": iso})
            | models.Q(**{field_name: iso[:7]})
            | models.Q(**{field_name: iso[:4]})
        )
    if before is not None:
        # "before 2016" takes in all of 2016: compare with its last day, since "2016-06-02"
        # sorts after "2016" as text.
        query &= models.Q(**{f"{field_name}__lte": before.last_day().isoformat()})
    return query


class PartialDateFormField(forms.Field):
    """A text box that accepts "2016", "2016-10", "October 2016" or "6 October 2016"."""

    widget = forms.TextInput(attrs={"placeholder": "2016-10-06", "size": 16, "maxlength": 40})
    default_error_messages = {"invalid": FORMAT_HELP}

    def __init__(self, *, max_length=None, empty_value=None, **kwargs):
        kwargs.setdefault("help_text", FORMAT_HELP)
        super().__init__(**kwargs)

    def prepare_value(self, value):
        return value.isoformat() if isinstance(value, PartialDate) else value

    def to_python(self, value):
        if isinstance(value, PartialDate):
            return value
        value = str(value).strip() if value is not None else ""
        if not value:
            return None
        try:
            return PartialDate.parse(value[:40])
        except ValueError as error:
            raise ValidationError(f"{error} {FORMAT_HELP}", code="invalid") from None


class PartialDateField(models.CharField):
    """A model field holding a :class:`PartialDate` as its ISO 8601 reduced form."""

    description = _("Date at its known precision (year, month or day)")
    default_validators = [validate_not_future]

    def __init__(self, *args, **kwargs):
        kwargs["max_length"] = 10
        super().__init__(*args, **kwargs)
        # CharField validates the length of a string; the value here is a PartialDate,
        # whose ISO form is at most 10 characters by construction.
        self.validators[:] = [
            validator for validator in self.validators
            if not isinstance(validator, MaxLengthValidator)
        ]

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        del kwargs["max_length"]
        return name, path, args, kwargs

    def from_db_value(self, value, expression, connection):
        return None if value in (None, "") else PartialDate.parse(value)

    def to_python(self, value):
        if value in (None, "") or isinstance(value, PartialDate):
            return value or None
        if isinstance(value, datetime.date):
            return PartialDate.from_date(value)
        try:
            return PartialDate.parse(value)
        except ValueError as error:
            raise ValidationError(f"{error} {FORMAT_HELP}", code="invalid") from None

    def get_prep_value(self, value):
        value = self.to_python(value)
        return value.isoformat() if value is not None else None

    def value_to_string(self, obj):
        value = self.value_from_object(obj)
        return value.isoformat() if value is not None else None

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": PartialDateFormField, **kwargs})
