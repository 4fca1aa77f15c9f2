"""Regression tests for defects found by probing the importers and the parse command."""

from __future__ import annotations

from decimal import Decimal

import pytest
from importer_helpers import run_parse  # noqa: F401  (also puts the repo on sys.path)

from importers import BadValue, parse_timesheet


def _timesheet(hours: str = "7:30", sleep_in: str = "no") -> bytes:
    return ("Worker,Date,Hours,Sleep-in\n"
            "Ann,01/02/2025,3,no\n"
            f"Ann,02/02/2025,{hours},{sleep_in}\n").encode()


# --- 1. H:MM hours get the same 0-24 check as decimal hours ----------------------------

@pytest.mark.parametrize("hours", ["25:00", "99:99", "24:30", "7:60", "0:75"])
def test_out_of_range_hh_mm_hours_are_refused(hours: str) -> None:
    with pytest.raises(BadValue) as caught:
        parse_timesheet(_timesheet(hours=hours), "t.csv")
    assert caught.value.line == 3 and caught.value.field == "hours"


def test_hh_mm_hours_refused_like_decimal_hours() -> None:
    with pytest.raises(BadValue) as decimal:
        parse_timesheet(_timesheet(hours="25"), "t.csv")
    with pytest.raises(BadValue) as clock:
        parse_timesheet(_timesheet(hours="25:00"), "t.csv")
    assert type(decimal.value) is type(clock.value)
    assert (decimal.value.line, decimal.value.field) == (clock.value.line, clock.value.field)


@pytest.mark.parametrize(("hours", "value"), [
    ("7:30", "7.50"), ("0:00", "0.00"), ("24:00", "24.00"), ("23:59", "23.98"),
    ("8:05h", "8.08"),
])
def test_valid_hh_mm_hours_read_as_before(hours: str, value: str) -> None:
    entries = parse_timesheet(_timesheet(hours=hours), "t.csv").entries
    assert entries[1].hours == Decimal(value)


# --- 2. a sleep-in cell must say yes or no ---------------------------------------------

@pytest.mark.parametrize("written", ["maybe", "?", "yes please", "2", "tbc"])
def test_unrecognised_sleep_in_values_are_refused(written: str) -> None:
    with pytest.raises(BadValue) as caught:
        parse_timesheet(_timesheet(sleep_in=written), "t.csv")
    assert caught.value.line == 3 and caught.value.field == "sleep_in"


@pytest.mark.parametrize(("written", "expected"), [
    ("yes", True), ("Y", True), ("TRUE", True), ("1", True), ("x", True), ("✓", True),
    ("Sleep-in", True), ("no", False), ("N", False), ("false", False), ("0", False),
    ("", False),
])
def test_yes_and_no_words_are_read(written: str, expected: bool) -> None:
    entries = parse_timesheet(_timesheet(sleep_in=written), "t.csv").entries
    assert entries[1].sleep_in is expected
