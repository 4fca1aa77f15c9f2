"""Money that moved while no statement came in is told with its direction."""

from __future__ import annotations

from decimal import Decimal

import pytest
from audits.factories import d, inputs, m, statement, txn

from service.audits.engine import run_audit
from service.audits.reconcile import gap_movement_words


def _april_missing(may_opening: str) -> list[str]:
    txns = (
        txn("a", "2026-04-06", "-10.00", "transport", running_balance=m("90.00")),
        txn("b", "2026-06-01", "-5.00", "transport", running_balance=m(may_opening) - m("5.00")),
    )
    statements = (
        statement("100.00", "90.00", d("2026-04-06"), d("2026-04-30"), upload="S1"),
        statement(may_opening, str(m(may_opening) - m("5.00")), d("2026-06-01"), d("2026-06-28"),
                  upload="S2"),
    )
    result = run_audit(inputs(statements=statements, transactions=txns, schedule=None))
    return [f.message for f in result.findings if f.code == "balance_moved_during_gap"]


@pytest.mark.parametrize(("may_opening", "words"), [
    ("363.60", "While no statement came in, the balance went up by £273.60;"),
    ("60.00", "While no statement came in, the balance went down by £30.00;"),
])
def test_the_balance_across_a_gap_goes_up_or_down(may_opening: str, words: str) -> None:
    [message] = _april_missing(may_opening)
    assert message.startswith(words)
    assert "minus" not in message and "-£" not in message


def test_the_words_never_carry_a_sign() -> None:
    assert "went down by £0.01" in gap_movement_words(Decimal("-0.01"))
    assert "went up by £1,000.00" in gap_movement_words(Decimal("1000.00"))
