"""A family's XLSX timesheet ends with a totals row and a signature row with the signer's name
typed next to "Signed" and the date signed at the end: both are read as what they are, never
as a shift, and the file is imported rather than refused."""

from __future__ import annotations

import io
from datetime import date, datetime
from decimal import Decimal

import pytest
from openpyxl import Workbook

from importers import BadValue, parse_timesheet


def _book(last_row: list[object]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Timesheet"
    sheet.append(["Timesheet: Ruth Bell"])
    sheet.append([])
    sheet.append(["Date", "Worker", "Start", "Finish", "Hours"])
    sheet.append([datetime(2026, 4, 7), "Ruth Bell", "09:00", "16:00", 7])
    sheet.append([datetime(2026, 4, 9), "Ruth Bell", "09:00", "16:00", 7])
    sheet.append(["Total hours", "", "", "", 14])
    sheet.append([])
    sheet.append(last_row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize("signature", [
    ["Signed (employer):", "S Crane", "", "Date:", datetime(2026, 7, 2)],
    ["Signature", "Sarah Crane", None, None, "02/07/2026"],
    ["Employer signature:", "S. Crane (daughter)"],
])
def test_a_signature_row_with_a_name_is_not_a_shift(signature: list[object]) -> None:
    parsed = parse_timesheet(_book(signature), "timesheet.xlsx")
    # two shifts of 7 hours: 14 hours, nothing else
    assert [(e.date, e.hours) for e in parsed.entries] == [
        (date(2026, 4, 7), Decimal("7.00")), (date(2026, 4, 9), Decimal("7.00"))]
    assert any("Signed" in w or "Signature" in w or "signature" in w for w in parsed.warnings)


def test_a_row_that_holds_work_is_still_refused_without_a_date() -> None:
    # "Signed" in the date column but times and hours worked: a shift with its date missing
    with pytest.raises(BadValue):
        parse_timesheet(_book(["Signed", "Ruth Bell", "09:00", "16:00", 7]), "timesheet.xlsx")
