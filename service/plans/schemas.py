from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import Field, model_validator

from service.core.schemas import Day, HoursIn, In, Money, Out, PositiveMoneyIn, Text

Period = Literal["week", "four_weeks", "month", "year"]
LineCategory = Literal[
    "pa_wages", "hmrc", "pension", "payroll_service", "insurance", "dbs_training",
    "agency_care", "respite", "day_activities", "equipment", "transport", "dp_support_fees",
    "cash", "other",
]


class PlanLineIn(In):
    category: LineCategory
    description: Text
    amount: PositiveMoneyIn
    amount_basis: Literal["week", "period"] = Field(
        description="Whether amount is per week or per the plan's period."
    )
    planned_hours_per_week: HoursIn | None = None
    hourly_rate: PositiveMoneyIn | None = None
    expected_payee: Text | None = None


class PlanIn(In):
    effective_from: Day
    effective_to: Day | None = None
    period: Period = Field(description="The period the budgets are for.")
    indicative_budget: PositiveMoneyIn | None = Field(
        default=None, description="The early estimate of the personal budget, per period."
    )
    actual_budget: PositiveMoneyIn = Field(description="What the plan costs, per period.")
    lines: list[PlanLineIn] = Field(min_length=1, max_length=50)

    @model_validator(mode="after")
    def _dates_in_order(self) -> PlanIn:
        if self.effective_to is not None and self.effective_to < self.effective_from:
            raise ValueError("effective_to is before effective_from")
        return self


class PlanLineOut(Out):
    id: int
    position: int
    category: str
    description: str
    amount: Money
    amount_basis: str
    planned_hours_per_week: Money | None
    hourly_rate: Money | None
    expected_payee: str | None


class PlanOut(Out):
    id: int
    recipient_id: int
    version: int
    status: Literal["draft", "approved"]
    effective_from: date
    effective_to: date | None
    period: Period
    indicative_budget: Money | None
    actual_budget: Money
    approved_at: datetime | None
    approved_by_id: int | None
    created_at: datetime
    lines: list[PlanLineOut]
