"""Accounts and payment schedules."""

from __future__ import annotations

from fastapi import APIRouter

from service.accounts import service
from service.accounts.schemas import (
    AccountIn,
    AccountOut,
    AccountPatch,
    PaymentScheduleIn,
    PaymentScheduleOut,
)
from service.audits.service import person_changed
from service.core.deps import CtxDep, UnitOfWorkRoute
from service.core.idempotency import IdempotencyDep
from service.core.ids import IdPath, IdQuery
from service.core.pagination import Page, PagerDep
from service.core.principal import STAFF
from service.core.scope import load, scoped_select
from service.models import Account, PaymentSchedule, Recipient

router = APIRouter(prefix="/v1", route_class=UnitOfWorkRoute)


@router.post("/recipients/{recipient_id}/accounts", status_code=201, tags=["accounts"],
             summary="Add an account that holds the direct payment (admin, officer)",
             description="Adds an account that holds the direct payment: a bank account, prepaid card or "
                         "managed account, by your own reference, optionally served by a provider. A "
                         "reference already in use answers 409.")
def create_account(
    ctx: CtxDep, recipient_id: IdPath, body: AccountIn, idem: IdempotencyDep
) -> AccountOut:
    recipient = load(ctx, Recipient, recipient_id, "recipient")
    ctx.principal.require(*STAFF)
    return idem.respond(AccountOut.model_validate(service.create_account(ctx, recipient, body)))


@router.get("/accounts", tags=["accounts"], summary="List accounts you can see",
            description="Lists the accounts you can see.")
def list_accounts(
    ctx: CtxDep,
    pager: PagerDep,
    recipient_id: IdQuery = None,
) -> Page[AccountOut]:
    stmt = scoped_select(ctx, Account)
    if recipient_id is not None:
        stmt = stmt.where(Account.recipient_id == recipient_id)
    return pager.page(ctx.session, stmt, Account.id, AccountOut.model_validate)


@router.get("/accounts/{account_id}", tags=["accounts"], summary="Read an account",
            description="One account, by id.")
def get_account(ctx: CtxDep, account_id: IdPath) -> AccountOut:
    return AccountOut.model_validate(load(ctx, Account, account_id, "account"))


@router.patch("/accounts/{account_id}", tags=["accounts"],
              summary="Change an account, or record that it closed (admin, officer)",
              description="Changes an account's details, or records the day it closed.")
def patch_account(ctx: CtxDep, account_id: IdPath, body: AccountPatch) -> AccountOut:
    account = load(ctx, Account, account_id, "account")
    ctx.principal.require(*STAFF)
    return AccountOut.model_validate(service.update_account(ctx, account, body))


@router.post("/recipients/{recipient_id}/payment-schedules", status_code=201,
             tags=["payment schedules"],
             summary="Record what the council and the person pay in, and how often (admin, officer)",
             description="Records what the council pays into an account (gross or net of the person's "
                         "contribution), what the person contributes, how often and from when. Audits check "
                         "money in against it; the person's open audits are worked out again.")
def create_schedule(
    ctx: CtxDep, recipient_id: IdPath, body: PaymentScheduleIn, idem: IdempotencyDep
) -> PaymentScheduleOut:
    recipient = load(ctx, Recipient, recipient_id, "recipient")
    ctx.principal.require(*STAFF)
    schedule = service.create_schedule(ctx, recipient, body)
    person_changed(ctx, recipient)
    return idem.respond(PaymentScheduleOut.model_validate(schedule))


@router.get("/recipients/{recipient_id}/payment-schedules", tags=["payment schedules"],
            summary="List a recipient's payment schedules",
            description="Lists the person's payment schedules.")
def list_schedules(
    ctx: CtxDep, recipient_id: IdPath, pager: PagerDep
) -> Page[PaymentScheduleOut]:
    recipient = load(ctx, Recipient, recipient_id, "recipient")
    ctx.principal.require(*STAFF, "holder")
    stmt = scoped_select(ctx, PaymentSchedule).where(PaymentSchedule.recipient_id == recipient.id)
    return pager.page(ctx.session, stmt, PaymentSchedule.id, PaymentScheduleOut.model_validate)


@router.get("/payment-schedules/{schedule_id}", tags=["payment schedules"],
            summary="Read a payment schedule",
            description="One payment schedule, by id.")
def get_schedule(ctx: CtxDep, schedule_id: IdPath) -> PaymentScheduleOut:
    return PaymentScheduleOut.model_validate(load(ctx, PaymentSchedule, schedule_id, "schedule"))
