"""Whole audits a reviewer can check by hand. Defaults are in factories.py:
12 weeks (6 Apr - 28 Jun 2026), plan £325.00 a week, contingency 8 x £325.00 = £2,600.00.
"""

from __future__ import annotations

import json
from dataclasses import replace

from service.audits.engine import run_audit
from service.audits.inputs import (
    Account,
    Commitment,
    Flag,
    PriorAudits,
    UnderspendReason,
)

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


def test_clean_account_closes_light_with_nothing_to_recover() -> None:
    # 2,000.00 + in 3 x 1,300.00 (3,900.00) - out 3 x (1,200.00 + 100.00) (3,900.00)
    # = 2,000.00, which the statement also shows: difference 0.00.
    # surplus = 2,000.00 - 2,600.00 contingency = -600.00: nothing to recover.
    result = run_audit(
        inputs(statements=(statement("2000.00", "2000.00"),), transactions=tuple(ordinary_quarter()))
    )
    assert (result.opening_balance, result.money_in, result.money_out) == (
        m("2000.00"),
        m("3900.00"),
        m("3900.00"),
    )
    assert result.closing_balance == m("2000.00")
    assert result.reconciliation_difference == m("0.00")
    assert result.contingency == m("2600.00")
    assert result.surplus == m("-600.00")
    assert result.proposed_recovery == m("0.00")
    assert result.tier == "light"
    assert [(r.label, r.points) for r in result.tier_reasons] == [("bank account", 1)]
    assert result.decision.questions == () and result.decision.documents == ()
    assert result.gaps == ()


def test_fourteen_weeks_surplus_recovers_council_share_above_eight_weeks() -> None:
    # council pays 1,100.00 and the person 200.00 every 4 weeks (1,300.00 in all).
    # closing = 14 weeks x 325.00 = 4,550.00; in 3,900.00, out 3,900.00, so opening 4,550.00.
    # surplus = 4,550.00 - 2,600.00 = 1,950.00 (= 6 weeks x 325.00)
    # council paid in 3 x 1,100.00 = 3,300.00 of 3,900.00:
    # council share = 1,950.00 x 3,300 / 3,900 = 1,650.00; contribution share = 300.00
    result = run_audit(
        inputs(
            schedule=schedule("1100.00", "200.00"),
            statements=(statement("4550.00", "4550.00"),),
            transactions=tuple(ordinary_quarter("1100.00", "200.00")),
        )
    )
    assert result.surplus == m("1950.00")
    assert result.surplus_working.weeks_above_contingency == m("6.00")
    assert result.council_share == m("1650.00")
    assert result.contribution_share == m("300.00")
    assert result.proposed_recovery == m("1650.00")
    # bank 1 + 6 weeks of surplus, capped at 4 points = 5: standard, with a question
    assert result.tier == "standard"
    assert ("surplus of 6.00 weeks above the contingency", 4) in [
        (r.label, r.points) for r in result.tier_reasons
    ]
    steps = [(s.label, s.amount) for s in result.surplus_working.steps]
    assert steps == [
        ("Closing balance", m("4550.00")),
        ("Less contingency", m("-2600.00")),
        ("Surplus", m("1950.00")),
        ("Council share", m("1650.00")),
        ("Contribution share", m("300.00")),
        ("Proposed recovery", m("1650.00")),
    ]


def test_could_not_recruit_holds_the_recovery() -> None:
    # as above (council share 1,650.00) but the person could not recruit a PA
    reason = UnderspendReason("could_not_recruit", "advert ran for 10 weeks", hold_recovery=True)
    result = run_audit(
        inputs(
            schedule=schedule("1100.00", "200.00"),
            statements=(statement("4550.00", "4550.00"),),
            transactions=tuple(ordinary_quarter("1100.00", "200.00")),
            underspend_reasons=(reason,),
        )
    )
    assert result.council_share == m("1650.00")
    assert result.proposed_recovery == m("0.00")
    assert result.recovery_held
    last = result.surplus_working.steps[-1]
    assert "could not recruit" in last.explanation and "£1,650.00" in last.explanation


def test_reason_that_does_not_hold_leaves_recovery_proposed() -> None:
    reason = UnderspendReason("other", hold_recovery=False)
    result = run_audit(
        inputs(
            statements=(statement("4550.00", "4550.00"),),
            transactions=tuple(ordinary_quarter()),
            underspend_reasons=(reason,),
        )
    )
    # no contribution: the whole surplus 4,550.00 - 2,600.00 = 1,950.00 is the council's
    assert result.proposed_recovery == m("1950.00")
    assert not result.recovery_held


def test_statement_gap_is_listed_in_words_and_asked_for() -> None:
    # April statement: 2,000.00 + 1,300.00 - 1,300.00 = 2,000.00
    # June statement:  2,000.00 + 1,300.00 - 1,300.00 = 2,000.00; nothing for May.
    april = [t for t in ordinary_quarter() if t.date.month == 4 or t.id in {"w0", "a0"}]
    june = [t for t in ordinary_quarter() if t.date.month == 6]
    result = run_audit(
        inputs(
            statements=(
                statement("2000.00", "2000.00", START, d("2026-05-01"), upload="apr"),
                statement("2000.00", "2000.00", d("2026-06-01"), END, upload="jun"),
            ),
            transactions=(*april, *june),
        )
    )
    assert result.gaps == ("no statement from 2 May to 31 May 2026",)
    assert result.reconciliation_difference == m("0.00")
    # bank 1 + one gap 3 = 4: standard, asking for the missing statement
    assert result.tier == "standard"
    assert "There is no statement from 2 May to 31 May 2026: please upload it." in (result.decision.questions)
    # the council's 4 May payment fell inside the gap: not seen, never "missed"
    assert not any(f.code == "missed_council_payment" for f in result.findings)
    assert [f.message for f in result.findings if f.code == "payment_not_seen"] == [
        "Payments due on 4 May 2026 fell while no statement came in, so we have not seen them."]


def _with_gambling(status: str) -> object:
    bet = txn("g1", "2026-05-12", "-25.00", "flexible_use", description="BET365", flag_ids=("f1",))
    flag = Flag("f1", "gambling", "harmful", status, "Gambling", transaction_id="g1")  # type: ignore[arg-type]
    # 2,000.00 + 3,900.00 - 3,900.00 - 25.00 = 1,975.00
    return run_audit(
        inputs(
            statements=(statement("2000.00", "1975.00"),),
            transactions=(*ordinary_quarter(), bet),
            flags=(flag,),
        )
    )


def test_gambling_flag_raises_the_tier_and_asks_about_that_line() -> None:
    result = _with_gambling("open")
    # bank 1 + harmful flag 4 = 5: standard
    assert result.tier == "standard"
    assert result.decision.score == 5
    assert result.decision.questions[0] == (
        "On 12 May 2026, £25.00 to BET365 (Gambling): please tell us what this was for."
    )
    assert result.plan.flexible_use == m("25.00")


def test_cleared_gambling_flag_no_longer_counts() -> None:
    assert _with_gambling("cleared").tier == "light"


def test_pa_paid_below_minimum_wage_means_a_full_audit() -> None:
    nmw = Flag("f9", "minimum_wage", "unlawful", "open", "Paid below the minimum wage", worker_id="pa1")
    result = run_audit(
        inputs(
            statements=(statement("2000.00", "2000.00"),),
            transactions=tuple(ordinary_quarter()),
            flags=(nmw,),
        )
    )
    # bank 1 + unlawful flag 10 = 11 >= 10: full
    assert result.tier == "full"
    assert ("1 flag of possibly unlawful spending", 10) in [(r.label, r.points) for r in result.tier_reasons]
    assert "payslips for the period" in result.decision.documents
    assert any("employer's liability" in doc for doc in result.decision.documents)


def test_money_paid_in_advance_is_not_surplus() -> None:
    # the payment due Monday 29 June arrives Friday 26 June, inside the period.
    # closing = 2,600.00 + 3,900.00 + 1,300.00 - 3,900.00 = 3,900.00
    # surplus = 3,900.00 - 2,600.00 contingency - 1,300.00 paid in advance = 0.00
    early = txn("c3", "2026-06-26", "1300.00", "council_payment")
    result = run_audit(
        inputs(statements=(statement("2600.00", "3900.00"),), transactions=(*ordinary_quarter(), early))
    )
    assert result.money_in == m("5200.00")
    assert result.income is not None and result.income.paid_in_advance == m("1300.00")
    assert result.surplus == m("0.00")
    assert result.proposed_recovery == m("0.00")
    assert ("Less money paid in advance", m("-1300.00")) in [
        (s.label, s.amount) for s in result.surplus_working.steps
    ]


def test_transfer_between_own_accounts_is_neither_income_nor_spending() -> None:
    # A1 (bank): 1,000.00 + 3,900.00 council - 500.00 to A2 - 3,600.00 wages = 800.00
    # A2 (prepaid): 200.00 + 500.00 from A1 - 300.00 activities = 400.00
    # together: 1,200.00 + 3,900.00 - 3,900.00 = 1,200.00; contingency once: 2,600.00
    quarter = ordinary_quarter()
    on_card = [replace(t, account="A2") for t in quarter if t.category == "day_activities"]
    rest = [t for t in quarter if t.category != "day_activities"]
    transfers = (
        txn("t-out", "2026-04-10", "-500.00", "own_transfer", description="TOP UP CARD"),
        txn("t-in", "2026-04-11", "500.00", "own_transfer", account="A2", description="LOAD"),
    )
    result = run_audit(
        inputs(
            accounts=(Account("A1", "bank"), Account("A2", "prepaid")),
            statements=(
                statement("1000.00", "800.00"),
                statement("200.00", "400.00", account="A2", upload="S2"),
            ),
            transactions=(*rest, *on_card, *transfers),
        )
    )
    a1, a2 = result.reconciliation.accounts
    assert (a1.money_in, a1.money_out, a1.difference) == (m("3900.00"), m("4100.00"), m("0.00"))
    assert (a2.money_in, a2.money_out, a2.difference) == (m("500.00"), m("300.00"), m("0.00"))
    assert (result.money_in, result.money_out) == (m("3900.00"), m("3900.00"))
    assert result.reconciliation_difference == m("0.00")
    assert result.contingency == m("2600.00")
    assert result.surplus == m("1200.00") - m("2600.00")
    assert sum(c.amount for c in result.plan.by_category) == result.money_out


def test_transfer_seen_on_one_side_only_is_ordinary_money_out() -> None:
    # 500.00 left A1 "to A2", but A2's statement never shows it arriving: with no pair it is
    # not a transfer, so it counts as money out and the pot still balances (1,000 - 500 = 500)
    result = run_audit(
        inputs(
            accounts=(Account("A1", "bank"), Account("A2", "prepaid")),
            statements=(statement("1000.00", "500.00"), statement("0.00", "0.00", account="A2", upload="S2")),
            transactions=(txn("t-out", "2026-04-10", "-500.00", "own_transfer", description="TOP UP CARD"),),
            schedule=None,
        )
    )
    assert (result.money_out, result.reconciliation_difference) == (m("500.00"), m("0.00"))
    assert result.transfers == ()
    assert not any(f.code == "transfer_unmatched" for f in result.findings)


def test_final_audit_keeps_no_contingency() -> None:
    # the person moved into a care home: 4,550.00 - 0.00 contingency - 150.00 invoice due
    # = 4,400.00, all the council's (no contribution)
    invoice = Commitment("invoice", "Agency invoice for June", m("150.00"), d("2026-07-10"))
    result = run_audit(
        inputs(
            statements=(statement("4550.00", "4550.00"),),
            transactions=tuple(ordinary_quarter()),
            commitments=(invoice,),
            final_audit=True,
        )
    )
    assert result.contingency == m("0.00")
    assert result.commitments == m("150.00")
    assert result.surplus == m("4400.00")
    assert result.proposed_recovery == m("4400.00")


def test_final_audit_keeps_money_paid_in_advance_as_surplus() -> None:
    # no next period will come: 3,900.00 closing - 0.00 contingency = 3,900.00, all recovered
    early = txn("c3", "2026-06-26", "1300.00", "council_payment")
    result = run_audit(
        inputs(
            statements=(statement("2600.00", "3900.00"),),
            transactions=(*ordinary_quarter(), early),
            final_audit=True,
        )
    )
    assert result.surplus == m("3900.00")
    assert result.proposed_recovery == m("3900.00")


def test_plan_change_mid_period_averages_the_days() -> None:
    # 6 Apr - 17 May (42 days) on £1,300.00 every 4 weeks: 1,300 x 42 / 28 = 1,950.00
    # 18 May - 31 May (14 days) on £1,500.00 a month:    1,500 x 14 / 31 =   677.419...
    #  1 Jun - 28 Jun (28 days) on £1,500.00 a month:    1,500 x 28 / 30 = 1,400.00
    # total 4,027.419...; weekly = 4,027.419... x 7 / 84 = 335.618... -> 335.62
    # contingency = 8 x 335.62 = 2,684.96
    old = plan(effective_to=d("2026-05-17"))
    new = plan("1500.00", "month", effective_from=d("2026-05-18"), id="v2")
    result = run_audit(
        inputs(
            plan_versions=(old, new),
            statements=(statement("2000.00", "2000.00"),),
            transactions=tuple(ordinary_quarter()),
        )
    )
    assert result.weekly_plan_value == m("335.62")
    assert result.contingency == m("2684.96")
    steps = [(s.label, s.amount) for s in result.plan.weekly.steps]
    assert steps == [
        ("Plan 6 April to 17 May 2026", m("1950.00")),
        ("Plan 18 May to 31 May 2026", m("677.42")),
        ("Plan 1 June to 28 June 2026", m("1400.00")),
        ("Weekly plan value", m("335.62")),
    ]


def test_missing_line_shows_as_a_break_in_the_running_balance() -> None:
    # 100.00 +50.00 -> 150.00; then -20.00 should give 130.00 but the bank shows 110.00
    txns = (
        txn("x1", "2026-04-07", "50.00", "refund", running_balance=m("150.00")),
        txn("x2", "2026-04-09", "-20.00", "transport", description="TAXI", running_balance=m("110.00")),
    )
    result = run_audit(inputs(statements=(statement("100.00", "110.00"),), transactions=txns, schedule=None))
    (brk,) = result.reconciliation.breaks
    assert (brk.before_id, brk.after_id, brk.expected, brk.found) == (
        "x1",
        "x2",
        m("130.00"),
        m("110.00"),
    )
    # 100.00 + 50.00 - 20.00 = 130.00, closing 110.00: difference -20.00
    assert result.reconciliation_difference == m("-20.00")
    assert result.tier == "standard"  # bank 1 + an account that does not balance 4


def test_first_audit_of_a_prepaid_card_is_light() -> None:
    result = run_audit(
        inputs(
            accounts=(Account("A1", "prepaid"),),
            prior_audits=PriorAudits(),
            statements=(statement("2000.00", "2000.00"),),
            transactions=tuple(ordinary_quarter()),
        )
    )
    assert [(r.label, r.points) for r in result.tier_reasons] == [("1 first audit", 1)]
    assert result.tier == "light"


def test_result_json_gives_money_as_decimal_strings() -> None:
    result = run_audit(
        inputs(statements=(statement("2000.00", "2000.00"),), transactions=tuple(ordinary_quarter()))
    )
    data = json.loads(result.to_json())
    assert data["closing_balance"] == "2000.00"
    assert data["contingency"] == "2600.00"
    assert data["settings"]["contingency_weeks"] == 8
    assert data["settings"]["risk_weights"]["unlawful_flag"] == 10
    assert data["settings"]["holiday_accrual_rate"] == "0.1207"
    assert data["reconciliation"]["accounts"][0]["difference"] == "0.00"
    assert data["period"] == {"start": "2026-04-06", "end": "2026-06-28", "days": 84}
