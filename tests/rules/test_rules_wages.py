"""Minimum wage pieces the audit relies on: thresholds, pay patterns from bank payments,
one source of hours, and questions instead of flags where net pay may hide a lawful gross."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

from service.rules import PayRecord, TimesheetEntry, load_default_rules
from service.rules.wages import (
    MONTHLY,
    check_minimum_wage,
    check_pay_period,
    paid_for,
    pay_cadence,
    pay_for_checking,
    untaxed_limit,
    wage_payment_periods,
    wage_questions,
)
from tests.rules.factories import worker

RULES = load_default_rules()
ADULT = worker(date_of_birth=dt.date(1980, 1, 1))


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def test_the_untaxed_limit_is_the_lowest_threshold_for_the_period() -> None:
    # 2026-27: personal allowance £1,047.50 a month, NI £1,048, pension trigger £833
    assert untaxed_limit(day("2026-04-01"), day("2026-04-30")) == D("833.00")
    assert untaxed_limit(day("2026-04-04"), day("2026-04-10")) == D("192.00")  # a week
    assert untaxed_limit(day("2026-04-04"), day("2026-04-17")) == D("384.00")  # two weeks
    # 6 April to 5 May is not a calendar month: 4 whole weeks x £192 = £768
    assert untaxed_limit(day("2026-04-06"), day("2026-05-05")) == D("768.00")
    assert untaxed_limit(day("2020-04-01"), day("2020-04-30")) is None  # before our tables


def test_pay_patterns_come_from_the_gaps_between_payments() -> None:
    fridays = [day("2026-04-03") + dt.timedelta(days=7 * i) for i in range(4)]
    assert pay_cadence(fridays) == 7
    assert pay_cadence(fridays[::2]) == 14
    assert pay_cadence([day("2026-01-02") + dt.timedelta(days=28 * i) for i in range(4)]) == 28
    # the last Friday of each month: gaps of 28 and 35 days are monthly, not four-weekly
    assert pay_cadence([day("2026-01-30"), day("2026-02-27"), day("2026-03-27"),
                        day("2026-04-24"), day("2026-05-29")]) == MONTHLY
    assert pay_cadence([day("2026-04-30")]) is None


def test_monthly_pay_is_for_the_month_before_unless_paid_at_the_month_end() -> None:
    assert paid_for(day("2026-05-05"), MONTHLY) == (day("2026-04-01"), day("2026-04-30"))
    assert paid_for(day("2026-04-28"), MONTHLY) == (day("2026-04-01"), day("2026-04-30"))
    assert paid_for(day("2026-04-10"), 7) == (day("2026-04-04"), day("2026-04-10"))


def test_wage_payments_become_pay_periods_that_do_not_move() -> None:
    paid = [("w1", day("2026-05-05"), D("300.00")), ("w1", day("2026-05-12"), D("50.00")),
            ("w1", day("2026-06-05"), D("300.00"))]
    records = wage_payment_periods(paid, {"w1": day("2026-04-01")})
    # paid in arrears each month: the 5 and 12 May payments are both for April
    assert [(r.period_start, r.period_end, r.gross) for r in records] == [
        (day("2026-04-01"), day("2026-04-30"), D("350.00")),
        (day("2026-05-01"), day("2026-05-31"), D("300.00"))]
    assert {r.source for r in records} == {"bank"}
    # adding a later payment keeps the earlier periods, so their flag keys stay the same
    later = wage_payment_periods([*paid, ("w1", day("2026-07-03"), D("300.00"))],
                                 {"w1": day("2026-04-01")})
    assert later[:2] == records


def test_a_lone_payment_pays_since_the_first_shift_for_at_most_31_days() -> None:
    (record,) = wage_payment_periods([("w1", day("2026-04-30"), D("400.00"))],
                                     {"w1": day("2026-01-05")})
    assert (record.period_start, record.period_end) == (day("2026-03-31"), day("2026-04-30"))
    assert wage_payment_periods([("w1", day("2026-04-30"), D("400.00"))], {}) == []


def test_payroll_hours_win_over_timesheet_hours_and_are_never_added() -> None:
    april = (day("2026-04-01"), day("2026-04-30"))
    shifts = [TimesheetEntry("w1", day("2026-04-01") + dt.timedelta(days=i), D("4"))
              for i in range(10)]
    with_hours = PayRecord("w1", *april, D("480.00"), hours=D("40"))
    found = check_pay_period(ADULT, with_hours, shifts)
    # 40 hours (not 40 + 40) x £12.71 = £508.40; £480.00 paid: £28.40 short
    assert (found.hours, found.required, found.shortfall) == (D("40"), D("508.40"), D("28.40"))
    assert found.hours_source == "payroll"
    no_hours = check_pay_period(ADULT, PayRecord("w1", *april, D("480.00")), shifts)
    assert (no_hours.hours, no_hours.hours_source) == (D("40"), "timesheets")


def test_payroll_hours_are_priced_at_the_band_on_the_first_day() -> None:
    turning = worker(date_of_birth=dt.date(2005, 4, 15))  # 21 on 15 April 2026
    pay = PayRecord("w1", day("2026-04-01"), day("2026-04-30"), D("0"), hours=D("40"))
    # 20 on 1 April: 40 x £10.85 = £434.00, the least the law could ask for the month
    assert check_pay_period(turning, pay, []).required == D("434.00")


def test_bank_pay_is_dropped_only_where_a_payroll_run_covers_it() -> None:
    march = PayRecord("w1", day("2026-03-01"), day("2026-03-31"), D("400"), "bank")
    april = PayRecord("w1", day("2026-04-01"), day("2026-04-30"), D("400"), "bank")
    run = PayRecord("w1", day("2026-04-01"), day("2026-04-30"), D("600"))
    assert pay_for_checking([march, april, run]) == [march, run]


def test_net_pay_above_the_thresholds_is_a_question_once_per_worker() -> None:
    shifts = [TimesheetEntry("w1", day(f"2026-0{m}-01") + dt.timedelta(days=i), D("10"))
              for m in (4, 5) for i in range(17)]
    pay = [PayRecord("w1", day("2026-04-01"), day("2026-04-30"), D("2000.00"), "bank"),
           PayRecord("w1", day("2026-05-01"), day("2026-05-31"), D("2000.00"), "bank")]
    # each month 170 hours x £12.71 = £2,160.70 > £2,000.00, but £2,000.00 > £833
    assert check_minimum_wage([ADULT], shifts, pay, RULES) == []
    (question,) = wage_questions([ADULT], shifts, pay, RULES)
    assert question.key == "wage_question|worker:w1"
    assert len(question.periods) == 2
    assert "for 2 pay periods from 1 April to 31 May 2026." in question.question
    # the same hours for £800.00 a month: under £833, so certainly too little
    low = [PayRecord("w1", p.period_start, p.period_end, D("800.00"), "bank") for p in pay]
    assert len(check_minimum_wage([ADULT], shifts, low, RULES)) == 2
    assert wage_questions([ADULT], shifts, low, RULES) == []
