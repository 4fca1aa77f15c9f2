from __future__ import annotations

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from service.models.base import Base, CouncilScoped, IdMixin, TimestampsMixin


class PayeeCategory(IdMixin, TimestampsMixin, CouncilScoped, Base):
    """A payee's category for one recipient, remembered from a person's re-categorisation."""

    __tablename__ = "payee_categories"
    __table_args__ = (UniqueConstraint("recipient_id", "payee_key"),)

    recipient_id: Mapped[int] = mapped_column(ForeignKey("recipients.id"), index=True)
    payee_key: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(32))
    reason: Mapped[str] = mapped_column(Text)
    set_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
