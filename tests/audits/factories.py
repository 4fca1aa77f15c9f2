"""Small builders for audit inputs: a sensible person, overridden by keyword per test.

The default person: one bank account; a plan of £1,300.00 every 4 weeks (= £325.00 a
week: £300.00 personal assistant + £25.00 day activities); the council pays £1,300.00
every 4 weeks from Monday 6 April 2026 (6 Apr, 4 May, 1 Jun; the next is 29 Jun); the
audit period is 6 April to 28 June 2026 (84 days = 12 weeks); one earlier audit.
Contingency is 8 weeks x £325.00 = £2,600.00.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any

from service.audits.inputs import (
    Account,
    AuditInputs,
    AuditPeriod,
    PaymentSchedule,
    PlanLine,
    PlanVersion,
    PriorAudits,
    Statement,
    Transaction,
)

START = date(2026, 4, 6)
END = date(2026, 6, 28)
PA_LINE = PlanLine(
    "pa",
    "pa_wages",
    "Personal assistant",
    Decimal("300.00"),
    "week",
    Decimal("24"),
    Decimal("12.50"),
)
ACTIVITY_LINE = PlanLine("act", "day_activities", "Day activities", Decimal("25.00"), "week")


def d(text: str) -> date:
    return date.fromisoformat(text)


def m(text: str) -> Decimal:
    return Decimal(text)


def txn(id: str, day: str, amount: str, category: str = "", **kw: Any) -> Transaction:
    return Transaction(
        id=id,
        account=kw.pop("account", "A1"),
        date=d(day),
        amount=m(amount),
        category=category,
        **kw,
    )


def plan(amount: str = "1300.00", period: Any = "four_weeks", **kw: Any) -> PlanVersion:
    return PlanVersion(
        effective_from=kw.get("effective_from", START),
        effective_to=kw.get("effective_to"),
        period=period,
        period_amount=m(amount),
        lines=kw.get("lines", (PA_LINE, ACTIVITY_LINE)),
        id=kw.get("id", "v1"),
    )


def schedule(council: str = "1300.00", contribution: str = "0.00", **kw: Any) -> PaymentSchedule:
    return PaymentSchedule(
        m(council),
        m(contribution),
        kw.get("frequency", "four_weeks"),
        kw.get("first", START),
        kw.get("model", "net"),
    )


def statement(
    opening: str | None,
    closing: str | None,
    start: date = START,
    end: date = END,
    account: str = "A1",
    upload: str = "S1",
) -> Statement:
    return Statement(
        account,
        start,
        end,
        None if opening is None else m(opening),
        None if closing is None else m(closing),
        upload,
    )


def ordinary_quarter(council: str = "1300.00", contribution: str = "0.00") -> list[Transaction]:
    """Three 4-weekly payments in (£3,900.00), wages and activities out (£3,900.00)."""
    txns: list[Transaction] = []
    for n, (paid, wages) in enumerate(
        [("2026-04-06", "2026-05-01"), ("2026-05-04", "2026-05-29"), ("2026-06-01", "2026-06-26")]
    ):
        txns.append(txn(f"c{n}", paid, council, "council_payment"))
        if m(contribution):
            txns.append(txn(f"k{n}", paid, contribution, "contribution"))
        txns.append(txn(f"w{n}", wages, "-1200.00", "pa_wages", description="J SMITH WAGES"))
        txns.append(txn(f"a{n}", wages, "-100.00", "day_activities", description="DAY CENTRE"))
    return txns


def inputs(**kw: Any) -> AuditInputs:
    base = AuditInputs(
        recipient_id="R1",
        period=AuditPeriod(START, END),
        accounts=(Account("A1", "bank"),),
        plan_versions=(plan(),),
        schedule=schedule(),
        prior_audits=PriorAudits(count=1, last_audit_end=d("2026-04-05")),
    )
    return replace(base, **kw)
