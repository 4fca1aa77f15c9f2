"""Pages for holders: uploads, questions and letters for each person they hold for.

Every page is for one person the holder acts for (``/for/{recipient_id}/...``); a person
they do not act for answers 404, as the API does.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, UploadFile
from fastapi.responses import RedirectResponse, Response, StreamingResponse

import reports
from service.audits.report_model import build_report, letter_pdf
from service.core.deps import UnitOfWorkRoute
from service.core.schemas import MAX_ID
from service.core.scope import load, scoped_select
from service.core.types import utcnow
from service.ingest.endpoints import UPLOAD_BODY_LIMIT
from service.models import Audit, Recipient, Upload
from service.privacy import export
from service.web.holder import asks as asking
from service.web.holder import uploads
from service.web.holder.figures import account_name, accounts_of
from service.web.page import FormPage, HolderPage, Page, PageNotFound
from service.web.render import download, letter_page, render

router = APIRouter(include_in_schema=False, route_class=UnitOfWorkRoute)

FormText = Annotated[str, Form()]


def _id(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= MAX_ID:
        raise PageNotFound()
    return int(text)


def person(page: Page, recipient_id: str) -> Recipient:
    """One of the people this holder acts for; anyone else is 404."""
    if page.user.role != "holder":
        raise PageNotFound()
    return load(page.ctx, Recipient, _id(recipient_id), "person")


def people_of(page: Page) -> list[Recipient]:
    return list(page.db.scalars(scoped_select(page.ctx, Recipient).order_by(Recipient.name, Recipient.id)))


# --- sending a file ------------------------------------------------------------------------

@router.get("/upload")
def choose_person(page: HolderPage, person_id: str = "", sent: str = "") -> Response:
    """Whose file it is, when the holder acts for more than one person."""
    people = people_of(page)
    chosen = next((p for p in people if str(p.id) == person_id), None)
    if chosen is None and len(people) == 1:
        chosen = people[0]
    if chosen is not None:
        return RedirectResponse(f"/for/{chosen.id}/upload", status_code=303)
    errors = {"person_id": "Choose who the file is for."} if sent else {}
    return render(page.request, "holder/choose_person.html.j2", people=people, errors=errors,
                  status_code=400 if errors else 200)


def _upload_form(page: Page, recipient: Recipient, errors: dict[str, str] | None = None,
                 kind: str = "", account_id: str = "") -> Response:
    accounts = accounts_of(page.ctx, recipient)
    if not account_id and len(accounts) == 1:
        account_id = str(accounts[0].id)  # nothing to choose
    return render(page.request, "holder/upload.html.j2", status_code=400 if errors else 200,
                  person=recipient, kinds=uploads.KINDS, kind=kind, account_id=account_id,
                  accounts=[(str(a.id), account_name(a)) for a in accounts], errors=errors or {},
                  several=len(people_of(page)) > 1)


@router.get("/for/{recipient_id}/upload")
def upload_form(page: HolderPage, recipient_id: str) -> Response:
    return _upload_form(page, person(page, recipient_id))


@router.post("/for/{recipient_id}/upload", max_body_size=UPLOAD_BODY_LIMIT)
def upload(page: FormPage, recipient_id: str, kind: FormText = "", account_id: FormText = "",
           file: Annotated[UploadFile | None, File()] = None) -> Response:
    recipient = person(page, recipient_id)
    try:
        received = uploads.receive(page.ctx, recipient, accounts_of(page.ctx, recipient), kind,
                                   account_id, file)
    except uploads.Refused as refused:
        page.db.rollback()  # nothing of a refused file is kept
        return _upload_form(page, recipient, {refused.field: refused.message}, kind, account_id)
    again = "?again=1" if received.again else ""
    return RedirectResponse(f"/for/{recipient.id}/uploads/{received.upload_id}{again}", status_code=303)


@router.get("/for/{recipient_id}/uploads/{upload_id}")
def upload_result(page: HolderPage, recipient_id: str, upload_id: str, again: str = "") -> Response:
    recipient = person(page, recipient_id)
    sent = load(page.ctx, Upload, _id(upload_id), "upload")
    if sent.recipient_id != recipient.id:
        raise PageNotFound()
    return render(page.request, "holder/upload_result.html.j2", person=recipient, upload=sent,
                  again=bool(again), words=uploads.result_words(sent),
                  waiting=asking.waiting(asking.asks_for(page.ctx, recipient)))


# --- things we have asked ------------------------------------------------------------------

def _questions(page: Page, recipient: Recipient, errors: dict[str, str] | None = None,
               typed: dict[str, str] | None = None, answered: str = "") -> Response:
    asks = asking.asks_for(page.ctx, recipient)
    return render(page.request, "holder/questions.html.j2", status_code=400 if errors else 200,
                  person=recipient, asks=asks, waiting=asking.waiting(asks), errors=errors or {},
                  typed=typed or {}, answered=answered, reasons=asking.REASONS)


@router.get("/for/{recipient_id}/questions")
def questions(page: HolderPage, recipient_id: str, answered: str = "") -> Response:
    return _questions(page, person(page, recipient_id), answered=answered)


@router.post("/for/{recipient_id}/questions/{ask_id}")
def answer(page: FormPage, recipient_id: str, ask_id: str, answer: FormText = "",
           reason: FormText = "") -> Response:
    recipient = person(page, recipient_id)
    ask = asking.find(asking.asks_for(page.ctx, recipient), ask_id)
    if ask is None or ask.answer is not None:
        return RedirectResponse(f"/for/{recipient.id}/questions", status_code=303)
    try:
        asking.answer(page.ctx, recipient, ask, answer, reason)
    except asking.NotAnswerable as problem:
        page.db.rollback()
        return _questions(page, recipient, {f"{problem.part}-{ask.id}": problem.message},
                          {f"answer-{ask.id}": answer, f"reason-{ask.id}": reason})
    return RedirectResponse(f"/for/{recipient.id}/questions?answered={ask.id}", status_code=303)


# --- letters -------------------------------------------------------------------------------

def _audit(page: Page, recipient: Recipient, audit_id: str) -> Audit:
    audit = load(page.ctx, Audit, _id(audit_id), "letter")
    if audit.recipient_id != recipient.id:
        raise PageNotFound()
    return audit


@router.get("/for/{recipient_id}/letters")
def letters(page: HolderPage, recipient_id: str) -> Response:
    recipient = person(page, recipient_id)
    audits = page.db.scalars(scoped_select(page.ctx, Audit).where(Audit.recipient_id == recipient.id)
                             .order_by(Audit.period_end.desc(), Audit.id.desc())).all()
    return render(page.request, "holder/letters.html.j2", person=recipient, audits=audits)


@router.get("/for/{recipient_id}/letters/{audit_id}.html")
def letter_html(page: HolderPage, recipient_id: str, audit_id: str) -> Response:
    audit = _audit(page, person(page, recipient_id), audit_id)
    return letter_page(reports.render_letter_html(build_report(audit)))


@router.get("/for/{recipient_id}/letters/{audit_id}.pdf")
def letter_pdf_download(page: HolderPage, recipient_id: str, audit_id: str) -> Response:
    audit = _audit(page, person(page, recipient_id), audit_id)
    return download(letter_pdf(audit), "application/pdf", f"letter-{audit.id}.pdf")


@router.get("/for/{recipient_id}/export.zip")
def export_download(page: HolderPage, recipient_id: str) -> Response:
    """Everything the holder can already see about the person, as one zip (subject access)."""
    recipient = person(page, recipient_id)
    request = export.start_export(page.ctx, recipient)
    name = export.filename(recipient.id, utcnow())
    return StreamingResponse(export.stream_export(request), media_type="application/zip",
                             headers={"Content-Disposition": f'attachment; filename="{name}"',
                                      "Cache-Control": "no-store"})
