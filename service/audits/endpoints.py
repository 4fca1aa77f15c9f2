"""Audits: create, read, outputs, decisions; what is due; council summary."""

from __future__ import annotations

import threading
from collections import OrderedDict
from datetime import date, datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Response
from pydantic import TypeAdapter
from sqlalchemy.orm import defer

import reports
from service.audits import service
from service.audits.report_model import build_report, letter_pdf
from service.audits.schemas import (
    EARLIEST,
    LATEST,
    AuditCheckOut,
    AuditIn,
    AuditOut,
    CloseIn,
    CommitmentIn,
    CommitmentOut,
    CorrectionIn,
    DecisionIn,
    DueList,
    DueOut,
    NoteIn,
    NoteOut,
    UnderspendReasonIn,
    UnderspendReasonOut,
    check_audit_period,
)
from service.core.deps import CtxDep, UnitOfWorkRoute
from service.core.errors import NotFound, Unprocessable, field_error
from service.core.idempotency import IdempotencyDep
from service.core.ids import IdPath
from service.core.pagination import Page, PageParams, PagerDep, decode_cursor, encode_cursor, page_params
from service.core.principal import STAFF
from service.core.scope import load, scoped_select
from service.core.types import today_uk
from service.models import Audit, Commitment, Note, Recipient, UnderspendReason

router = APIRouter(prefix="/v1", tags=["audits"], route_class=UnitOfWorkRoute)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DayQuery = Annotated[date | None, Query(ge=EARLIEST, le=LATEST)]


def binary(media_type: str, what: str) -> dict[str, Any]:
    """OpenAPI for a route that answers with a file rather than JSON."""
    return {"response_class": Response,
            "responses": {200: {"content": {media_type: {}}, "description": what}}}


def audit_out(audit: Audit) -> AuditOut:
    data = {name: getattr(audit, name) for name in AuditOut.model_fields
            if name not in ("summary", "result")}
    return AuditOut.model_validate({**data, "summary": service.headline(audit), "result": audit.result})


# --- audits --------------------------------------------------------------------------------

@router.post("/recipients/{recipient_id}/audits", status_code=201,
             summary="Audit all of a person's accounts for a period (admin, officer)",
             description="Audits all of the person's accounts for a period: reconciliation, statement "
                         "coverage, spending against the plan, money in against the schedules, the surplus "
                         "after contingency and commitments, and a risk tier with its reasons. Auditing the "
                         "same period again refreshes the open audit rather than opening a second. A person "
                         "with no account, or erased when their retention ran out, cannot be audited (422).")
def create_audit(ctx: CtxDep, recipient_id: IdPath, body: AuditIn, idem: IdempotencyDep) -> AuditOut:
    recipient = load(ctx, Recipient, recipient_id, "recipient")
    ctx.principal.require(*STAFF)
    audit = service.create_audit(ctx, recipient, body.period_start, body.period_end, body.kind)
    return idem.respond(audit_out(audit))


@router.get("/recipients/{recipient_id}/audits", summary="List a person's audits",
            description="Lists the person's audits, open and closed.")
def list_audits(
    ctx: CtxDep, recipient_id: IdPath, pager: PagerDep
) -> Page[AuditOut]:
    recipient = load(ctx, Recipient, recipient_id, "recipient")
    ctx.principal.require(*STAFF, "holder")
    stmt = scoped_select(ctx, Audit).where(Audit.recipient_id == recipient.id)
    return pager.page(ctx.session, stmt, Audit.id, audit_out)


@router.get("/audits/due", summary="The officer's queue: open audits to act on and reviews due, "
            "riskiest first (admin, officer)")
def audits_due(ctx: CtxDep, pager: Annotated[PageParams, Depends(page_params)],
               on: DayQuery = None) -> DueList:
    """Each open audit with the action it needs (decide_flags, agree_recovery,
    waiting_for_person, ready_to_close), and each review due by ``on`` (start_review) with
    the period it should cover, from the end of the last closed audit. Paged with
    ``?limit=`` and ``?cursor=``."""
    ctx.principal.require(*STAFF)
    day = on or today_uk()
    queue = service.due(ctx, day)
    start = decode_cursor(pager.cursor) if pager.cursor else 0
    shown = queue[start:start + pager.limit]
    more = start + pager.limit < len(queue)
    items = [DueOut(recipient_id=d.recipient.id, recipient_reference=d.recipient.reference,
                    recipient_name=d.recipient.name, due_on=d.due_on,
                    days_overdue=(day - d.due_on).days if d.due_on else None,
                    last_audit_id=d.last_audit.id if d.last_audit else None,
                    last_tier=d.last_audit.tier if d.last_audit else None,
                    last_score=d.last_audit.score if d.last_audit else None,
                    audit_id=d.open_audit.id if d.open_audit else None, action=d.action,
                    tier=d.tier, score=d.score,
                    next_period_start=d.next_period[0] if d.next_period else None,
                    next_period_end=d.next_period[1] if d.next_period else None)
             for d in shown]
    return DueList(items=items, next_cursor=encode_cursor(start + pager.limit) if more else None)


class _Answers:
    """The latest answers to ``GET /v1/audits/{id}``, as sent, by audit and the moment its row
    last changed. The answer is the same for everyone who may see the audit, and comes only from
    its row, in which every change moves ``updated_at``; so a kept answer is sent again for as
    long as that has not moved, without reading and working out the stored figures again (most
    of the work of the answer). Each server process keeps its own few."""

    KEPT = 256

    def __init__(self) -> None:
        self._answers: OrderedDict[tuple[int, datetime], bytes] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple[int, datetime]) -> bytes | None:
        with self._lock:
            answer = self._answers.get(key)
            if answer is not None:
                self._answers.move_to_end(key)
            return answer

    def keep(self, key: tuple[int, datetime], answer: bytes) -> None:
        with self._lock:
            self._answers[key] = answer
            if len(self._answers) > self.KEPT:
                self._answers.popitem(last=False)


_answers = _Answers()
_AUDIT_JSON = TypeAdapter(AuditOut)
_WITHOUT_FIGURES = (defer(Audit.result), defer(Audit.inputs))  # made once: they cost to make


@router.get("/audits/{audit_id}", summary="Read an audit: the same figures for holder and officer",
            description="One audit with its figures, tier and reasons, gaps and findings: the holder sees "
                        "exactly what the officer sees.", response_model=AuditOut)
def get_audit(ctx: CtxDep, audit_id: IdPath) -> Response:
    audit = load(ctx, Audit, audit_id, "audit", *_WITHOUT_FIGURES)
    answer = _answers.get((audit.id, audit.updated_at))
    if answer is None:  # read the whole row once more: the answer and its key from the same row
        ctx.session.expunge(audit)
        audit = load(ctx, Audit, audit_id, "audit")
        answer = _AUDIT_JSON.dump_json(audit_out(audit))
        _answers.keep((audit.id, audit.updated_at), answer)
    return Response(answer, media_type="application/json")


@router.get("/audits/{audit_id}/workbook.xlsx", summary="The audit as an Excel workbook",
            **binary(XLSX, "The workbook: summary first, then one table per sheet."),
            description="The audit as an XLSX workbook: summary first, one table per sheet, real dates and "
                        "£ amounts.")
def audit_workbook(ctx: CtxDep, audit_id: IdPath) -> Response:
    audit = load(ctx, Audit, audit_id, "audit")
    return _file(reports.render_workbook(build_report(audit)), XLSX, f"audit-{audit.id}.xlsx")


@router.get("/audits/{audit_id}/letter.html", summary="The letter to the person, as a web page",
            **binary("text/html", "The letter in plain English."),
            description="The plain-English letter to the person about this audit, as a web page.")
def audit_letter_html(ctx: CtxDep, audit_id: IdPath) -> Response:
    audit = load(ctx, Audit, audit_id, "audit")
    return Response(reports.render_letter_html(build_report(audit)), media_type="text/html")


@router.get("/audits/{audit_id}/letter.pdf", summary="The letter to the person, as a tagged PDF",
            **binary("application/pdf", "The letter as an accessible (tagged) PDF."),
            description="The same letter as an accessible, tagged PDF.")
def audit_letter_pdf(ctx: CtxDep, audit_id: IdPath) -> Response:
    audit = load(ctx, Audit, audit_id, "audit")
    return _file(letter_pdf(audit), "application/pdf",
                 f"audit-{audit.id}-letter.pdf")


@router.get("/audits/{audit_id}/check",
            summary="Check that an audit still rests on what it was decided on (admin, officer)",
            description="Reads the statement lines the audit used as they are stored today and hashes "
                        "them against the hash the audit kept; for a closed audit, also works its "
                        "`frozen_digest` out again from its result, inputs and lines. `unchanged` is "
                        "true when both hold. Voided lines still count: they were live when the audit "
                        "used them. Changes nothing.")
def check_audit(ctx: CtxDep, audit_id: IdPath) -> AuditCheckOut:
    audit = load(ctx, Audit, audit_id, "audit")
    ctx.principal.require(*STAFF)
    found = service.verify(ctx.session, audit)
    return AuditCheckOut(audit_id=audit.id, status=audit.status, unchanged=found.unchanged,
                         lines=found.lines.lines, missing_lines=found.lines.missing,
                         lines_unchanged=found.lines.unchanged, frozen_digest=audit.frozen_digest,
                         digest_matches=found.digest_matches, message=found.message)


def _file(data: bytes, media_type: str, filename: str) -> Response:
    return Response(data, media_type=media_type,
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@router.post("/audits/{audit_id}/decision",
             summary="Agree or change the proposed recovery, with a reason (admin, officer)")
def decide(ctx: CtxDep, audit_id: IdPath, body: DecisionIn) -> AuditOut:
    """Every decision has a reason: the recovery agreed (0.00 when nothing is owed), or
    ``"hold": true`` to put recovery on hold. A later change to the person's data that
    changes the proposed recovery clears the decision, to be made again."""
    audit = load(ctx, Audit, audit_id, "audit")
    ctx.principal.require(*STAFF)
    return audit_out(service.decide(ctx, audit, body.agreed_recovery, body.reason, hold=body.hold))


@router.post("/audits/{audit_id}/close", summary="Close an audit; it never changes again (admin, officer)",
             responses={409: {"description": "Something is still missing; each is named in errors[]."}})
def close(ctx: CtxDep, audit_id: IdPath, body: CloseIn | None = None) -> AuditOut:
    """A light audit with nothing to ask closes as it is. Any other closes only after a
    decision with a reason, and once every open flag is cleared, upheld, or carried to the
    next audit (``carry_flags``, each with a reason). Unanswered questions do not hold it
    up. Refused with 409 naming each thing still missing. The closed audit keeps
    ``frozen_digest``, a hash of what it was decided on, and ``closed_at``."""
    audit = load(ctx, Audit, audit_id, "audit")
    ctx.principal.require(*STAFF)
    carried = [service.Carried(c.flag_id, c.reason) for c in (body.carry_flags if body else [])]
    return audit_out(service.close(ctx, audit, carried))


@router.post("/audits/{audit_id}/corrections", status_code=201,
             summary="Correct an audit: a new audit of the same period that names it (admin, officer)",
             description="Corrects a closed audit: a new audit of the same period that names the one it "
                         "corrects. The closed audit never changes.")
def correct(ctx: CtxDep, audit_id: IdPath, body: CorrectionIn, idem: IdempotencyDep) -> AuditOut:
    audit = load(ctx, Audit, audit_id, "audit")
    ctx.principal.require(*STAFF)
    return idem.respond(audit_out(service.correct(ctx, audit, body.reason)))


# --- the notes thread ----------------------------------------------------------------------

def note_out(note: Note) -> NoteOut:
    return NoteOut(id=note.id, recipient_id=note.recipient_id, audit_id=note.subject_id,
                   author_id=note.author_id, body=note.body, internal=note.internal,
                   created_at=note.created_at)


@router.post("/audits/{audit_id}/notes", status_code=201,
             summary="Add to the conversation on an audit (holder, admin, officer)",
             description="Adds to the conversation on an audit; holder and officer both see it. A note "
                         "refreshes the open audit.")
def add_note(ctx: CtxDep, audit_id: IdPath, body: NoteIn, idem: IdempotencyDep) -> NoteOut:
    audit = load(ctx, Audit, audit_id, "audit")
    ctx.principal.require(*STAFF, "holder")
    return idem.respond(note_out(service.add_note(ctx, audit, body.body, body.internal)))


@router.get("/audits/{audit_id}/notes", summary="The conversation on an audit (holder, admin, officer)",
            description="The conversation on an audit, oldest first.")
def list_notes(
    ctx: CtxDep, audit_id: IdPath, pager: PagerDep
) -> Page[NoteOut]:
    audit = load(ctx, Audit, audit_id, "audit")
    ctx.principal.require(*STAFF, "holder")
    staff = ctx.principal.role in STAFF
    return pager.page(ctx.session, service.notes_of(audit, staff), Note.id, note_out)


# --- underspend reasons and commitments ----------------------------------------------------

@router.post("/recipients/{recipient_id}/underspend-reasons", status_code=201,
             summary="Record why money was not spent (holder, admin, officer)",
             description="Records why money was not spent in a period (could not recruit, hospital stay, "
                         "provider let down, other). With `hold`, any recovery in audits of that period is "
                         "held.")
def add_underspend_reason(
    ctx: CtxDep, recipient_id: IdPath, body: UnderspendReasonIn, idem: IdempotencyDep
) -> UnderspendReasonOut:
    recipient = load(ctx, Recipient, recipient_id, "recipient")
    ctx.principal.require(*STAFF, "holder")
    reason = service.add_underspend_reason(ctx, recipient, body)
    return idem.respond(UnderspendReasonOut.model_validate(reason))


@router.get("/recipients/{recipient_id}/underspend-reasons",
            summary="Why money was not spent (holder, admin, officer)",
            description="Lists the reasons recorded for money not spent.")
def list_underspend_reasons(
    ctx: CtxDep, recipient_id: IdPath, pager: PagerDep
) -> Page[UnderspendReasonOut]:
    recipient = load(ctx, Recipient, recipient_id, "recipient")
    ctx.principal.require(*STAFF, "holder")
    stmt = scoped_select(ctx, UnderspendReason).where(UnderspendReason.recipient_id == recipient.id)
    return pager.page(ctx.session, stmt, UnderspendReason.id, UnderspendReasonOut.model_validate)


@router.post("/recipients/{recipient_id}/commitments", status_code=201,
             summary="Record money already owed from the account (admin, officer)",
             description="Records money the account already owes (an invoice, wages, HMRC, pension): audits "
                         "take it off the balance before working out the surplus.")
def add_commitment(
    ctx: CtxDep, recipient_id: IdPath, body: CommitmentIn, idem: IdempotencyDep
) -> CommitmentOut:
    recipient = load(ctx, Recipient, recipient_id, "recipient")
    ctx.principal.require(*STAFF)
    return idem.respond(CommitmentOut.model_validate(service.add_commitment(ctx, recipient, body)))


@router.get("/recipients/{recipient_id}/commitments",
            summary="Money already owed from the account (holder, admin, officer)",
            description="Lists the money the account already owes.")
def list_commitments(
    ctx: CtxDep, recipient_id: IdPath, pager: PagerDep
) -> Page[CommitmentOut]:
    recipient = load(ctx, Recipient, recipient_id, "recipient")
    ctx.principal.require(*STAFF, "holder")
    stmt = scoped_select(ctx, Commitment).where(Commitment.recipient_id == recipient.id)
    return pager.page(ctx.session, stmt, Commitment.id, CommitmentOut.model_validate)


# --- the council view ----------------------------------------------------------------------

def _summary(ctx: CtxDep, council_id: int, start: date | None, end: date | None) -> reports.CouncilSummary:
    if council_id != ctx.principal.council_id:
        raise NotFound(f"There is no council {council_id} that you can see.")
    ctx.principal.require(*STAFF)
    end = end or today_uk()
    start = start or max(EARLIEST, end - timedelta(days=365))
    try:
        check_audit_period(start, end)
    except ValueError as exc:
        raise Unprocessable(str(exc), errors=[field_error("from", str(exc))]) from exc
    return service.council_summary(ctx, start, end)


FromQuery = Annotated[date | None, Query(alias="from", ge=EARLIEST, le=LATEST,
                                         description="First day (default: a year before `to`).")]
ToQuery = Annotated[date | None, Query(alias="to", ge=EARLIEST, le=LATEST,
                                       description="Last day (default: today).")]


@router.get("/councils/{council_id}/summary",
            summary="Council-wide figures: audits by tier, surplus, flags, unmet need, budgets "
                    "(admin, officer)",
            description="Council-wide figures: audits due and done by tier, surplus recovered and held, "
                        "flags by rule, unmet need by reason, indicative against actual budgets.")
def council_summary(ctx: CtxDep, council_id: IdPath, start: FromQuery = None,
                    end: ToQuery = None) -> dict[str, Any]:
    return reports.council_summary_json(_summary(ctx, council_id, start, end))


@router.get("/councils/{council_id}/summary.xlsx", summary="Council-wide figures as a workbook "
            "(admin, officer)", **binary(XLSX, "The council summary workbook."),
            description="The council-wide figures as an XLSX workbook.")
def council_summary_xlsx(ctx: CtxDep, council_id: IdPath, start: FromQuery = None,
                         end: ToQuery = None) -> Response:
    summary = _summary(ctx, council_id, start, end)
    return _file(reports.render_council_summary(summary), XLSX, "council-summary.xlsx")
