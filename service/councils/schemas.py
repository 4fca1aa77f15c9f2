from __future__ import annotations

from dataclasses import fields
from datetime import datetime
from typing import Annotated, Any

from pydantic import EmailStr, Field, field_validator

from service.core.schemas import In, Out, Patch, Reference, Text, example

# A UK phone number as people write it: digits, spaces, brackets, a leading +.
ContactPhone = Annotated[str, Field(min_length=6, max_length=40, pattern=r"^\+?[0-9 ()-]+$",
                                    examples=["01632 960 123"])]
ContactAddress = Annotated[str, Field(min_length=1, max_length=500,
                                      description="One line per part of the address.")]
RETENTION = ("Years after a person's direct payment ends that their personal data is kept; "
             "`dpaudit retention` erases it after that.")


class CouncilOut(Out):
    id: int
    code: str
    name: str
    contingency_weeks: int = Field(description="Weeks of plan value a person may keep.")
    first_review_weeks: int = Field(description="Weeks from first payment to the first review.")
    review_interval_months: int = Field(description="Months between reviews.")
    retention_years: int = Field(description=RETENTION)
    contact_phone: str | None = Field(description="Phone number printed on every letter.")
    contact_email: str | None = Field(description="Email address printed on every letter.")
    contact_address: str | None = Field(
        description="Postal address printed on every letter, one line per part, separated by newlines.")
    optional_rules: dict[str, Any] = Field(
        description="Default-off rules this council has switched on, with parameter overrides."
    )
    risk_weights: dict[str, Any] = Field(description="Overrides of the risk-score weights.")
    created_at: datetime


class CouncilPatch(Patch):
    model_config = example({"contingency_weeks": 6, "contact_phone": "01632 960 123"})
    name: Text | None = None
    contingency_weeks: int | None = Field(default=None, ge=0, le=52)
    first_review_weeks: int | None = Field(default=None, ge=1, le=26)
    review_interval_months: int | None = Field(default=None, ge=1, le=12)
    retention_years: int | None = Field(default=None, ge=1, le=100, description=RETENTION)
    contact_phone: ContactPhone | None = None
    contact_email: EmailStr | None = None
    contact_address: ContactAddress | None = None
    optional_rules: dict[str, Any] | None = None
    risk_weights: dict[str, int] | None = Field(
        default=None, description="Override risk-score weights or tier thresholds by name "
        "(whole numbers, 0 or more); see GET /v1/councils/{id} for the names in force.")

    @field_validator("risk_weights")
    @classmethod
    def _known_weights(cls, weights: dict[str, int] | None) -> dict[str, int] | None:
        from service.audits.inputs import RiskWeights, TierThresholds

        known = {f.name for f in fields(RiskWeights)} | {f.name for f in fields(TierThresholds)}
        for name, value in (weights or {}).items():
            if name not in known:
                raise ValueError(f"unknown weight '{name}'; known: {', '.join(sorted(known))}")
            if value < 0:
                raise ValueError(f"'{name}' must be 0 or more")
        return weights


class ProviderIn(In):
    reference: Reference
    name: Text


class ProviderOut(Out):
    id: int
    council_id: int
    reference: str
    name: str
    created_at: datetime
