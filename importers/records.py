"""The records every importer returns: frozen, typed, money as Decimal to the penny."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class StatementLine:
    """One bank transaction. ``amount`` is signed: negative means money out."""

    date: dt.date
    amount: Decimal
    description: str
    reference: str | None = None  # the bank's own id (OFX FITID, Monzo tx_ id) or None
    balance: Decimal | None = None  # running balance after this line, when the file has it
    account: str | None = None  # account id as written in the file, when it has one
    mcc: str | None = None  # merchant category code (card platforms, some OFX)
    line: int = 0  # 1-based line (text files) or row (spreadsheets) where the record starts


PERIOD_EVIDENCE = ("statement", "filename", "lines")


@dataclass(frozen=True)
class ParsedStatement:
    """One uploaded statement.

    ``period_start``/``period_end`` are the period the statement covers: the period the
    file declares, else the one in its file name, else the first and last line dates.
    ``period_evidence`` says which: "statement" (the file declares it: OFX DTSTART and
    DTEND, a "Statement period: ... to ..." preamble), "filename" (e.g.
    ``..._2026-04-06_2026-04-30.csv``) or "lines". A declared period always contains
    every line; one that does not is ignored with a warning.
    """

    format: str  # "ofx", "qif", "csv:lloyds", "santander-txt", ...
    lines: tuple[StatementLine, ...]
    opening_balance: Decimal | None = None  # from an "Opening balance" row or preamble
    closing_balance: Decimal | None = None  # OFX LEDGERBAL, a "Closing balance" row, ...
    period_start: dt.date | None = None
    period_end: dt.date | None = None
    accounts: tuple[str, ...] = ()  # every account the file names, as written
    warnings: tuple[str, ...] = ()
    # what period_start/period_end rest on: "statement" (the file declares its period),
    # "filename" (a period in the file's name) or "lines" (the first and last line's dates)
    period_evidence: str = "lines"  # one of PERIOD_EVIDENCE
    closing_balance_date: dt.date | None = None  # the day the closing balance is as of


@dataclass(frozen=True)
class TimesheetEntry:
    """One shift (or one sleep-in night). ``hours`` = paid working hours less unpaid breaks."""

    worker: str
    date: dt.date
    start: dt.time | None
    end: dt.time | None
    hours: Decimal
    sleep_in: bool = False
    breaks_minutes: int = 0
    rate: Decimal | None = None
    sheet: str | None = None  # worksheet name (XLSX) or None (CSV)
    row: int = 0


@dataclass(frozen=True)
class ParsedTimesheet:
    format: str  # "xlsx" or "csv"
    entries: tuple[TimesheetEntry, ...]
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class PayrollLine:
    """One worker's pay for one pay period, as a payroll provider reports it."""

    worker: str
    period_start: dt.date
    period_end: dt.date
    gross: Decimal
    paye: Decimal
    employee_ni: Decimal
    employer_ni: Decimal
    employee_pension: Decimal
    employer_pension: Decimal
    net: Decimal
    hours: Decimal | None = None
    line: int = 0


@dataclass(frozen=True)
class Limits:
    """Safe ceilings for one upload. Callers may raise them for trusted bulk imports."""

    max_bytes: int = 10 * 1024 * 1024
    max_rows: int = 200_000
    max_columns: int = 200
    max_cell_chars: int = 4_000
    max_zip_members: int = 100
    max_unzipped_bytes: int = 100 * 1024 * 1024  # sum of declared sizes inside an XLSX
    max_member_bytes: int = 50 * 1024 * 1024
    max_compression_ratio: int = 200
