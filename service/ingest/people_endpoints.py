"""Timesheet and payroll uploads, their rows, and upload records (read, download, void)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, File, Query, Response, UploadFile

from service.core.config import get_settings
from service.core.deps import Ctx, CtxDep, UnitOfWorkRoute
from service.core.errors import Forbidden, PayloadTooLarge, Unprocessable, field_error
from service.core.idempotency import Idempotency, IdempotencyDep
from service.core.ids import IdPath, IdQuery
from service.core.pagination import Page, PagerDep
from service.core.principal import STAFF
from service.core.scope import load, scoped_select
from service.ingest import payroll
from service.ingest.people_schemas import (
    PayrollLineOut,
    PayrollResult,
    PayrollRunIn,
    TimesheetEntryOut,
    TimesheetResult,
    UploadOut,
    VoidIn,
)
from service.ingest.timesheets import import_timesheet
from service.ingest.uploads import void_upload
from service.models import Blob, PayrollLine, Recipient, TimesheetEntry, Upload
from service.models.live import live

router = APIRouter(prefix="/v1", tags=["timesheets and payroll"], route_class=UnitOfWorkRoute)
# a multipart body carries the file plus its part headers and boundaries
UPLOAD_BODY_BYTES = get_settings().max_upload_bytes + 64 * 1024
DryRun = Annotated[bool, Query(description="Preview the summary without writing anything.")]
FileField = Annotated[UploadFile | None, File(description="The file (XLSX or CSV).")]


def _file_bytes(file: UploadFile | None) -> tuple[bytes, str | None]:
    """The upload's bytes, checked only after scope and role, so a stranger learns nothing."""
    if file is None:
        raise Unprocessable("Send the file as the multipart field 'file'.",
                            errors=[field_error("file", "required")])
    limit = get_settings().max_upload_bytes
    data = file.file.read(limit + 1)
    if len(data) > limit:  # the body limit leaves room for the envelope, not for a bigger file
        raise PayloadTooLarge("The file is larger than we accept.")
    return data, file.filename


def _status(response: Response, created: bool) -> int:
    status = 201 if created else 200
    response.status_code = status
    return status


# --- timesheets ----------------------------------------------------------------------------

@router.post(
    "/recipients/{recipient_id}/timesheets", status_code=201, max_body_size=UPLOAD_BODY_BYTES,
    responses={200: {"model": TimesheetResult,
                     "description": "The same file was uploaded before (nothing changed), or a dry run."}},
    summary="Upload a timesheet, XLSX or CSV (admin, officer, holder, provider)",
             description="Reads a timesheet (XLSX or CSV: worker, date, hours, pay) whole or not at all. A "
                         "file that cannot be read changes nothing and answers 422 naming the sheet, row and "
                         "field. The same file again answers 200 with the first upload; `?dry_run=true` "
                         "reads without storing.")
def upload_timesheet(ctx: CtxDep, recipient_id: IdPath, idem: IdempotencyDep, response: Response,
                     file: FileField = None, dry_run: DryRun = False) -> TimesheetResult:
    recipient = load(ctx, Recipient, recipient_id, "recipient")
    ctx.principal.require(*STAFF, "holder", "provider")
    data, filename = _file_bytes(file)
    result = import_timesheet(ctx, recipient, data, filename, dry_run=dry_run)
    created = not (result.duplicate_file or result.dry_run)
    return idem.respond(result, status_code=_status(response, created))


@router.get("/recipients/{recipient_id}/timesheet-entries",
            summary="List a recipient's timesheet entries (shifts and sleep-ins)",
            description="Lists the person's timesheet entries (shifts and sleep-ins), optionally for one "
                        "worker or between two dates.")
def list_timesheet_entries(
    ctx: CtxDep, recipient_id: IdPath, pager: PagerDep,
    worker_id: IdQuery = None,
    date_from: Annotated[date | None, Query(alias="from", description="Worked on or after.")] = None,
    date_to: Annotated[date | None, Query(alias="to", description="Worked on or before.")] = None,
) -> Page[TimesheetEntryOut]:
    recipient = load(ctx, Recipient, recipient_id, "recipient")
    stmt = scoped_select(ctx, TimesheetEntry).where(TimesheetEntry.recipient_id == recipient.id,
                                                    live(TimesheetEntry))
    if worker_id is not None:
        stmt = stmt.where(TimesheetEntry.worker_id == worker_id)
    if date_from is not None:
        stmt = stmt.where(TimesheetEntry.worked_on >= date_from)
    if date_to is not None:
        stmt = stmt.where(TimesheetEntry.worked_on <= date_to)
    return pager.page(ctx.session, stmt, TimesheetEntry.id, TimesheetEntryOut.model_validate)


# --- payroll -------------------------------------------------------------------------------

_PAYROLL_REPEAT: dict[int | str, dict[str, Any]] = {200: {"model": PayrollResult,
                         "description": "The same run was sent before (nothing changed), or a dry run."}}


def _payroll_reply(idem: Idempotency, response: Response, result: PayrollResult) -> PayrollResult:
    created = not (result.duplicate_file or result.dry_run)
    return idem.respond(result, status_code=_status(response, created))


@router.post("/recipients/{recipient_id}/payroll-runs", status_code=201, responses=_PAYROLL_REPEAT,
             summary="Push a payroll run as JSON (admin, officer, provider)",
             description="Records a payroll run sent as JSON: one line per worker per pay period with gross, "
                         "net, tax, NI and pension. The same run again changes nothing and answers 200; "
                         "`?dry_run=true` checks without storing.")
def push_payroll_run(ctx: CtxDep, recipient_id: IdPath, body: PayrollRunIn, idem: IdempotencyDep,
                     response: Response, dry_run: DryRun = False) -> PayrollResult:
    recipient = load(ctx, Recipient, recipient_id, "recipient")
    ctx.principal.require(*STAFF, "provider")
    lines, canonical = payroll.lines_from_body(body)
    result = payroll.import_payroll_lines(ctx, recipient, lines, source_bytes=canonical,
                                          filename=None, dry_run=dry_run)
    return _payroll_reply(idem, response, result)


@router.post("/recipients/{recipient_id}/payroll-runs:upload", status_code=201,
             max_body_size=UPLOAD_BODY_BYTES, responses=_PAYROLL_REPEAT,
             summary="Upload a payroll run as CSV (admin, officer, holder, provider)",
             description="Reads a payroll bureau's CSV export whole or not at all; a file that cannot be "
                         "read answers 422 naming the line and field. The same file again answers 200 with "
                         "the first upload. A holder who employs personal assistants may send the report "
                         "their payroll service gave them.")
def upload_payroll_run(ctx: CtxDep, recipient_id: IdPath, idem: IdempotencyDep, response: Response,
                       file: FileField = None, dry_run: DryRun = False) -> PayrollResult:
    recipient = load(ctx, Recipient, recipient_id, "recipient")
    ctx.principal.require(*STAFF, "holder", "provider")
    data, filename = _file_bytes(file)
    lines = payroll.parse_payroll_csv(data, filename)
    result = payroll.import_payroll_lines(ctx, recipient, lines, source_bytes=data,
                                          filename=filename or "payroll.csv", dry_run=dry_run)
    return _payroll_reply(idem, response, result)


@router.get("/recipients/{recipient_id}/payroll-lines",
            summary="List a recipient's payroll lines (one per worker per pay period)",
            description="Lists the person's payroll lines, one per worker per pay period.")
def list_payroll_lines(
    ctx: CtxDep, recipient_id: IdPath, pager: PagerDep
) -> Page[PayrollLineOut]:
    recipient = load(ctx, Recipient, recipient_id, "recipient")
    stmt = scoped_select(ctx, PayrollLine).where(PayrollLine.recipient_id == recipient.id,
                                                 live(PayrollLine))
    return pager.page(ctx.session, stmt, PayrollLine.id, PayrollLineOut.model_validate)


# --- upload records ------------------------------------------------------------------------

@router.get("/uploads/{upload_id}", tags=["uploads"], summary="Read an upload record and its summary",
            description="One upload: who sent it and when, its SHA-256, its outcome and the summary of what "
                        "it added.")
def get_upload(ctx: CtxDep, upload_id: IdPath) -> UploadOut:
    return UploadOut.model_validate(load(ctx, Upload, upload_id, "upload"))


def _content_disposition(filename: str | None, upload_id: int) -> str:
    name = filename or f"upload-{upload_id}"
    ascii_name = "".join(c if c.isascii() and c.isprintable() and c not in '"\\;' else "_"
                         for c in name)
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='')}"


@router.get("/uploads/{upload_id}/file", tags=["uploads"], response_class=Response,
            responses={200: {"description": "The file exactly as received.",
                             "content": {"application/octet-stream": {
                                 "schema": {"type": "string", "format": "binary"}}}}},
            summary="Download the file exactly as it was received",
            description="The uploaded file's bytes exactly as they were received, with its original name.")
def download_upload(ctx: CtxDep, upload_id: IdPath) -> Response:
    upload = load(ctx, Upload, upload_id, "upload")
    blob = ctx.session.get(Blob, upload.sha256)
    data = blob.data if blob is not None else b""
    return Response(content=data, media_type="application/octet-stream",
                    headers={"Content-Disposition": _content_disposition(upload.filename, upload.id)})


def _may_void(ctx: Ctx, upload: Upload) -> None:
    """Council staff may void any upload; a holder only the ones they sent."""
    role = ctx.principal.role
    if role in STAFF or (role == "holder" and upload.uploaded_by_id == ctx.principal.user_id):
        return
    raise Forbidden("Only council staff, or the holder who sent it, can void an upload.")


@router.post("/uploads/{upload_id}/void", tags=["uploads"],
             summary="Void an upload: its rows leave every figure; the file and record stay "
                     "(admin, officer; holders their own uploads)",
             description="Voids an upload with a reason: its transactions, timesheet entries or payroll "
                         "lines leave every figure and open audit. The file and the record stay. A void "
                         "upload answers 409.")
def void(ctx: CtxDep, upload_id: IdPath, body: VoidIn) -> UploadOut:
    upload = load(ctx, Upload, upload_id, "upload")
    _may_void(ctx, upload)
    return UploadOut.model_validate(void_upload(ctx, upload, body.reason))
