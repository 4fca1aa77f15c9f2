"""Statement uploads and provider transaction batches, into one account."""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated

from fastapi import APIRouter, File, Form, Query, Response, UploadFile
from sqlalchemy import select

from importers.records import StatementLine
from service.core.config import get_settings
from service.core.deps import Ctx, CtxDep, UnitOfWorkRoute
from service.core.errors import PayloadTooLarge
from service.core.idempotency import IdempotencyDep
from service.core.ids import IdPath
from service.core.pagination import Page, PagerDep
from service.core.schemas import EARLIEST, LATEST, MoneyIn
from service.core.scope import load, scoped_select
from service.ingest import statements, uploads
from service.ingest.schemas import BatchIn, StatementResult, UploadSummaryOut
from service.ingest.uploads import clean_filename
from service.models import Account, Transaction, Upload
from service.models.live import live

router = APIRouter(prefix="/v1", tags=["statements"], route_class=UnitOfWorkRoute)
# room for the multipart envelope around the largest file we accept
UPLOAD_BODY_LIMIT = get_settings().max_upload_bytes + 64 * 1024
DryRun = Annotated[bool, Query(description="Check and summarise the file without storing anything.")]


def account_for_upload(ctx: Ctx, account_id: int) -> Account:
    """The account, if the caller may put statements into it (a provider sees only the
    accounts it holds, so any other answers 404)."""
    return load(ctx, Account, account_id, "account")


def _served_flags(ctx: Ctx, account: Account, result: StatementResult) -> StatementResult:
    """A provider hears of the flags on this account's lines, not of the person's others
    (the period rules look at all their accounts)."""
    if ctx.principal.role != "provider" or not result.flags_raised:
        return result
    ids = {f.get("transaction_id") for f in result.flags_raised} - {None}
    own = set(ctx.session.scalars(select(Transaction.id).where(
        Transaction.account_id == account.id, live(Transaction),
        Transaction.id.in_(ids)))) if ids else set()
    kept = [f for f in result.flags_raised
            if f.get("transaction_id") in own or (f.get("transaction_id") is None and "line" in f)]
    return result.model_copy(update={"flags_raised": kept})


@router.post(
    "/accounts/{account_id}/statements", status_code=201, max_body_size=UPLOAD_BODY_LIMIT,
    summary="Upload a statement (OFX/QFX, UK bank CSV, QIF) into an account",
    description="Imports the whole file or nothing. The same file again changes nothing and "
    "answers 200 with the first upload. Lines already stored from overlapping statements are "
    "not stored again; near-duplicates are stored and listed for review. Declare the period "
    "and balances when the file has none (Monzo CSV, QIF).",
)
def upload_statement(
    ctx: CtxDep,
    account_id: IdPath,
    response: Response,
    idem: IdempotencyDep,
    file: Annotated[UploadFile, File(description="The statement file.")],
    dry_run: DryRun = False,
    period_start: Annotated[date | None, Form(ge=EARLIEST, le=LATEST)] = None,
    period_end: Annotated[date | None, Form(ge=EARLIEST, le=LATEST)] = None,
    opening_balance: Annotated[MoneyIn | None, Form()] = None,
    closing_balance: Annotated[MoneyIn | None, Form()] = None,
) -> StatementResult:
    account = account_for_upload(ctx, account_id)
    data = file.file.read(get_settings().max_upload_bytes + 1)
    if len(data) > get_settings().max_upload_bytes:
        raise PayloadTooLarge("The file is larger than we accept.")
    declared = statements.Declared(period_start, period_end, opening_balance, closing_balance)
    result, new = statements.import_statement(ctx, account, data, clean_filename(file.filename),
                                              declared=declared, dry_run=dry_run)
    result = _served_flags(ctx, account, result)
    status = 201 if new and not dry_run else 200
    response.status_code = status
    return idem.respond(result, status_code=status)


@router.post(
    "/accounts/{account_id}/transactions:batch", status_code=201, max_body_size=UPLOAD_BODY_LIMIT,
    summary="Send transactions as JSON with your own ids (providers and other systems)",
    description="Idempotent: the same batch again changes nothing; overlapping batches add only "
    "the new transactions (your ids are the dedup key, checked against amount and date). The "
    "person's open audits show the new transactions by the time the answer comes.",
)
def upload_batch(
    ctx: CtxDep, account_id: IdPath, body: BatchIn, response: Response,
    idem: IdempotencyDep, dry_run: DryRun = False,
) -> StatementResult:
    account = account_for_upload(ctx, account_id)
    lines = [StatementLine(date=t.date, amount=t.amount, description=t.description, reference=t.id,
                           balance=t.balance, mcc=t.mcc, line=n)
             for n, t in enumerate(body.transactions, start=1)]
    raw = json.dumps(body.model_dump(mode="json"), sort_keys=True).encode()
    declared = statements.Declared(body.period_start, body.period_end, body.opening_balance,
                                   body.closing_balance)
    result, new, asked = statements.import_batch(ctx, account, lines, raw, declared, dry_run=dry_run)
    result = _served_flags(ctx, account, result)
    status = 201 if new and not dry_run else 200
    response.status_code = status
    answer = idem.respond(result, status_code=status)
    if asked is not None:
        # the batch, and the answer kept for its Idempotency-Key, are stored whatever follows;
        # committed, its lines are seen by a refresh of the open audits under way or waiting
        ctx.session.commit()
        uploads.after_commit(ctx, asked)
    return answer


@router.get("/accounts/{account_id}/uploads", summary="List the uploads into an account",
            description="Lists the files uploaded into an account, oldest first, each with its outcome and "
                        "summary.")
def list_uploads(
    ctx: CtxDep, account_id: IdPath, pager: PagerDep
) -> Page[UploadSummaryOut]:
    account = load(ctx, Account, account_id, "account")
    stmt = scoped_select(ctx, Upload).where(Upload.account_id == account.id)
    return pager.page(ctx.session, stmt, Upload.id, UploadSummaryOut.model_validate)


