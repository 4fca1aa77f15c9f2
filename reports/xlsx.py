"""Audit workbooks for finance officers, written with openpyxl in write-only mode.

Conventions (UK public-sector spreadsheet guidance, and what officers expect): the summary
sheet comes first; one table per sheet with its header in row 1, frozen and filtered;
dates are real dates shown ``dd/mm/yyyy``; money is a real number shown in pounds.

Text from bank statements is hostile input: openpyxl would store ``=HYPERLINK(...)`` as a
live formula, so every string is forced to a string cell and no cell is ever a formula. A text
that a spreadsheet would read as a formula once edited (it starts with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return: OWASP's CSV injection list) also gets the cell style's quote
prefix, so Excel keeps it as text when an officer edits the cell. The text itself is unchanged.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.worksheet import Worksheet

from reports.formatting import long_date
from reports.model import (
    PENNY,
    AuditReport,
    CouncilSummary,
    Flag,
    PlanLine,
    TimesheetFinding,
    Transaction,
    UnderspendNote,
)

MONEY_FORMAT = '"£"#,##0.00;[Red]-"£"#,##0.00'
DATE_FORMAT = "dd/mm/yyyy"
HOURS_FORMAT = "0.00"
COUNT_FORMAT = "0"

# Excel's limits: 31 characters for a tab name, 32,767 for a cell's text.
MAX_TAB_NAME = 31
MAX_CELL_TEXT = 32_767
FORBIDDEN_IN_TAB = re.compile(r"[\[\]:*?/\\]")
# Control characters are not allowed in XML 1.0; statements sometimes carry them.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
# What a spreadsheet would take for the start of a formula (OWASP, CSV injection).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# openpyxl writes numbers with 16 significant digits, so below this the pence are exact.
LARGEST_EXACT_AMOUNT = Decimal("1e13")

HEADER_FONT = Font(bold=True)
MAX_FITTED_WIDTH = 60
WRAP = Alignment(wrap_text=True, vertical="top")


@dataclass(frozen=True)
class Column:
    header: str
    width: float
    number_format: str | None = None  # for Decimal values that are not money
    wrap: bool = False


# ---------------------------------------------------------------------------- cells


def new_cell(ws: WriteOnlyWorksheet, value: object) -> Cell:
    """A cell for streaming; openpyxl's ``WriteOnlyCell`` is an untyped factory."""
    cell: Cell = WriteOnlyCell(ws, value=value)
    return cell


def excel_amount(amount: Decimal) -> Decimal:
    """The last step before a Decimal reaches openpyxl: prove the pence survive.

    openpyxl formats numbers with ``%.16g``; any amount with two places and fewer than
    fourteen digits before the point is written exactly, so we check that and hand over the
    Decimal itself (never a float of our own making).
    """
    if amount != amount.quantize(PENNY) or abs(amount) >= LARGEST_EXACT_AMOUNT:
        raise ValueError(f"{amount} cannot be written to the penny")
    return amount.quantize(PENNY)


def safe_text(text: str) -> str:
    """Text as it will be stored: control characters dropped, cut to Excel's limit."""
    return CONTROL_CHARACTERS.sub("", text)[:MAX_CELL_TEXT]


def text_cell(ws: WriteOnlyWorksheet, text: str, *, wrap: bool = False) -> Cell:
    """A cell that is text whatever it starts with (``=``, ``+``, ``-``, ``@``...)."""
    text = safe_text(text)
    if not text:
        return new_cell(ws, None)  # a truly blank cell, not an empty inline string
    cell = new_cell(ws, text)
    # Assigning the value may have made it a formula; this makes it an inline string.
    cell.data_type = "s"
    if text.startswith(FORMULA_TRIGGERS):
        cell.quotePrefix = True
    if wrap:
        cell.alignment = WRAP
    return cell


def value_cell(ws: WriteOnlyWorksheet, value: object, column: Column | None = None) -> Cell:
    """One cell, typed from the Python value: str, Decimal, date, int, bool or None."""
    if isinstance(value, str):
        return text_cell(ws, value, wrap=bool(column and column.wrap))
    if isinstance(value, bool):
        return text_cell(ws, "Yes" if value else "No")
    if value is None:
        return new_cell(ws, None)
    if isinstance(value, Decimal):
        number_format = column.number_format if column and column.number_format else None
        if number_format is None:
            cell = new_cell(ws, excel_amount(value))
            cell.number_format = MONEY_FORMAT
        else:
            cell = new_cell(ws, value)
            cell.number_format = number_format
        return cell
    if isinstance(value, datetime):
        raise TypeError("reports carry dates, not datetimes")
    if isinstance(value, date):
        cell = new_cell(ws, value)
        cell.number_format = DATE_FORMAT
        return cell
    if isinstance(value, int):
        cell = new_cell(ws, value)
        cell.number_format = COUNT_FORMAT
        return cell
    raise TypeError(f"no cell type for {type(value).__name__}")


# ---------------------------------------------------------------------------- tables


def tab_name(name: str) -> str:
    if len(name) > MAX_TAB_NAME or FORBIDDEN_IN_TAB.search(name):
        raise ValueError(f"{name!r} is not a valid Excel tab name")
    return name


def write_table(
    wb: Workbook,
    title: str,
    columns: Sequence[Column],
    rows: Iterable[Sequence[object]],
) -> tuple[WriteOnlyWorksheet, int]:
    """One sheet holding one table; returns the sheet and its number of data rows."""
    ws = wb.create_sheet(tab_name(title))
    rows = [tuple(row) for row in rows]
    for index, column in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(index)].width = fitted_width(
            column, [row[index - 1] for row in rows])
    ws.freeze_panes = "A2"
    _print_setup(ws)
    ws.append([_header_cell(ws, column.header) for column in columns])
    count = 0
    for row in rows:
        ws.append([value_cell(ws, value, column) for value, column in zip(row, columns, strict=True)])
        count += 1
    last = get_column_letter(len(columns))
    ws.auto_filter.ref = f"A1:{last}{count + 1}"
    return ws, count


def fitted_width(column: Column, values: Sequence[object]) -> float:
    """Wide enough for the header and every short text (a rule id, a reference) so nothing
    is cut off; long wrapped text keeps the column's own width."""
    if column.wrap:
        return column.width
    longest = max([len(column.header), *(len(safe_text(v)) for v in values if isinstance(v, str))])
    return max(column.width, min(MAX_FITTED_WIDTH, longest + 2))


def _print_setup(ws: WriteOnlyWorksheet) -> None:
    """Printed, a table repeats its header and fits the page width (officers do print)."""
    ws.print_title_rows = "1:1"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def _header_cell(ws: WriteOnlyWorksheet, header: str) -> Cell:
    cell = text_cell(ws, header)
    cell.font = HEADER_FONT
    return cell


def add_bar_chart(
    ws: WriteOnlyWorksheet,
    *,
    title: str,
    data_columns: tuple[int, int],
    rows: int,
    anchor: str,
    y_title: str,
) -> None:
    """A native Excel clustered bar chart over the table's own cells (no formulas in cells)."""
    chart = BarChart()
    chart.type = "bar"
    chart.title = title
    chart.y_axis.title = y_title
    chart.width, chart.height = 18, max(7.5, 1.2 * rows + 3)
    first, last = data_columns
    data = Reference(ws, min_col=first, max_col=last, min_row=1, max_row=rows + 1)
    labels = Reference(ws, min_col=1, min_row=2, max_row=rows + 1)
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(labels)
    ws.add_chart(chart, anchor)


def workbook_bytes(wb: Workbook) -> bytes:
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


# ---------------------------------------------------------------------------- audit


SUMMARY_COLUMNS = (
    Column("Item", 34),
    Column("Value", 30, wrap=True),
    Column("Notes", 70, wrap=True),
)


def summary_rows(report: AuditReport) -> list[tuple[str, object, str]]:
    """Who, when, where the audit stands, the tier with its reasons, then the figures in the
    order they add up, then what was decided, by whom and when."""
    decision = report.decision
    rows: list[tuple[str, object, str]] = [
        ("Council", report.council_name, ""),
        ("Person", report.recipient_name, ""),
    ]
    if report.holder is not None and report.holder.acts_for_someone:
        rows.append(("DP holder", report.holder.name, report.holder.kind.replace("_", " ")))
    rows += [
        ("Reference", report.recipient_reference, ""),
        ("Audit reference", report.audit_reference, ""),
        ("Period from", report.period_from, ""),
        ("Period to", report.period_to, ""),
        ("Audit", report.audit_kind, ""),
        ("Status", report.status.value.capitalize(), _status_note(report)),
        ("Tier", report.tier.value.capitalize(), f"Risk score {_points(report.tier_points)}"),
    ]
    rows += [("Reason for tier", reason.text, _points(reason.points)) for reason in report.tier_reasons]
    rows += [
        ("Opening balance", report.opening_balance, "From the first statement"),
        ("Money in", report.money_in, "Transfers between the person's own accounts are not counted"),
        ("Money out", report.money_out, ""),
        ("Closing balance", report.closing_balance, "From the last statement"),
        (
            "Difference from statements",
            report.reconciliation_difference,
            "Closing - (opening + in - out); nil when the statements agree",
        ),
        ("Weekly plan value", report.weekly_plan_value, ""),
        ("Contingency weeks", report.contingency_weeks, ""),
        ("Contingency", report.contingency, "Money the person may keep for emergencies"),
        ("Commitments", report.commitments, "Wages, tax and bills due but not yet paid"),
        ("Surplus", report.surplus, "Closing balance - contingency - commitments"),
        ("Council share", report.council_share, ""),
        ("Contribution share", report.contribution_share, "Returned to the person"),
        ("Flexible use", report.flexible_use_total, "Spend outside plan lines; not flagged"),
        ("Proposed recovery", report.proposed_recovery, "Worked out by the audit"),
        ("Agreed recovery", decision.agreed_recovery, "Not yet decided" if decision.agreed_recovery is None
         else "Decided by the officer"),
        ("Decision reason", decision.reason or "None recorded", ""),
        ("Decided by", decision.decided_by or "Nobody yet", ""),
        ("Decided on", decision.decided_on, "" if decision.decided_on else "Not yet decided"),
        ("Recovery held", report.recovery_on_hold, _held_for_officer(report)),
    ]
    rows += [("Underspend reason", note.officer_words, _underspend_note(note)) for note in report.underspend]
    open_count, all_count = len(report.open_flags), len(report.flags)
    rows.append(("Open flags", open_count, f"{_count(all_count, 'flag', 'flags')} in all"))
    rows += [("No statement", _gap_words(gap.start, gap.end), "") for gap in report.gaps]
    if report.transfers:
        rows.append(("Own-account transfers", len(report.transfers),
                     f"{_count(len(report.transfers), 'pair', 'pairs')}; see the {SHEET_TRANSFERS} sheet"))
    return rows


def _count(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def _status_note(report: AuditReport) -> str:
    if report.closed:
        return "Closed: the decision is final; a change needs a correction audit"
    return "Open: follows the person's data until it is closed"


def _held_for_officer(report: AuditReport) -> str:
    """Why recovery is held, in the officer's words (never the letter's "you")."""
    reasons = [text for text in (report.recovery_held_reason_for_officer,
                                 report.decision.held_reason if report.decision.held else "") if text]
    if not reasons and report.recovery_held and report.recovery_held_reason:
        reasons.append(f"Held: {report.recovery_held_reason}")
    return "; ".join(dict.fromkeys(reasons))


def _underspend_note(note: UnderspendNote) -> str:
    parts = []
    if note.start and note.end:
        parts.append(f"{long_date(note.start)} to {long_date(note.end)}")
    if note.note:
        parts.append(note.note)
    if note.holds_recovery:
        parts.append("holds the recovery")
    return "; ".join(parts)


def _points(points: int) -> str:
    return f"{points} point" if abs(points) == 1 else f"{points} points"


def _gap_words(start: date, end: date) -> str:
    return f"{long_date(start)} to {long_date(end)}"


TRANSACTION_COLUMNS = (
    Column("Date", 12),
    Column("Account", 14),
    Column("Description", 40),
    Column("Amount", 14),
    Column("Category", 26),
    Column("Category code", 16),
    Column("Why this category", 48, wrap=True),
    Column("Flags", 20),
)


def transaction_row(item: Transaction) -> tuple[object, ...]:
    return (
        item.date,
        item.account_ref,
        item.description,
        item.amount,
        item.category_label,
        item.category_code,
        item.reason,
        ", ".join(item.flag_rule_ids),
    )


PLAN_COLUMNS = (
    Column("Plan line", 32),
    Column("Category", 24),
    Column("Planned per week", 16),
    Column("Planned for period", 18),
    Column("Actual", 14),
    Column("Planned minus actual", 20),
)

FLEXIBLE_USE_LINE = "Flexible use (not in plan)"


def plan_rows(report: AuditReport) -> list[tuple[object, ...]]:
    """Each plan line, then flexible use as its own line with no plan figure."""
    rows: list[tuple[object, ...]] = [_plan_row(line) for line in report.plan_lines]
    rows.append((FLEXIBLE_USE_LINE, "Flexible use", None, None, report.flexible_use_total, None))
    return rows


def _plan_row(line: PlanLine) -> tuple[object, ...]:
    return (
        line.line,
        line.category,
        line.planned_weekly,
        line.planned_period,
        line.actual,
        line.difference,
    )


FLAG_COLUMNS = (
    Column("Rule", 12),
    Column("Title", 32),
    Column("Severity", 14),
    Column("Status", 10),
    Column("Explanation", 60, wrap=True),
    Column("Date", 12),
    Column("Amount", 14),
    Column("Transaction", 40),
)


def flag_row(flag: Flag) -> tuple[object, ...]:
    return (
        flag.rule_id,
        flag.title,
        flag.severity.value,
        flag.status.value,
        flag.explanation,
        flag.transaction_date,
        flag.transaction_amount,
        flag.transaction_description,
    )


TIMESHEET_COLUMNS = (
    Column("Worker", 24),
    Column("From", 12),
    Column("To", 12),
    Column("Hours worked", 14, HOURS_FORMAT),
    Column("Planned hours (own line)", 24, HOURS_FORMAT),
    Column("Timesheet pay", 14),
    Column("Wages paid", 14),
    Column("Hourly rate", 12, MONEY_FORMAT),
    Column("Minimum rate", 13, MONEY_FORMAT),
    Column("Below minimum", 15),
    Column("Note", 48, wrap=True),
)


def timesheet_row(finding: TimesheetFinding) -> tuple[object, ...]:
    return (
        finding.worker,
        finding.period_from,
        finding.period_to,
        finding.hours_worked,
        finding.planned_hours,
        finding.timesheet_pay,
        finding.wages_paid,
        finding.effective_hourly_rate,
        finding.minimum_rate,
        finding.below_minimum,
        finding.note,
    )


PLANNED_HOURS_COLUMNS = (
    Column("Plan line", 40),
    Column("Planned hours", 14, HOURS_FORMAT),
    Column("Hours worked", 14, HOURS_FORMAT),
    Column("Workers", 10),
)

TRANSFER_COLUMNS = (
    Column("Date", 12),
    Column("From account", 20),
    Column("To account", 20),
    Column("Amount", 14),
)


ASK_COLUMNS = (
    Column("Kind", 12),
    Column("Date", 12),
    Column("Amount", 14),
    Column("Transaction", 36),
    Column("What we asked", 60, wrap=True),
    Column("Why", 48, wrap=True),
)


def ask_rows(report: AuditReport) -> list[tuple[object, ...]]:
    """What the letter asks the person for: one item per subject, questions, documents."""
    rows: list[tuple[object, ...]] = [
        ("Question", None, None, "", f"{item.text} {item.ask}".strip(), "") for item in report.items
    ]
    rows += [
        ("Question", q.transaction_date, q.transaction_amount, q.transaction_description, q.text, "")
        for q in report.questions
    ]
    rows += [("Document", None, None, "", d.item, d.why) for d in report.documents_needed]
    return rows


ARITHMETIC_COLUMNS = (Column("Step", 36), Column("Amount", 14), Column("How", 70, wrap=True))
RULE_COLUMNS = (Column("Rule", 12), Column("Title", 48), Column("On", 8))

SHEET_SUMMARY = "Summary"
SHEET_TRANSACTIONS = "Transactions"
SHEET_PLAN = "Plan vs actual"
SHEET_FLAGS = "Flags"
SHEET_TIMESHEETS = "Timesheets"
SHEET_ARITHMETIC = "Surplus arithmetic"
SHEET_RULES = "Rules in force"
SHEET_ASKS = "Questions and documents"
SHEET_HOURS = "Planned hours"
SHEET_TRANSFERS = "Own-account transfers"


def render_workbook(report: AuditReport) -> bytes:
    """The officer's workbook for one audit, summary first."""
    wb = Workbook(write_only=True)
    write_table(wb, SHEET_SUMMARY, SUMMARY_COLUMNS, summary_rows(report))
    write_table(wb, SHEET_TRANSACTIONS, TRANSACTION_COLUMNS, map(transaction_row, report.transactions))
    plan_sheet, plan_count = write_table(wb, SHEET_PLAN, PLAN_COLUMNS, plan_rows(report))
    add_bar_chart(
        plan_sheet,
        title="Planned and actual spend",
        data_columns=(4, 5),
        rows=plan_count,
        anchor="H2",
        y_title="£",
    )
    write_table(wb, SHEET_FLAGS, FLAG_COLUMNS, map(flag_row, report.flags))
    write_table(wb, SHEET_TIMESHEETS, TIMESHEET_COLUMNS, map(timesheet_row, report.timesheet_findings))
    write_table(wb, SHEET_HOURS, PLANNED_HOURS_COLUMNS,
                ((h.line, h.planned_hours, h.worked_hours, h.workers) for h in report.planned_hours))
    write_table(wb, SHEET_TRANSFERS, TRANSFER_COLUMNS,
                ((t.date, t.from_account, t.to_account, t.amount) for t in report.transfers))
    write_table(
        wb,
        SHEET_ARITHMETIC,
        ARITHMETIC_COLUMNS,
        ((step.label, step.amount, step.explanation) for step in report.surplus_steps),
    )
    write_table(wb, SHEET_ASKS, ASK_COLUMNS, ask_rows(report))
    write_table(
        wb,
        SHEET_RULES,
        RULE_COLUMNS,
        ((rule.rule_id, rule.title, rule.on) for rule in report.rules_in_force),
    )
    return workbook_bytes(wb)


# ---------------------------------------------------------------------------- council


def council_summary_rows(summary: CouncilSummary) -> list[tuple[str, object, str]]:
    due = sum(count.due for count in summary.audits_by_tier)
    done = sum(count.done for count in summary.audits_by_tier)
    return [
        ("Council", summary.council_name, ""),
        ("Period from", summary.period_from, ""),
        ("Period to", summary.period_to, ""),
        ("Audits due", due, ""),
        ("Audits done", done, ""),
        ("Surplus proposed", summary.surplus_proposed, "Recovery proposed by audits"),
        ("Surplus agreed", summary.surplus_agreed, "Recovery agreed with the person"),
        ("Surplus held", summary.surplus_held, "Not recovered: unmet need or other reason"),
        ("Indicative budgets", summary.indicative_total, "Sum of early estimates"),
        ("Actual budgets", summary.actual_total, "Sum of approved plans"),
    ]


def render_council_summary(summary: CouncilSummary) -> bytes:
    """Council-wide workbook: audits by tier (with a chart), flags, unmet need, budgets."""
    wb = Workbook(write_only=True)
    write_table(wb, SHEET_SUMMARY, SUMMARY_COLUMNS, council_summary_rows(summary))
    tier_sheet, tiers = write_table(
        wb,
        "Audits by tier",
        (Column("Tier", 14), Column("Due", 10), Column("Done", 10)),
        ((count.tier.value.capitalize(), count.due, count.done) for count in summary.audits_by_tier),
    )
    add_bar_chart(
        tier_sheet,
        title="Audits due and done",
        data_columns=(2, 3),
        rows=tiers,
        anchor="E2",
        y_title="Audits",
    )
    write_table(
        wb,
        "Flags by rule",
        (
            Column("Rule", 12),
            Column("Title", 40),
            Column("Open", 10),
            Column("Cleared", 10),
            Column("Upheld", 10),
            Column("Total", 10),
        ),
        (
            (count.rule_id, count.title, count.open, count.cleared, count.upheld, count.total)
            for count in summary.flags_by_rule
        ),
    )
    write_table(
        wb,
        "Unmet need",
        (Column("Reason", 44), Column("People", 10), Column("Amount", 16)),
        ((need.reason, need.people, need.amount) for need in summary.unmet_need),
    )
    write_table(
        wb,
        "Budgets",
        (
            Column("Reference", 16),
            Column("Indicative budget", 18),
            Column("Actual budget", 16),
            Column("Actual minus indicative", 22),
        ),
        (
            (line.recipient_reference, line.indicative, line.actual, line.difference)
            for line in summary.budgets
        ),
    )
    return workbook_bytes(wb)
