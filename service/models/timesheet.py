from __future__ import annotations

from datetime import date, time
from decimal import Decimal

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from service.core.types import Hours, Money
from service.models.base import Base, BigId, CouncilScoped, CreatedMixin
from service.models.live import Voidable, live_unique


class TimesheetEntry(Voidable, CreatedMixin, CouncilScoped, Base):
    """Hours a PA worked on a day, as the timesheet says; the worker name is kept as written."""

    __tablename__ = "timesheet_entries"
    # the same shift in an overlapping live timesheet is counted once
    __table_args__ = (live_unique("uq_timesheet_entries_live_entry", "recipient_id", "dedup_key"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    recipient_id: Mapped[int] = mapped_column(ForeignKey("recipients.id"), index=True)
    upload_id: Mapped[int] = mapped_column(ForeignKey("uploads.id"), index=True)
    worker_id: Mapped[int | None] = mapped_column(ForeignKey("workers.id"), index=True)
    worker_name: Mapped[str] = mapped_column(String(200))
    worked_on: Mapped[date]
    start_time: Mapped[time | None]
    end_time: Mapped[time | None]
    hours: Mapped[Decimal] = mapped_column(Hours())  # paid hours less unpaid breaks
    sleep_in: Mapped[bool] = mapped_column(default=False)
    woken_hours: Mapped[Decimal | None] = mapped_column(Hours())
    rate: Mapped[Decimal | None] = mapped_column(Money())
    sheet: Mapped[str | None] = mapped_column(String(100))
    source_row: Mapped[int | None]
    dedup_key: Mapped[str] = mapped_column(String(80))
