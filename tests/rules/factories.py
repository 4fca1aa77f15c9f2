"""Small builders with keyword overrides for rule-engine tests."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from service.rules import PaymentSchedule, PlanContext, PlanLine, Txn, Worker

DAY = dt.date(2025, 6, 2)


def txn(description: str, amount: str = "-100.00", **kw) -> Txn:
    return Txn(kw.pop("date", DAY), Decimal(amount), description, **kw)


def worker(**kw) -> Worker:
    fields = {"ref": "w1", "name": "Jane Smith"} | kw
    return Worker(**fields)


def context(**kw) -> PlanContext:
    fields = {
        "plan_lines": (
            PlanLine("L1", "pa_wages"),
            PlanLine("L2", "agency_care", payee="Bluebird Care Kendal"),
            PlanLine("L3", "transport"),
        ),
        "workers": (worker(),),
        "schedule": PaymentSchedule(
            council_amount=Decimal("1240.00"), contribution_amount=Decimal("85.00"),
            council_payers=("Westmorland and Furness Council",),
            contribution_payers=("Mr A Brown",)),
        "own_accounts": ("20-11-22 41234567",),
    } | kw
    return PlanContext(**fields)
