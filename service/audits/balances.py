"""The balance chain: one reading of a statement's order and running balances, used by the
import reply and by the audit alike, so a file that reconciles on import can never become
"an account that does not balance" in its audit.

Banks print statements newest-first or oldest-first, and several lines often share a day.
Within a day the file's own order is the only evidence of which line came first, so we keep
it: a file is turned round whole when it runs newest-first, then sorted by date with a
stable sort, which leaves each day's lines in the order the bank printed them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from decimal import Decimal
from typing import TypeVar

T = TypeVar("T")


# (index, expected, found): line ``index`` (oldest-first) shows ``found`` where the chain
# expects ``expected``. A plain tuple: a broken file can have a break on every line.
Break = tuple[int, Decimal, Decimal]


def runs_newest_first(lines: Sequence[T], day: Callable[[T], date], amount: Callable[[T], Decimal],
                      balance: Callable[[T], Decimal | None]) -> bool:
    """Whether a file lists its newest line first.

    The first and last dates say so when they differ. A file of one day is read the way its
    running balances chain; with no balances, as printed.
    """
    if len(lines) < 2:
        return False
    first, last = day(lines[0]), day(lines[-1])
    if first != last:
        return first > last
    amounts, printed = [amount(x) for x in lines], [balance(x) for x in lines]
    return len(breaks(amounts[::-1], printed[::-1])) < len(breaks(amounts, printed))


def oldest_first(lines: Sequence[T], day: Callable[[T], date], amount: Callable[[T], Decimal],
                 balance: Callable[[T], Decimal | None]) -> list[T]:
    """The lines oldest-first, each day's lines in the order the bank printed them."""
    ordered = list(lines[::-1]) if runs_newest_first(lines, day, amount, balance) else list(lines)
    return sorted(ordered, key=day)  # stable: a day's lines keep the file's order


def breaks(amounts: Sequence[Decimal], printed: Sequence[Decimal | None]) -> list[Break]:
    """Each printed balance should be the last printed one plus the lines since (the lines'
    amounts and printed balances, oldest-first).

    The chain carries on from what the bank printed, so one missing line shows once.
    """
    found: list[Break] = []
    expected: Decimal | None = None
    for index, (amount, balance) in enumerate(zip(amounts, printed, strict=True)):
        if expected is not None:
            expected += amount
        if balance is not None:
            if expected is not None and balance != expected:
                found.append((index, expected, balance))
            expected = balance
    return found


def opening_balance(lines: Sequence[T], amount: Callable[[T], Decimal],
                    balance: Callable[[T], Decimal | None]) -> Decimal | None:
    """The balance before the earliest line: its balance less its amount (lines oldest-first)."""
    for index, line in enumerate(lines):
        printed = balance(line)
        if printed is not None:
            return printed - sum((amount(x) for x in lines[:index + 1]), Decimal("0.00"))
    return None


def closing_balance(lines: Sequence[T], amount: Callable[[T], Decimal],
                    balance: Callable[[T], Decimal | None]) -> Decimal | None:
    """The balance after the latest line (lines oldest-first)."""
    for index in range(len(lines) - 1, -1, -1):
        printed = balance(lines[index])
        if printed is not None:
            return printed + sum((amount(x) for x in lines[index + 1:]), Decimal("0.00"))
    return None
