"""A missing statement is one thing to ask about, not two: the balance jump across it is
explained by the gap, not counted again as an account that does not balance."""

from __future__ import annotations

from service.audits.engine import run_audit

from .factories import d, inputs, m, statement, txn


def _two_statements_with_april_missing(may_opening: str) -> object:
    # March: 100.00 - 10.00 -> 90.00. No April statement. May opens at may_opening, -5.00.
    txns = (
        txn("a", "2026-04-06", "-10.00", "transport", running_balance=m("90.00")),
        txn("b", "2026-06-01", "-5.00", "transport", running_balance=m(may_opening) - m("5.00")),
    )
    statements = (
        statement("100.00", "90.00", d("2026-04-06"), d("2026-04-30"), upload="S1"),
        statement(may_opening, str(m(may_opening) - m("5.00")), d("2026-06-01"), d("2026-06-28"), upload="S2"),
    )
    return run_audit(inputs(statements=statements, transactions=txns, schedule=None))


def test_a_jump_across_a_missing_statement_counts_once() -> None:
    result = _two_statements_with_april_missing("60.00")  # 30.00 went out in the missing month
    labels = [r.label for r in result.tier_reasons]
    assert "1 gap in the statements" in labels
    assert not any("balance" in label for label in labels)
    codes = [f.code for f in result.reconciliation.findings]
    assert "balance_moved_during_gap" in codes and "balance_chain_break" not in codes
    assert "reconciliation_difference" not in codes
    # the figures still add up: 100.00 + 0 - 15.00 + (-30.00) = 55.00
    assert result.reconciliation_difference == m("-30.00")


def test_a_break_inside_a_statement_still_counts() -> None:
    txns = (
        txn("a", "2026-04-07", "-10.00", "transport", running_balance=m("90.00")),
        txn("b", "2026-04-09", "-5.00", "transport", running_balance=m("80.00")),  # 85.00 expected
    )
    result = run_audit(inputs(statements=(statement("100.00", "80.00"),), transactions=txns, schedule=None))
    assert any("does not balance" in r.label for r in result.tier_reasons)
