"""Accounts that hold a direct payment, and the schedule of money paid into them."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from service.accounts.schemas import AccountIn, AccountPatch, PaymentScheduleIn
from service.core.deps import Ctx
from service.core.errors import Conflict, Unprocessable, field_error
from service.core.events import record, snapshot
from service.models import Account, PaymentSchedule, Provider, Recipient


def _mask(last4: str | None) -> str | None:
    return f"****{last4}" if last4 else None


def _check_provider(ctx: Ctx, provider_id: int | None) -> None:
    if provider_id is None:
        return
    provider = ctx.session.get(Provider, provider_id)
    if provider is None or provider.council_id != ctx.principal.council_id:
        raise Unprocessable("There is no such provider in your council.",
                            errors=[field_error("provider_id", "unknown provider")])


def create_account(ctx: Ctx, recipient: Recipient, body: AccountIn) -> Account:
    taken = ctx.session.scalar(
        select(Account.id).where(Account.council_id == recipient.council_id,
                                 Account.reference == body.reference)
    )
    if taken is not None:
        raise Conflict("An account with this reference exists.",
                       errors=[field_error("reference", "already used in this council")])
    _check_provider(ctx, body.provider_id)
    fields = body.model_dump(exclude={"number_last4"})
    account = Account(council_id=recipient.council_id, recipient_id=recipient.id,
                      masked_number=_mask(body.number_last4), **fields)
    ctx.session.add(account)
    record(ctx, "account.created", account)
    return account


def update_account(ctx: Ctx, account: Account, body: AccountPatch) -> Account:
    changes: dict[str, Any] = body.model_dump(exclude_unset=True)
    if "provider_id" in changes:
        _check_provider(ctx, changes["provider_id"])
    if "number_last4" in changes:
        changes["masked_number"] = _mask(changes.pop("number_last4"))
    before = snapshot(account)
    for name, value in changes.items():
        setattr(account, name, value)
    record(ctx, "account.updated", account, before=before)
    return account


def create_schedule(ctx: Ctx, recipient: Recipient, body: PaymentScheduleIn) -> PaymentSchedule:
    if body.account_id is not None:
        account = ctx.session.get(Account, body.account_id)
        if account is None or account.recipient_id != recipient.id:
            raise Unprocessable("account_id must be one of this recipient's accounts.",
                                errors=[field_error("account_id", "not this recipient's account")])
    schedule = PaymentSchedule(council_id=recipient.council_id, recipient_id=recipient.id,
                               **body.model_dump())
    ctx.session.add(schedule)
    record(ctx, "payment_schedule.created", schedule)
    return schedule
