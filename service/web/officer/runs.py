"""Council-wide runs on pages: start an audit run or a letter run for a period, and follow a
run until it is done (the page reloads itself while it runs; a link does the same by hand).

The runs are the jobs of ``POST /v1/councils/{id}/audit-runs`` and ``.../letter-runs``,
asked for through the same service, so the same run asked twice is the same job.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Form
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select

from service.audits.schemas import check_audit_period
from service.core.deps import UnitOfWorkRoute
from service.jobs import letter_zips
from service.jobs import service as jobs
from service.models import Blob, Job
from service.web.officer.words import page_id
from service.web.page import FormPage, Page, PageNotFound, StaffPage
from service.web.render import download, render

router = APIRouter(include_in_schema=False, route_class=UnitOfWorkRoute)

KIND_WORDS = {"audit_run": "Audit everyone", "letter_run": "Letters", "retention_run": "Retention"}
STATUS_WORDS = {"queued": ("Waiting to start", "grey"), "running": ("Running", "blue"),
                "succeeded": ("Done", "green"), "failed": ("Failed", "red")}
UNITS = {"audit_run": "people", "letter_run": "letters", "retention_run": "people"}
RECENT = 20
REFRESH_SECONDS = 5


def _runs_context(page: Page, form: dict[str, str], errors: dict[str, str]) -> dict[str, Any]:
    recent = list(page.db.scalars(select(Job).where(Job.council_id == page.council.id)
                                  .order_by(Job.id.desc()).limit(RECENT)))
    return {"runs": [_describe(job) for job in recent], "form": form, "errors": errors}


def _describe(job: Job) -> dict[str, Any]:
    status, colour = STATUS_WORDS[job.status]
    params = job.params or {}
    period = ""
    if "period_start" in params:
        period = f"{date.fromisoformat(params['period_start']):%-d %B %Y} to " \
                 f"{date.fromisoformat(params['period_end']):%-d %B %Y}"
    return {"id": job.id, "what": KIND_WORDS[job.kind], "period": period, "status": status,
            "colour": colour, "progress": progress_words(job)}


def progress_words(job: Job) -> str:
    """"412 of 1,000 people done", or how many so far while the total is not known."""
    unit = UNITS[job.kind]
    if job.total is None:
        return f"{job.done:,} {_one(unit) if job.done == 1 else unit} done so far"
    return f"{job.done:,} of {job.total:,} {_one(unit) if job.total == 1 else unit} done"


def _one(unit: str) -> str:
    """"person" for one of "people", "letter" for one of "letters"."""
    return "person" if unit == "people" else unit.removesuffix("s")


@router.get("/runs")
def runs_page(page: StaffPage) -> Response:
    return render(page.request, "officer/runs.html.j2", **_runs_context(page, {}, {}))


def _period(form: dict[str, str]) -> tuple[date, date, dict[str, str]]:
    errors: dict[str, str] = {}
    days: dict[str, date] = {}
    for name, words in (("period_start", "first day"), ("period_end", "last day")):
        try:
            days[name] = date.fromisoformat(form.get(name, "").strip())
        except ValueError:
            errors[name] = f"Enter the {words} as a date, like 2026-04-01"
    if not errors:
        try:
            check_audit_period(days["period_start"], days["period_end"])
        except ValueError as exc:
            errors["period_end"] = str(exc).capitalize()
    return days.get("period_start", date.min), days.get("period_end", date.min), errors


@router.post("/runs")
def start_run(page: FormPage, kind: Annotated[str, Form()] = "",
              period_start: Annotated[str, Form()] = "",
              period_end: Annotated[str, Form()] = "") -> Response:
    if not page.is_staff:
        raise PageNotFound()
    form = {"kind": kind, "period_start": period_start, "period_end": period_end}
    start, end, errors = _period(form)
    if kind not in ("audit_run", "letter_run"):
        errors["kind"] = "Choose what to run"
    if errors:
        return render(page.request, "officer/runs.html.j2", status_code=400,
                      **_runs_context(page, form, errors))
    if kind == "audit_run":
        params = {"period_start": start.isoformat(), "period_end": end.isoformat(), "kind": "scheduled"}
        key = f"audit_run:{start}:{end}:scheduled"
    else:
        params = {"period_start": start.isoformat(), "period_end": end.isoformat()}
        key = f"letter_run:{start}:{end}"
    job, _queued = jobs.submit(page.ctx, kind, key, params)
    return RedirectResponse(f"/runs/{job.id}", status_code=303)


def _job(page: Page, job_id: str) -> Job:
    job = page.db.scalars(select(Job).where(Job.id == page_id(job_id),
                                            Job.council_id == page.council.id)).first()
    if job is None:
        raise PageNotFound()
    return job


@router.get("/runs/{job_id}")
def run_page(page: StaffPage, job_id: str) -> Response:
    job = _job(page, job_id)
    going = job.status in ("queued", "running")
    headers = {"Refresh": str(REFRESH_SECONDS)} if going else None
    return render(page.request, "officer/run.html.j2", headers=headers, run=_describe(job), job=job,
                  going=going, refresh_seconds=REFRESH_SECONDS,
                  has_letters=job.kind == "letter_run" and job.status == "succeeded"
                  and job.file_sha256 is not None,
                  letters_gone=letter_zips.gone_words(job) if letter_zips.zip_gone(job) else None)


@router.get("/runs/{job_id}/letters.zip")
def run_letters(page: StaffPage, job_id: str) -> Response:
    job = _job(page, job_id)
    blob = page.db.get(Blob, job.file_sha256) if job.file_sha256 and job.status == "succeeded" else None
    if blob is None:
        raise PageNotFound()
    return download(blob.data, "application/zip", f"letters-run-{job.id}.zip")
