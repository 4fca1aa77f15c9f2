"""Rules in force, flags and their review, re-categorisation."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Path, Query
from sqlalchemy import select

from service.audits.service import refresh_open_audits
from service.core.deps import CtxDep, UnitOfWorkRoute
from service.core.errors import NotFound
from service.core.idempotency import IdempotencyDep
from service.core.ids import IdPath, IdQuery
from service.core.pagination import Page, PagerDep
from service.core.principal import STAFF
from service.core.scope import load, scoped_select
from service.models import Account, Council, Flag, Note, Recipient, Transaction
from service.models.live import live
from service.review import service
from service.review.flags import rerun_rules
from service.review.schemas import (
    CategoryCode,
    DecisionIn,
    ExplanationIn,
    FlagDetailOut,
    FlagOut,
    FlagStatus,
    NoteIn,
    NoteOut,
    RecategoriseIn,
    RerunOut,
    ReviewKind,
    RuleId,
    RuleOut,
    RuleSettingIn,
    RulesOut,
    Severity,
    TransactionOut,
)

router = APIRouter(prefix="/v1", tags=["rules and flags"], route_class=UnitOfWorkRoute)
# transaction ids are BIGINT
TransactionIdPath = Annotated[int, Path(ge=1, le=9223372036854775807)]

HOLDER_OR_STAFF = ("admin", "officer", "holder")


# --- the rule set ------------------------------------------------------------------------------

@router.get("/rules", summary="The rules in force for your council, with their settings",
            description="The rule set in force for your council: each rule's id, title, plain-English "
                        "explanation, source, severity, whether it is on, and its settings.")
def list_rules(ctx: CtxDep) -> RulesOut:
    return service.rules_out(service.council_of(ctx))


@router.put("/councils/{council_id}/rules/{rule_id}",
            summary="Switch a local-policy rule on or off and change its settings (admin)",
            description="Default-on rules (what the law requires, what harms people) cannot be "
            "switched off. Open flags are re-evaluated when a person's rules are re-run.")
def set_rule(ctx: CtxDep, council_id: IdPath, rule_id: Annotated[RuleId, Path()],
             body: RuleSettingIn) -> RuleOut:
    if council_id != ctx.principal.council_id:
        raise NotFound(f"There is no council {council_id} that you can see.")
    ctx.principal.require("admin")
    council = ctx.session.get(Council, council_id)
    assert council is not None
    return service.set_rule(ctx, council, rule_id, body.on, body.parameters)


@router.post("/recipients/{recipient_id}/rules/rerun",
             summary="Classify a person's transactions again and bring their flags up to date "
             "(admin, officer)",
             description="New hits raise flags; open flags no rule raises any more are cleared "
             "with the reason 'rule no longer applies'; decided flags are kept as they are.")
def rerun(ctx: CtxDep, recipient_id: IdPath) -> RerunOut:
    recipient = load(ctx, Recipient, recipient_id, "recipient")
    ctx.principal.require(*STAFF)
    outcome = rerun_rules(ctx, recipient)
    refresh_open_audits(ctx, recipient.id)  # the re-read categories and flags reach open audits
    return RerunOut.model_validate(outcome)


# --- flags -------------------------------------------------------------------------------------

@router.get("/flags", summary="List flags you can see",
            description="Lists flags you can see, optionally for one person or account or in one status, "
                        "with the rule and the reason.")
def list_flags(
    ctx: CtxDep, pager: PagerDep,
    recipient_id: IdQuery = None, account_id: IdQuery = None,
    status: Annotated[FlagStatus | None, Query()] = None,
    rule: Annotated[RuleId | None, Query(description="A rule id, e.g. harmful.gambling")] = None,
    severity: Annotated[Severity | None, Query()] = None,
) -> Page[FlagOut]:
    stmt = scoped_select(ctx, Flag)
    for column, value in ((Flag.recipient_id, recipient_id), (Flag.account_id, account_id),
                          (Flag.status, status), (Flag.rule_id, rule), (Flag.severity, severity)):
        if value is not None:
            stmt = stmt.where(column == value)
    return pager.page(ctx.session, stmt, Flag.id, FlagOut.model_validate)


@router.get("/flags/{flag_id}", summary="Read a flag with its history",
            description="One flag with its transaction, explanation, evidence and history of decisions.")
def get_flag(ctx: CtxDep, flag_id: IdPath) -> FlagDetailOut:
    return service.flag_detail(ctx, load(ctx, Flag, flag_id, "flag"))


@router.post("/flags/{flag_id}/decision",
             summary="Clear or uphold an open flag, with a reason (admin, officer)",
             description="Clears or upholds an open flag, with a reason the holder can read. A flag already "
                         "decided answers 409.")
def decide_flag(ctx: CtxDep, flag_id: IdPath, body: DecisionIn) -> FlagOut:
    flag = load(ctx, Flag, flag_id, "flag")
    ctx.principal.require(*STAFF)
    return FlagOut.model_validate(service.decide(ctx, flag, body.outcome, body.reason))


@router.post("/flags/{flag_id}/explanation",
             summary="Give the holder's explanation of a flag (holder, admin, officer)",
             description="Records the holder's explanation of a flagged payment, for the officer to read "
                         "before deciding.")
def explain_flag(ctx: CtxDep, flag_id: IdPath, body: ExplanationIn) -> FlagOut:
    flag = load(ctx, Flag, flag_id, "flag")
    ctx.principal.require(*HOLDER_OR_STAFF)
    return FlagOut.model_validate(service.explain(ctx, flag, body.text))


@router.post("/flags/{flag_id}/notes", status_code=201,
             summary="Add a note to a flag's thread (holder, admin, officer)",
             description="Adds a note to the thread on a flag; holder and officer both see it.")
def add_note(ctx: CtxDep, flag_id: IdPath, body: NoteIn, idem: IdempotencyDep) -> NoteOut:
    flag = load(ctx, Flag, flag_id, "flag")
    ctx.principal.require(*HOLDER_OR_STAFF)
    note = service.add_note(ctx, flag, body.body)
    return idem.respond(NoteOut.model_validate(note), status_code=201)


@router.get("/flags/{flag_id}/notes", summary="A flag's notes, oldest first (holder, admin, officer)",
            description="The thread of notes on a flag, oldest first.")
def list_notes(ctx: CtxDep, flag_id: IdPath, pager: PagerDep) -> Page[NoteOut]:
    flag = load(ctx, Flag, flag_id, "flag")
    ctx.principal.require(*HOLDER_OR_STAFF)
    stmt = scoped_select(ctx, Note).where(Note.subject_type == "flag", Note.subject_id == flag.id)
    return pager.page(ctx.session, stmt, Note.id, NoteOut.model_validate)


# --- transactions ------------------------------------------------------------------------------

@router.get("/accounts/{account_id}/transactions",
            summary="An account's transactions, each with its category, reason and flags",
            description="Lists an account's transactions with the category each was given and why, and any "
                        "flags, optionally between two dates.")
def list_transactions(
    ctx: CtxDep, account_id: IdPath, pager: PagerDep,
    from_: Annotated[date | None, Query(alias="from", description="First date, inclusive.")] = None,
    to: Annotated[date | None, Query(description="Last date, inclusive.")] = None,
    category: Annotated[CategoryCode | None, Query()] = None,
    review: Annotated[ReviewKind | None, Query(
        description="Only lines marked for a person to look at ('any' for every kind).")] = None,
) -> Page[TransactionOut]:
    account = load(ctx, Account, account_id, "account")
    stmt = select(Transaction).where(Transaction.account_id == account.id, live(Transaction))
    if from_ is not None:
        stmt = stmt.where(Transaction.posted_on >= from_)
    if to is not None:
        stmt = stmt.where(Transaction.posted_on <= to)
    if category is not None:
        stmt = stmt.where(Transaction.category == category)
    if review is not None:
        stmt = stmt.where(Transaction.review.is_not(None) if review == "any"
                          else Transaction.review == review)
    return pager.page_all(ctx.session, stmt, Transaction.id, lambda rows: service.transactions_out(ctx, rows))


@router.post("/transactions/{transaction_id}/category",
             summary="Re-categorise a transaction, with a reason (holder, admin, officer)",
             description="The payee's new category is remembered for this person: their next "
             "statements put the same payee in it.")
def recategorise(ctx: CtxDep, transaction_id: TransactionIdPath,
                 body: RecategoriseIn) -> TransactionOut:
    txn = service.load_transaction(ctx, transaction_id)
    ctx.principal.require(*HOLDER_OR_STAFF)
    service.recategorise(ctx, txn, body.category, body.reason)
    return service.transactions_out(ctx, [txn])[0]
