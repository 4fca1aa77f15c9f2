"""The onboarding document ``dpaudit load`` reads: a council's people, plans and accounts.

Everything is matched by the council's own references (and users by email), so loading the
same document twice changes nothing, and a later document adds only what is new.
"""

from __future__ import annotations

from typing import Any

from pydantic import EmailStr, Field

from service.accounts.schemas import AccountIn, PaymentScheduleIn
from service.core.schemas import In, Reference, Text
from service.councils.schemas import ContactAddress, ContactPhone
from service.people.schemas import RecipientIn, RepresentativeIn, Role, WorkerIn
from service.plans.schemas import PlanIn


class CouncilDoc(In):
    code: Reference
    name: Text
    contingency_weeks: int | None = Field(default=None, ge=0, le=52)
    first_review_weeks: int | None = Field(default=None, ge=1, le=26)
    review_interval_months: int | None = Field(default=None, ge=1, le=12)
    retention_years: int | None = Field(default=None, ge=1, le=100)
    optional_rules: dict[str, Any] | None = None
    contact_phone: ContactPhone | None = Field(default=None, description="Printed on every letter.")
    contact_email: EmailStr | None = Field(default=None, description="Printed on every letter.")
    contact_address: ContactAddress | None = Field(
        default=None, description="Printed on every letter; one line per part of the address.")


class ProviderDoc(In):
    reference: Reference
    name: Text


class UserDoc(In):
    email: EmailStr
    name: Text
    role: Role
    provider: Reference | None = Field(default=None, description="Provider reference.")


class RepresentativeDoc(RepresentativeIn):
    user_id: None = Field(default=None, exclude=True)
    user: EmailStr | None = Field(default=None, description="Email of a holder user.")


class AccountDoc(AccountIn):
    provider_id: None = Field(default=None, exclude=True)
    provider: Reference | None = None


class WorkerDoc(WorkerIn):
    reference: Reference


class ScheduleDoc(PaymentScheduleIn):
    account_id: None = Field(default=None, exclude=True)
    account: Reference | None = None


class PlanDoc(PlanIn):
    approved: bool = False


class RecipientDoc(RecipientIn):
    payroll_provider_id: None = Field(default=None, exclude=True)
    payroll_provider: Reference | None = Field(
        default=None, description="Reference of the payroll bureau that runs the person's "
        "payroll without holding one of their accounts.")
    representatives: list[RepresentativeDoc] = Field(default_factory=list)
    accounts: list[AccountDoc] = Field(default_factory=list)
    workers: list[WorkerDoc] = Field(default_factory=list)
    payment_schedules: list[ScheduleDoc] = Field(default_factory=list)
    plans: list[PlanDoc] = Field(default_factory=list)


class LoadDocument(In):
    council: CouncilDoc
    providers: list[ProviderDoc] = Field(default_factory=list)
    users: list[UserDoc] = Field(default_factory=list)
    recipients: list[RecipientDoc] = Field(default_factory=list)
