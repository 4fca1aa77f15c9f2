from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from service.core.types import Money
from service.models.base import Base, CouncilScoped, CreatedMixin, IdMixin, choice

KINDS = ("invoice", "wages", "hmrc", "pension", "other")


class Commitment(IdMixin, CreatedMixin, CouncilScoped, Base):
    """Money already owed from the account (an invoice due, say): not surplus. Pence."""

    __tablename__ = "commitments"

    recipient_id: Mapped[int] = mapped_column(ForeignKey("recipients.id"), index=True)
    kind: Mapped[str] = mapped_column(choice(*KINDS, name="kind"))
    description: Mapped[str] = mapped_column(String(300))
    amount: Mapped[Decimal] = mapped_column(Money())
    due_on: Mapped[date | None]
    settled_on: Mapped[date | None]
