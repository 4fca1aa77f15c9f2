"""Properties that hold for any statement, any spending, any balance."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from service.audits.inputs import Account, AuditPeriod, Commitment, Statement, Transaction
from service.audits.plan import spend_against_plan
from service.audits.reconcile import reconcile
from service.audits.surplus import SurplusInputs, compute_surplus

from .factories import END, START, plan

PERIOD = AuditPeriod(START, END)
CATEGORIES = [
    "pa_wages",
    "day_activities",
    "equipment",
    "flexible_use",
    "own_transfer",
    "council_payment",
    "contribution",
    "",
    "transport",
]

money = st.integers(min_value=-500_000, max_value=500_000).map(lambda p: Decimal(p).scaleb(-2))
positive = st.integers(min_value=0, max_value=2_000_000).map(lambda p: Decimal(p).scaleb(-2))
day_in_period = st.integers(0, PERIOD.days - 1).map(lambda n: START + timedelta(days=n))


@st.composite
def transactions(draw: st.DrawFn, account: str = "A1") -> list[Transaction]:
    rows = draw(st.lists(st.tuples(day_in_period, money, st.sampled_from(CATEGORIES)), max_size=40))
    return [
        Transaction(f"{account}-{n}", account, day, amount, category=category)
        for n, (day, amount, category) in enumerate(sorted(rows, key=lambda r: r[0]))
    ]


@given(transactions())
def test_categories_sum_to_money_out(txns: list[Transaction]) -> None:
    spend = spend_against_plan(PERIOD, (plan(),), txns)
    spent = -sum((t.amount for t in txns if t.amount < 0 and t.category != "own_transfer"), Decimal(0))
    assert sum((c.amount for c in spend.by_category), Decimal(0)) == spend.money_out == spent
    # and every pound out is in exactly one place: a plan line, flexible use or not in plan
    placed = (
        sum((line.actual for line in spend.lines), Decimal(0))
        + spend.flexible_use
        + sum((c.amount for c in spend.not_in_plan), Decimal(0))
    )
    assert placed == spend.money_out


def _chain(opening: Decimal, txns: list[Transaction]) -> list[Transaction]:
    """The running balances a bank would print."""
    balance, out = opening, []
    for t in txns:
        balance += t.amount
        out.append(
            Transaction(t.id, t.account, t.date, t.amount, category=t.category, running_balance=balance)
        )
    return out


@given(money, transactions(), st.booleans())
def test_reconciliation_holds_for_any_true_statement(
    opening: Decimal, txns: list[Transaction], print_balances: bool
) -> None:
    closing = opening + sum((t.amount for t in txns), Decimal(0))
    printed = _chain(opening, txns) if print_balances else txns
    stmt = Statement("A1", START, END, opening, closing, "S1")
    rec = reconcile((Account("A1", "bank"),), PERIOD, (stmt,), printed)
    assert [a.difference for a in rec.accounts] == [0] and rec.breaks == ()
    # taken as one pot, a transfer whose other side was never seen is the only difference
    assert rec.difference == rec.transfers_unmatched
    assert rec.opening_balance + rec.money_in - rec.money_out + rec.difference == rec.closing_balance


@given(money, money, transactions(), st.sampled_from([None, "A1"]))
def test_reconciliation_identity_for_any_balances(
    opening: Decimal, closing: Decimal, txns: list[Transaction], printed: str | None
) -> None:
    stmts = (Statement("A1", START, END, opening, closing, "S1"),) if printed else ()
    rec = reconcile((Account("A1", "bank"),), PERIOD, stmts, txns)
    (acct,) = rec.accounts
    assert acct.opening_balance + acct.money_in - acct.money_out + acct.difference == (acct.closing_balance)
    assert rec.opening_balance + rec.money_in - rec.money_out + rec.difference == rec.closing_balance


@given(
    closing=money,
    weekly=positive,
    weeks=st.integers(0, 12),
    owed=st.lists(positive, max_size=3),
    advance=positive,
    council_in=positive,
    contribution_in=positive,
    model=st.sampled_from(["net", "gross"]),
    final=st.booleans(),
)
def test_recovery_is_never_negative_and_never_more_than_the_surplus(
    closing: Decimal,
    weekly: Decimal,
    weeks: int,
    owed: list[Decimal],
    advance: Decimal,
    council_in: Decimal,
    contribution_in: Decimal,
    model: str,
    final: bool,
) -> None:
    result = compute_surplus(
        SurplusInputs(
            closing,
            weekly,
            weeks,
            tuple(Commitment("other", "owed", a) for a in owed),
            advance,
            council_in,
            contribution_in,
            model,
            final,  # type: ignore[arg-type]
        )
    )
    assert result.proposed_recovery >= 0
    assert result.proposed_recovery <= max(result.surplus, Decimal(0))
    if result.surplus > 0:
        assert result.council_share + result.contribution_share == result.surplus
        assert result.contribution_share >= 0
    # the shown steps add up to the surplus
    steps = result.steps[: [s.label for s in result.steps].index("Surplus")]
    assert sum((s.amount for s in steps), Decimal(0)) == result.surplus
