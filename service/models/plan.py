from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from service.core.types import Hours, Money, UTCDateTime
from service.models.base import Base, CouncilScoped, IdMixin, TimestampsMixin, choice

PLAN_STATUSES = ("draft", "approved")
PERIODS = ("week", "four_weeks", "month", "year")
AMOUNT_BASES = ("week", "period")


class SupportPlan(IdMixin, TimestampsMixin, CouncilScoped, Base):
    """One version of a recipient's care and support plan. Approved versions never change."""

    __tablename__ = "support_plans"
    __table_args__ = (UniqueConstraint("recipient_id", "version"),)

    recipient_id: Mapped[int] = mapped_column(ForeignKey("recipients.id"), index=True)
    version: Mapped[int]
    status: Mapped[str] = mapped_column(choice(*PLAN_STATUSES, name="status"), default="draft")
    effective_from: Mapped[date]
    effective_to: Mapped[date | None]
    period: Mapped[str] = mapped_column(choice(*PERIODS, name="period"))
    # budgets per period, pence
    indicative_budget: Mapped[Decimal | None] = mapped_column(Money())
    actual_budget: Mapped[Decimal] = mapped_column(Money())
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class PlanLine(IdMixin, CouncilScoped, Base):
    """What the plan pays for: a category, an amount per week or per period, hours and payee."""

    __tablename__ = "plan_lines"

    plan_id: Mapped[int] = mapped_column(ForeignKey("support_plans.id"), index=True)
    position: Mapped[int]
    category: Mapped[str] = mapped_column(String(32))
    description: Mapped[str] = mapped_column(String(300))
    amount: Mapped[Decimal] = mapped_column(Money())  # pence, per ``amount_basis``
    amount_basis: Mapped[str] = mapped_column(choice(*AMOUNT_BASES, name="amount_basis"))
    planned_hours_per_week: Mapped[Decimal | None] = mapped_column(Hours())
    hourly_rate: Mapped[Decimal | None] = mapped_column(Money())
    expected_payee: Mapped[str | None] = mapped_column(String(200))
