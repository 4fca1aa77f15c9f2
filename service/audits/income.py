"""Income: what the payment schedule says should have come in, against what did.

Each expected payment is matched to the nearest unmatched payment of its kind within a
few days of its due date. A payment that arrived inside the audit period for a due date
after it is money paid in advance for the next period: it is not surplus.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from service.audits.findings import Finding
from service.audits.inputs import (
    CONTRIBUTION,
    COUNCIL_PAYMENT,
    AuditPeriod,
    PaymentFrequency,
    PaymentSchedule,
    Transaction,
)
from service.audits.money import ZERO, gbp, total
from service.audits.words import day_words


def add_months(day: date, months: int) -> date:
    """Same day of the month, or the month's last day when it is shorter."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def due_dates(first: date, frequency: PaymentFrequency, until: date) -> Iterator[date]:
    """Due dates from the first payment up to and including ``until``."""
    count = 0
    while True:
        if frequency == "month":
            due = add_months(first, count)
        else:
            due = first + timedelta(days=count * (7 if frequency == "week" else 28))
        if due > until:
            return
        yield due
        count += 1


def match_window(frequency: PaymentFrequency, setting_days: int) -> int:
    """Never so wide that one payment could be taken for the next week's."""
    return min(setting_days, 3) if frequency == "week" else setting_days


@dataclass(frozen=True, slots=True)
class PaymentMatch:
    due: date
    amount_due: Decimal
    transaction_id: str | None  # None: not received
    received: Decimal


@dataclass(frozen=True, slots=True)
class IncomeStream:
    """Council payments, or contributions, over the audit period."""

    kind: str  # COUNCIL_PAYMENT or CONTRIBUTION
    expected: Decimal  # due inside the period
    received: Decimal  # arrived inside the period, whatever it was for
    paid_in_advance: Decimal  # arrived inside the period for a due date after it
    matches: tuple[PaymentMatch, ...]
    unexpected: tuple[str, ...]  # transaction ids matched to no due date

    @property
    def missed(self) -> tuple[PaymentMatch, ...]:
        return tuple(m for m in self.matches if m.transaction_id is None)

    @property
    def shortfall(self) -> Decimal:
        """What was due in the period and did not arrive (never negative)."""
        return max(ZERO, self.expected - (self.received - self.paid_in_advance))


@dataclass(frozen=True, slots=True)
class Income:
    council: IncomeStream
    contribution: IncomeStream
    funding_model: str
    findings: tuple[Finding, ...]

    @property
    def paid_in_advance(self) -> Decimal:
        return self.council.paid_in_advance + self.contribution.paid_in_advance


def income_stream(
    kind: str,
    amount: Decimal,
    schedule: PaymentSchedule,
    period: AuditPeriod,
    transactions: Sequence[Transaction],
    window_days: int,
) -> IncomeStream:
    paid = [t for t in transactions if t.category == kind and t.amount > 0 and period.contains(t.date)]
    return _income_stream(kind, amount, schedule, period, paid, window_days)


def _income_stream(
    kind: str,
    amount: Decimal,
    schedule: PaymentSchedule,
    period: AuditPeriod,
    paid: Sequence[Transaction],
    window_days: int,
) -> IncomeStream:
    """``income_stream`` given the payments of its kind received in the period, in order."""
    window = match_window(schedule.frequency, window_days)
    horizon = period.end + timedelta(days=window)
    dues = (
        [
            d
            for d in due_dates(schedule.first_payment_date, schedule.frequency, horizon)
            if d >= period.start - timedelta(days=window)
        ]
        if amount
        else []
    )
    matches, used = _match(dues, amount, paid, window)
    in_period = [m for m in matches if period.contains(m.due)]
    advance = total(m.received for m in matches if m.due > period.end)
    return IncomeStream(
        kind,
        total(m.amount_due for m in in_period),
        total(t.amount for t in paid),
        advance,
        tuple(in_period),
        tuple(t.id for t in paid if t.id not in used),
    )


def _match(
    dues: Sequence[date], amount: Decimal, paid: Sequence[Transaction], window: int
) -> tuple[list[PaymentMatch], set[str]]:
    used: set[str] = set()
    matches: list[PaymentMatch] = []
    for due in dues:
        near = [t for t in paid if t.id not in used and abs((t.date - due).days) <= window]
        best = min(near, key=lambda t: abs((t.date - due).days), default=None)
        if best is None:
            matches.append(PaymentMatch(due, amount, None, ZERO))
            continue
        used.add(best.id)
        matches.append(PaymentMatch(due, amount, best.id, best.amount))
    return matches, used


def check_income(
    schedule: PaymentSchedule | None,
    period: AuditPeriod,
    transactions: Sequence[Transaction],
    window_days: int = 7,
) -> Income | None:
    """None when there is no schedule to check against."""
    if schedule is None:
        return None
    contribution = schedule.contribution_amount if schedule.funding_model == "net" else ZERO
    paid: dict[str, list[Transaction]] = {COUNCIL_PAYMENT: [], CONTRIBUTION: []}
    start, end = period.start, period.end
    for t in transactions:  # one pass for both streams
        if t.category in paid and t.amount > 0 and start <= t.date <= end:
            paid[t.category].append(t)
    council = _income_stream(
        COUNCIL_PAYMENT, schedule.council_amount, schedule, period, paid[COUNCIL_PAYMENT], window_days
    )
    contrib = _income_stream(CONTRIBUTION, contribution, schedule, period, paid[CONTRIBUTION], window_days)
    findings = [
        *_council_findings(council),
        *_contribution_findings(contrib),
        *_advance_findings(council, contrib),
    ]
    return Income(council, contrib, schedule.funding_model, tuple(findings))


def _council_findings(stream: IncomeStream) -> list[Finding]:
    return [
        Finding(
            "missed_council_payment",
            "info",
            f"The council payment of {gbp(m.amount_due)} due on {day_words(m.due)} has not "
            "been seen on the statements. This is for the council to check, not the person.",
            m.amount_due,
        )
        for m in stream.missed
    ]


def _contribution_findings(stream: IncomeStream) -> list[Finding]:
    if not stream.shortfall:
        return []
    return [
        Finding(
            "contribution_arrears",
            "question",
            f"Contributions due in the period: {gbp(stream.expected)}; paid in: "
            f"{gbp(stream.received - stream.paid_in_advance)}; "
            f"{gbp(stream.shortfall)} is outstanding.",
            stream.shortfall,
        )
    ]


def _advance_findings(*streams: IncomeStream) -> list[Finding]:
    advance = total(s.paid_in_advance for s in streams)
    if not advance:
        return []
    return [
        Finding(
            "paid_in_advance",
            "info",
            f"{gbp(advance)} arrived before the period ended for payments due after it; "
            "it belongs to the next period and is not counted as surplus.",
            advance,
        )
    ]
