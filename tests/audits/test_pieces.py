"""Each step on its own: coverage words, income matching, timesheets, tier, cadence."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from service.audits.cadence import DueItem, next_review_due, next_review_for, riskiest_first
from service.audits.coverage import coverage_gaps, uncovered_ranges
from service.audits.engine import run_audit
from service.audits.income import add_months, check_income
from service.audits.inputs import (
    Account,
    AuditPeriod,
    CouncilSettings,
    RiskWeights,
    TierThresholds,
    TimesheetEntry,
    Worker,
)
from service.audits.plan import weekly_plan_value
from service.audits.reconcile import reconcile
from service.audits.tier import RiskSignals, choose_tier, score_risk
from service.audits.timesheets import review_timesheets

from .factories import (
    END,
    START,
    d,
    inputs,
    m,
    ordinary_quarter,
    plan,
    schedule,
    statement,
    txn,
)

PERIOD = AuditPeriod(START, END)


# coverage ---------------------------------------------------------------------------


def test_gaps_at_start_middle_and_end() -> None:
    covered = [(d("2026-04-10"), d("2026-04-30")), (d("2026-05-03"), d("2026-06-20"))]
    assert uncovered_ranges(PERIOD, covered) == [
        (d("2026-04-06"), d("2026-04-09")),
        (d("2026-05-01"), d("2026-05-02")),
        (d("2026-06-21"), d("2026-06-28")),
    ]


def test_overlapping_statements_leave_no_gap() -> None:
    covered = [(d("2026-03-01"), d("2026-05-10")), (d("2026-05-01"), d("2026-07-01"))]
    assert uncovered_ranges(PERIOD, covered) == []


def test_gap_words_name_the_account_only_when_there_are_several() -> None:
    one_day = (
        statement(None, None, START, d("2026-05-02")),
        statement(None, None, d("2026-05-04"), END, upload="S2"),
    )
    (gap,) = coverage_gaps(PERIOD, (Account("A1", "bank"),), one_day)
    assert gap.words == "no statement for 3 May 2026"
    gaps = coverage_gaps(PERIOD, (Account("A1", "bank"), Account("C9", "prepaid")), one_day)
    assert [g.words for g in gaps] == [
        "no statement for account A1 for 3 May 2026",
        "no statement for account C9 from 6 April to 28 June 2026",
    ]


def test_gap_across_a_new_year_writes_both_years() -> None:
    period = AuditPeriod(date(2025, 12, 1), date(2026, 1, 31))
    stmts = (
        statement(None, None, date(2025, 12, 1), date(2025, 12, 19)),
        statement(None, None, date(2026, 1, 6), date(2026, 1, 31)),
    )
    (gap,) = coverage_gaps(period, (Account("A1", "bank"),), stmts)
    assert gap.words == "no statement from 20 December 2025 to 5 January 2026"


# reconciliation ---------------------------------------------------------------------


def test_opening_rolls_forward_from_a_statement_that_started_earlier() -> None:
    # statement opens 1 April at 500.00; +1,300.00 on 2 April (before the period)
    # so the period opens 6 April at 1,800.00
    txns = (
        txn("p", "2026-04-02", "1300.00", "council_payment"),
        txn("q", "2026-04-07", "-100.00", "transport"),
    )
    rec = reconcile(
        (Account("A1", "bank"),), PERIOD, (statement("500.00", "1700.00", d("2026-04-01"), END),), txns
    )
    (acct,) = rec.accounts
    assert acct.opening_balance == m("1800.00")
    assert acct.money_in == m("0.00") and acct.money_out == m("100.00")
    assert acct.closing_balance == m("1700.00") and acct.difference == m("0.00")


def test_balances_from_running_balances_when_no_statement_prints_them() -> None:
    txns = (
        txn("a", "2026-04-07", "-10.00", "transport", running_balance=m("90.00")),
        txn("b", "2026-04-07", "-5.00", "transport", running_balance=m("85.00")),
        txn("c", "2026-06-01", "20.00", "refund", running_balance=m("105.00")),
    )
    rec = reconcile((Account("A1", "bank"),), PERIOD, (statement(None, None),), txns)
    (acct,) = rec.accounts
    # 90.00 after the first line, so 100.00 before it; 105.00 at the end
    assert (acct.opening_balance, acct.closing_balance) == (m("100.00"), m("105.00"))
    assert acct.opening_source == "running balance on a"
    assert rec.breaks == ()


def test_a_balance_nobody_printed_is_computed_and_says_so() -> None:
    # no opening printed: closing 70.00 - in 0.00 + out 30.00 = 100.00
    txns = (txn("t", "2026-04-20", "-30.00", "transport"),)
    rec = reconcile((Account("A1", "bank"),), PERIOD, (statement(None, "70.00"),), txns)
    (acct,) = rec.accounts
    assert (acct.opening_balance, acct.opening_source) == (m("100.00"), "the transactions (no balance was printed)")
    assert [f.code for f in rec.findings] == ["balance_not_printed"]


def test_statements_that_do_not_join_up_are_a_break() -> None:
    stmts = (
        statement("0.00", "100.00", START, d("2026-04-30"), upload="apr"),
        statement("90.00", "90.00", d("2026-05-01"), END, upload="may"),
    )
    rec = reconcile((Account("A1", "bank"),), PERIOD, stmts, (txn("i", "2026-04-08", "100.00", "refund"),))
    (brk,) = rec.breaks
    assert (brk.kind, brk.before_id, brk.after_id, brk.difference) == ("statement", "apr", "may", m("-10.00"))


# plan -------------------------------------------------------------------------------


def test_monthly_plan_weekly_value_uses_each_months_days() -> None:
    # April 2026 (30 days) at £1,300.00 a month: 1,300 x 7 / 30 = 303.33 a week
    april = AuditPeriod(date(2026, 4, 1), date(2026, 4, 30))
    value = weekly_plan_value(april, (plan("1300.00", "month", effective_from=date(2026, 4, 1)),))
    assert value.weekly_value == m("303.33")
    assert value.period_value == m("1300.00")


def test_days_without_a_plan_count_as_nothing_and_are_reported() -> None:
    late = plan(effective_from=d("2026-05-04"))  # 28 of the 84 days have no plan
    value = weekly_plan_value(PERIOD, (late,))
    # 1,300 x 56 / 28 = 2,600.00 over 84 days: x 7 / 84 = 216.67
    assert value.days_without_plan == 28
    assert value.weekly_value == m("216.67")


def test_spend_outside_the_plan_lines_is_shown_by_category() -> None:
    result = run_audit(
        inputs(
            statements=(statement("2000.00", "1960.00"),),
            transactions=(*ordinary_quarter(), txn("e", "2026-05-05", "-40.00", "equipment")),
        )
    )
    assert [(c.category, c.amount) for c in result.plan.not_in_plan] == [("equipment", m("40.00"))]
    assert result.plan.flexible_use == m("0.00")
    pa = next(line for line in result.plan.lines if line.line_id == "pa")
    assert (pa.planned, pa.actual, pa.difference) == (m("3600.00"), m("3600.00"), m("0.00"))


# income -----------------------------------------------------------------------------


def test_missed_council_payment_and_contribution_arrears() -> None:
    # due: council 1,100.00 and contribution 200.00 on 6 Apr, 4 May and 1 Jun.
    # the council's 4 May payment never came; the person paid only one contribution.
    txns = [t for t in ordinary_quarter("1100.00", "200.00") if t.id not in {"c1", "k1", "k2"}]
    income = check_income(schedule("1100.00", "200.00"), PERIOD, txns)
    assert income is not None
    assert [mm.due for mm in income.council.missed] == [d("2026-05-04")]
    assert income.contribution.shortfall == m("400.00")  # 600.00 due - 200.00 paid
    codes = [f.code for f in income.findings]
    assert codes == ["missed_council_payment", "contribution_arrears"]


def test_gross_model_expects_no_contribution_in_the_account() -> None:
    income = check_income(schedule("1300.00", "200.00", model="gross"), PERIOD, ordinary_quarter())
    assert income is not None
    assert income.contribution.expected == m("0.00") and income.findings == ()


def test_monthly_due_dates_keep_the_day_or_the_months_end() -> None:
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2026, 11, 15), 3) == date(2027, 2, 15)


# timesheets ---------------------------------------------------------------------------

JO = Worker("w1", "Jo", m("12.50"), plan_line_id="pa", irregular_hours=True)


def _entries() -> tuple[TimesheetEntry, ...]:
    # 6 Apr to 26 Jun: 12 weeks x 4 days x 6 hours = 288 hours (planned 24 x 12 = 288)
    days = [START.toordinal() + week * 7 + day for week in range(12) for day in range(4)]
    return tuple(TimesheetEntry("w1", date.fromordinal(n), m("6")) for n in days)


def test_hours_wages_and_holiday_against_timesheets() -> None:
    # wages: 3 payments of 1,200.00, the last on 26 Jun; the timesheets up to then:
    # 288 hours x 12.50 = 3,600.00; nobody worked on 27 or 28 June, so nothing is owed
    wages = [t for t in ordinary_quarter() if t.category == "pa_wages"]
    paid = tuple(replace(t, worker_id="w1") for t in wages)
    review = review_timesheets(PERIOD, (plan(),), (JO,), _entries(), paid, CouncilSettings())
    (hours,) = review.hours
    assert (hours.planned_hours, hours.worked_hours) == (m("288.00"), m("288"))
    (row,) = review.wages
    assert (row.paid, row.timesheet_pay, row.difference) == (m("3600.00"), m("3600.00"), m("0.00"))
    (holiday,) = review.holiday
    assert holiday.accrued_hours == m("34.76")  # 288 x 12.07% = 34.7616
    assert review.unpaid_wages == ()
    assert [f.code for f in review.findings] == ["holiday_accrued"]


def test_work_after_the_last_payment_is_owed_and_underpayment_is_asked_about() -> None:
    # paid 1,000.00 on 26 Jun for 288 hours (3,600.00 due): the first two payments missing
    last = txn("w2", "2026-06-26", "-1000.00", "pa_wages", worker_id="w1")
    extra = TimesheetEntry("w1", d("2026-06-27"), m("5"))  # after the payment: owed 62.50
    review = review_timesheets(PERIOD, (plan(),), (JO,), (*_entries(), extra), (last,), CouncilSettings())
    (row,) = review.wages
    assert row.difference == m("-2600.00")
    (owed,) = review.unpaid_wages
    assert owed.amount == m("62.50") and owed.kind == "wages"
    assert "wages_differ_from_timesheets" in [f.code for f in review.findings]


def test_wages_owed_count_as_commitments_in_the_audit() -> None:
    extra = TimesheetEntry("w1", d("2026-06-27"), m("8"))  # 8 x 12.50 = 100.00 owed
    result = run_audit(
        inputs(
            statements=(statement("4550.00", "4550.00"),),
            transactions=tuple(ordinary_quarter()),
            workers=(JO,),
            timesheets=(extra,),
        )
    )
    # 4,550.00 - 2,600.00 - 100.00 = 1,850.00
    assert result.commitments == m("100.00")
    assert result.surplus == m("1850.00")


# tier ---------------------------------------------------------------------------------


def test_score_is_the_sum_of_its_reasons_and_weights_are_the_councils() -> None:
    signals = RiskSignals(harmful_flags=2, statement_gaps=1, account_kinds=("managed", "bank"))
    score, reasons = score_risk(signals, RiskWeights())
    assert score == 2 * 4 + 3 + 1 == sum(r.points for r in reasons)
    lenient = RiskWeights(harmful_flag=1, statement_gap=0)
    assert score_risk(signals, lenient)[0] == 2 + 1


def test_thresholds_decide_the_tier() -> None:
    thresholds = TierThresholds(standard_from=3, full_from=10)
    assert [choose_tier(s, thresholds) for s in (0, 2, 3, 9, 10)] == [
        "light",
        "light",
        "standard",
        "standard",
        "full",
    ]


def test_surplus_points_are_capped() -> None:
    score, _ = score_risk(RiskSignals(weeks_above_contingency=m("30.5")), RiskWeights())
    assert score == 4


# cadence ------------------------------------------------------------------------------


def test_first_review_after_twelve_weeks_and_never_after_six_months() -> None:
    assert next_review_due(date(2026, 4, 6)) == date(2026, 6, 29)
    assert next_review_due(date(2026, 4, 6), first_review_weeks=30) == date(2026, 10, 6)


def test_later_reviews_within_twelve_months_of_the_last_audit() -> None:
    assert next_review_due(date(2026, 4, 6), date(2026, 6, 28)) == date(2027, 6, 28)
    assert next_review_due(date(2026, 4, 6), date(2026, 6, 28), review_interval_months=24) == (
        date(2027, 6, 28)
    )
    assert next_review_due(date(2026, 4, 6), date(2026, 6, 28), review_interval_months=6) == (
        date(2026, 12, 28)
    )


def test_review_date_from_council_settings() -> None:
    settings = CouncilSettings(first_review_weeks=6)
    assert next_review_for(settings, date(2026, 4, 6)) == date(2026, 5, 18)


def test_riskiest_first() -> None:
    items = [
        DueItem("a", date(2026, 5, 1), "light", 1),
        DueItem("b", date(2026, 6, 1), "full", 12),
        DueItem("c", date(2026, 4, 1), "standard", 5),
        DueItem("d", date(2026, 3, 1), "full", 12),
    ]
    assert [i.recipient_id for i in riskiest_first(items)] == ["d", "b", "c", "a"]
