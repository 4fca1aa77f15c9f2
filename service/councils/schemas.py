from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import Field

from service.core.schemas import In, Out, Reference, Text


class CouncilOut(Out):
    id: int
    code: str
    name: str
    contingency_weeks: int = Field(description="Weeks of plan value a person may keep.")
    first_review_weeks: int = Field(description="Weeks from first payment to the first review.")
    review_interval_months: int = Field(description="Months between reviews.")
    optional_rules: dict[str, Any] = Field(
        description="Default-off rules this council has switched on, with parameter overrides."
    )
    risk_weights: dict[str, Any] = Field(description="Overrides of the risk-score weights.")
    created_at: datetime


class CouncilPatch(In):
    name: Text | None = None
    contingency_weeks: int | None = Field(default=None, ge=0, le=52)
    first_review_weeks: int | None = Field(default=None, ge=1, le=26)
    review_interval_months: int | None = Field(default=None, ge=1, le=12)
    optional_rules: dict[str, Any] | None = None
    risk_weights: dict[str, Any] | None = None


class ProviderIn(In):
    reference: Reference
    name: Text


class ProviderOut(Out):
    id: int
    council_id: int
    reference: str
    name: str
    created_at: datetime
