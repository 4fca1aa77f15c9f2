"""The one declarative ``Base``, with a constraint naming convention.

Named constraints let Alembic write reversible migrations and let SQLite's batch mode
rebuild tables; nothing relies on names the database invents.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Enum, ForeignKey, Integer, MetaData
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from service.core.types import UTCDateTime, utcnow

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# BIGINT ids on PostgreSQL; INTEGER on SQLite so the column aliases the rowid.
BigId = BigInteger().with_variant(Integer(), "sqlite")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def choice(*values: str, name: str) -> Enum:
    """A short string column limited to ``values`` by a named CHECK constraint on both databases."""
    return Enum(*values, name=name, native_enum=False, create_constraint=True, length=32)


class IdMixin:
    id: Mapped[int] = mapped_column(Integer, primary_key=True)


class CreatedMixin:
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class TimestampsMixin(CreatedMixin):
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class CouncilScoped:
    """Every tenant row carries its council, so scope checks never need a join."""

    council_id: Mapped[int] = mapped_column(ForeignKey("councils.id"), index=True)
