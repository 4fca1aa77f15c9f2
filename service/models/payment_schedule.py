from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from service.core.types import Money
from service.models.base import Base, CouncilScoped, IdMixin, TimestampsMixin, choice

FREQUENCIES = ("week", "four_weeks", "month")
FUNDING_MODELS = ("net", "gross")


class PaymentSchedule(IdMixin, TimestampsMixin, CouncilScoped, Base):
    """What the council pays in, and what the person contributes, and how often.

    Net model: the council pays the budget less the contribution and the person pays their
    contribution into the account. Gross model: the council pays it all and invoices the person.
    """

    __tablename__ = "payment_schedules"

    recipient_id: Mapped[int] = mapped_column(ForeignKey("recipients.id"), index=True)
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"), index=True)
    funding_model: Mapped[str] = mapped_column(choice(*FUNDING_MODELS, name="funding_model"))
    frequency: Mapped[str] = mapped_column(choice(*FREQUENCIES, name="frequency"))
    council_amount: Mapped[Decimal] = mapped_column(Money())  # pence per payment
    contribution_amount: Mapped[Decimal] = mapped_column(Money())  # pence per payment
    first_payment_on: Mapped[date]
    ends_on: Mapped[date | None]
    payer_reference: Mapped[str | None] = mapped_column(String(200))
