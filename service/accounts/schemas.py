from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from pydantic import Field, model_validator

from service.core.schemas import Day, IdRef, In, Money, Out, Patch, PositiveMoneyIn, Reference, Text, example

AccountKind = Literal["bank", "prepaid", "managed"]


class AccountIn(In):
    reference: Reference = Field(
        description="Unique within the council; CLI --account options take it."
    )
    kind: AccountKind
    institution: Text | None = None
    number_last4: str | None = Field(
        default=None, pattern=r"^\d{4}$",
        description="Last four digits of the account or card number; no more is stored.",
    )
    provider_id: IdRef | None = Field(default=None, description="The provider serving this account.")
    opened_on: Day | None = None


class AccountPatch(Patch):
    model_config = example({"closed_on": "2026-09-30"})
    clearable = frozenset({"institution", "number_last4", "provider_id", "opened_on", "closed_on"})

    institution: Text | None = None
    number_last4: str | None = Field(default=None, pattern=r"^\d{4}$")
    provider_id: IdRef | None = None
    opened_on: Day | None = None
    closed_on: Day | None = None


class AccountOut(Out):
    id: int
    recipient_id: int
    reference: str
    kind: AccountKind
    institution: str | None
    masked_number: str | None
    provider_id: int | None
    opened_on: date | None
    closed_on: date | None
    created_at: datetime


class PaymentScheduleIn(In):
    account_id: IdRef | None = Field(default=None, description="The account payments go into.")
    funding_model: Literal["net", "gross"] = Field(
        description="net: the person pays their contribution in; gross: the council pays it all."
    )
    frequency: Literal["week", "four_weeks", "month"]
    council_amount: PositiveMoneyIn = Field(description="What the council pays each time.")
    contribution_amount: PositiveMoneyIn = Field(
        default=Decimal("0.00"), description="What the person pays in each time (net model)."
    )
    first_payment_on: Day
    ends_on: Day | None = None
    payer_reference: Text | None = Field(
        default=None, description=(
            "Who pays it in, as statements print it: the council's payment, or the person's for a "
            "schedule that carries only a contribution. Who paid decides council money or "
            "contribution before the words on the line do.")
    )

    @model_validator(mode="after")
    def _dates_in_order(self) -> PaymentScheduleIn:
        if self.ends_on is not None and self.ends_on < self.first_payment_on:
            raise ValueError("ends_on is before first_payment_on")
        return self


class PaymentScheduleOut(Out):
    id: int
    recipient_id: int
    account_id: int | None
    funding_model: Literal["net", "gross"]
    frequency: Literal["week", "four_weeks", "month"]
    council_amount: Money
    contribution_amount: Money
    first_payment_on: date
    ends_on: date | None
    payer_reference: str | None
    created_at: datetime
