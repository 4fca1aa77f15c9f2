"""How money and dates read in letters and JSON: one place, so every output agrees."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from reports.model import PENNY


def pounds(amount: Decimal) -> str:
    """``Decimal("1234.5")`` -> ``"£1,234.50"``; a negative amount reads ``"minus £12.00"``.

    Spelling out "minus" is kinder to screen readers and people than a hyphen before £.
    """
    exact = amount.quantize(PENNY)
    text = f"£{abs(exact):,.2f}"
    return f"minus {text}" if exact < 0 else text


def long_date(day: date) -> str:
    """``date(2025, 4, 1)`` -> ``"1 April 2025"``, the GOV.UK style (no leading zero)."""
    return f"{day.day} {day:%B %Y}"


def money_string(amount: Decimal) -> str:
    """Money as a decimal string with two places, the API's format: ``"-12.50"``."""
    return str(amount.quantize(PENNY))
