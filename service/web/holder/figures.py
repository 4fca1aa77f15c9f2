"""What the holder's home shows for each person: the money now, and what it is for.

The money now is each account's balance at the end of its latest statement. What it is for
is the plan, line by line, with what was planned and spent in the plan period the latest
statement reaches: the same ``spend_against_plan`` an audit runs, on the same inputs.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select

from service.audits.inputs import AuditPeriod, PlanVersion
from service.audits.loading import load_audit_inputs
from service.audits.plan import spend_against_plan, version_on
from service.audits.transfers import pair_transfers
from service.core.deps import Ctx
from service.core.scope import scoped_select
from service.core.types import today_uk
from service.models import Account, Recipient, Upload
from service.people.context import load_person

ACCOUNT_WORDS = {"bank": "Bank account", "prepaid": "Prepaid card", "managed": "Managed account"}


@dataclass(frozen=True, slots=True)
class Balance:
    account: Account
    name: str  # "Bank account at Demo Bank, ending 4321"
    amount: Decimal | None  # None: no statement with a balance yet
    on: date | None


@dataclass(frozen=True, slots=True)
class PlanRow:
    description: str
    planned: Decimal
    spent: Decimal


@dataclass(frozen=True, slots=True)
class PlanPeriod:
    start: date
    end: date
    known_to: date | None  # the last day the statements show, inside the period
    rows: tuple[PlanRow, ...]
    flexible_use: Decimal


def accounts_of(ctx: Ctx, recipient: Recipient) -> list[Account]:
    return list(ctx.session.scalars(scoped_select(ctx, Account)
                                    .where(Account.recipient_id == recipient.id).order_by(Account.id)))


def account_name(account: Account) -> str:
    words = ACCOUNT_WORDS.get(account.kind, "Account")
    if account.institution:
        words += f" at {account.institution}"
    digits = "".join(ch for ch in account.masked_number or "" if ch.isdigit())
    return words + (f", ending {digits[-4:]}" if digits else "")


def balances(ctx: Ctx, accounts: list[Account]) -> list[Balance]:
    """Each account's balance at the end of its latest statement (or provider batch)."""
    found = []
    for account in accounts:
        latest = ctx.session.execute(
            select(Upload.closing_balance, Upload.period_end)
            .where(Upload.account_id == account.id, Upload.kind.in_(("statement", "batch")),
                   Upload.status == "imported", Upload.closing_balance.is_not(None),
                   Upload.period_end.is_not(None))
            .order_by(Upload.period_end.desc(), Upload.id.desc()).limit(1)).first()
        amount, on = (latest.closing_balance, latest.period_end) if latest else (None, None)
        found.append(Balance(account, account_name(account), amount, on))
    return found


def plan_period_around(version: PlanVersion, day: date) -> tuple[date, date]:
    """The plan period (a week, 4 weeks, a calendar month or a year) that holds ``day``."""
    start = version.effective_from
    if version.period in ("week", "four_weeks"):
        length = 7 if version.period == "week" else 28
        start += timedelta(days=(day - start).days // length * length)
        end = start + timedelta(days=length - 1)
    elif version.period == "month":
        start = max(start, day.replace(day=1))
        end = day.replace(day=calendar.monthrange(day.year, day.month)[1])
    else:
        start = _anniversary(start, day.year if _anniversary(start, day.year) <= day else day.year - 1)
        end = _anniversary(start, start.year + 1) - timedelta(days=1)
    if version.effective_to is not None:
        end = min(end, version.effective_to)
    return start, end


def _anniversary(first: date, year: int) -> date:
    return first.replace(year=year, day=min(first.day, calendar.monthrange(year, first.month)[1]))


def plan_this_period(ctx: Ctx, recipient: Recipient, known_to: date | None) -> PlanPeriod | None:
    """Planned and spent for each plan line in the plan period the statements reach
    (today's when there are none); None when no approved plan is in force then."""
    day = known_to or today_uk()
    versions, _line_ids = load_person(ctx.session, recipient.id).audit_plans()
    version = version_on(day, versions)
    if version is None:
        return None
    start, end = plan_period_around(version, day)
    period = AuditPeriod(start, end)
    inputs = load_audit_inputs(ctx.session, recipient, period).inputs
    paired, _transfers = pair_transfers(inputs.transactions, inputs.accounts)
    spend = spend_against_plan(period, inputs.plan_versions, paired)
    rows = tuple(PlanRow(line.description, line.planned, line.actual) for line in spend.lines
                 if line.planned or line.actual)
    return PlanPeriod(start, end, known_to if known_to and start <= known_to <= end else None,
                      rows, spend.flexible_use)
