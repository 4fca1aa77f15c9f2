"""Pure writers: an audit report model in, XLSX / HTML / PDF bytes out. Never imports service/.

    from reports import AuditReport, render_workbook, render_letter_html, render_letter_pdf

The PDF writer imports WeasyPrint only when called, so importing this package stays fast.
"""

from reports.letter import render_letter_html, render_letter_pdf, render_letter_pdfs
from reports.model import (
    ArithmeticStep,
    AuditReport,
    AuditStatus,
    BudgetComparison,
    CouncilContact,
    CouncilSummary,
    CoverageGap,
    Decision,
    DocumentRequest,
    Flag,
    FlagCount,
    FlagStatus,
    Holder,
    LetterItem,
    PlanLine,
    PlannedHours,
    Question,
    RuleInForce,
    Severity,
    Tier,
    TierCount,
    TierReason,
    TimesheetFinding,
    Transaction,
    TransferPair,
    UnderspendNote,
    UnmetNeed,
)
from reports.summary import audit_report_json, council_summary_json
from reports.xlsx import render_council_summary, render_workbook

__all__ = [
    "ArithmeticStep",
    "AuditReport",
    "AuditStatus",
    "BudgetComparison",
    "CouncilContact",
    "CouncilSummary",
    "CoverageGap",
    "Decision",
    "DocumentRequest",
    "Flag",
    "FlagCount",
    "FlagStatus",
    "Holder",
    "LetterItem",
    "PlanLine",
    "PlannedHours",
    "Question",
    "RuleInForce",
    "Severity",
    "Tier",
    "TierCount",
    "TierReason",
    "TimesheetFinding",
    "Transaction",
    "TransferPair",
    "UnderspendNote",
    "UnmetNeed",
    "audit_report_json",
    "council_summary_json",
    "render_council_summary",
    "render_letter_html",
    "render_letter_pdf",
    "render_letter_pdfs",
    "render_workbook",
]
