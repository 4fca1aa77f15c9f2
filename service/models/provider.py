from __future__ import annotations

from sqlalchemy import String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from service.models.base import Base, CouncilScoped, IdMixin, TimestampsMixin


class Provider(IdMixin, TimestampsMixin, CouncilScoped, Base):
    """A payroll bureau, managed-account provider or prepaid-card platform serving the council."""

    __tablename__ = "providers"
    __table_args__ = (UniqueConstraint("council_id", "reference"),)

    reference: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
