"""Column types that keep money exact and time zone-aware on SQLite and PostgreSQL alike.

SQLite has no decimal type (a ``Numeric`` sum comes back as a float) and drops time zones,
so money and hours are stored as integer hundredths and timestamps as UTC.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import BigInteger, DateTime
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

CENT = Decimal("0.01")


class InexactAmount(ValueError):
    """A value with more than two decimal places reached storage."""


def to_hundredths(value: Decimal) -> int:
    """Exact conversion of a 2-decimal value to an integer of hundredths; never rounds."""
    scaled = value.scaleb(2)
    if scaled != scaled.to_integral_value():
        raise InexactAmount(f"{value} has more than two decimal places")
    return int(scaled)


def from_hundredths(value: int) -> Decimal:
    return (Decimal(value) / 100).quantize(CENT)


class Fixed2(TypeDecorator[Decimal]):
    """A ``Decimal`` with exactly two places, stored as a BIGINT of hundredths.

    Used for money (pence; the sign convention is written on each column) and for hours.
    SQL sums over the column are exact integers on every database.
    """

    impl = BigInteger
    cache_ok = True

    def process_bind_param(self, value: Decimal | None, dialect: Dialect) -> int | None:
        if value is None:
            return None
        return to_hundredths(Decimal(value))

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        return from_hundredths(int(value))


Money = Fixed2
Hours = Fixed2


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware timestamps: stored in UTC, returned with ``tzinfo=UTC`` on every database."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a timezone-aware column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


UK = ZoneInfo("Europe/London")


def today_uk() -> date:
    """Today's date where the councils are: statements and plans speak in UK calendar days."""
    return datetime.now(UK).date()
