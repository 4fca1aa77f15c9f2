"""``run_audit``: one person's direct payments over one period, from plain data to a result.

Each step lives in its own module and can be called alone; this module wires them
together and records the settings used, so a result can be re-read exactly as decided.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, fields, is_dataclass, replace
from datetime import date
from decimal import Decimal
from typing import Any

from service.audits.coverage import Gap, coverage
from service.audits.findings import Finding
from service.audits.income import Income, MatchedIncome, judge_income, match_income
from service.audits.inputs import (
    CONTRIBUTION,
    COUNCIL_PAYMENT,
    PA_WAGES,
    AuditInputs,
    AuditPeriod,
    Commitment,
    CouncilSettings,
    Flag,
    Transaction,
)
from service.audits.money import ZERO, gbp, total
from service.audits.plan import SpendAgainstPlan, spend_against_plan
from service.audits.reconcile import Reconciliation, explain_by_gaps, in_period, reconcile
from service.audits.surplus import REASON_WORDS, Surplus, SurplusInputs, compute_surplus
from service.audits.tier import Asks, Reason, RiskSignals, Tier, TierDecision, decide_tier
from service.audits.timesheets import TimesheetReview, review_timesheets
from service.audits.transfers import TransferPair, pair_transfers
from service.audits.words import range_words

ENGINE_VERSION = "1"


@dataclass(frozen=True, slots=True)
class AuditResult:
    recipient_id: str
    period: AuditPeriod
    final_audit: bool
    # the summary figures, named as the API and reports name them
    opening_balance: Decimal
    closing_balance: Decimal
    money_in: Decimal
    money_out: Decimal
    reconciliation_difference: Decimal
    contingency: Decimal
    commitments: Decimal
    surplus: Decimal
    proposed_recovery: Decimal
    tier: Tier
    tier_reasons: tuple[Reason, ...]
    gaps: tuple[str, ...]
    flags: tuple[Flag, ...]
    # the working behind them
    weekly_plan_value: Decimal
    council_share: Decimal
    contribution_share: Decimal
    recovery_held: bool
    score: int
    commitment_items: tuple[Commitment, ...]
    reconciliation: Reconciliation
    coverage: tuple[Gap, ...]
    plan: SpendAgainstPlan
    income: Income | None
    surplus_working: Surplus
    timesheets: TimesheetReview
    decision: TierDecision
    findings: tuple[Finding, ...]
    transfers: tuple[TransferPair, ...]
    # what it was decided with
    settings: CouncilSettings
    engine_version: str = ENGINE_VERSION

    def to_dict(self) -> dict[str, Any]:
        plain = to_plain(self)
        assert isinstance(plain, dict)
        return plain

    def to_json(self) -> str:
        """Money as decimal strings ("1234.50"), dates as ISO 8601."""
        return json.dumps(self.to_dict(), ensure_ascii=False, sort_keys=True)


def to_plain(value: Any) -> Any:
    """Dataclasses (with their derived figures) to JSON-ready values; Decimal to str."""
    if value is None or type(value) in _AS_IS:
        return value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [to_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): to_plain(v) for k, v in value.items()}
    names = _NAMES.get(type(value))
    if names is None:
        if not is_dataclass(value) or isinstance(value, type):
            return value
        names = _NAMES[type(value)] = (*(f.name for f in fields(value)), *_derived(type(value)))
    return {name: to_plain(getattr(value, name)) for name in names}


_AS_IS = frozenset({str, int, bool, float})
# Each dataclass's fields, then its derived figures: what its plain form holds, in order.
_NAMES: dict[type, tuple[str, ...]] = {}


def _derived(cls: type) -> list[str]:
    """Properties are figures too (a difference, a shortfall): they belong in the record."""
    return [name for name, attr in vars(cls).items() if isinstance(attr, property)]


def paid_in(transactions: Sequence[Transaction], period: AuditPeriod, category: str) -> Decimal:
    return total(t.amount for t in in_period(transactions, period) if t.category == category and t.amount > 0)


def paid_in_by_category(transactions: Sequence[Transaction], period: AuditPeriod) -> dict[str, Decimal]:
    """``paid_in`` for every category at once: one pass over the lines."""
    start, end = period.start, period.end
    sums: dict[str, Decimal] = {}
    for t in transactions:
        if t.amount > 0 and start <= t.date <= end:
            sums[t.category] = sums.get(t.category, ZERO) + t.amount
    return sums


def known_commitments(inputs: AuditInputs, timesheets: TimesheetReview) -> tuple[Commitment, ...]:
    """Recorded commitments, plus wages owed from timesheets unless already recorded."""
    recorded_wages = {c.worker_id for c in inputs.commitments if c.kind == "wages"}
    owed = [c for c in timesheets.unpaid_wages if c.worker_id not in recorded_wages]
    return (*inputs.commitments, *owed)


def counting_flags(flags: Sequence[Flag], severity: str) -> list[Flag]:
    return [f for f in flags if f.counts and f.severity == severity]


def risk_signals(
    inputs: AuditInputs,
    rec: Reconciliation,
    gaps: Sequence[Gap],
    surplus: Surplus,
    timesheets: TimesheetReview,
) -> RiskSignals:
    broken = rec.unbalanced_accounts
    return RiskSignals(
        unlawful_flags=len(counting_flags(inputs.flags, "unlawful")),
        harmful_flags=len(counting_flags(inputs.flags, "harmful")),
        local_policy_flags=len(counting_flags(inputs.flags, "local_policy")),
        unbalanced_accounts=len(broken),
        statement_gaps=len(gaps),
        weeks_above_contingency=surplus.weeks_above_contingency,
        first_audit=inputs.prior_audits.count == 0,
        account_kinds=tuple(a.kind for a in inputs.accounts),
        prior_findings=inputs.prior_audits.had_findings,
        wage_mismatches=sum(1 for f in timesheets.findings if f.code == "wages_differ_from_timesheets"),
    )


def asks_for(
    inputs: AuditInputs,
    income: Income | None,
    rec: Reconciliation,
    gaps: Sequence[Gap],
    surplus: Surplus,
    timesheets: TimesheetReview,
) -> Asks:
    asked = [f for f in inputs.flags if f.counts and f.severity != "info"]
    asked_about = (*rec.findings, *timesheets.findings, *(income.findings if income else ()))
    others = [
        f"{f.message} Can you help us understand this?" for f in asked_about if f.severity == "question"
    ]
    others += inputs.rule_questions
    if surplus.surplus > 0 and not inputs.final_audit:
        others.append(
            f"There is {gbp(surplus.surplus)} more than the person keeps for contingencies and "
            "known bills. Is any of it already spoken for? If support could not be arranged, "
            "please tell us why."
        )
    employs = bool(inputs.workers) or any(t.category == PA_WAGES for t in inputs.transactions)
    invoices = any(c.kind == "invoice" for c in inputs.commitments)
    return Asks(tuple(asked), inputs.transactions, tuple(gaps), tuple(others), employs, invoices)


def surplus_inputs(
    inputs: AuditInputs,
    closing: Decimal,
    weekly: Decimal,
    commitments: tuple[Commitment, ...],
    income: Income | None,
) -> SurplusInputs:
    paid = paid_in_by_category(inputs.transactions, inputs.period)
    return SurplusInputs(
        closing_balance=closing,
        weekly_plan_value=weekly,
        contingency_weeks=inputs.settings.contingency_weeks,
        commitments=commitments,
        paid_in_advance=income.paid_in_advance if income else ZERO,
        council_paid_in=paid.get(COUNCIL_PAYMENT, ZERO),
        contribution_paid_in=paid.get(CONTRIBUTION, ZERO),
        funding_model=inputs.funding_model,
        final_audit=inputs.final_audit,
        underspend_reasons=inputs.underspend_reasons,
    )


def unseen_dues(inputs: AuditInputs, matched: MatchedIncome | None) -> list[tuple[date, str | None]]:
    """Due dates in the period whose payment no statement line shows, with the account the
    schedule pays into: a stretch without statements that holds one may hide money that came
    and went. A payment seen arriving, even a few days late, accounts for its due date."""
    if matched is None:
        return []
    accounts = {s.account for s in inputs.all_schedules}
    where = accounts.pop() if len(accounts) == 1 else None
    return [(day, where) for day in matched.unpaid_dues()]


def run_audit(inputs: AuditInputs) -> AuditResult:
    period, settings = inputs.period, inputs.settings
    txns, transfers = pair_transfers(inputs.transactions, inputs.accounts)
    inputs = replace(inputs, transactions=txns)
    # payments in are matched to their cycles once: the gaps need the dues none was seen for,
    # and the income check then judges the same matches against the gaps
    matched = match_income(inputs.all_schedules, period, txns, settings.payment_match_days)
    covered = coverage(period, inputs.accounts, inputs.statements, unseen_dues(inputs, matched))
    gaps = covered.gaps
    rec = explain_by_gaps(reconcile(inputs.accounts, period, inputs.statements, txns), gaps, txns)
    plan = spend_against_plan(period, inputs.plan_versions, txns)
    income = judge_income(matched, gaps) if matched is not None else None
    sheets = review_timesheets(
        period,
        inputs.plan_versions,
        inputs.workers,
        inputs.timesheets,
        txns,
        settings,
        inputs.payroll,
    )
    commitments = known_commitments(inputs, sheets)
    surplus = compute_surplus(
        surplus_inputs(inputs, rec.closing_balance, plan.weekly.weekly_value, commitments, income)
    )
    decision = decide_tier(
        risk_signals(inputs, rec, gaps, surplus, sheets),
        settings.risk_weights,
        settings.tier_thresholds,
        asks_for(inputs, income, rec, gaps, surplus, sheets),
        proposed_recovery=surplus.proposed_recovery,
    )
    findings = (
        *rec.findings,
        *covered.notes,
        *plan.findings,
        *(income.findings if income else ()),
        *sheets.findings,
        *(Finding("rule_question", "question", q) for q in inputs.rule_questions),
        *_underspend_findings(inputs),
        *_surplus_findings(surplus),
    )
    return AuditResult(
        recipient_id=inputs.recipient_id,
        period=period,
        final_audit=inputs.final_audit,
        opening_balance=rec.opening_balance,
        closing_balance=rec.closing_balance,
        money_in=rec.money_in,
        money_out=rec.money_out,
        reconciliation_difference=rec.difference,
        contingency=surplus.contingency,
        commitments=surplus.commitments,
        surplus=surplus.surplus,
        proposed_recovery=surplus.proposed_recovery,
        tier=decision.tier,
        tier_reasons=decision.reasons,
        gaps=tuple(g.words for g in gaps),
        flags=inputs.flags,
        weekly_plan_value=plan.weekly.weekly_value,
        council_share=surplus.council_share,
        contribution_share=surplus.contribution_share,
        recovery_held=surplus.held,
        score=decision.score,
        commitment_items=commitments,
        reconciliation=rec,
        coverage=tuple(gaps),
        plan=plan,
        income=income,
        surplus_working=surplus,
        timesheets=sheets,
        decision=decision,
        findings=findings,
        transfers=transfers,
        settings=settings,
    )


def _underspend_findings(inputs: AuditInputs) -> list[Finding]:
    """A recorded reason for not spending (unmet need) is shown, with its dates."""
    found = []
    for r in inputs.underspend_reasons:
        when = f" from {range_words(r.start, r.end)}" if r.start and r.end else ""
        note = f" ({r.note})" if r.note else ""
        found.append(Finding("underspend_reason", "info",
                             f"Recorded reason for spending less{when}: {REASON_WORDS[r.reason]}{note}."))
    return found


def _surplus_findings(surplus: Surplus) -> list[Finding]:
    if not surplus.held:
        return []
    return [Finding("recovery_held", "info", surplus.held_reason.capitalize() + ".", surplus.council_share)]
