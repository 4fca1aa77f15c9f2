"""One audit for the officer: its figures in words, flags to decide, the notes thread, the
decision about the money, closing it, and its workbook and letter.

Every figure comes from the audit's stored result through ``headline`` and the report
model the workbook and letter are built from; every change goes through the same service
functions as ``/v1/audits/{id}/...`` and ``/v1/flags/{id}/decision``.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy import select

import reports
from service.audits import service as audits
from service.audits.kept import inputs_of, result_of
from service.audits.report_model import build_report, letter_pdf
from service.audits.schemas import DecisionIn, NoteIn
from service.core.deps import UnitOfWorkRoute
from service.core.errors import DpauditError
from service.core.scope import load
from service.models import Audit, Flag, Note, Recipient, User
from service.review import service as review
from service.review.schemas import DecisionIn as FlagDecisionIn
from service.web.officer.queue import ACTION_WORDS, TIER_COLOURS
from service.web.officer.words import flag_rows, missing_words, page_id, problem_words
from service.web.page import FormPage, Page, PageNotFound, StaffPage
from service.web.render import download, letter_page, render

router = APIRouter(include_in_schema=False, route_class=UnitOfWorkRoute)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DONE_WORDS = {
    "flag-cleared": "You cleared the flag.",
    "flag-upheld": "You upheld the flag.",
    "note": "Your note was added.",
    "decided": "Your decision about the money was recorded.",
    "closed": "The audit is closed. It will not change again.",
    "started": "The audit has started.",
}
FLAG_REASON_MISSING = "Enter a reason for clearing or upholding this flag"


def staff_audit(page: Page, audit_id: str) -> Audit:
    """The audit, for council staff who may see it; 404 for anyone else."""
    if not page.is_staff:
        raise PageNotFound()
    return load(page.ctx, Audit, page_id(audit_id), "audit")


def audit_flags(page: Page, audit: Audit, still_open: list[Flag] | None = None) -> list[Flag]:
    """The flags the audit kept, with their status today, and any still open up to its end
    (an earlier audit may have carried one forward)."""
    kept = [f.id for f in inputs_of(audit).flags if f.id is not None]
    if still_open is None and audit.status == "open":
        still_open = audits.open_flags(page.ctx, audit)
    live = {f.id: f for f in still_open or []}
    found = {f.id: f for f in page.db.scalars(select(Flag).where(
        Flag.id.in_(kept), Flag.recipient_id == audit.recipient_id))}
    found.update(live)
    return sorted(found.values(), key=lambda f: (f.occurred_on is None, f.occurred_on, f.id))


def audit_context(page: Page, audit: Audit, errors: dict[str, str] | None = None,
                  form: dict[str, str] | None = None) -> dict[str, Any]:
    recipient = page.db.get(Recipient, audit.recipient_id)
    report = build_report(audit)
    is_open = audit.status == "open"
    still_open = audits.open_flags(page.ctx, audit) if is_open else []  # read once for the page
    flags = flag_rows(page, audit_flags(page, audit, still_open), [audit])
    notes = list(page.db.scalars(audits.notes_of(audit).order_by(Note.created_at, Note.id)))
    authors = dict(page.db.execute(select(User.id, User.name).where(
        User.id.in_({n.author_id for n in notes}))).all())
    titles = {row.flag.id: row.title for row in flags}
    missing = (missing_words(audits.still_missing(page.ctx, audit, flags=still_open), titles)
               if is_open else [])
    return {
        "audit": audit, "person": recipient, "summary": audits.headline(audit), "report": report,
        "reconciliation": result_of(audit).accounts,
        "flags": flags, "open_flags": [row for row in flags if row.flag.status == "open"],
        "notes": [(note, authors.get(note.author_id, "Someone")) for note in notes],
        "is_open": is_open, "missing": missing,
        "action": ACTION_WORDS[audits.action_for(page.ctx, audit, still_open)] if is_open else "",
        "tier_colours": TIER_COLOURS, "errors": errors or {}, "form": form or {},
        "done": DONE_WORDS.get(page.request.query_params.get("done", ""), ""),
        "decider": _name(page, audit.decided_by_id), "closer": _name(page, audit.closed_by_id),
    }


def _name(page: Page, user_id: int | None) -> str:
    user = page.db.get(User, user_id) if user_id else None
    return user.name if user is not None else ""


def audit_page_response(page: Page, audit: Audit, errors: dict[str, str] | None = None,
                        form: dict[str, str] | None = None) -> Response:
    status = 400 if errors else 200
    return render(page.request, "officer/audit.html.j2", status_code=status,
                  **audit_context(page, audit, errors, form))


def _done(audit: Audit, what: str, anchor: str = "") -> Response:
    return RedirectResponse(f"/audits/{audit.id}?done={what}{'#' + anchor if anchor else ''}",
                            status_code=303)


@router.get("/audits/{audit_id}")
def audit_page(page: StaffPage, audit_id: str) -> Response:
    return audit_page_response(page, staff_audit(page, audit_id))


# --- flags ----------------------------------------------------------------------------------

def decide_flag(page: Page, flag: Flag, outcome: str, reason: str) -> dict[str, str]:
    """Clear or uphold a flag as ``POST /v1/flags/{id}/decision`` does; errors in words."""
    field = f"flag-{flag.id}-reason"
    try:
        body = FlagDecisionIn.model_validate({"outcome": outcome, "reason": reason.strip()})
    except ValidationError as exc:
        if any(e["loc"] and e["loc"][0] == "outcome" for e in exc.errors()):
            return {f"flag-{flag.id}-outcome": "Choose whether to clear or uphold this flag"}
        return {field: FLAG_REASON_MISSING if not reason.strip() else
                "Keep the reason to 2,000 characters or fewer"}
    try:
        review.decide(page.ctx, flag, body.outcome, body.reason)
    except DpauditError as exc:
        return {field: problem_words(exc)}
    return {}


@router.post("/audits/{audit_id}/flags/{flag_id}/decision")
def decide_flag_on_audit(page: FormPage, audit_id: str, flag_id: str,
                         outcome: Annotated[str, Form()] = "",
                         reason: Annotated[str, Form()] = "") -> Response:
    audit = staff_audit(page, audit_id)
    flag = load(page.ctx, Flag, page_id(flag_id), "flag")
    if flag.recipient_id != audit.recipient_id:
        raise PageNotFound()
    errors = decide_flag(page, flag, outcome, reason)
    if errors:
        return audit_page_response(page, audit, errors, {f"flag-{flag.id}-reason": reason,
                                                         f"flag-{flag.id}-outcome": outcome})
    return _done(audit, f"flag-{flag.status}", f"flag-{flag.id}")


# --- notes, the decision, closing -----------------------------------------------------------

@router.post("/audits/{audit_id}/notes")
def add_note(page: FormPage, audit_id: str, body: Annotated[str, Form()] = "") -> Response:
    audit = staff_audit(page, audit_id)
    try:
        note = NoteIn.model_validate({"body": body.strip()})
    except ValidationError:
        words = "Enter your note" if not body.strip() else "Keep the note to 4,000 characters or fewer"
        return audit_page_response(page, audit, {"note-body": words}, {"note-body": body})
    audits.add_note(page.ctx, audit, note.body)
    return _done(audit, "note", "notes")


@router.post("/audits/{audit_id}/decision")
def decide(page: FormPage, audit_id: str, outcome: Annotated[str, Form()] = "",
           agreed_recovery: Annotated[str, Form()] = "",
           reason: Annotated[str, Form()] = "") -> Response:
    """Agree a recovery (it may be £0.00) or put recovery on hold, always with a reason."""
    audit = staff_audit(page, audit_id)
    form = {"outcome": outcome, "agreed-recovery": agreed_recovery, "decision-reason": reason}
    errors: dict[str, str] = {}
    if outcome not in ("agree", "hold"):
        errors["outcome"] = "Choose whether to agree a recovery or put recovery on hold"
    amount = agreed_recovery.strip().replace("£", "").replace(",", "")
    if outcome == "agree" and not amount:
        errors["agreed-recovery"] = "Enter the amount to recover, like 120.00 (it may be 0.00)"
    if not reason.strip():
        errors["decision-reason"] = "Enter the reason for your decision"
    if errors:
        return audit_page_response(page, audit, errors, form)
    try:
        body = DecisionIn.model_validate({"agreed_recovery": amount if outcome == "agree" else None,
                                          "hold": outcome == "hold", "reason": reason.strip()})
    except ValidationError as exc:
        return audit_page_response(page, audit, _decision_errors(exc), form)
    try:
        audits.decide(page.ctx, audit, body.agreed_recovery, body.reason, hold=body.hold)
    except DpauditError as exc:
        return audit_page_response(page, audit, {"outcome": problem_words(exc)}, form)
    return _done(audit, "decided", "decision")


def _decision_errors(exc: ValidationError) -> dict[str, str]:
    errors: dict[str, str] = {}
    for error in exc.errors():
        where = error["loc"][0] if error["loc"] else ""
        if where == "agreed_recovery":
            errors["agreed-recovery"] = ("Enter the amount to recover in pounds and pence, like "
                                         "120.00; it cannot be less than 0.00")
        elif where == "reason":
            errors["decision-reason"] = "Keep the reason to 4,000 characters or fewer"
        else:
            errors.setdefault("outcome", "Check your decision and try again")
    return errors


@router.post("/audits/{audit_id}/close")
async def close(page: FormPage, audit_id: str) -> Response:
    """Close the audit, carrying the flags ticked to the next audit, each with its reason."""
    audit = staff_audit(page, audit_id)
    form = await page.request.form()
    ticked = [int(v) for v in form.getlist("carry") if isinstance(v, str) and v.isdigit()]
    reasons = {flag_id: str(form.get(f"carry-{flag_id}-reason") or "").strip() for flag_id in ticked}
    kept = {"carry": ",".join(map(str, ticked)),
            **{f"carry-{i}-reason": text for i, text in reasons.items()}}
    errors = {f"carry-{i}-reason": "Enter why this flag waits for the next audit"
              for i, text in reasons.items() if not text}
    if errors:
        return audit_page_response(page, audit, errors, kept)
    carried = [audits.Carried(flag_id, reasons[flag_id][:4000]) for flag_id in ticked]
    try:
        audits.close(page.ctx, audit, carried)
    except DpauditError as exc:
        titles = {flag.id: title for flag, title in _titles(page, audit)}
        found = missing_words(exc.errors, titles) if exc.errors and exc.status == 409 else []
        errors = {anchor: words for anchor, words in found} or {"close": problem_words(exc)}
        return audit_page_response(page, audit, errors, kept)
    return _done(audit, "closed")


def _titles(page: Page, audit: Audit) -> list[tuple[Flag, str]]:
    return [(row.flag, row.title) for row in flag_rows(page, audit_flags(page, audit), [audit])]


# --- downloads: the same files as the API's ------------------------------------------------

@router.get("/audits/{audit_id}/workbook.xlsx")
def workbook(page: StaffPage, audit_id: str) -> Response:
    audit = staff_audit(page, audit_id)
    return download(reports.render_workbook(build_report(audit)), XLSX, f"audit-{audit.id}.xlsx")


@router.get("/audits/{audit_id}/letter.pdf")
def letter_as_pdf(page: StaffPage, audit_id: str) -> Response:
    audit = staff_audit(page, audit_id)
    return download(letter_pdf(audit), "application/pdf", f"audit-{audit.id}-letter.pdf")


@router.get("/audits/{audit_id}/letter.html")
def letter_as_html(page: StaffPage, audit_id: str) -> Response:
    audit = staff_audit(page, audit_id)
    return letter_page(reports.render_letter_html(build_report(audit)))

