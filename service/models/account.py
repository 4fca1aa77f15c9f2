from __future__ import annotations

from datetime import date

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from service.models.base import Base, CouncilScoped, IdMixin, TimestampsMixin, choice

ACCOUNT_KINDS = ("bank", "prepaid", "managed")


class Account(IdMixin, TimestampsMixin, CouncilScoped, Base):
    """An account that holds a recipient's direct payment."""

    __tablename__ = "accounts"
    __table_args__ = (UniqueConstraint("council_id", "reference"),)

    recipient_id: Mapped[int] = mapped_column(ForeignKey("recipients.id"), index=True)
    reference: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(choice(*ACCOUNT_KINDS, name="kind"))
    institution: Mapped[str | None] = mapped_column(String(200))
    # only the last four digits are ever stored, e.g. "****1234"
    masked_number: Mapped[str | None] = mapped_column(String(16))
    provider_id: Mapped[int | None] = mapped_column(ForeignKey("providers.id"), index=True)
    opened_on: Mapped[date | None]
    closed_on: Mapped[date | None]
