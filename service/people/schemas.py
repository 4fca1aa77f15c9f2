from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import EmailStr, Field, model_validator

from service.core.schemas import BirthDate, Day, IdRef, In, Out, Patch, Reference, Text

Role = Literal["admin", "officer", "holder", "provider"]
RepresentativeKind = Literal["self", "nominee", "authorised_person"]
AgeBand = Literal["21_plus", "18_20", "16_17", "apprentice"]
Relationship = Literal[
    "none", "spouse_partner", "parent", "parent_in_law", "child", "child_in_law", "step_child",
    "sibling", "aunt_uncle", "grandparent", "relative_partner", "other_relative", "friend",
]
EndReason = Literal["death", "care_home", "moved", "other"]


class UserIn(In):
    email: EmailStr
    name: Text
    role: Role
    provider_id: IdRef | None = Field(default=None, description="Required for the provider role.")


class UserPatch(Patch):
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
    dp_end_date: Day | None = Field(default=None, description=DP_END_DESCRIPTION)
    end_reason: EndReason | None = None

    @model_validator(mode="after")
    def _end_needs_reason(self) -> RecipientIn:
        if self.dp_end_date is not None and self.end_reason is None:
            raise ValueError("end_reason is required when dp_end_date is set")
        return self


class RecipientPatch(Patch):
    clearable = frozenset({"date_of_birth", "dp_start_date", "dp_end_date", "end_reason"})

    name: Text | None = None
    date_of_birth: BirthDate | None = None
    dp_start_date: Day | None = None
    dp_end_date: Day | None = Field(default=None, description=DP_END_DESCRIPTION)
    end_reason: EndReason | None = None

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
    created_at: datetime


class RepresentativeIn(In):
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
