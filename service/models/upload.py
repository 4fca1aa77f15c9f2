from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from service.core.types import Money, UTCDateTime
from service.models.base import Base, CouncilScoped, CreatedMixin, IdMixin, choice

UPLOAD_KINDS = ("statement", "timesheet", "payroll", "batch")
UPLOAD_STATUSES = ("imported", "voided")


class Upload(IdMixin, CreatedMixin, CouncilScoped, Base):
    """One file (or API batch) received, who sent it and what came of it."""

    __tablename__ = "uploads"

    recipient_id: Mapped[int] = mapped_column(ForeignKey("recipients.id"), index=True)
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"), index=True)
    kind: Mapped[str] = mapped_column(choice(*UPLOAD_KINDS, name="kind"))
    sha256: Mapped[str] = mapped_column(ForeignKey("blobs.sha256"), index=True)
    filename: Mapped[str | None] = mapped_column(String(255))
    format: Mapped[str | None] = mapped_column(String(64))
    # null when the command line imported it (an operator, not a signed-in user)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    status: Mapped[str] = mapped_column(choice(*UPLOAD_STATUSES, name="status"), default="imported")
    period_start: Mapped[date | None]
    period_end: Mapped[date | None]
    # what the period rests on: "statement" (the file declares it), "filename", "declared"
    # (the uploader said so), or "lines" (only the first and last line's dates)
    period_evidence: Mapped[str | None] = mapped_column(String(16))
    opening_balance: Mapped[Decimal | None] = mapped_column(Money())
    closing_balance: Mapped[Decimal | None] = mapped_column(Money())
    summary: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    voided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    void_reason: Mapped[str | None] = mapped_column(Text)
