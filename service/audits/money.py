"""Money and working shown: one rounding rule, and the step a figure is built from."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal
from fractions import Fraction

PENNY = Decimal("0.01")
ZERO = Decimal("0.00")


def pennies(value: Decimal | Fraction) -> Decimal:
    """Round to the penny, half up: the only rounding rule the audit uses."""
    if isinstance(value, Fraction):
        value = Decimal(value.numerator) / Decimal(value.denominator)
    return value.quantize(PENNY, rounding=ROUND_HALF_UP)


def whole_floor(value: Decimal) -> int:
    return int(value.to_integral_value(rounding=ROUND_FLOOR))


def total(amounts: Iterable[Decimal]) -> Decimal:
    """Exact sum that is a two-place Decimal even when nothing is summed."""
    return sum(amounts, ZERO)


def gbp(amount: Decimal) -> str:
    """£1,234.50 / -£12.00, as people read money in letters and questions."""
    sign = "-" if amount < 0 else ""
    return f"{sign}£{abs(amount):,.2f}"


@dataclass(frozen=True, slots=True)
class Step:
    """One line of shown working: what it is, how much, and how it was reached."""

    label: str
    amount: Decimal
    explanation: str
