"""Fixed, realistic reports: a clean light audit, a standard one with questions, a full one.

Every figure adds up (opening + in - out = closing; closing - contingency - commitments =
surplus) so a test that checks one figure against another checks real arithmetic.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

from reports.model import (
    ArithmeticStep,
    AuditReport,
    BudgetComparison,
    CouncilSummary,
    CoverageGap,
    DocumentRequest,
    Flag,
    FlagCount,
    PlanLine,
    Question,
    RuleInForce,
    TierCount,
    TierReason,
    TimesheetFinding,
    Transaction,
    UnmetNeed,
)

HOSTILE_PAYEES = ('=HYPERLINK("http://evil","x")', "+cmd", "@SUM(1)", "-2+3", "\tTAB")

RULES = (
    RuleInForce("L1", "Paying a partner or close relative in the household", True),
    RuleInForce("L2", "Paying less than the minimum wage", True),
    RuleInForce("H1", "Gambling", True),
    RuleInForce("H2", "High-cost credit", True),
    RuleInForce("H3", "Tobacco", True),
    RuleInForce("P1", "Alcohol-only shops and bars", False),
)


def _transactions() -> tuple[Transaction, ...]:
    def tx(day: date, text: str, amount: str, code: str, label: str, reason: str, *flags: str) -> Transaction:
        return Transaction(day, "DP-0042", text, D(amount), code, label, reason, flags)

    return (
        tx(
            date(2025, 4, 1),
            "NORTHSHIRE CC DP",
            "1560.00",
            "council_payment",
            "Council payment",
            "Matches the payment schedule",
        ),
        tx(
            date(2025, 4, 4),
            "J SMITH WAGES",
            "-624.00",
            "pa_wages",
            "PA wages",
            "Payee matches worker Jane Smith",
        ),
        tx(date(2025, 4, 18), "HMRC PAYE", "-48.20", "hmrc", "HMRC (PAYE/NI)", "Payee is HMRC"),
        tx(
            date(2025, 5, 1),
            "NORTHSHIRE CC DP",
            "1560.00",
            "council_payment",
            "Council payment",
            "Matches the payment schedule",
        ),
        tx(
            date(2025, 5, 2),
            "J SMITH WAGES",
            "-624.00",
            "pa_wages",
            "PA wages",
            "Payee matches worker Jane Smith",
        ),
        tx(
            date(2025, 5, 9),
            "CINEWORLD",
            "-24.50",
            "flexible",
            "Flexible use",
            "Not in the plan; shown, not flagged",
        ),
        tx(
            date(2025, 6, 1),
            "NORTHSHIRE CC DP",
            "1560.00",
            "council_payment",
            "Council payment",
            "Matches the payment schedule",
        ),
        tx(
            date(2025, 6, 6),
            "J SMITH WAGES",
            "-624.00",
            "pa_wages",
            "PA wages",
            "Payee matches worker Jane Smith",
        ),
        tx(
            date(2025, 6, 20),
            "DAY CENTRE LTD",
            "-189.30",
            "day_activities",
            "Day activities",
            "Plan line: day centre",
        ),
    )


def money_figures(transactions: tuple[Transaction, ...]) -> dict[str, object]:
    """The summary figures worked out from the transactions, as the service would."""
    money_in = sum((t.amount for t in transactions if t.amount > 0), D("0.00"))
    money_out = -sum((t.amount for t in transactions if t.amount < 0), D("0.00"))
    opening = D("2150.00")
    closing = opening + money_in - money_out
    weekly = D("360.00")
    contingency = weekly * 8
    commitments = D("624.00")
    surplus = closing - contingency - commitments
    return dict(
        opening_balance=opening,
        closing_balance=closing,
        money_in=money_in,
        money_out=money_out,
        reconciliation_difference=D("0.00"),
        contingency=contingency,
        contingency_weeks=8,
        weekly_plan_value=weekly,
        commitments=commitments,
        surplus=surplus,
        council_share=surplus,
        contribution_share=D("0.00"),
        proposed_recovery=surplus,
        transactions=transactions,
        surplus_steps=(
            ArithmeticStep("Closing balance", closing, "From the last statement"),
            ArithmeticStep("Contingency", -contingency, "8 weeks at £360.00 a week"),
            ArithmeticStep("Commitments", -commitments, "Wages due on 4 July"),
            ArithmeticStep("Surplus", surplus, "What is left"),
        ),
    )


def light_report() -> AuditReport:
    """A clean account: nothing to ask, a short letter, some money above what may be kept."""
    return AuditReport(
        council_name="Northshire County Council",
        recipient_name="Alex Taylor",
        recipient_reference="DP-0042",
        period_from=date(2025, 4, 1),
        period_to=date(2025, 6, 30),
        audit_kind="12-week check",
        tier="light",
        tier_reasons=(
            TierReason("Statements cover the whole period", 0),
            TierReason("The balance agrees with the statements", 0),
            TierReason("No flags", 0),
        ),
        **money_figures(_transactions()),  # type: ignore[arg-type]
        plan_lines=(
            PlanLine("PA support, 16 hours a week", "PA wages", D("312.00"), D("4056.00"), D("1872.00")),
            PlanLine("HMRC", "HMRC (PAYE/NI)", D("12.00"), D("156.00"), D("48.20")),
            PlanLine("Day centre", "Day activities", D("36.00"), D("468.00"), D("189.30")),
        ),
        flexible_use_total=D("24.50"),
        rules_in_force=RULES,
        issued_on=date(2025, 7, 14),
        council_contact="call 0300 123 4567 or email dp@northshire.example",
    )


def standard_report() -> AuditReport:
    """A few open flags (one on a hostile payee name) and specific questions."""
    base = light_report()
    hostile = tuple(
        Transaction(
            date(2025, 5, 20),
            "DP-0042",
            payee,
            D("-10.00"),
            "flexible",
            "Flexible use",
            "Not in the plan; shown, not flagged",
        )
        for payee in HOSTILE_PAYEES
    )
    bet = Transaction(
        date(2025, 5, 23),
        "DP-0042",
        "SKYBET",
        D("-40.00"),
        "gambling",
        "Gambling",
        "Merchant is a betting company",
        ("H1",),
    )
    return _replace(
        base,
        tier="standard",
        tier_reasons=(
            TierReason("A payment to a betting company", 3),
            TierReason("Pay below the minimum wage in one month", 4),
        ),
        **money_figures((*base.transactions, *hostile, bet)),
        flexible_use_total=base.flexible_use_total + D("10.00") * len(hostile),
        flags=(
            Flag(
                "H1",
                "Gambling",
                "harmful",
                "open",
                "This payment went to a betting company. It may have been a mistake.",
                bet.date,
                bet.amount,
                bet.description,
            ),
            Flag(
                "L2",
                "Paying less than the minimum wage",
                "unlawful",
                "open",
                "Jane Smith was paid £11.70 an hour in April. The lowest rate is £12.21.",
            ),
        ),
        timesheet_findings=(
            TimesheetFinding(
                "Jane Smith",
                date(2025, 4, 1),
                date(2025, 4, 30),
                D("53.33"),
                D("64.00"),
                D("624.00"),
                D("624.00"),
                D("11.70"),
                D("12.21"),
                "Paid below the minimum wage for 21 and over",
            ),
            TimesheetFinding(
                "Jane Smith",
                date(2025, 5, 1),
                date(2025, 5, 31),
                D("48.00"),
                D("64.00"),
                D("624.00"),
                D("624.00"),
                D("13.00"),
                D("12.21"),
            ),
        ),
        questions=(
            Question("What was this payment for?", bet.date, bet.amount, bet.description),
            Question("How many hours did Jane work in April?"),
        ),
        next_steps="We will read your answers. Then we will write to you again.",
    )


def full_report() -> AuditReport:
    """A gap in the statements and a difference that does not add up: documents needed."""
    base = standard_report()
    return _replace(
        base,
        tier="full",
        tier_reasons=(*base.tier_reasons, TierReason("No statement for part of the period", 5)),
        gaps=(CoverageGap(date(2025, 5, 10), date(2025, 5, 31)),),
        reconciliation_difference=D("12.40"),
        contribution_share=D("100.00"),
        council_share=base.surplus - D("100.00"),
        proposed_recovery=base.surplus - D("100.00"),
        recovery_held=True,
        recovery_held_reason="you could not find a PA for six weeks",
        documents_needed=(
            DocumentRequest("Your bank statement from 10 May to 31 May 2025", "We do not have it yet."),
            DocumentRequest("Jane Smith's payslips for April and May 2025"),
        ),
    )


def council_summary() -> CouncilSummary:
    return CouncilSummary(
        council_name="Northshire County Council",
        period_from=date(2025, 4, 1),
        period_to=date(2026, 3, 31),
        audits_by_tier=(
            TierCount("light", 410, 388),
            TierCount("standard", 95, 80),
            TierCount("full", 21, 15),
        ),
        surplus_proposed=D("182340.55"),
        surplus_agreed=D("150020.10"),
        surplus_held=D("22310.00"),
        flags_by_rule=(
            FlagCount("H1", "Gambling", open=2, cleared=9, upheld=1),
            FlagCount("L2", "Paying less than the minimum wage", open=1, upheld=4),
        ),
        unmet_need=(
            UnmetNeed("Could not recruit a PA", 31, D("48210.00")),
            UnmetNeed("In hospital", 12, D("9120.45")),
        ),
        budgets=(
            BudgetComparison("DP-0042", D("18720.00"), D("19240.00")),
            BudgetComparison("DP-0043", D("9360.00"), D("8840.50")),
        ),
    )


def _replace(report: AuditReport, **changes: object) -> AuditReport:
    from dataclasses import replace

    return replace(report, **changes)  # type: ignore[arg-type]
