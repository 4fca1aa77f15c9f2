from __future__ import annotations

from datetime import date

from sqlalchemy import ForeignKey, Text
from sqlalchemy.orm import Mapped, mapped_column

from service.models.base import Base, CouncilScoped, CreatedMixin, IdMixin, choice

REASONS = ("could_not_recruit", "hospital_stay", "provider_let_down", "other")


class UnderspendReason(IdMixin, CreatedMixin, CouncilScoped, Base):
    """Why money was not spent (unmet need). It can hold a recovery until people have talked."""

    __tablename__ = "underspend_reasons"

    recipient_id: Mapped[int] = mapped_column(ForeignKey("recipients.id"), index=True)
    audit_id: Mapped[int | None] = mapped_column(ForeignKey("audits.id"), index=True)
    period_start: Mapped[date]
    period_end: Mapped[date]
    reason: Mapped[str] = mapped_column(choice(*REASONS, name="reason"))
    note: Mapped[str | None] = mapped_column(Text)
    hold_recovery: Mapped[bool] = mapped_column(default=False)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
