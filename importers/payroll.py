"""Payroll provider CSVs: one row per worker per pay period.

Documented header (names are matched case-insensitively, in any order; the
alternatives in brackets are accepted too)::

    worker (employee, name), period_start (period start, pay period start),
    period_end (period end, pay period end, pay date), gross (gross pay),
    paye (tax, income tax), employee_ni (ee ni, employee nic),
    employer_ni (er ni, employer nic), employee_pension (ee pension),
    employer_pension (er pension), net (net pay), hours (optional)

Money uses the same strict reader as statements: two decimals at most, `£` and
thousands separators allowed. An empty deduction reads as 0.00; an empty gross or net
is refused.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from typing import Any

from .dates import parse_date
from .errors import BadValue, LimitExceeded, UnreadableFile
from .money import PENNY, parse_money
from .records import Limits, PayrollLine
from .text import decode

FIELDS: dict[str, tuple[str, ...]] = {
    "worker": ("worker", "employee", "name", "employee name"),
    "period_start": ("period_start", "period start", "pay period start"),
    "period_end": ("period_end", "period end", "pay period end", "pay date"),
    "gross": ("gross", "gross pay"),
    "paye": ("paye", "tax", "income tax"),
    "employee_ni": ("employee_ni", "employee ni", "ee ni", "employee nic"),
    "employer_ni": ("employer_ni", "employer ni", "er ni", "employer nic"),
    "employee_pension": ("employee_pension", "employee pension", "ee pension"),
    "employer_pension": ("employer_pension", "employer pension", "er pension"),
    "net": ("net", "net pay"),
    "hours": ("hours", "hours worked"),
}
REQUIRED = ("worker", "period_start", "period_end", "gross", "net")
DEDUCTIONS = ("paye", "employee_ni", "employer_ni", "employee_pension", "employer_pension")


def parse_payroll_csv(data: bytes, *, limits: Limits) -> list[PayrollLine]:
    text, _ = decode(data)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        rows = list(_limited(reader, limits))
    except csv.Error as exc:
        raise UnreadableFile(f"the CSV is malformed ({exc})", line=reader.line_num) from None
    header_at, columns = _header(rows)
    lines = [_line(cells, columns, number) for number, cells in rows[header_at + 1:]
             if any(c.strip() for c in cells)]
    if not lines:
        raise UnreadableFile("no payroll rows found under the header")
    return lines


def _limited(reader: Any, limits: Limits) -> Iterator[tuple[int, list[str]]]:
    """Rows with their line numbers (``reader`` is a ``csv.reader``), within the limits."""
    for count, cells in enumerate(reader, start=1):
        if count > limits.max_rows:
            raise LimitExceeded(f"the file has more than {limits.max_rows:,} rows")
        if len(cells) > limits.max_columns or any(len(c) > limits.max_cell_chars for c in cells):
            raise LimitExceeded("the row is too wide or a cell too long", line=reader.line_num)
        yield reader.line_num, cells


def _header(rows: list[tuple[int, list[str]]]) -> tuple[int, dict[str, int]]:
    for index, (_, cells) in enumerate(rows[:20]):
        names = [" ".join(c.strip().lower().replace("_", " ").split()) for c in cells]
        columns = {}
        for key, options in FIELDS.items():
            wanted = {o.replace("_", " ") for o in options}
            hit = next((i for i, name in enumerate(names) if name in wanted), None)
            if hit is not None:
                columns[key] = hit
        if all(key in columns for key in REQUIRED):
            return index, columns
    raise UnreadableFile("no payroll header found; it needs worker, period_start, "
                         "period_end, gross and net columns")


def _line(cells: list[str], columns: dict[str, int], number: int) -> PayrollLine:
    def cell(key: str) -> str:
        index = columns.get(key)
        return cells[index].strip() if index is not None and index < len(cells) else ""

    def money(key: str, required: bool = False) -> Decimal:
        if not cell(key):
            if required:
                raise BadValue(f"{key} is empty", line=number, field=key)
            return Decimal("0.00")
        return parse_money(cell(key), line=number, field=key)

    worker = cell("worker")
    if not worker:
        raise BadValue("the worker is empty", line=number, field="worker")
    return PayrollLine(
        worker=worker,
        period_start=parse_date(cell("period_start"), line=number, field="period_start"),
        period_end=parse_date(cell("period_end"), line=number, field="period_end"),
        gross=money("gross", required=True), net=money("net", required=True),
        **{key: money(key) for key in DEDUCTIONS},
        hours=_hours(cell("hours"), number), line=number,
    )


def _hours(text: str, number: int) -> Decimal | None:
    if not text:
        return None
    try:
        value = Decimal(text) if len(text) <= 12 else Decimal("nan")
    except InvalidOperation:
        raise BadValue(f"{text!r} is not a number of hours", line=number, field="hours") from None
    if not value.is_finite() or value < 0 or value > 24 * 31:
        raise BadValue(f"{text!r} is not a number of hours", line=number, field="hours")
    return value.quantize(PENNY)
