"""Council-wide pages: the summary with its charts, and the rules settings.

They call what ``GET /v1/councils/{id}/summary``, ``GET /v1/rules`` and
``PUT /v1/councils/{id}/rules/{rule_id}`` call, with the signed-in person's context.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Annotated

from fastapi import APIRouter, Form, Query
from fastapi.responses import RedirectResponse, Response

import reports
from service.audits import service as audits
from service.audits.schemas import EARLIEST, check_audit_period
from service.core.deps import UnitOfWorkRoute
from service.core.errors import DpauditError
from service.core.types import today_uk
from service.review import service as review
from service.review.schemas import RuleOut
from service.web.council.summary_view import summary_view
from service.web.page import FormPage, Page, PageNotFound, StaffPage
from service.web.render import pounds, render

router = APIRouter(include_in_schema=False, route_class=UnitOfWorkRoute)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DateQuery = Annotated[str, Query(max_length=40)]
MONEY = re.compile(r"\d+\.\d\d")  # rules keep amounts of money as "250.00"
PERIOD_WORDS = {
    "period_end is before period_start": "The end date must be the same as or after the start date",
    "an audit covers at most three years": "Choose a period of three years or less",
}


# --- the council summary ---------------------------------------------------------------------

def _day(text: str, field: str, errors: dict[str, str], label: str) -> date | None:
    if not text.strip():
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        errors[field] = f"{label} must be a real date, for example 2026-04-01"
        return None


def _period(start_text: str, end_text: str) -> tuple[date, date, dict[str, str]]:
    """The period asked for, defaulting as the API does: to today, from a year before."""
    errors: dict[str, str] = {}
    start = _day(start_text, "from", errors, "The start date")
    end = _day(end_text, "to", errors, "The end date")
    end = end or today_uk()
    start = start or max(EARLIEST, end - timedelta(days=365))
    if not errors:
        try:
            check_audit_period(start, end)
        except ValueError as exc:
            words = PERIOD_WORDS.get(str(exc), "Choose dates from 1 January 2000 to 31 December 2099")
            errors["to" if "before" in str(exc) else "from"] = words
    return start, end, errors


@router.get("/summary")
def summary_page(page: StaffPage, start: Annotated[DateQuery, Query(alias="from")] = "",
                 end: Annotated[DateQuery, Query(alias="to")] = "") -> Response:
    first, last, errors = _period(start, end)
    if errors:
        return render(page.request, "council/summary.html.j2", status_code=400, errors=errors,
                      start=start, end=end, view=None, download="")
    view = summary_view(audits.council_summary(page.ctx, first, last))
    return render(page.request, "council/summary.html.j2", errors={}, start=first.isoformat(),
                  end=last.isoformat(), view=view,
                  download=f"/summary.xlsx?from={first.isoformat()}&to={last.isoformat()}")


@router.get("/summary.xlsx")
def summary_workbook(page: StaffPage, start: Annotated[DateQuery, Query(alias="from")] = "",
                     end: Annotated[DateQuery, Query(alias="to")] = "") -> Response:
    first, last, errors = _period(start, end)
    if errors:
        return summary_page(page, start, end)
    summary = audits.council_summary(page.ctx, first, last)
    return Response(reports.render_council_summary(summary), media_type=XLSX, headers={
        "Content-Disposition": 'attachment; filename="council-summary.xlsx"',
        "Cache-Control": "no-store"})


# --- the rules settings ----------------------------------------------------------------------

def _setting_words(value: object) -> str:
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, str) and MONEY.fullmatch(value):
        return pounds(value)
    return str(value)


def _settings(rule: RuleOut) -> list[tuple[str, str]]:
    """A rule's settings in words: "Monthly limit: £250.00"."""
    return [(name.replace("_", " ").capitalize(), _setting_words(value))
            for name, value in rule.parameters.items()]


def _rules_page(page: Page, status_code: int = 200, errors: dict[str, str] | None = None,
                switched: str = "") -> Response:
    rules = review.rules_out(review.council_of(page.ctx)).rules
    return render(page.request, "council/rules.html.j2", status_code=status_code,
                  errors=errors or {}, always=[r for r in rules if r.default_on],
                  local=[r for r in rules if not r.default_on],
                  can_switch=page.user.role == "admin",
                  settings={rule.id: _settings(rule) for rule in rules},
                  switched=next((r for r in rules if r.id == switched), None))


@router.get("/rules")
def rules_page(page: StaffPage, switched: Annotated[str, Query(max_length=64)] = "") -> Response:
    return _rules_page(page, switched=switched)


@router.post("/rules/{rule_id}")
def switch_rule(page: FormPage, rule_id: str, on: Annotated[str, Form(max_length=5)] = "") -> Response:
    """Switch a local rule on or off (admin), as ``PUT /v1/councils/{id}/rules/{rule_id}`` does."""
    if page.user.role != "admin":
        raise PageNotFound()
    if on not in ("true", "false"):
        return _rules_page(page, 400, {f"rule-{rule_id}": "Choose whether to switch the rule on or off"})
    try:
        review.set_rule(page.ctx, review.council_of(page.ctx), rule_id, on == "true", {})
    except DpauditError as exc:
        if exc.status == 404:
            raise
        return _rules_page(page, 400, {f"rule-{rule_id}": exc.detail})
    return RedirectResponse(f"/rules?switched={rule_id}", status_code=303)
