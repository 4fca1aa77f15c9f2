"""Which work the wage payments paid for, and so which is owed at the audit's end, when payroll
runs say which pay period each payment is for (``unpaid_wages`` with runs).

Every case: June 2026 (1 to 30 June); Ali works 5 hours every weekday at £13.00 (65.00 a day).
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from service.audits.inputs import AuditPeriod, PayrollRun, TimesheetEntry, Transaction, Worker
from service.audits.timesheets import unpaid_wages, wages_against_timesheets

JUNE = AuditPeriod(date(2026, 6, 1), date(2026, 6, 30))
ALI = Worker("w1", "Ali Khan", Decimal("13.00"))


def weekdays(first: date, last: date) -> list[TimesheetEntry]:
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    return [TimesheetEntry("w1", day, Decimal("5.00")) for day in days if day.weekday() < 5]


def paid(day: date, amount: str) -> Transaction:
    return Transaction(f"t{day:%m%d}", "bank", day, -Decimal(amount), "A KHAN WAGES", category="pa_wages",
                       worker_id="w1")


def month(first: date, last: date, net: str) -> PayrollRun:
    return PayrollRun("w1", first, last, Decimal(net))


MAY = month(date(2026, 5, 1), date(2026, 5, 31), "1365.00")  # 21 weekdays x 65.00
JUNE_RUN = month(date(2026, 6, 1), date(2026, 6, 30), "1430.00")  # 22 weekdays x 65.00


def test_paid_on_the_26th_for_the_whole_month_nothing_is_owed() -> None:
    # each month paid in the month: May on Friday 29 May, June on Friday 26 June, 4 days before
    # its period ends (30 June): June is paid
    entries = weekdays(date(2026, 5, 1), date(2026, 6, 30))
    owed = unpaid_wages(JUNE, ALI, entries, [paid(date(2026, 5, 29), "1365.00"),
                                            paid(date(2026, 6, 26), "1430.00")], [MAY, JUNE_RUN])
    # from the payment date it would be 29 and 30 June: 10 hours, 130.00
    assert owed is None


def test_paid_in_arrears_on_the_5th_the_month_after() -> None:
    # May's run paid 5 June: June (22 weekdays, 110 hours) is owed: 1,430.00
    entries = weekdays(date(2026, 5, 1), date(2026, 6, 30))
    owed = unpaid_wages(JUNE, ALI, entries, [paid(date(2026, 6, 5), "1365.00")], [MAY, JUNE_RUN])
    assert owed is not None
    assert (owed.amount, owed.worker_id) == (Decimal("1430.00"), "w1")
    assert owed.description == ("Wages owed to Ali Khan: 110.00 hours worked after the last pay period "
                                "seen paid, which ended on 31 May 2026, £1,430.00")


def test_payments_of_other_amounts_than_the_runs_count_from_their_dates() -> None:
    # the bank never shows a run's net pay (a bureau paying 1,000.00 on account): the runs say
    # nothing about these payments, and work after the last (19 June) is owed: 22 to 30 June,
    # 7 weekdays, 35 hours = 455.00
    entries = weekdays(date(2026, 5, 1), date(2026, 6, 30))
    owed = unpaid_wages(JUNE, ALI, entries, [paid(date(2026, 6, 5), "1000.00"),
                                            paid(date(2026, 6, 19), "1000.00")], [MAY, JUNE_RUN])
    assert owed is not None and owed.amount == Decimal("455.00")
    assert "since the last payment on 19 June 2026" in owed.description


def test_a_payment_after_every_run_pays_up_to_its_day() -> None:
    # runs sent up to May only; May paid 5 June, and 650.00 on Friday 12 June with no run for
    # it yet: work up to 12 June counts as paid; 15 to 30 June (12 weekdays, 60 hours) is owed
    entries = weekdays(date(2026, 5, 1), date(2026, 6, 30))
    owed = unpaid_wages(JUNE, ALI, entries, [paid(date(2026, 6, 5), "1365.00"),
                                            paid(date(2026, 6, 12), "650.00")], [MAY])
    assert owed is not None and owed.amount == Decimal("780.00")


def test_a_run_already_paid_is_not_paid_twice() -> None:
    # fortnightly runs of 650.00 (10 weekdays); 1-14 June paid 19 June, and a second 650.00 on
    # 20 June (an advance) cannot pay 1-14 June again, nor 15-28 June, which ends more than 7
    # days later: 15-30 June (12 weekdays, 60 hours) is owed
    runs = [PayrollRun("w1", date(2026, 6, 1), date(2026, 6, 14), Decimal("650.00")),
            PayrollRun("w1", date(2026, 6, 15), date(2026, 6, 28), Decimal("650.00"))]
    owed = unpaid_wages(JUNE, ALI, weekdays(date(2026, 6, 1), date(2026, 6, 30)),
                        [paid(date(2026, 6, 19), "650.00"), paid(date(2026, 6, 20), "650.00")], runs)
    assert owed is not None and owed.amount == Decimal("780.00")


def test_holiday_pay_through_the_payroll_is_not_set_against_timesheets() -> None:
    # away 1-14 June on paid holiday (no timesheets); the run for it, 650.00, paid 19 June
    runs = [PayrollRun("w1", date(2026, 6, 1), date(2026, 6, 14), Decimal("650.00"))]
    row = wages_against_timesheets(JUNE, ALI, weekdays(date(2026, 6, 15), date(2026, 6, 30)),
                                   [paid(date(2026, 6, 19), "650.00")], runs)
    assert (row.paid, row.timesheet_pay, row.difference) == (Decimal("0.00"), Decimal("0.00"), Decimal("0.00"))


def test_weekly_pay_on_the_monday_after_pays_the_week_before() -> None:
    # weekly runs Monday to Sunday, 325.00 (5 weekdays); each paid the Monday after. Monday 29
    # June fits the week that ended the day before (22-28 June) and the week running (29 June-5
    # July, ending 6 days later): the nearer end, 28 June, is the one paid. 29 and 30 June
    # (10 hours, 130.00) are owed.
    mondays = [date(2026, 6, 1) + timedelta(days=7 * n) for n in range(5)]
    runs = [PayrollRun("w1", monday, monday + timedelta(days=6), Decimal("325.00")) for monday in mondays]
    payments = [paid(monday + timedelta(days=7), "325.00") for monday in mondays[:4]]
    owed = unpaid_wages(JUNE, ALI, weekdays(date(2026, 6, 1), date(2026, 6, 30)), payments, runs)
    assert owed is not None and owed.amount == Decimal("130.00")
