"""People: the list, one person's page (accounts, statement coverage, uploads, plan, flags,
audits), inviting a representative to sign in, and starting an audit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Form
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy import select

from service.audits import service as audits
from service.audits.coverage import uncovered_ranges
from service.audits.inputs import AuditPeriod
from service.audits.loading import load_statements
from service.audits.schemas import AuditIn
from service.core.deps import UnitOfWorkRoute
from service.core.errors import DpauditError
from service.core.scope import load, scoped_select
from service.core.types import today_uk
from service.models import Account, Audit, Flag, Recipient, Representative, SupportPlan, Upload, User
from service.plans import service as plans
from service.web.officer.words import flag_rows, page_id, problem_words
from service.web.page import FormPage, Page, PageNotFound, StaffPage
from service.web.render import render
from service.web.sign_in import send_link

router = APIRouter(include_in_schema=False, route_class=UnitOfWorkRoute)

ONE_DAY = timedelta(days=1)
TIMELINE_WIDTH = 960  # the SVG's own units; it scales to the column


@router.get("/people")
def people_page(page: StaffPage) -> Response:
    people = page.db.scalars(scoped_select(page.ctx, Recipient).order_by(Recipient.name, Recipient.id)).all()
    return render(page.request, "officer/people.html.j2", people=people)


# --- statement coverage ---------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Span:
    start: date
    end: date
    covered: bool
    x: int = 0
    width: int = 0

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


@dataclass(frozen=True, slots=True)
class Timeline:
    account: str
    start: date
    end: date
    spans: tuple[Span, ...]

    @property
    def gaps(self) -> tuple[Span, ...]:
        return tuple(span for span in self.spans if not span.covered)


def timeline(account: Account, recipient: Recipient, statements: list[tuple[date, date]],
             today: date) -> Timeline | None:
    """From the account's start to the end of last month (or its last statement, or its
    close): the days statements cover, and the runs of days none covers."""
    first = account.opened_on or recipient.dp_start_date or min((s for s, _ in statements), default=None)
    if first is None:
        return None
    last = max([today.replace(day=1) - ONE_DAY, *(e for _, e in statements)])
    for ended in (account.closed_on, recipient.dp_end_date):
        if ended is not None:
            last = min(last, ended)
    if last < first:
        return None
    period = AuditPeriod(first, last)
    gaps = uncovered_ranges(period, statements)
    spans, cursor = [], first
    for start, end in gaps:
        if start > cursor:
            spans.append((cursor, start - ONE_DAY, True))
        spans.append((start, end, False))
        cursor = end + ONE_DAY
    if cursor <= last:
        spans.append((cursor, last, True))
    return Timeline(account.reference, first, last, tuple(_placed(period, spans)))


def _placed(period: AuditPeriod, spans: list[tuple[date, date, bool]]) -> list[Span]:
    """Each span's x and width in the SVG, at least one unit so a single day shows."""
    scale = TIMELINE_WIDTH / period.days
    placed = []
    for start, end, covered in spans:
        x = round((start - period.start).days * scale)
        right = round(((end - period.start).days + 1) * scale)
        placed.append(Span(start, end, covered, x, max(1, right - x)))
    return placed


def coverage_of(page: Page, recipient: Recipient, accounts: list[Account]) -> list[Timeline]:
    today = today_uk()
    statements = load_statements(page.db, {a.id: a.reference for a in accounts}, today)
    found = []
    for account in accounts:
        mine = [(s.start, s.end) for s in statements if s.account == account.reference]
        line = timeline(account, recipient, mine, today)
        if line is not None:
            found.append(line)
    return found


# --- the person's page ----------------------------------------------------------------------

def person_context(page: Page, recipient: Recipient) -> dict[str, Any]:
    db = page.db
    accounts = list(db.scalars(select(Account).where(
        Account.recipient_id == recipient.id).order_by(Account.id)))
    names = {a.id: a.reference for a in accounts}
    reps = list(db.scalars(select(Representative).where(
        Representative.recipient_id == recipient.id).order_by(Representative.id)))
    users = {u.id: u for u in db.scalars(select(User).where(
        User.id.in_([r.user_id for r in reps if r.user_id]), User.council_id == page.council.id))}
    uploads = list(db.scalars(select(Upload).where(Upload.recipient_id == recipient.id)
                              .order_by(Upload.created_at.desc(), Upload.id.desc())))
    versions = list(db.scalars(scoped_select(page.ctx, SupportPlan).where(
        SupportPlan.recipient_id == recipient.id).order_by(SupportPlan.version)))
    flags = list(db.scalars(select(Flag).where(Flag.recipient_id == recipient.id)
                            .order_by(Flag.occurred_on.desc(), Flag.id.desc())))
    person_audits = list(db.scalars(select(Audit).where(Audit.recipient_id == recipient.id)
                                    .order_by(Audit.period_end.desc(), Audit.id.desc())))
    return {"person": recipient, "accounts": accounts, "account_names": names,
            "representatives": [(rep, users.get(rep.user_id or 0)) for rep in reps],
            "timelines": coverage_of(page, recipient, accounts), "width": TIMELINE_WIDTH,
            "uploads": uploads, "plans": plans.page_out(page.ctx, versions),
            "flags": flag_rows(page, flags, person_audits), "audits": person_audits,
            "invited": None, "errors": {}, "period_start": "", "period_end": ""}


@router.get("/people/{recipient_id}")
def person_page(page: StaffPage, recipient_id: str) -> Response:
    recipient = load(page.ctx, Recipient, page_id(recipient_id), "recipient")
    context = person_context(page, recipient)
    invited = page.request.query_params.get("invited", "")
    if invited.isdigit():
        context["invited"] = next((rep.name for rep, _ in context["representatives"]
                                   if rep.id == int(invited)), None)
    return render(page.request, "officer/person.html.j2", **context)


def _staff_form(page: Page) -> None:
    if not page.is_staff:
        raise PageNotFound()


@router.post("/people/{recipient_id}/invitations")
def invite(page: FormPage, recipient_id: str,
           representative_id: Annotated[str, Form()] = "") -> Response:
    """Send a representative's user a one-time link to choose a password and sign in."""
    _staff_form(page)
    recipient = load(page.ctx, Recipient, page_id(recipient_id), "recipient")
    rep = page.db.scalar(select(Representative).where(
        Representative.id == page_id(representative_id), Representative.recipient_id == recipient.id))
    user = page.db.get(User, rep.user_id) if rep is not None and rep.user_id else None
    if rep is None or user is None or user.council_id != page.council.id or not user.active:
        raise PageNotFound()
    send_link(page.db, user, "invitation")
    return RedirectResponse(f"/people/{recipient.id}?invited={rep.id}#representatives", status_code=303)


@router.post("/people/{recipient_id}/audits")
def start_audit(page: FormPage, recipient_id: str, period_start: Annotated[str, Form()] = "",
                period_end: Annotated[str, Form()] = "") -> Response:
    """Audit the person for a period, as ``POST /v1/recipients/{id}/audits`` does."""
    _staff_form(page)
    recipient = load(page.ctx, Recipient, page_id(recipient_id), "recipient")
    errors: dict[str, str] = {}
    try:
        body = AuditIn.model_validate({"period_start": period_start, "period_end": period_end})
        audit = audits.create_audit(page.ctx, recipient, body.period_start, body.period_end, body.kind)
    except ValidationError as exc:
        errors = _period_errors(exc)
    except DpauditError as exc:
        errors = {"period_start": problem_words(exc)}
    if errors:
        context = person_context(page, recipient)
        context.update(errors=errors, period_start=period_start, period_end=period_end)
        return render(page.request, "officer/person.html.j2", status_code=400, **context)
    page.db.flush()
    return RedirectResponse(f"/audits/{audit.id}", status_code=303)


def _period_errors(exc: ValidationError) -> dict[str, str]:
    errors: dict[str, str] = {}
    for error in exc.errors():
        where = error["loc"][0] if error["loc"] else ""
        if where == "period_start":
            errors.setdefault("period_start", "Enter the first day as a date, like 2026-04-01")
        elif where == "period_end":
            errors.setdefault("period_end", "Enter the last day as a date, like 2027-03-31")
        else:
            message = str(error.get("msg", "")).removeprefix("Value error, ")
            errors.setdefault("period_start", message or "Enter a period that ends after it starts")
    return errors
