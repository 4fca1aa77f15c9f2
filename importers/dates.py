"""Day-first dates as UK banks and timesheets write them. Never month-first."""

from __future__ import annotations

import datetime as dt
import re

from .errors import BadValue

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"),
            ("may",), ("jun", "june"), ("jul", "july"), ("aug", "august"),
            ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}

_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?")
_NUMERIC = re.compile(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4}|\d{2})(?:[ T].*)?")
_NAMED = re.compile(r"(\d{1,2})(?:st|nd|rd|th)?[ \-]([A-Za-z]{3,9})\.?,?[ \-](\d{4}|\d{2})(?: .*)?")
_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})")
MAX_DATE_CHARS = 40


def parse_date(text: str, *, line: int | None = None, field: str | None = "date") -> dt.date:
    """Read a day-first date; ISO ``YYYY-MM-DD`` and ``YYYYMMDD`` are read as such."""
    value = text.strip().strip("'\"").strip()
    if len(value) > MAX_DATE_CHARS:
        raise BadValue("the date is too long to be a date", line=line, field=field)
    parts = _split(value)
    if parts is None:
        raise BadValue(f"{value!r} is not a date (expected day first, e.g. 31/01/2025)",
                       line=line, field=field)
    year, month, day = parts
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise BadValue(f"{value!r} is not a real calendar date", line=line, field=field) from None


def _split(value: str) -> tuple[int, int, int] | None:
    if match := _ISO.fullmatch(value):
        year, month, day = (int(g) for g in match.groups())
        return year, month, day
    if match := _NUMERIC.fullmatch(value):
        day, month, year = (int(g) for g in match.groups())
        return _century(year, match.group(3)), month, day
    if match := _NAMED.fullmatch(value):
        named = _MONTHS.get(match.group(2).lower())
        if named is None:
            return None
        return _century(int(match.group(3)), match.group(3)), named, int(match.group(1))
    if match := _COMPACT.fullmatch(value):
        year, month, day = (int(g) for g in match.groups())
        return year, month, day
    return None


def _century(year: int, written: str) -> int:
    # Two-digit years on bank statements are this century; DP records never predate 2000.
    return 2000 + year if len(written) == 2 else year


def looks_like_date(text: str) -> bool:
    value = text.strip().strip("'\"").strip()
    return len(value) <= MAX_DATE_CHARS and _split(value) is not None
