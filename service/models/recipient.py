from __future__ import annotations

from datetime import date

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from service.models.base import Base, CouncilScoped, IdMixin, TimestampsMixin, choice

END_REASONS = ("death", "care_home", "moved", "other")
FUNDING_MODELS = ("net", "gross")


class Recipient(IdMixin, TimestampsMixin, CouncilScoped, Base):
    """A person who receives a direct payment."""

    __tablename__ = "recipients"
    __table_args__ = (UniqueConstraint("council_id", "reference"),)

    reference: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    date_of_birth: Mapped[date | None]
    dp_start_date: Mapped[date | None]
    dp_end_date: Mapped[date | None]
    end_reason: Mapped[str | None] = mapped_column(choice(*END_REASONS, name="end_reason"))
    # the payroll bureau that runs the person's payroll without holding any of their accounts;
    # it sees their payroll and timesheets, nothing else of theirs
    payroll_provider_id: Mapped[int | None] = mapped_column(ForeignKey("providers.id"), index=True)
