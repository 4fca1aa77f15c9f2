"""The audit on statements as people download them: order within a day, coverage from
evidence, income against every schedule, transfers that pair, and the tier's two limits.

Figures are worked out by hand in the comments; the default person is in factories.py
(plan £325.00 a week, council £1,300.00 every 4 weeks from 6 April 2026, period 6 April
to 28 June 2026, contingency 8 x £325.00 = £2,600.00).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal

from service.audits import balances
from service.audits.coverage import coverage
from service.audits.engine import run_audit
from service.audits.income import check_income
from service.audits.inputs import Account, AuditPeriod, PaymentSchedule, Statement, UnderspendReason
from service.audits.transfers import pair_transfers

from .factories import d, inputs, m, ordinary_quarter, schedule, statement, txn

PERIOD = AuditPeriod(d("2026-04-06"), d("2026-06-28"))


@dataclass(frozen=True)
class Line:
    date: date
    amount: Decimal
    balance: Decimal | None


def _day(x: Line) -> date:
    return x.date


def _amount(x: Line) -> Decimal:
    return x.amount


def _balance(x: Line) -> Decimal | None:
    return x.balance


# order within a day -------------------------------------------------------------------

def test_newest_first_file_keeps_each_days_order_turned_round() -> None:
    # oldest-first the bank's story is: 100.00, +50.00 = 150.00, -30.00 = 120.00 on 1 May,
    # then -20.00 = 100.00 on 2 May. Printed newest-first, same-day lines in reverse.
    printed = [Line(d("2026-05-02"), m("-20.00"), m("100.00")),
               Line(d("2026-05-01"), m("-30.00"), m("120.00")),
               Line(d("2026-05-01"), m("50.00"), m("150.00"))]
    ordered = balances.oldest_first(printed, _day, _amount, _balance)
    assert [x.balance for x in ordered] == [m("150.00"), m("120.00"), m("100.00")]
    assert balances.breaks([x.amount for x in ordered], [x.balance for x in ordered]) == []
    # the opening is the earliest line's balance less its amount, whatever the file's order
    assert balances.opening_balance(ordered, _amount, _balance) == m("100.00")
    assert balances.closing_balance(ordered, _amount, _balance) == m("100.00")


def test_a_one_day_file_is_read_the_way_its_balances_chain() -> None:
    printed = [Line(d("2026-05-01"), m("-30.00"), m("120.00")),
               Line(d("2026-05-01"), m("50.00"), m("150.00"))]
    assert balances.runs_newest_first(printed, _day, _amount, _balance)
    assert [x.balance for x in balances.oldest_first(printed, _day, _amount, _balance)] == [
        m("150.00"), m("120.00")]


def test_a_missing_line_shows_once_in_the_chain() -> None:
    lines = [Line(d("2026-05-01"), m("10.00"), m("110.00")),
             Line(d("2026-05-02"), m("-5.00"), m("100.00")),  # 5.00 missing before it
             Line(d("2026-05-03"), m("-10.00"), m("90.00"))]
    found = balances.breaks([x.amount for x in lines], [x.balance for x in lines])
    assert found == [(1, m("105.00"), m("100.00"))]


def test_audit_follows_the_days_order_not_the_order_of_ids() -> None:
    # newest-first ids: "b" was stored first but happened second on 10 April.
    # 2,000.00 + 1,300.00 (6 Apr) = 3,300.00; 10 Apr: -200.00 = 3,100.00, then -100.00 = 3,000.00
    lines = (txn("c", "2026-04-06", "1300.00", "council_payment", running_balance=m("3300.00")),
             txn("a", "2026-04-10", "-200.00", "day_activities", running_balance=m("3100.00")),
             txn("b", "2026-04-10", "-100.00", "day_activities", running_balance=m("3000.00")))
    result = run_audit(inputs(statements=(statement("2000.00", None, end=d("2026-04-30")),),
                              period=AuditPeriod(d("2026-04-06"), d("2026-04-30")),
                              transactions=lines))
    assert result.reconciliation.breaks == ()
    assert result.closing_balance == m("3000.00")


# coverage -----------------------------------------------------------------------------

ONE = (Account("A1", "bank"),)


def _stmt(start: str, end: str, opening: str | None, closing: str | None,
          evidence: str = "lines") -> Statement:
    return Statement("A1", d(start), d(end), None if opening is None else m(opening),
                     None if closing is None else m(closing), start, evidence)


def test_a_short_junction_whose_balances_meet_is_covered_with_a_note() -> None:
    # April's last line is on 28 April at 812.40; May's first on 1 May opens at 812.40:
    # 29 and 30 April have no line, no payment was due then, and the balance did not move
    found = coverage(PERIOD, ONE, (_stmt("2026-04-06", "2026-04-28", "500.00", "812.40"),
                                   _stmt("2026-05-01", "2026-06-28", "812.40", "700.00")),
                     dues=[(d("2026-05-04"), None)])
    assert found.gaps == ()
    assert [n.code for n in found.notes] == ["statements_meet"]
    assert found.notes[0].severity == "info"


def test_a_junction_with_a_payment_due_stays_a_gap() -> None:
    # same balances, but a council payment fell due on 29 April: the net movement being
    # zero does not prove it never came and went
    found = coverage(PERIOD, ONE, (_stmt("2026-04-06", "2026-04-28", "500.00", "812.40"),
                                   _stmt("2026-05-01", "2026-06-28", "812.40", "700.00")),
                     dues=[(d("2026-04-29"), None)])
    assert [g.words for g in found.gaps] == ["no statement from 29 April to 30 April 2026"]


def test_a_long_junction_stays_a_gap_even_when_balances_meet() -> None:
    found = coverage(PERIOD, ONE, (_stmt("2026-04-06", "2026-04-20", "500.00", "812.40"),
                                   _stmt("2026-05-01", "2026-06-28", "812.40", "700.00")))
    assert [g.words for g in found.gaps] == ["no statement from 21 April to 30 April 2026"]


def test_edges_are_gaps_only_when_money_was_due_or_they_are_long() -> None:
    # first line 8 April, last line 25 June: 2 and 3 quiet days at the edges
    quiet = coverage(PERIOD, ONE, (_stmt("2026-04-08", "2026-06-25", "1.00", "1.00"),))
    assert quiet.gaps == ()
    # a payment due on 6 April, before the first line: that edge is asked about
    due = coverage(PERIOD, ONE, (_stmt("2026-04-08", "2026-06-25", "1.00", "1.00"),),
                   dues=[(d("2026-04-06"), None)])
    assert [g.words for g in due.gaps] == ["no statement from 6 April to 7 April 2026"]
    # ten days at the end are a gap whatever was due
    long_end = coverage(PERIOD, ONE, (_stmt("2026-04-06", "2026-06-18", "1.00", "1.00"),))
    assert [g.words for g in long_end.gaps] == ["no statement from 19 June to 28 June 2026"]


def test_a_declared_period_covers_its_quiet_days() -> None:
    found = coverage(PERIOD, ONE, (_stmt("2026-04-06", "2026-06-28", None, None, "statement"),),
                     dues=[(d("2026-06-28"), None)])
    assert found.gaps == ()


# income ---------------------------------------------------------------------------------

def _weekly_instalments(amount: str, first: date, until: date, text: str) -> list:  # type: ignore[type-arg]
    found, day, n = [], first, 0
    while day <= until:
        found.append(txn(f"k{n}", day.isoformat(), amount, "contribution", description=text))
        day += timedelta(days=7)
        n += 1
    return found


def test_instalments_within_a_cycle_add_up_to_the_cycle() -> None:
    # the contribution is 240.00 every 4 weeks, paid as 60.00 each week: 12 x 60.00 = 720.00
    # = 3 cycles x 240.00. Nothing is outstanding.
    contrib = PaymentSchedule(m("0.00"), m("240.00"), "four_weeks", PERIOD.start, payer="M HALE")
    paid = _weekly_instalments("60.00", PERIOD.start, PERIOD.end, "M HALE DP CONTRIBUTION")
    income = check_income((schedule(), contrib), PERIOD, [*ordinary_quarter(), *paid])
    assert income is not None
    assert income.contribution.expected == m("720.00")
    assert income.contribution.received == m("720.00")
    assert income.contribution.shortfall == m("0.00")
    assert [f.code for f in income.findings] == []


def test_outstanding_is_claimed_only_for_complete_cycles_seen_in_full() -> None:
    # monthly contribution of 200.00 due on the 6th; the period ends on 28 June, so June's
    # cycle (6 June to 5 July) is not complete: its missing 200.00 is not outstanding yet.
    contrib = PaymentSchedule(m("0.00"), m("200.00"), "month", PERIOD.start)
    paid = [txn("k1", "2026-04-06", "200.00", "contribution"),
            txn("k2", "2026-05-06", "200.00", "contribution")]
    income = check_income((schedule(), contrib), PERIOD, [*ordinary_quarter(), *paid])
    assert income is not None
    assert income.contribution.shortfall == m("0.00")
    assert not any(f.code == "contribution_arrears" for f in income.findings)


def test_an_instalment_due_later_in_a_cycle_is_not_paid_in_advance() -> None:
    # four-weekly council payments: the one due 29 June (after the period) arrived on
    # 26 June: that is in advance. The contribution instalment of 22 June belongs to the
    # cycle that began 1 June, inside the period: not in advance.
    contrib = PaymentSchedule(m("0.00"), m("240.00"), "four_weeks", PERIOD.start)
    paid = _weekly_instalments("60.00", PERIOD.start, PERIOD.end, "CONTRIBUTION")
    early = txn("c-early", "2026-06-26", "1300.00", "council_payment")
    income = check_income((schedule(), contrib), PERIOD, [*ordinary_quarter(), *paid, early])
    assert income is not None
    assert income.council.paid_in_advance == m("1300.00")
    assert income.contribution.paid_in_advance == m("0.00")


# transfers -------------------------------------------------------------------------------

TWO = (Account("A1", "bank", "12345678"), Account("A2", "prepaid", "4321"))


def test_a_top_up_and_its_arrival_pair_as_a_transfer() -> None:
    out = txn("o", "2026-04-10", "-500.00", "flexible_use", description="TOP UP CARD")
    arrived = txn("i", "2026-04-12", "500.00", "other_income", account="A2", description="LOAD")
    marked, pairs = pair_transfers((out, arrived), TWO)
    assert [t.category for t in marked] == ["own_transfer", "own_transfer"]
    assert [(p.out_id, p.in_id, p.amount) for p in pairs] == [("o", "i", m("500.00"))]


def test_the_other_accounts_number_is_a_signal_too() -> None:
    out = txn("o", "2026-04-10", "-75.00", "flexible_use", description="FPO 4321 HALE")
    arrived = txn("i", "2026-04-10", "75.00", "other_income", account="A2", description="PAYMENT")
    assert len(pair_transfers((out, arrived), TWO)[1]) == 1


def test_equal_amounts_without_a_signal_or_too_far_apart_do_not_pair() -> None:
    wage = txn("w", "2026-04-10", "-300.00", "pa_wages", description="S CARTER")
    refund = txn("r", "2026-04-11", "300.00", "refund", account="A2", description="REFUND")
    late = txn("l", "2026-04-20", "300.00", "other_income", account="A2", description="TRANSFER")
    marked, pairs = pair_transfers((wage, refund, late), TWO)
    assert pairs == ()
    assert [t.category for t in marked] == ["pa_wages", "refund", "other_income"]


def test_a_line_read_as_a_transfer_that_pairs_with_nothing_counts_as_money_out() -> None:
    lonely = txn("o", "2026-04-10", "-300.00", "own_transfer", description="TFR 12345678")
    marked, pairs = pair_transfers((lonely,), TWO)
    assert pairs == () and marked[0].category == "flexible_use"


# tier ------------------------------------------------------------------------------------

def test_a_proposed_recovery_makes_a_clean_audit_standard() -> None:
    # closing 5,000.00 - contingency 2,600.00 = 2,400.00 surplus, all the council's.
    # A prepaid card, an earlier clean audit and no points for surplus weeks: score 0, light
    # by the score; the proposed recovery alone lifts it to standard.
    clean = inputs(statements=(statement("5000.00", "5000.00"),),
                   transactions=tuple(ordinary_quarter()),
                   accounts=(Account("A1", "prepaid"),),
                   settings=replace(inputs().settings, risk_weights=replace(
                       inputs().settings.risk_weights, surplus_week_above_contingency=0)))
    result = run_audit(clean)
    assert result.proposed_recovery == m("2400.00")
    assert result.score == 0 and result.tier == "standard"
    assert any("recovery" in r.label for r in result.tier_reasons)


def test_a_surplus_alone_never_makes_an_audit_full() -> None:
    # the surplus's points alone would reach the full threshold of 10
    heavy = replace(inputs().settings.risk_weights, surplus_week_above_contingency=5,
                    surplus_points_cap=20)
    result = run_audit(inputs(statements=(statement("5000.00", "5000.00"),),
                              transactions=tuple(ordinary_quarter()),
                              settings=replace(inputs().settings, risk_weights=heavy)))
    assert result.score >= 10
    assert result.tier == "standard"


# underspend ------------------------------------------------------------------------------

def test_a_recorded_underspend_reason_is_shown_with_its_dates() -> None:
    reason = UnderspendReason("hospital_stay", "in hospital after a fall", False,
                              d("2026-05-04"), d("2026-05-31"))
    result = run_audit(inputs(statements=(statement("2000.00", "2000.00"),),
                              transactions=tuple(ordinary_quarter()), underspend_reasons=(reason,)))
    assert [(f.severity, f.message) for f in result.findings if f.code == "underspend_reason"] == [
        ("info", "Recorded reason for spending less from 4 May to 31 May 2026: a stay in hospital "
                 "(in hospital after a fall).")]
