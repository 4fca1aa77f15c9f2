"""A year of believable activity for the demo's two accounts, imported the way people would.

Statements are written as the generic bank CSV (``Date,Description,Amount,Balance``,
day-first dates) and imported month by month through ``import_statement``; PA timesheets
go through the timesheet import. On purpose, so a first audit shows every part working:
one month has no bank statement (a gap), there is one gambling payment (a harmful flag),
and more comes in than goes out, so the closing balance is above the contingency (a
surplus, and so a recovery to talk about even once the flag is cleared).

Every 4 weeks £1,660.00 comes into the bank account (£1,540.00 council, £120.00
contribution) and about £1,518.00 goes out: PA wages £312.00 a week, a swim at the leisure
centre each week and a day out with a community activities group every other week, shopping,
and a £72.00
transfer to the managed account. The payroll bureau runs the managed account and pays HMRC,
its own fee and the employer's liability insurance from it. Every plan line has spending
matched to it, the way classification matches it (the plan line's expected payee, or the
kind of spending its category names).

Idempotent: once the demo account holds any statement, nothing more is added.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.cli.demo import DEMO_ACCOUNT, MANAGED_ACCOUNT, start_date
from service.models import Account, Recipient, Upload
from service.onboarding.service import system_ctx

OPENING = Decimal("2500.00")
MANAGED_OPENING = Decimal("100.00")
TOP_UP = Decimal("72.00")  # HMRC £40.00, payroll fee £20.00, insurance £12.00
RATE = Decimal("13.00")
Line = tuple[date, str, Decimal]
# Shifts in each week (weekday, hours); wages are paid on that Friday.
SHIFTS = {"Sam Carter": ((0, Decimal("7")), (2, Decimal("7"))),
          "Jo Patel": ((1, Decimal("5")), (3, Decimal("5")))}
WAGE_PAYEES = {"Sam Carter": "S CARTER", "Jo Patel": "J PATEL"}


def week_lines(monday: date, first: date) -> list[Line]:
    lines: list[Line] = []
    if (monday - first).days % 28 == 0:
        lines += [(monday, "DEMO BOROUGH COUNCIL", Decimal("1540.00")),
                  (monday, "A EXAMPLE CONTRIBUTION", Decimal("120.00")),
                  (monday, "TRANSFER TO MANAGED ACCOUNT", -TOP_UP)]
    if (monday - first).days % 14 == 7:
        lines.append((monday + timedelta(days=5), "ABLE COMMUNITY ACTIVITIES", Decimal("-45.00")))
    lines.append((monday + timedelta(days=2), "TESCO STORES 2231", Decimal("-15.00")))
    for worker, shifts in SHIFTS.items():
        pay = sum((hours * RATE for _, hours in shifts), Decimal("0.00"))
        lines.append((monday + timedelta(days=4), WAGE_PAYEES[worker], -pay))
    lines.append((monday + timedelta(days=5), "LEISURE CENTRE SWIM", Decimal("-12.00")))
    return lines


def managed_week_lines(monday: date, first: date) -> list[Line]:
    """The managed account: topped up from the bank the day the council pays, so every
    month's statement has a line, and paying what the bureau pays two days later."""
    if (monday - first).days % 28 != 0:
        return []
    paid = monday + timedelta(days=2)
    return [(monday, "TRANSFER FROM BANK ACCOUNT", TOP_UP),
            (paid, "HMRC PAYE", Decimal("-40.00")),
            (paid, "DEMO PAYROLL BUREAU", Decimal("-20.00")),
            (paid, "PA INSURANCE SERVICES", Decimal("-12.00"))]


def managed_activity(first: date, last: date) -> list[Line]:
    lines: list[Line] = []
    monday = first
    while monday <= last:
        lines += [line for line in managed_week_lines(monday, first) if line[0] <= last]
        monday += timedelta(days=7)
    return lines


def activity(first: date, last: date) -> list[Line]:
    """Every line from the first payment to ``last``, with one gambling payment near the end."""
    lines: list[Line] = []
    monday = first
    while monday <= last:
        lines += [line for line in week_lines(monday, first) if line[0] <= last]
        monday += timedelta(days=7)
    lines.append((last - timedelta(days=45), "BET365", Decimal("-25.00")))
    return sorted(lines, key=lambda line: line[0])


def months(first: date, last: date) -> Iterator[tuple[date, date]]:
    """Statement periods: calendar months, the first starting on ``first``."""
    start = first
    while start <= last:
        end = date(start.year, start.month, calendar.monthrange(start.year, start.month)[1])
        yield start, min(end, last)
        start = end + timedelta(days=1)


def statement_csv(lines: list[Line], opening: Decimal) -> tuple[bytes, Decimal]:
    balance, rows = opening, ["Date,Description,Amount,Balance"]
    for day, text, amount in lines:
        balance += amount
        rows.append(f"{day:%d/%m/%Y},{text},{amount},{balance}")
    return ("\n".join(rows) + "\n").encode(), balance


def timesheet_csv(first: date, last: date) -> bytes:
    """The shifts paid in these days: a week's timesheet goes in with its Friday's pay."""
    rows = ["Worker,Date,Hours,Rate"]
    monday = first - timedelta(days=first.weekday())
    while monday <= last:
        if first <= monday + timedelta(days=4) <= last:
            rows += [f"{worker},{monday + timedelta(days=d):%d/%m/%Y},{hours},{RATE}"
                     for worker, shifts in SHIFTS.items() for d, hours in shifts]
        monday += timedelta(days=7)
    return ("\n".join(rows) + "\n").encode()


def gap_month(periods: list[tuple[date, date]]) -> tuple[date, date]:
    """The month left without a statement: about five months before the end."""
    return periods[max(1, len(periods) - 6)]


def load_activity(session: Session, council_id: int, today: date) -> dict[str, Any]:
    """Import a year of statements (both accounts) and timesheets, once."""
    account, managed = (session.scalar(select(Account).where(
        Account.council_id == council_id, Account.reference == reference))
        for reference in (DEMO_ACCOUNT, MANAGED_ACCOUNT))
    if account is None or _has_statements(session, account.id):
        return {"statements": 0, "timesheets": 0}
    from service.ingest.statements import Declared, import_statement
    from service.ingest.timesheets import import_timesheet

    ctx = system_ctx(session, council_id)
    recipient = session.get(Recipient, account.recipient_id)
    assert recipient is not None  # the demo account belongs to the demo recipient
    first, last = start_date(today), today.replace(day=1) - timedelta(days=1)
    periods = list(months(first, last))
    skipped, counts = gap_month(periods), {"statements": 0, "timesheets": 0}
    books = [(account, activity(first, last), OPENING, True)]
    if managed is not None:  # the bureau sends every month's statement
        books.append((managed, managed_activity(first, last), MANAGED_OPENING, False))
    for held, lines, balance, gap in books:
        for start, end in periods:
            month = [line for line in lines if start <= line[0] <= end]
            data, closing = statement_csv(month, balance)
            balance, opening = closing, balance
            if gap and (start, end) == skipped:
                continue  # neither the statement nor the timesheet came in that month
            import_statement(ctx, held, data, f"{held.reference}-{start:%Y-%m}.csv",
                             declared=Declared(start, end, opening, closing))
            counts["statements"] += 1
            if held is account:
                import_timesheet(ctx, recipient, timesheet_csv(start, end), f"timesheet-{start:%Y-%m}.csv")
                counts["timesheets"] += 1
    return counts


def _has_statements(session: Session, account_id: int) -> bool:
    found = session.scalar(select(Upload.id).where(Upload.account_id == account_id,
                                                   Upload.kind == "statement").limit(1))
    return found is not None
