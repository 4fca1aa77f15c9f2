"""Timesheets as people keep them: council templates with title rows, weekly totals,
signature lines and notes, header names of every kind, and formulas saved without
their results."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import importer_helpers  # noqa: F401  (puts the repository root on the path)
import openpyxl
import pytest

from importers import BadValue, ImportFailure, UnreadableFile, parse_timesheet

HEADER = ["Date worked", "PA name", "Start time", "Finish time", "Unpaid break (mins)",
          "Hours worked", "Sleep-in (Y/N)", "Waking hours", "Rate (£)", "Mileage"]


def workbook(rows: list[list[object]], title: str = "Week 1", merge: str = "") -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    if merge:
        sheet.merge_cells(merge)
    out = io.BytesIO()
    book.save(out)  # openpyxl writes formulas without a cached result, as some apps do
    return out.getvalue()


def council_template() -> bytes:
    return workbook([
        ["Direct Payments: Personal Assistant Timesheet"],
        ["Employer:", "Mrs A Example", None, "Week commencing:", dt.date(2026, 4, 6)],
        [],
        HEADER,
        [dt.date(2026, 4, 6), "Ann Smith", dt.time(8, 0), dt.time(16, 30), 30, 8, "N", None,
         12.71, 4],
        [dt.date(2026, 4, 7), "Ann Smith", dt.time(9, 0), dt.time(17, 15), 15,
         "=(D6-C6)*24-E6/60", "N", None, 12.71, None],
        [dt.date(2026, 4, 8), "Ann Smith", dt.time(22, 0), dt.time(7, 0), None, None, "Y",
         1.5, 12.71, None],
        ["Weekly total", None, None, None, None, "=SUM(F5:F7)", None, None, None, None],
        [],
        ["Employer signature: ____________", None, None, None, "Date:", None],
        ["Notes: Ann covered the Tuesday afternoon visit"],
    ])


def csv_sheet(*rows: str, header: str = "PA name,Date,Start,Finish,Break,Sleep-in") -> bytes:
    return ("\n".join((header, *rows)) + "\n").encode()


# --- the council template -------------------------------------------------------------

def test_council_template_reads_every_shift_and_says_what_it_left_out() -> None:
    parsed = parse_timesheet(council_template(), "timesheet.xlsx")
    shifts = [(e.date.day, e.worker, e.hours, e.sleep_in, e.breaks_minutes, e.rate, e.row)
              for e in parsed.entries]
    assert shifts == [
        (6, "Ann Smith", Decimal("8.00"), False, 30, Decimal("12.71"), 5),
        (7, "Ann Smith", Decimal("8.00"), False, 15, Decimal("12.71"), 6),  # from the times
        (8, "Ann Smith", Decimal("1.50"), True, 0, Decimal("12.71"), 7),  # time awake
    ]
    text = "\n".join(parsed.warnings)
    assert "column 'Mileage' was not read" in text
    assert "cell F6 (hours) is a formula saved without its result" in text
    assert "row 8 skipped: 'Weekly total'" in text
    assert "row 10 skipped: 'Employer signature:" in text
    assert "row 11 skipped: 'Notes: Ann covered" in text


def test_an_hours_formula_that_cannot_be_worked_out_is_refused_naming_the_cell() -> None:
    data = workbook([["Date", "Worker", "Hours"],
                     [dt.date(2026, 4, 6), "Ann", 3],
                     [dt.date(2026, 4, 7), "Ann", "=B99*2"]], title="April")
    with pytest.raises(BadValue) as caught:
        parse_timesheet(data, "t.xlsx")
    reason = caught.value.reason
    assert "'April'" in reason and "row 3" in reason and "C3" in reason
    assert caught.value.line == 3 and caught.value.field == "hours"


def test_a_sleep_in_hours_formula_is_not_guessed_from_the_whole_night() -> None:
    data = workbook([["Date", "Worker", "Start", "Finish", "Hours", "Sleep-in"],
                     [dt.date(2026, 4, 6), "Ann", dt.time(22), dt.time(7), "=1+1", "Y"]])
    with pytest.raises(BadValue) as caught:
        parse_timesheet(data, "t.xlsx")
    assert "E2" in caught.value.reason


def test_a_date_formula_without_its_result_is_never_read_as_the_date_above() -> None:
    data = workbook([["Date", "Worker", "Hours"],
                     [dt.date(2026, 4, 6), "Ann", 3],
                     ["=A2+1", "Ann", 4]])
    with pytest.raises(BadValue) as caught:
        parse_timesheet(data, "t.xlsx")
    assert "A3" in caught.value.reason and caught.value.field == "date"


def test_a_sleep_in_formula_without_its_result_is_refused() -> None:
    data = workbook([["Date", "Worker", "Hours", "Sleep-in"],
                     [dt.date(2026, 4, 6), "Ann", 3, '=IF(C2>2,"Y","N")']])
    with pytest.raises(BadValue) as caught:
        parse_timesheet(data, "t.xlsx")
    assert "D2" in caught.value.reason and caught.value.field == "sleep_in"


def test_a_row_without_a_date_is_refused_naming_the_sheet_and_row() -> None:
    rows: list[list[object]] = [["Date", "Worker", "Hours"], [dt.date(2026, 4, 6), "Ann", 3],
                                [None, "Bob", 4]]
    with pytest.raises(ImportFailure) as caught:
        parse_timesheet(workbook(rows, title="Week 2"), "t.xlsx")
    assert "'Week 2'" in str(caught.value) and caught.value.line == 3
    assert caught.value.field == "date"


def test_a_merged_date_cell_dates_every_row_it_spans() -> None:
    rows: list[list[object]] = [["Date", "Worker", "Hours"], [dt.date(2026, 4, 6), "Ann", 3],
                                [None, "Bob", 4]]
    parsed = parse_timesheet(workbook(rows, merge="A2:A3"), "t.xlsx")
    assert [(e.worker, e.date) for e in parsed.entries] == [("Ann", dt.date(2026, 4, 6)),
                                                            ("Bob", dt.date(2026, 4, 6))]


# --- rows that are not shifts ---------------------------------------------------------

def test_total_signature_and_notes_rows_anywhere_are_skipped_with_a_warning() -> None:
    parsed = parse_timesheet(csv_sheet(
        "Ann,06/04/2026,08:00,12:00,,",
        ",Subtotal,,,,",
        "Ann,07/04/2026,08:00,12:00,,",
        "Weekly total,,,,,",
        "Signed (PA),,,,,",
        "Notes,PA was off sick on the 8th,,,,",
    ), "t.csv")
    assert [e.date.day for e in parsed.entries] == [6, 7]
    skipped = [w for w in parsed.warnings if "skipped" in w]
    assert [w.split(":")[0] for w in skipped] == ["row 3 skipped", "row 5 skipped",
                                                  "row 6 skipped", "row 7 skipped"]


def test_any_other_row_without_a_date_is_refused() -> None:
    with pytest.raises(BadValue) as caught:
        parse_timesheet(csv_sheet("Ann,06/04/2026,08:00,12:00,,",
                                  ",,09:00,10:00,,",
                                  "Ann,07/04/2026,08:00,12:00,,"), "t.csv")
    assert caught.value.line == 3 and caught.value.field == "date"


def test_a_total_label_beside_a_worker_is_not_a_total_row() -> None:
    with pytest.raises(BadValue) as caught:
        parse_timesheet(csv_sheet("Ann,06/04/2026,08:00,12:00,,",
                                  "Ann,Total,,,,"), "t.csv")
    assert caught.value.line == 3


def test_pre_filled_dates_with_nothing_worked_are_reported() -> None:
    parsed = parse_timesheet(csv_sheet("Ann,06/04/2026,08:00,12:00,,",
                                       "Ann,07/04/2026,,,,",
                                       "Ann,08/04/2026,,,,"), "t.csv")
    assert len(parsed.entries) == 1
    assert any(w.startswith("rows 3, 4:") for w in parsed.warnings)


def test_a_repeated_header_for_the_next_week_is_not_a_shift() -> None:
    header = "PA name,Date,Start,Finish,Break,Sleep-in"
    parsed = parse_timesheet(csv_sheet("Ann,06/04/2026,08:00,12:00,,", header,
                                       "Ann,13/04/2026,08:00,12:00,,"), "t.csv")
    assert [e.date.day for e in parsed.entries] == [6, 13]


# --- header names -----------------------------------------------------------------------

@pytest.mark.parametrize("header", [
    "Employee,Date worked,Start time,End time,Break (minutes),Sleep in,Hourly rate",
    "PA name,Date,Start,Finish time,Unpaid break (mins),Sleep-in night,Rate (£)",
    "Worker,Date,Start Time,Finish,Unpaid break,Sleep-in (Y/N),Rate",
])
def test_usual_header_names_are_read(header: str) -> None:
    parsed = parse_timesheet(csv_sheet("Ann,06/04/2026,08:00,16:30,30,N,12.71",
                                       "Ann,07/04/2026,22:00,07:00,,Y,12.71",
                                       header=header), "t.csv")
    assert [(e.hours, e.sleep_in, e.rate) for e in parsed.entries] == [
        (Decimal("8.00"), False, Decimal("12.71")), (Decimal("0.00"), True, Decimal("12.71"))]
    assert not [w for w in parsed.warnings if "not read" in w]


def test_total_hours_column_and_waking_hours_for_a_sleep_in() -> None:
    parsed = parse_timesheet(csv_sheet("Ann,06/04/2026,7.5,N,",
                                       "Ann,07/04/2026,9,Y,2",
                                       header="Employee,Date,Total hours,Sleep in,Waking hours"),
                             "t.csv")
    assert [(e.hours, e.sleep_in) for e in parsed.entries] == [
        (Decimal("7.50"), False), (Decimal("2.00"), True)]


def test_waking_hours_beside_hours_on_an_ordinary_shift_are_named_not_dropped() -> None:
    parsed = parse_timesheet(csv_sheet("Ann,06/04/2026,7.5,N,2",
                                       header="Employee,Date,Total hours,Sleep in,Waking hours"),
                             "t.csv")
    assert parsed.entries[0].hours == Decimal("7.50")
    assert any("row 2: waking hours (2)" in w for w in parsed.warnings)


def test_waking_night_is_working_time_and_cannot_also_be_a_sleep_in() -> None:
    header = "Employee,Date,Start,Finish,Sleep-in,Waking night"
    parsed = parse_timesheet(csv_sheet("Ann,06/04/2026,22:00,07:00,N,Y", header=header),
                             "t.csv")
    assert [(e.hours, e.sleep_in) for e in parsed.entries] == [(Decimal("9.00"), False)]
    with pytest.raises(BadValue) as caught:
        parse_timesheet(csv_sheet("Ann,06/04/2026,22:00,07:00,Y,Y", header=header), "t.csv")
    assert caught.value.field == "sleep_in"


def test_every_column_not_read_is_named() -> None:
    parsed = parse_timesheet(csv_sheet("Ann,06/04/2026,08:00,12:00,,,12,Bus",
                                       header="PA name,Date,Start,Finish,Break,Sleep-in,"
                                              "Mileage,Travel"), "t.csv")
    assert "column 'Mileage' was not read" in parsed.warnings
    assert "column 'Travel' was not read" in parsed.warnings


def test_a_sleep_in_column_that_cannot_be_read_refuses_the_file() -> None:
    with pytest.raises(UnreadableFile) as caught:
        parse_timesheet(csv_sheet("Ann,06/04/2026,08:00,12:00,Y",
                                  header="PA name,Date,Start,Finish,Sleep-in allowance given"),
                        "t.csv")
    assert "Sleep-in allowance given" in str(caught.value)
