"""When the next review is due, and which due audits to look at first.

The first review comes a council-set number of weeks after the first payment (default
12) and never later than 6 months after it; later reviews at most 12 months after the
last audit's end (Care and Support (Direct Payments) Regulations 2014, reg 7).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from service.audits.income import add_months
from service.audits.inputs import CouncilSettings
from service.audits.tier import TIER_RANK, Tier

FIRST_REVIEW_LIMIT_MONTHS = 6
REVIEW_LIMIT_MONTHS = 12


def next_review_due(
    first_payment: date,
    last_audit_end: date | None = None,
    first_review_weeks: int = 12,
    review_interval_months: int = 12,
) -> date:
    if last_audit_end is None:
        council_choice = first_payment + timedelta(weeks=first_review_weeks)
        return min(council_choice, add_months(first_payment, FIRST_REVIEW_LIMIT_MONTHS))
    months = min(review_interval_months, REVIEW_LIMIT_MONTHS)
    return add_months(last_audit_end, months)


def next_review_for(
    settings: CouncilSettings, first_payment: date, last_audit_end: date | None = None
) -> date:
    """The same, with the council's own first-review weeks and interval."""
    return next_review_due(
        first_payment, last_audit_end, settings.first_review_weeks, settings.review_interval_months
    )


@dataclass(frozen=True, slots=True)
class DueItem:
    recipient_id: str
    due: date
    tier: Tier
    score: int


def riskiest_first(items: Sequence[DueItem]) -> list[DueItem]:
    """Highest tier, then highest score, then the longest overdue; ties by recipient id."""
    return sorted(items, key=lambda i: (-TIER_RANK[i.tier], -i.score, i.due, i.recipient_id))
