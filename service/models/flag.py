from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from service.core.types import UTCDateTime
from service.models.base import Base, CouncilScoped, IdMixin, TimestampsMixin, choice

SEVERITIES = ("unlawful", "harmful", "local")
FLAG_STATUSES = ("open", "cleared", "upheld")


class Flag(IdMixin, TimestampsMixin, CouncilScoped, Base):
    """A rule hit that asks for context. An officer clears or upholds it, with a reason."""

    __tablename__ = "flags"
    # re-running the rules never raises the same flag twice
    __table_args__ = (UniqueConstraint("recipient_id", "flag_key"),)

    recipient_id: Mapped[int] = mapped_column(ForeignKey("recipients.id"), index=True)
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"), index=True)
    transaction_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("transactions.id"), index=True
    )
    worker_id: Mapped[int | None] = mapped_column(ForeignKey("workers.id"))
    flag_key: Mapped[str] = mapped_column(String(200))
    rule_id: Mapped[str] = mapped_column(String(64), index=True)
    rule_version: Mapped[int]
    severity: Mapped[str] = mapped_column(choice(*SEVERITIES, name="severity"))
    status: Mapped[str] = mapped_column(choice(*FLAG_STATUSES, name="status"), default="open")
    explanation: Mapped[str] = mapped_column(Text)
    evidence: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    occurred_on: Mapped[date | None]
    holder_explanation: Mapped[str | None] = mapped_column(Text)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decision_reason: Mapped[str | None] = mapped_column(Text)
