"""Dates at their real precision: parsing, rendering and storage."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from casetracker.cases.dates import PartialDate, PartialDateFormField, Precision, overlapping
from casetracker.cases.models import Event
from tests.factories import EventFactory


@pytest.mark.parametrize(
    ("text", "iso", "precision"),
    [
        ("2015", "2015", Precision.YEAR),
        ("2016-10", "2016-10", Precision.MONTH),
        ("2016-10-06", "2016-10-06", Precision.DAY),
        ("October 2016", "2016-10", Precision.MONTH),
        ("Oct 2016", "2016-10", Precision.MONTH),
        ("6 October 2016", "2016-10-06", Precision.DAY),
        ("October 6, 2016", "2016-10-06", Precision.DAY),
        ("  6   october 2016 ", "2016-10-06", Precision.DAY),
        ("06.10.2016", "2016-10-06", Precision.DAY),
    ],
)
def test_parse_keeps_exactly_the_precision_given(text, iso, precision):
    """A written date is read at the precision it states, never more."""
    date = PartialDate.parse(text)
    assert date.isoformat() == iso
    assert date.precision == precision


@pytest.mark.parametrize("text", ["2016-13", "2016-02-30", "Octember 2016", "16", "", "2016-1"])
def test_parse_rejects_impossible_dates(text):
    """Impossible or malformed dates are refused, not coerced."""
    with pytest.raises(ValueError):
        PartialDate.parse(text)


def test_display_in_english_and_russian():
    """Dates render as readers write them, in the active language."""
    with translation.override("en"):
        assert PartialDate.parse("2016-10-06").display() == "6 October 2016"
        assert PartialDate.parse("2016-10").display() == "October 2016"
        assert PartialDate.parse("2015").display() == "2015"


def test_ordering_is_chronological():
    """Partial dates sort chronologically, a year before the months within it."""
    dates = [PartialDate.parse(text) for text in ["2016-10-06", "2015", "2016", "2016-01"]]
    assert [d.isoformat() for d in sorted(dates)] == ["2015", "2016", "2016-01", "2016-10-06"]


def test_first_and_last_day_bound_the_period():
    date = PartialDate.parse("2016-02")
    assert date.first_day() == datetime.date(2016, 2, 1)
    assert date.last_day() == datetime.date(2016, 2, 29)


def test_form_field_explains_the_accepted_formats():
    """A staff member who types a wrong date is told which formats work."""
    field = PartialDateFormField(required=False)
    assert field.clean("6 October 2016") == PartialDate(2016, 10, 6)
    assert field.clean("") is None
    with pytest.raises(ValidationError) as error:
        field.clean("sometime in autumn")
    assert "2016-10" in str(error.value)


@pytest.mark.django_db
def test_stored_and_loaded_at_its_precision():
    """A month-precision date is stored as "2016-10" and comes back as a PartialDate."""
    event = EventFactory(date="October 2016")
    event.refresh_from_db()
    assert event.date == PartialDate(2016, 10)
    assert Event.objects.filter(date="2016-10").count() == 1


@pytest.mark.django_db
def test_future_dates_are_refused():
    """No fact may be dated in the future."""
    event = EventFactory.build(date=str(datetime.date.today().year + 1))
    with pytest.raises(ValidationError) as error:
        event.full_clean(exclude=["person"])
    assert "future" in str(error.value)


@pytest.mark.django_db
def test_overlapping_matches_a_month_that_contains_the_bound():
    """An event "in October 2016" falls after 15 October 2016 for a range filter."""
    october = EventFactory(date="2016-10")
    EventFactory(date="2016-09-30")
    year = EventFactory(date="2016")
    after = PartialDate.parse("2016-10-15")
    found = set(Event.objects.filter(overlapping("date", after=after)))
    assert found == {october, year}
    before = PartialDate.parse("2016-09-30")
    assert october not in set(Event.objects.filter(overlapping("date", before=before)))


@pytest.mark.django_db
def test_overlapping_with_a_partial_upper_bound_takes_in_the_whole_period():
    """"Before 2016" includes 2 June 2016: the bound is the last day of the year."""
    june = EventFactory(date="2016-06-02")
    EventFactory(date="2017-01")
    assert list(Event.objects.filter(overlapping("date", before=PartialDate(2016)))) == [june]
