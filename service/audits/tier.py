"""Risk tier: an additive score whose every point has a reason a person can read.

light    nothing is asked of the person: the audit closes with a short letter;
standard specific questions about specific lines (flagged transactions, gaps);
full     the documents needed, as well as the questions.
Weights and thresholds are council settings (``RiskWeights``, ``TierThresholds``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from service.audits.coverage import Gap
from service.audits.inputs import AccountKind, Flag, RiskWeights, TierThresholds, Transaction
from service.audits.money import gbp, whole_floor
from service.audits.words import day_words

Tier = Literal["light", "standard", "full"]
TIER_RANK: dict[str, int] = {"light": 0, "standard": 1, "full": 2}


@dataclass(frozen=True, slots=True)
class RiskSignals:
    """What the score is built from, counted before any weight is applied."""

    unlawful_flags: int = 0
    harmful_flags: int = 0
    local_policy_flags: int = 0
    unbalanced_accounts: int = 0
    statement_gaps: int = 0
    weeks_above_contingency: Decimal = Decimal(0)
    first_audit: bool = False
    account_kinds: tuple[AccountKind, ...] = ()
    prior_findings: bool = False
    wage_mismatches: int = 0


@dataclass(frozen=True, slots=True)
class Reason:
    label: str
    points: int


@dataclass(frozen=True, slots=True)
class TierDecision:
    tier: Tier
    score: int
    reasons: tuple[Reason, ...]
    questions: tuple[str, ...]  # empty for light
    documents: tuple[str, ...]  # only for full


def _counted(count: int, weight: int, one: str, many: str) -> list[Reason]:
    if not count or not weight:
        return []
    return [Reason(f"{count} {one if count == 1 else many}", count * weight)]


def _flag_reasons(s: RiskSignals, w: RiskWeights) -> list[Reason]:
    return [
        *_counted(
            s.unlawful_flags,
            w.unlawful_flag,
            "flag of possibly unlawful spending",
            "flags of possibly unlawful spending",
        ),
        *_counted(
            s.harmful_flags,
            w.harmful_flag,
            "flag of possibly harmful spending",
            "flags of possibly harmful spending",
        ),
        *_counted(s.local_policy_flags, w.local_policy_flag, "local-policy flag", "local-policy flags"),
    ]


def _account_reason(kinds: Sequence[AccountKind], w: RiskWeights) -> list[Reason]:
    """The least visible account sets the points: the council sees prepaid cards online."""
    points = {"bank": w.bank_account, "prepaid": w.prepaid_account, "managed": w.managed_account}
    if not kinds:
        return []
    kind = max(kinds, key=lambda k: points[k])
    if not points[kind]:
        return []
    return [Reason(f"{kind} account", points[kind])]


def _surplus_reason(weeks: Decimal, w: RiskWeights) -> list[Reason]:
    points = min(whole_floor(weeks) * w.surplus_week_above_contingency, w.surplus_points_cap)
    if points <= 0:
        return []
    return [Reason(f"surplus of {weeks} weeks above the contingency", points)]


def score_risk(signals: RiskSignals, weights: RiskWeights) -> tuple[int, tuple[Reason, ...]]:
    """The score is the sum of the reasons' points; nothing else goes into it."""
    reasons = [
        *_flag_reasons(signals, weights),
        *_counted(
            signals.unbalanced_accounts,
            weights.reconciliation_difference,
            "account that does not balance",
            "accounts that do not balance",
        ),
        *_counted(
            signals.statement_gaps,
            weights.statement_gap,
            "gap in the statements",
            "gaps in the statements",
        ),
        *_surplus_reason(signals.weeks_above_contingency, weights),
        *_counted(int(signals.first_audit), weights.first_audit, "first audit", "first audits"),
        *_account_reason(signals.account_kinds, weights),
        *_counted(
            int(signals.prior_findings),
            weights.prior_findings,
            "earlier audit had findings",
            "earlier audits had findings",
        ),
        *_counted(
            signals.wage_mismatches,
            weights.timesheet_mismatch,
            "worker paid differently from the timesheets",
            "workers paid differently from the timesheets",
        ),
    ]
    return sum(r.points for r in reasons), tuple(reasons)


def choose_tier(score: int, thresholds: TierThresholds) -> Tier:
    if score >= thresholds.full_from:
        return "full"
    if score >= thresholds.standard_from:
        return "standard"
    return "light"


@dataclass(frozen=True, slots=True)
class Asks:
    """What the questions and documents are about."""

    flags: tuple[Flag, ...] = ()
    transactions: tuple[Transaction, ...] = ()
    gaps: tuple[Gap, ...] = ()
    other_questions: tuple[str, ...] = ()  # from reconciliation, wages, surplus
    employs_staff: bool = False
    has_invoices: bool = False


def flag_question(flag: Flag, transactions: Sequence[Transaction]) -> str:
    txn = next((t for t in transactions if t.id == flag.transaction_id), None)
    about = f" ({flag.title})" if flag.title else ""
    if txn is None:
        return f"Please tell us about this{about}: what was it for?"
    return (
        f"On {day_words(txn.date)}, {gbp(-txn.amount)} to {txn.description or 'a payee'}"
        f"{about}: please tell us what this was for."
    )


def questions_for(asks: Asks) -> tuple[str, ...]:
    return (
        *(flag_question(f, asks.transactions) for f in asks.flags),
        *(f"There is {g.words}: please upload it." for g in asks.gaps),
        *asks.other_questions,
    )


def documents_for(asks: Asks) -> tuple[str, ...]:
    docs = [f"statement: {g.words}" for g in asks.gaps]
    if asks.employs_staff:
        docs += [
            "timesheets for the period",
            "payslips for the period",
            "proof of payments to HMRC (PAYE and National Insurance)",
            "proof of pension contributions",
            "employer's liability insurance certificate (at least £5m cover)",
        ]
    if asks.has_invoices:
        docs.append("invoices for care and support bought in the period")
    return tuple(docs)


def decide_tier(
    signals: RiskSignals, weights: RiskWeights, thresholds: TierThresholds, asks: Asks,
    proposed_recovery: Decimal = Decimal(0),
) -> TierDecision:
    """The tier from the score, with two limits: money is recovered only after a
    conversation, so a proposed recovery makes the audit at least standard; and a surplus
    alone never makes it full."""
    score, reasons = score_risk(signals, weights)
    tier = choose_tier(score, thresholds)
    surplus_points = sum(r.points for r in _surplus_reason(signals.weeks_above_contingency, weights))
    if tier == "full" and choose_tier(score - surplus_points, thresholds) != "full":
        tier = "standard"
    if proposed_recovery > 0 and tier == "light":
        tier = "standard"
        reasons = (*reasons, Reason(f"a recovery of {gbp(proposed_recovery)} is proposed, "
                                    "which we talk about first", 0))
    questions = questions_for(asks) if tier != "light" else ()
    documents = documents_for(asks) if tier == "full" else ()
    return TierDecision(tier, score, reasons, questions, documents)
