"""Flags across the council: open ones first, filtered by rule and status, each with the
audit or person it belongs to, and a form to clear or uphold it with a reason."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select

from service.core.deps import UnitOfWorkRoute
from service.core.scope import load, scoped_select
from service.models import Audit, Flag, Recipient
from service.web.officer.audit import decide_flag
from service.web.officer.words import flag_rows, page_id, rule_titles
from service.web.page import FormPage, Page, PageNotFound, StaffPage
from service.web.render import render

router = APIRouter(include_in_schema=False, route_class=UnitOfWorkRoute)

STATUSES = {"open": "Open", "cleared": "Cleared", "upheld": "Upheld", "all": "Any status"}
SHOWN = 500  # a council's open flags fit; the filters narrow the rest


def flags_context(page: Page, rule: str, status: str) -> dict[str, Any]:
    titles = rule_titles()
    rule = rule if rule in titles else ""
    status = status if status in STATUSES else "open"
    stmt = scoped_select(page.ctx, Flag)
    if rule:
        stmt = stmt.where(Flag.rule_id == rule)
    if status != "all":
        stmt = stmt.where(Flag.status == status)
    flags = list(page.db.scalars(stmt.order_by(Flag.occurred_on.desc(), Flag.id.desc()).limit(SHOWN)))
    people_ids = {f.recipient_id for f in flags}
    people = {r.id: r for r in page.db.scalars(select(Recipient).where(Recipient.id.in_(people_ids)))}
    audits = list(page.db.scalars(select(Audit).where(Audit.recipient_id.in_(people_ids))))
    return {"rows": flag_rows(page, flags, audits), "people": people, "rule": rule, "status": status,
            "rule_options": [("", "Any rule"), *sorted(titles.items(), key=lambda kv: kv[1])],
            "status_options": list(STATUSES.items()), "errors": {}, "form": {},
            "done": "You recorded the decision." if page.request.query_params.get("done") else ""}


@router.get("/flags")
def flags_page(page: StaffPage, rule: str = "", status: str = "open") -> Response:
    return render(page.request, "officer/flags.html.j2", **flags_context(page, rule, status))


@router.post("/flags/{flag_id}/decision")
def decide(page: FormPage, flag_id: str, outcome: Annotated[str, Form()] = "",
           reason: Annotated[str, Form()] = "", rule: Annotated[str, Form()] = "",
           status: Annotated[str, Form()] = "open") -> Response:
    if not page.is_staff:
        raise PageNotFound()
    flag = load(page.ctx, Flag, page_id(flag_id), "flag")
    errors = decide_flag(page, flag, outcome, reason)
    if errors:
        context = flags_context(page, rule, status)
        context.update(errors=errors, form={f"flag-{flag.id}-reason": reason,
                                            f"flag-{flag.id}-outcome": outcome})
        return render(page.request, "officer/flags.html.j2", status_code=400, **context)
    query = f"rule={rule}&" if rule in rule_titles() else ""
    return RedirectResponse(f"/flags?{query}status={status if status in STATUSES else 'open'}&done=1",
                            status_code=303)
