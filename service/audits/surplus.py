"""Surplus and proposed recovery, with every step of the arithmetic shown.

surplus = closing balance - contingency (weeks x weekly plan value) - known commitments
          - money paid in advance for the next period
The surplus splits into a council share (recoverable) and a contribution share (the
person's) in proportion to what each paid in over the period; under the gross model the
council paid everything. The proposal is never negative, and is held (proposed £0.00,
with the reason) when an underspend reason says so. A final audit keeps no contingency
and nothing is paid in advance for a period that will not come.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from service.audits.inputs import Commitment, FundingModel, UnderspendReason
from service.audits.money import ZERO, Step, gbp, pennies, total

REASON_WORDS = {
    "could_not_recruit": "could not recruit a personal assistant",
    "hospital_stay": "a stay in hospital",
    "provider_let_down": "a provider let the person down",
    "other": "another reason",
}


@dataclass(frozen=True, slots=True)
class SurplusInputs:
    closing_balance: Decimal
    weekly_plan_value: Decimal
    contingency_weeks: int
    commitments: tuple[Commitment, ...]
    paid_in_advance: Decimal
    council_paid_in: Decimal
    contribution_paid_in: Decimal
    funding_model: FundingModel
    final_audit: bool
    underspend_reasons: tuple[UnderspendReason, ...] = ()


@dataclass(frozen=True, slots=True)
class Surplus:
    contingency: Decimal
    commitments: Decimal
    paid_in_advance: Decimal  # as deducted (zero on a final audit)
    surplus: Decimal  # may be negative: the balance does not cover what it must
    weeks_above_contingency: Decimal  # surplus / weekly plan value, 2 places
    council_share: Decimal
    contribution_share: Decimal
    proposed_recovery: Decimal
    held: bool
    held_reason: str
    steps: tuple[Step, ...]


def contingency_for(weeks: int, weekly_value: Decimal, final_audit: bool) -> Step:
    if final_audit:
        return Step(
            "Less contingency",
            ZERO,
            "final audit: the direct payment has ended, so no contingency is kept",
        )
    amount = weeks * weekly_value
    return Step(
        "Less contingency",
        -amount,
        f"{weeks} weeks x {gbp(weekly_value)} a week (the weekly plan value)",
    )


def commitment_steps(commitments: Sequence[Commitment]) -> list[Step]:
    return [Step("Less money already owed", -c.amount, c.description) for c in commitments]


def advance_step(paid_in_advance: Decimal, final_audit: bool) -> Step | None:
    if not paid_in_advance or final_audit:
        return None
    return Step(
        "Less money paid in advance",
        -paid_in_advance,
        "payments received before the period ended for the next period",
    )


def council_share_of(
    surplus: Decimal, council_in: Decimal, contribution_in: Decimal, model: FundingModel
) -> tuple[Decimal, str]:
    """The council's part of a positive surplus, and how it was worked out."""
    paid_in = council_in + contribution_in
    if model == "gross" or not contribution_in or not paid_in:
        why = (
            "gross model: the council paid everything"
            if model == "gross"
            else "the council paid everything in"
        )
        return surplus, why
    share = pennies(surplus * council_in / paid_in)
    return share, (
        f"{gbp(surplus)} x council paid in {gbp(council_in)} / all paid in {gbp(paid_in)}, to the penny"
    )


def hold_reason(reasons: Sequence[UnderspendReason]) -> str:
    holding = [r for r in reasons if r.hold_recovery]
    if not holding:
        return ""
    words = "; ".join(REASON_WORDS[r.reason] + (f" ({r.note})" if r.note else "") for r in holding)
    return f"held: the underspend is explained by {words}"


def compute_surplus(inputs: SurplusInputs) -> Surplus:
    contingency = contingency_for(inputs.contingency_weeks, inputs.weekly_plan_value, inputs.final_audit)
    deductions = [contingency, *commitment_steps(inputs.commitments)]
    advance = advance_step(inputs.paid_in_advance, inputs.final_audit)
    deductions += [advance] if advance else []
    opening = Step(
        "Closing balance",
        inputs.closing_balance,
        "the balance of all the person's direct-payment accounts at the period's end",
    )
    surplus = inputs.closing_balance + total(s.amount for s in deductions)
    steps = [opening, *deductions, Step("Surplus", surplus, _surplus_words(surplus))]
    council, contribution, split_steps = _split(surplus, inputs)
    held = hold_reason(inputs.underspend_reasons)
    recovery, recovery_step = _recovery(council, held)
    return Surplus(
        -contingency.amount,
        total(c.amount for c in inputs.commitments),
        -advance.amount if advance else ZERO,
        surplus,
        _weeks(surplus, inputs.weekly_plan_value),
        council,
        contribution,
        recovery,
        bool(held) and council > 0,
        held,
        tuple([*steps, *split_steps, recovery_step]),
    )


def _surplus_words(surplus: Decimal) -> str:
    if surplus > 0:
        return "closing balance less everything above"
    return "closing balance less everything above: nothing is left over"


def _split(surplus: Decimal, inputs: SurplusInputs) -> tuple[Decimal, Decimal, list[Step]]:
    if surplus <= 0:
        return ZERO, ZERO, []
    council, why = council_share_of(
        surplus, inputs.council_paid_in, inputs.contribution_paid_in, inputs.funding_model
    )
    contribution = surplus - council
    return (
        council,
        contribution,
        [
            Step("Council share", council, why),
            Step(
                "Contribution share",
                contribution,
                f"{gbp(surplus)} - {gbp(council)}: the person's own money, not recovered",
            ),
        ],
    )


def _recovery(council_share: Decimal, held: str) -> tuple[Decimal, Step]:
    if council_share <= 0:
        return ZERO, Step("Proposed recovery", ZERO, "no surplus above what the person keeps")
    if held:
        return ZERO, Step(
            "Proposed recovery", ZERO, f"{held}; {gbp(council_share)} would otherwise be proposed"
        )
    return council_share, Step(
        "Proposed recovery", council_share, "the council share, to agree with the person first"
    )


def _weeks(surplus: Decimal, weekly: Decimal) -> Decimal:
    if surplus <= 0 or weekly <= 0:
        return ZERO
    return pennies(surplus / weekly)
