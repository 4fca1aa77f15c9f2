from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from service.core.types import Hours, Money
from service.models.base import Base, CouncilScoped, CreatedMixin, IdMixin
from service.models.live import Voidable, live_unique


class PayrollLine(Voidable, IdMixin, CreatedMixin, CouncilScoped, Base):
    """One worker's pay for one pay period, as the payroll provider ran it. Money in pence.

    Gross pay feeds the minimum-wage check (statements show only net pay); PAYE, NI and
    pension become known commitments until they are paid.
    """

    __tablename__ = "payroll_lines"
    # a provider pushing the same run again changes nothing (among live lines)
    __table_args__ = (
        live_unique("uq_payroll_lines_live_line", "recipient_id", "worker_name", "period_start",
                    "period_end"),
    )

    recipient_id: Mapped[int] = mapped_column(ForeignKey("recipients.id"), index=True)
    upload_id: Mapped[int] = mapped_column(ForeignKey("uploads.id"), index=True)
    worker_id: Mapped[int | None] = mapped_column(ForeignKey("workers.id"), index=True)
    worker_name: Mapped[str] = mapped_column(String(200))
    period_start: Mapped[date]
    period_end: Mapped[date]
    gross: Mapped[Decimal] = mapped_column(Money())
    paye: Mapped[Decimal] = mapped_column(Money())
    employee_ni: Mapped[Decimal] = mapped_column(Money())
    employer_ni: Mapped[Decimal] = mapped_column(Money())
    employee_pension: Mapped[Decimal] = mapped_column(Money())
    employer_pension: Mapped[Decimal] = mapped_column(Money())
    net: Mapped[Decimal] = mapped_column(Money())
    hours: Mapped[Decimal | None] = mapped_column(Hours())
    source_line: Mapped[int | None]
