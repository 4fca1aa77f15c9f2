from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column

from service.core.types import Money, UTCDateTime
from service.models.base import Base, CouncilScoped, IdMixin, TimestampsMixin, choice

AUDIT_KINDS = ("scheduled", "on_demand", "final", "correction")
AUDIT_STATUSES = ("open", "closed")
TIERS = ("light", "standard", "full")


class Audit(IdMixin, TimestampsMixin, CouncilScoped, Base):
    """The audit of a recipient's DP accounts for a period. Closed audits never change."""

    __tablename__ = "audits"

    recipient_id: Mapped[int] = mapped_column(ForeignKey("recipients.id"), index=True)
    period_start: Mapped[date]
    period_end: Mapped[date]
    kind: Mapped[str] = mapped_column(choice(*AUDIT_KINDS, name="kind"), default="scheduled")
    corrects_audit_id: Mapped[int | None] = mapped_column(ForeignKey("audits.id"))
    status: Mapped[str] = mapped_column(choice(*AUDIT_STATUSES, name="status"), default="open")
    tier: Mapped[str | None] = mapped_column(choice(*TIERS, name="tier"))
    # the whole result, and the rules, settings and rates it used, as decided
    result: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    inputs: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    proposed_recovery: Mapped[Decimal | None] = mapped_column(Money())
    agreed_recovery: Mapped[Decimal | None] = mapped_column(Money())
    decision_reason: Mapped[str | None] = mapped_column(Text)
    # the officer's decision: an agreed recovery, or recovery on hold, always with a reason
    recovery_held: Mapped[bool] = mapped_column(default=False, server_default=false())
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # SHA-256 of the figures and inputs the closed audit froze: what was decided on
    frozen_digest: Mapped[str | None] = mapped_column(String(64))
