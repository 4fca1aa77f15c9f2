"""Pure parsers: bytes in, typed records out. Never imports service/.

Public API::

    parse_statement(data, filename=None, *, layout=None, mapping=None, limits=None)
    parse_timesheet(data, filename=None, *, limits=None)
    parse_payroll(data, filename=None, *, limits=None)
    detect_kind(data, filename) -> "statement" | "timesheet"

A statement's period is the one the file declares, else the one in its file name,
else its first and last line; ``ParsedStatement.period_evidence`` says which.

Every failure is an ``ImportFailure`` (``UnreadableFile``, ``BadValue``,
``LimitExceeded``) carrying ``.line``, ``.field`` and a plain-English ``.reason``.
"""

from __future__ import annotations

from .api import detect_kind, parse_payroll, parse_statement, parse_timesheet
from .errors import BadValue, ImportFailure, LimitExceeded, UnreadableFile
from .records import (
    Limits,
    ParsedStatement,
    ParsedTimesheet,
    PayrollLine,
    StatementLine,
    TimesheetEntry,
)

__all__ = [
    "BadValue",
    "ImportFailure",
    "LimitExceeded",
    "Limits",
    "ParsedStatement",
    "ParsedTimesheet",
    "PayrollLine",
    "StatementLine",
    "TimesheetEntry",
    "UnreadableFile",
    "detect_kind",
    "parse_payroll",
    "parse_statement",
    "parse_timesheet",
]
