"""Entry points: sniff the file, call the right reader, and let nothing else escape."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, TypeVar

from .errors import ImportFailure, UnreadableFile
from .records import Limits, ParsedStatement, ParsedTimesheet, PayrollLine
from .text import binary_kind, check_size, refuse_binary

T = TypeVar("T")
_TIMESHEET_WORDS = re.compile(rb"(?i)\b(worker|employee|staff|carer|pa name|start|finish|"
                              rb"sleep[- ]?in|hours worked|shift)\b")
_STATEMENT_WORDS = re.compile(rb"(?i)(balance|paid in|paid out|debit|credit|amount|"
                              rb"description|memo|payee|transaction)")


def _guarded(work: Callable[[], T]) -> T:
    """Run a parser; anything that is not already an ImportFailure becomes one."""
    try:
        return work()
    except ImportFailure:
        raise
    except RecursionError:
        raise UnreadableFile("the file is nested too deeply to read") from None
    except MemoryError:
        raise UnreadableFile("the file is too large to read in memory") from None
    except Exception as exc:  # a third-party reader failed in a way we did not foresee
        raise UnreadableFile(f"the file could not be read ({type(exc).__name__})") from exc


def parse_statement(
    data: bytes,
    filename: str | None = None,
    *,
    layout: str | None = None,
    mapping: dict[str, Any] | None = None,
    limits: Limits | None = None,
) -> ParsedStatement:
    """Read a bank or card statement: OFX/QFX/QBO, QIF, Santander TXT or a bank CSV.

    The period comes from the file's own declaration, else from ``filename``, else from
    the first and last line (``ParsedStatement.period_evidence`` says which)."""
    from .period import settle

    limits = limits or Limits()
    return _guarded(
        lambda: settle(_statement(bytes(data), filename, layout, mapping, limits), filename))


def _statement(data: bytes, filename: str | None, layout: str | None,
               mapping: dict[str, Any] | None, limits: Limits) -> ParsedStatement:
    from . import csv_statement, ofx, qif, santander_txt

    check_size(data, limits)
    refuse_binary(data, "a bank statement (OFX, QIF or CSV)")
    if layout is None and mapping is None:
        if ofx.looks_like_ofx(data):
            return ofx.parse_ofx(data, limits=limits)
        if qif.looks_like_qif(data, filename):
            return qif.parse_qif(data, limits=limits)
        if santander_txt.looks_like_santander_txt(data):
            return santander_txt.parse_santander_txt(data, limits=limits)
    return csv_statement.parse_csv_statement(data, layout=layout, mapping=mapping, limits=limits)


def parse_timesheet(
    data: bytes, filename: str | None = None, *, limits: Limits | None = None
) -> ParsedTimesheet:
    """Read a PA timesheet from XLSX or CSV."""
    limits = limits or Limits()

    def work() -> ParsedTimesheet:
        from . import timesheet

        raw = bytes(data)
        check_size(raw, limits)
        if raw.startswith(b"PK\x03\x04"):
            return timesheet.parse_xlsx_timesheet(raw, limits=limits)
        refuse_binary(raw, "a timesheet (XLSX or CSV)")
        return timesheet.parse_csv_timesheet(raw, limits=limits)

    return _guarded(work)


def parse_payroll(
    data: bytes, filename: str | None = None, *, limits: Limits | None = None
) -> list[PayrollLine]:
    """Read a payroll provider's CSV: one row per worker per pay period."""
    limits = limits or Limits()

    def work() -> list[PayrollLine]:
        from . import payroll

        raw = bytes(data)
        check_size(raw, limits)
        refuse_binary(raw, "a payroll CSV")
        return payroll.parse_payroll_csv(raw, limits=limits)

    return _guarded(work)


def detect_kind(data: bytes, filename: str | None = None) -> str:
    """Guess "statement" or "timesheet" from the content (the name only breaks ties)."""
    head = bytes(data[:8192])
    if head.startswith(b"PK\x03\x04"):
        return "timesheet"  # workbooks we accept are timesheets; statements come as CSV/OFX
    if binary_kind(head):
        return "statement"  # let the statement reader refuse it with a clear message
    upper = head.upper()
    if b"OFXHEADER" in upper or b"<OFX" in upper or head.lstrip().startswith(b"!"):
        return "statement"
    timesheet_hits = len(_TIMESHEET_WORDS.findall(head[:2048]))
    statement_hits = len(_STATEMENT_WORDS.findall(head[:2048]))
    if timesheet_hits > statement_hits:
        return "timesheet"
    name = (filename or "").lower()
    if timesheet_hits and timesheet_hits == statement_hits and "time" in name:
        return "timesheet"
    return "statement"
