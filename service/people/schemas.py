from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import EmailStr, Field, model_validator

from service.core.schemas import BirthDate, Day, IdRef, In, Out, Patch, Reference, Text, example

Role = Literal["admin", "officer", "holder", "provider"]
RepresentativeKind = Literal["self", "nominee", "authorised_person"]
AgeBand = Literal["21_plus", "18_20", "16_17", "apprentice"]
Relationship = Literal[
    "none", "spouse_partner", "parent", "parent_in_law", "child", "child_in_law", "step_child",
    "sibling", "aunt_uncle", "grandparent", "relative_partner", "other_relative", "friend",
]
EndReason = Literal["death", "care_home", "moved", "other"]
PayrollProviderRef = Annotated[IdRef, Field(
    description="The payroll bureau that runs this person's payroll without holding one of "
    "their accounts: it may push and read their payroll runs and timesheets, nothing else.")]


class UserIn(In):
    email: EmailStr
    name: Text
    role: Role
    provider_id: IdRef | None = Field(default=None, description="Required for the provider role.")


class UserPatch(Patch):
    model_config = example({"active": False})
    name: Text | None = None
    active: bool | None = None


class UserOut(Out):
    id: int
    council_id: int
    email: str
    name: str
    role: Role
    provider_id: int | None
    active: bool
    created_at: datetime


class ApiKeyIn(In):
    model_config = example({"name": "payroll upload"})
    name: Text = Field(description="What the key is for, e.g. 'payroll upload'.")
    user_id: IdRef | None = Field(
        default=None, description="Admins may create a key for another user of their council."
    )


class ApiKeyOut(Out):
    id: int
    user_id: int
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class ApiKeyCreated(ApiKeyOut):
    token: str = Field(description="The secret. Shown once: store it now; we keep only a hash.")


DP_END_DESCRIPTION = (
    "The last day of the direct payment, set when it ends (with end_reason). The person's "
    "personal data is erased when the council's retention (years after this day) has run.")


class RecipientIn(In):
    reference: Reference
    name: Text
    date_of_birth: BirthDate | None = None
    dp_start_date: Day | None = None
    payroll_provider_id: PayrollProviderRef | None = None
    dp_end_date: Day | None = Field(default=None, description=DP_END_DESCRIPTION)
    end_reason: EndReason | None = None

    @model_validator(mode="after")
    def _end_needs_reason(self) -> RecipientIn:
        if self.dp_end_date is not None and self.end_reason is None:
            raise ValueError("end_reason is required when dp_end_date is set")
        return self


class RecipientPatch(Patch):
    model_config = example({"dp_end_date": "2026-09-30", "end_reason": "moved"})
    clearable = frozenset({"date_of_birth", "dp_start_date", "dp_end_date", "end_reason",
                           "payroll_provider_id"})

    name: Text | None = None
    date_of_birth: BirthDate | None = None
    dp_start_date: Day | None = None
    dp_end_date: Day | None = Field(default=None, description=DP_END_DESCRIPTION)
    end_reason: EndReason | None = None
    payroll_provider_id: PayrollProviderRef | None = None

    @model_validator(mode="after")
    def _end_needs_reason(self) -> RecipientPatch:
        if self.dp_end_date is not None and self.end_reason is None:
            raise ValueError("end_reason is required when dp_end_date is set")
        return self


class RecipientOut(Out):
    id: int
    council_id: int
    reference: str
    name: str
    date_of_birth: date | None
    dp_start_date: date | None
    dp_end_date: date | None
    end_reason: EndReason | None
    payroll_provider_id: int | None
    created_at: datetime


class ServedRecipientOut(Out):
    """What a provider reads of a person it serves: enough to match its own records, no more."""

    id: int
    council_id: int
    reference: str = Field(description="The council's reference for the person.")
    name: str


class RepresentativeIn(In):
    model_config = example({"kind": "nominee", "name": "Bob Example", "relationship": "son"})
    kind: RepresentativeKind
    name: Text
    relationship: Text | None = None
    user_id: IdRef | None = Field(default=None, description="A holder user who may sign in for them.")


class RepresentativeOut(Out):
    id: int
    recipient_id: int
    kind: RepresentativeKind
    name: str
    relationship: str | None
    user_id: int | None
    created_at: datetime


class WorkerIn(In):
    model_config = example({
        "reference": "W1",
        "name": "Wyn Worker",
        "age_band": "21_plus",
        "relationship": "none",
        "lives_in_household": False,
    })
    reference: Reference | None = None
    name: Text
    aliases: list[Text] = Field(default_factory=list, max_length=20)
    date_of_birth: BirthDate | None = None
    age_band: AgeBand | None = None
    relationship: Relationship = "none"
    lives_in_household: bool = False
    necessary_decision_on: Day | None = Field(
        default=None,
        description="Date the council recorded that paying this relative is necessary "
        "(Direct Payments Regulations 2014 reg 3). Council staff only.",
    )
    necessary_decision_note: str | None = Field(default=None, max_length=2000)
    started_on: Day | None = None
    ended_on: Day | None = None


class WorkerPatch(Patch):
    model_config = example({"age_band": "21_plus", "ended_on": "2026-08-31"})
    clearable = frozenset({"date_of_birth", "age_band", "necessary_decision_on",
                           "necessary_decision_note", "started_on", "ended_on"})

    name: Text | None = None
    aliases: list[Text] | None = Field(default=None, max_length=20)
    date_of_birth: BirthDate | None = None
    age_band: AgeBand | None = None
    relationship: Relationship | None = None
    lives_in_household: bool | None = None
    necessary_decision_on: Day | None = None
    necessary_decision_note: str | None = Field(default=None, max_length=2000)
    started_on: Day | None = None
    ended_on: Day | None = None


class WorkerOut(Out):
    id: int
    recipient_id: int
    reference: str | None
    name: str
    aliases: list[str]
    date_of_birth: date | None
    age_band: AgeBand | None
    relationship: Relationship
    lives_in_household: bool
    necessary_decision_on: date | None
    necessary_decision_note: str | None
    started_on: date | None
    ended_on: date | None
    created_at: datetime
