"""The period a statement covers, and the evidence for it.

A statement's period matters more than its lines: a month with no spending is a month
with no lines, and only the period tells it apart from a month that is missing. So the
period is taken from the best evidence there is, in this order:

1. the file declares it (OFX ``DTSTART``/``DTEND``; a CSV or text preamble such as
   ``Statement period: 01/04/2026 to 30/04/2026`` or ``From: ... To: ...``);
2. the file name holds two dates (``..._2026-04-06_2026-04-30.csv``,
   ``20260406-20260430``, ``06-04-2026_30-04-2026``);
3. the first and last line dates.

A declared or named period that leaves out a line is wrong somewhere, so it is not used:
a warning says so and the next evidence is tried. Nothing is silently wrong.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace

from .dates import parse_date
from .errors import ImportFailure
from .records import ParsedStatement

_DATE = (r"(\d{1,2}[/.\-]\d{1,2}[/.\-]\d{4}|\d{1,2}/\d{1,2}/\d{2}|\d{4}-\d{1,2}-\d{1,2}"
         r"|\d{1,2}(?:st|nd|rd|th)?[ \-][A-Za-z]{3,9}\.?,?[ \-]\d{4})")
_DECLARED = re.compile(
    r"\b(?:statement\s+period|period|date\s+range|statement\s+dates?|from)\b"
    r"\s*:?\s*" + _DATE + r"\s*(?:\bto\b|\buntil\b|-|–|—)\s*:?\s*" + _DATE,
    re.IGNORECASE,
)
_NAME_DATE = r"(\d{4}-\d{2}-\d{2}|\d{8}|\d{2}[-.]\d{2}[-.]\d{4})"
_NAMED = re.compile(r"(?<![\d-])" + _NAME_DATE + r"(?:[\s_.\-–]+(?:to[\s_.\-–]+)?|to)"
                    + _NAME_DATE + r"(?![\d-])", re.IGNORECASE)
MAX_NAMED_DAYS = 400  # a statement covers at most about a year; more is not a period


def declared_in_text(text: str) -> tuple[dt.date, dt.date] | None:
    """A period written out in a preamble line, e.g. "Statement period: 01/04/2026 to
    30/04/2026" or "From: 01/04/2026 To: 30/04/2026"; None when there is none."""
    if len(text) > 400:
        return None
    match = _DECLARED.search(text)
    if match is None:
        return None
    return _pair(match.group(1), match.group(2))


def named_in_filename(filename: str | None) -> tuple[dt.date, dt.date] | None:
    """Two dates in the file name that make a period (start first, at most a year)."""
    if not filename:
        return None
    name = filename.replace("\\", "/").rsplit("/", 1)[-1]
    # Search again from each place a match starts, not from where it ended: in
    # "12345678_2026-04-01_2026-04-30" the account number pairs with the first date (no
    # period), and the period itself starts inside that match.
    at = 0
    while (match := _NAMED.search(name, at)) is not None:
        found = _pair(match.group(1), match.group(2))
        if found and (found[1] - found[0]).days <= MAX_NAMED_DAYS:
            return found
        at = match.start() + 1
    return None


def _pair(first: str, second: str) -> tuple[dt.date, dt.date] | None:
    try:
        start, end = parse_date(first), parse_date(second)
    except ImportFailure:
        return None
    return (start, end) if start <= end else None


def settle(parsed: ParsedStatement, filename: str | None) -> ParsedStatement:
    """Choose the period from the best evidence that contains every line."""
    dates = [line.date for line in parsed.lines]
    first, last = (min(dates), max(dates)) if dates else (None, None)
    warnings = list(parsed.warnings)

    def holds(start: dt.date, end: dt.date) -> bool:
        return start <= end and (first is None or (start <= first and last is not None
                                                   and last <= end))

    if parsed.period_evidence == "statement":
        start, end = parsed.period_start, parsed.period_end
        if start is not None and end is not None and holds(start, end):
            return parsed
        warnings.append(f"the statement says it covers {_span(start, end)}, but its lines "
                        f"run {_span(first, last)}; that period was not used")
    named = named_in_filename(filename)
    if named is not None:
        if holds(*named):
            return replace(parsed, period_start=named[0], period_end=named[1],
                           period_evidence="filename", warnings=tuple(warnings))
        warnings.append(f"the file name says {_span(*named)}, but the lines run "
                        f"{_span(first, last)}; that period was not used")
    return replace(parsed, period_start=first, period_end=last, period_evidence="lines",
                   warnings=tuple(warnings))


def _span(start: dt.date | None, end: dt.date | None) -> str:
    def day(value: dt.date | None) -> str:
        return value.strftime("%d/%m/%Y") if value else "?"

    return f"{day(start)} to {day(end)}"
