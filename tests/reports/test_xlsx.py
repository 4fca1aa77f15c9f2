"""The audit workbook, written and read back: figures, types, formats and safety."""

from __future__ import annotations

import dataclasses
import io
import re
import zipfile
from datetime import date, datetime
from decimal import Decimal

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from reports_fixtures import (
    HOSTILE_PAYEES,
    council_summary,
    full_report,
    light_report,
    standard_report,
)

from reports.model import AuditReport
from reports.xlsx import MAX_TAB_NAME, excel_amount, render_council_summary, render_workbook

MONEY_FIELDS = {
    "Opening balance": "opening_balance",
    "Money in": "money_in",
    "Money out": "money_out",
    "Closing balance": "closing_balance",
    "Difference from statements": "reconciliation_difference",
    "Weekly plan value": "weekly_plan_value",
    "Contingency": "contingency",
    "Commitments": "commitments",
    "Surplus": "surplus",
    "Council share": "council_share",
    "Contribution share": "contribution_share",
    "Flexible use": "flexible_use_total",
    "Proposed recovery": "proposed_recovery",
}


def load(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


def as_decimal(value: object) -> Decimal:
    """What Excel holds, to the penny (a float read back from the file)."""
    assert isinstance(value, int | float), f"{value!r} is not a number"
    return Decimal(repr(value)).quantize(Decimal("0.01"))


def summary_cells(wb: openpyxl.Workbook) -> dict[str, openpyxl.cell.Cell]:
    ws = wb["Summary"]
    return {row[0].value: row[1] for row in ws.iter_rows(min_row=2)}


@pytest.fixture(scope="module")
def standard() -> AuditReport:
    return standard_report()


@pytest.fixture(scope="module")
def workbook(standard: AuditReport) -> openpyxl.Workbook:
    return load(render_workbook(standard))


def test_summary_comes_first_and_sheets_are_named_within_excel_limits(workbook):
    assert workbook.sheetnames[0] == "Summary"
    assert workbook.sheetnames[:3] == ["Summary", "Transactions", "Plan vs actual"]
    assert {"Flags", "Timesheets", "Surplus arithmetic"} <= set(workbook.sheetnames)
    assert all(len(name) <= MAX_TAB_NAME for name in workbook.sheetnames)


def test_summary_figures_equal_the_report_and_are_pounds(workbook, standard):
    cells = summary_cells(workbook)
    for label, field in MONEY_FIELDS.items():
        cell = cells[label]
        assert as_decimal(cell.value) == getattr(standard, field), label
        assert cell.number_format.startswith('"£"#,##0.00'), label
    assert cells["Contingency weeks"].value == 8
    assert cells["Tier"].value == "Standard"


def test_summary_lists_the_reasons_for_the_tier(workbook, standard):
    ws = workbook["Summary"]
    reasons = [
        (row[1].value, row[2].value) for row in ws.iter_rows(min_row=2) if row[0].value == "Reason for tier"
    ]
    assert reasons == [(r.text, f"{r.points} points") for r in standard.tier_reasons]


def test_summary_period_is_real_dates(workbook, standard):
    cells = summary_cells(workbook)
    for label, expected in (
        ("Period from", standard.period_from),
        ("Period to", standard.period_to),
    ):
        assert isinstance(cells[label].value, datetime)
        assert cells[label].value.date() == expected
        assert cells[label].number_format == "dd/mm/yyyy"


def test_every_sheet_has_a_frozen_header_and_a_filter_over_its_table(workbook):
    for ws in workbook.worksheets:
        assert ws.freeze_panes == "A2", ws.title
        assert ws.auto_filter.ref == f"A1:{ws.cell(1, ws.max_column).column_letter}{ws.max_row}", ws.title
        assert ws.column_dimensions["A"].width > 8, ws.title
        assert ws["A1"].font.bold, ws.title


def test_transactions_keep_dates_amounts_category_and_reason(workbook, standard):
    ws = workbook["Transactions"]
    header = [cell.value for cell in ws[1]]
    assert header[:4] == ["Date", "Account", "Description", "Amount"]
    assert {"Category", "Why this category", "Flags"} <= set(header)
    rows = list(ws.iter_rows(min_row=2))
    assert len(rows) == len(standard.transactions)
    for row, item in zip(rows, standard.transactions, strict=True):
        values = dict(zip(header, row, strict=True))
        assert values["Date"].value.date() == item.date
        assert values["Date"].number_format == "dd/mm/yyyy"
        assert as_decimal(values["Amount"].value) == item.amount
        assert values["Amount"].number_format.startswith('"£"')
        assert values["Category"].value == item.category_label
        assert values["Why this category"].value == item.reason
    total = sum(as_decimal(row[3].value) for row in rows)
    assert total == standard.money_in - standard.money_out


def test_flagged_transaction_names_its_rule(workbook):
    ws = workbook["Transactions"]
    flagged = [row for row in ws.iter_rows(min_row=2, values_only=True) if row[7]]
    assert flagged == [flagged[0]] and flagged[0][2] == "SKYBET" and flagged[0][7] == "H1"


def test_plan_sheet_has_lines_flexible_use_and_a_bar_chart(workbook, standard):
    ws = workbook["Plan vs actual"]
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert [row[0] for row in rows[:-1]] == [line.line for line in standard.plan_lines]
    for row, line in zip(rows, standard.plan_lines, strict=False):
        assert as_decimal(row[3]) == line.planned_period
        assert as_decimal(row[4]) == line.actual
        assert as_decimal(row[5]) == line.planned_period - line.actual
    assert rows[-1][0].startswith("Flexible use")
    assert as_decimal(rows[-1][4]) == standard.flexible_use_total
    charts = ws._charts
    assert len(charts) == 1
    assert charts[0].tagname == "barChart"
    assert len(charts[0].series) == 2


def test_flags_and_timesheet_findings_are_listed(workbook, standard):
    flags = list(workbook["Flags"].iter_rows(min_row=2, values_only=True))
    assert [row[0] for row in flags] == [flag.rule_id for flag in standard.flags]
    assert flags[0][2] == "harmful" and flags[0][3] == "open"
    assert flags[0][5].date() == date(2025, 5, 23)
    times = list(workbook["Timesheets"].iter_rows(min_row=2, values_only=True))
    assert len(times) == len(standard.timesheet_findings)
    assert times[0][0] == "Jane Smith"
    assert as_decimal(times[0][7]) == Decimal("11.70")
    assert times[0][9] == "Yes" and times[1][9] == "No"


def test_surplus_arithmetic_adds_up_to_the_surplus(workbook, standard):
    steps = list(workbook["Surplus arithmetic"].iter_rows(min_row=2, values_only=True))
    assert [row[0] for row in steps] == [step.label for step in standard.surplus_steps]
    assert steps[-1][0] == "Surplus"
    assert sum(as_decimal(row[1]) for row in steps[:-1]) == as_decimal(steps[-1][1]) == standard.surplus


def test_hostile_payee_text_stays_text(workbook):
    descriptions = [row[2] for row in workbook["Transactions"].iter_rows(min_row=2, values_only=True)]
    for payee in HOSTILE_PAYEES:
        assert payee in descriptions


@pytest.mark.parametrize("build", [light_report, standard_report, full_report])
def test_no_cell_in_any_sheet_is_a_formula(build):
    with zipfile.ZipFile(io.BytesIO(render_workbook(build()))) as archive:
        sheets = [name for name in archive.namelist() if name.startswith("xl/worksheets/sheet")]
        assert len(sheets) >= 6
        for name in sheets:
            xml = archive.read(name).decode("utf-8")
            assert not re.search(r"<(\w+:)?f[\s>/]", xml), name
        transactions = archive.read("xl/worksheets/sheet2.xml").decode("utf-8")
    if build is not light_report:
        assert "&lt;" not in transactions  # nothing was double-escaped
        assert '=HYPERLINK("http://evil","x")' in transactions.replace("&quot;", '"')


def test_control_characters_from_a_statement_do_not_break_the_file():
    base = light_report().transactions[0]
    bad = dataclasses.replace(base, description="SHOP\x00\x07 LTD")
    wb = load(render_workbook(dataclasses.replace(light_report(), transactions=(bad,))))
    assert wb["Transactions"]["C2"].value == "SHOP LTD"


def test_amounts_keep_their_pence_at_the_edge_of_what_excel_holds():
    assert excel_amount(Decimal("9999999999.99")) == Decimal("9999999999.99")
    with pytest.raises(ValueError):
        excel_amount(Decimal("10000000000000.00"))
    with pytest.raises(ValueError):
        excel_amount(Decimal("1.005"))


def test_council_summary_workbook_reads_back():
    summary = council_summary()
    wb = load(render_council_summary(summary))
    assert wb.sheetnames == ["Summary", "Audits by tier", "Flags by rule", "Unmet need", "Budgets"]
    cells = summary_cells(wb)
    assert as_decimal(cells["Surplus proposed"].value) == summary.surplus_proposed
    assert as_decimal(cells["Surplus agreed"].value) == summary.surplus_agreed
    assert as_decimal(cells["Surplus held"].value) == summary.surplus_held
    assert as_decimal(cells["Indicative budgets"].value) == Decimal("28080.00")
    assert as_decimal(cells["Actual budgets"].value) == Decimal("28080.50")
    assert cells["Audits due"].value == 526 and cells["Audits done"].value == 483
    tiers = list(wb["Audits by tier"].iter_rows(min_row=2, values_only=True))
    assert tiers == [("Light", 410, 388), ("Standard", 95, 80), ("Full", 21, 15)]
    assert len(wb["Audits by tier"]._charts) == 1
    flags = list(wb["Flags by rule"].iter_rows(min_row=2, values_only=True))
    assert flags[0] == ("H1", "Gambling", 2, 9, 1, 12)
    need = list(wb["Unmet need"].iter_rows(min_row=2))
    assert as_decimal(need[1][2].value) == Decimal("9120.45")
    assert need[1][2].number_format.startswith('"£"')
    for ws in wb.worksheets:
        assert ws.freeze_panes == "A2" and ws.auto_filter.ref


def test_questions_and_documents_sheet_lists_what_the_letter_asks():
    report = full_report()
    rows = list(
        load(render_workbook(report))["Questions and documents"].iter_rows(min_row=2, values_only=True)
    )
    assert [row[0] for row in rows] == ["Question", "Question", "Document", "Document"]
    assert rows[0][1].date() == date(2025, 5, 23)
    assert as_decimal(rows[0][2]) == Decimal("-40.00")
    assert rows[0][3] == "SKYBET" and rows[0][4] == "What was this payment for?"
    assert rows[2][4] == report.documents_needed[0].item


@settings(max_examples=40, deadline=None)
@given(
    pence=st.lists(st.integers(min_value=-(10**12) + 1, max_value=10**12 - 1), min_size=1, max_size=30),
)
def test_any_amount_reads_back_to_the_penny(pence):
    amounts = [Decimal(p).scaleb(-2) for p in pence]
    base = light_report().transactions[0]
    transactions = tuple(dataclasses.replace(base, amount=amount) for amount in amounts)
    wb = load(render_workbook(dataclasses.replace(light_report(), transactions=transactions)))
    read = [as_decimal(row[3]) for row in wb["Transactions"].iter_rows(min_row=2, values_only=True)]
    assert read == amounts


def test_sheets_print_landscape_a4_one_page_wide_with_the_header_repeated(workbook):
    for ws in workbook.worksheets:
        assert ws.page_setup.orientation == "landscape", ws.title
        assert ws.page_setup.fitToWidth == 1 and ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
        assert ws.print_title_rows == "$1:$1", ws.title
