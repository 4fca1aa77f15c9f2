"""A PA paid fortnightly in arrears, audited from the first statement the family has: the
timesheets show work before the period that no statement shows paid, so the first payment in
the period paid for it. It is not set against the period's timesheets, and a clean employer is
not asked to explain a difference that is only timing."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from service.audits.inputs import AuditPeriod, TimesheetEntry, Transaction, Worker
from service.audits.timesheets import wages_against_timesheets

PERIOD = AuditPeriod(date(2026, 4, 1), date(2026, 6, 30))
RUTH = Worker("w1", "Ruth Bell", Decimal("12.71"))
WAGE = Decimal("355.88")  # 28 hours a fortnight x £12.71


def _shifts() -> list[TimesheetEntry]:
    # 7 hours every Tuesday and Thursday from 17 March to 30 June 2026
    days = [date(2026, 3, 16) + timedelta(days=n) for n in range(107)]
    return [TimesheetEntry("w1", d, Decimal("7.00")) for d in days if d.weekday() in (1, 3)]


def _paid(first: date) -> list[Transaction]:
    # Fridays every 14 days, each for the fortnight (Monday to Sunday) that ended 5 days before
    return [Transaction(f"t{n}", "bank", first + timedelta(days=14 * n), -WAGE, "R BELL WAGES",
                        category="pa_wages", worker_id="w1") for n in range(7)]


def test_pay_in_arrears_from_the_first_statement_is_not_a_question() -> None:
    row = wages_against_timesheets(PERIOD, RUTH, _shifts(), _paid(date(2026, 4, 3)))
    # 3 April pays 16-29 March (before the statements): set aside. The six payments from 17 April
    # to 26 June (6 x 355.88 = 2,135.28) against work from 4 April to 26 June: 24 shifts of
    # 7 hours = 168 hours x 12.71 = 2,135.28. Difference 0.00. (Before: all seven payments,
    # 2,491.16, against work from 1 April, 175 hours = 2,224.25: a question about £266.91.)
    assert (row.paid, row.timesheet_pay, row.difference) == (
        Decimal("2135.28"), Decimal("2135.28"), Decimal("0.00"))
    assert row.covers_from == date(2026, 4, 4) and row.covers_to == date(2026, 6, 26)


def test_with_a_payment_before_the_period_nothing_changes() -> None:
    earlier = Transaction("t-1", "bank", date(2026, 3, 20), -WAGE, "R BELL WAGES", category="pa_wages",
                          worker_id="w1")
    row = wages_against_timesheets(PERIOD, RUTH, _shifts(), [earlier, *_paid(date(2026, 4, 3))])
    # all seven payments (2,491.16) against work from 21 March to 26 June: 28 shifts = 196 hours
    # x 12.71 = 2,491.16
    assert (row.paid, row.timesheet_pay, row.covers_from) == (
        Decimal("2491.16"), Decimal("2491.16"), date(2026, 3, 21))
