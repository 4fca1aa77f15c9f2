"""Council-wide jobs: audit runs, letter runs and retention runs, and how each is going."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response

from service.core.deps import Ctx, CtxDep, UnitOfWorkRoute
from service.core.errors import NotFound
from service.core.idempotency import IdempotencyDep
from service.core.ids import IdPath
from service.core.principal import STAFF
from service.core.types import today_uk
from service.jobs import letter_zips, service
from service.jobs.schemas import AuditRunIn, JobOut, LetterRunIn, Progress, RetentionRunIn
from service.models import Blob, Job

router = APIRouter(prefix="/v1", tags=["jobs"], route_class=UnitOfWorkRoute)

ZIP = "application/zip"
AGAIN = ("Asking again for the same work while its job is queued, running or succeeded answers "
         "200 with that job; a failed job is queued again (202) and carries on where it stopped.")


def job_out(job: Job) -> JobOut:
    return JobOut(id=job.id, council_id=job.council_id, kind=job.kind,
                  key=job.key, status=job.status,
                  progress=Progress(done=job.done, total=job.total), attempts=job.attempts,
                  error=job.error, result=job.result, created_at=job.created_at,
                  started_at=job.started_at, finished_at=job.finished_at)


def _council(ctx: Ctx, council_id: int, *roles: str) -> None:
    if council_id != ctx.principal.council_id:
        raise NotFound(f"There is no council {council_id} that you can see.")
    ctx.principal.require(*roles)


def _answer(ctx: Ctx, idem: Any, response: Response, kind: str, key: str,
            params: dict[str, Any]) -> JobOut:
    job, queued = service.submit(ctx, kind, key, params)
    response.status_code = 202 if queued else 200
    return idem.respond(job_out(job), status_code=response.status_code)  # type: ignore[no-any-return]


@router.post("/councils/{council_id}/audit-runs", status_code=202, response_model=JobOut,
             summary="Audit everyone of the council for a period, as a job (admin, officer)",
             description="Queues a job that audits every person of the council whose direct payment "
                         "overlaps the period (an unknown start or end does not rule them out) and who has "
                         "an account, exactly as `POST /v1/recipients/{id}/audits` would: an open audit of "
                         "the same period and kind is refreshed, never a second opened, and a closed one "
                         "is never touched. The run is split into parts that any number of workers share; "
                         "each person is audited once, in the same transaction as the run's progress, so a "
                         "run cut short and run again never audits anyone twice. Follow it at "
                         "`GET /v1/jobs/{id}`. " + AGAIN,
             responses={200: {"model": JobOut, "description": "The job already asked for."}})
def create_audit_run(ctx: CtxDep, council_id: IdPath, body: AuditRunIn, idem: IdempotencyDep,
                     response: Response) -> JobOut:
    _council(ctx, council_id, *STAFF)
    key = f"audit_run:{body.period_start}:{body.period_end}:{body.kind}"
    return _answer(ctx, idem, response, "audit_run", key, body.model_dump(mode="json"))


@router.post("/councils/{council_id}/letter-runs", status_code=202, response_model=JobOut,
             summary="Render the PDF letters of a period's audits into one zip, as a job (admin, officer)",
             description="Queues a job that renders the PDF letter of every audit of the council whose "
                         "period ends within the window, into one zip: `GET /v1/jobs/{id}/letters.zip` once "
                         "the job has succeeded; the zip is kept DPAUDIT_JOBS_LETTER_ZIP_DAYS (30 unless "
                         "set), or until a person whose letter it holds is erased, and asking again once it "
                         "is gone runs it again. " + AGAIN,
             responses={200: {"model": JobOut, "description": "The job already asked for."}})
def create_letter_run(ctx: CtxDep, council_id: IdPath, body: LetterRunIn, idem: IdempotencyDep,
                      response: Response) -> JobOut:
    _council(ctx, council_id, *STAFF)
    key = f"letter_run:{body.period_start}:{body.period_end}"
    return _answer(ctx, idem, response, "letter_run", key, body.model_dump(mode="json"))


@router.post("/councils/{council_id}/retention-runs", status_code=202, response_model=JobOut,
             summary="List, or erase, the council's people past retention, as a job (admin)",
             description="Queues a job that does what `dpaudit retention` does for this council: lists the "
                         "people whose retention has run out and, with `apply`, erases them (and adds them "
                         "to the erasure ledger). One job per kind each day. " + AGAIN,
             responses={200: {"model": JobOut, "description": "The job already asked for."}})
def create_retention_run(ctx: CtxDep, council_id: IdPath, body: RetentionRunIn, idem: IdempotencyDep,
                         response: Response) -> JobOut:
    _council(ctx, council_id, "admin")
    key = f"retention_run:{'apply' if body.apply else 'list'}:{today_uk()}"
    return _answer(ctx, idem, response, "retention_run", key, body.model_dump(mode="json"))


@router.get("/jobs/{job_id}", summary="How a job is going (admin, officer)",
            description="The job's status (queued, running, succeeded, failed), its progress as done of "
                        "total, how many tries it has needed, why it failed, and its result once it has "
                        "succeeded. Only the council's own staff see its jobs.")
def read_job(ctx: CtxDep, job_id: IdPath) -> JobOut:
    return job_out(service.load_job(ctx, job_id))


@router.get("/jobs/{job_id}/letters.zip",
            summary="A letter run's letters, as one zip of PDFs (admin, officer)",
            response_class=Response,
            responses={200: {"content": {ZIP: {"example": "(zip bytes)"}},
                             "description": "A zip with one PDF letter per audit."}},
            description="The zip a letter run made, one `letter-audit-{id}.pdf` per audit. 404 until the "
                        "job has succeeded, and for any job that is not a letter run. The zip is a working "
                        "file: it is kept DPAUDIT_JOBS_LETTER_ZIP_DAYS (30 unless set) and deleted at once "
                        "when a person whose letter it holds is erased; then the 404 says so "
                        "(`letters`: `expired` or `erased`) and asking for the same letter run again "
                        "makes the letters afresh (202).")
def letters_zip(ctx: CtxDep, job_id: IdPath) -> Response:
    job = service.load_job(ctx, job_id)
    gone = letter_zips.zip_gone(job)
    if gone is not None:
        raise NotFound(f"Job {job_id} has no letters to download. {letter_zips.gone_words(job)}",
                       letters=gone)
    if job.kind != "letter_run" or job.status != "succeeded" or job.file_sha256 is None:
        raise NotFound(f"Job {job_id} has no letters to download (yet).")
    blob = ctx.session.get(Blob, job.file_sha256)
    if blob is None:
        raise NotFound(f"Job {job_id} has no letters to download.")
    return Response(blob.data, media_type=ZIP,
                    headers={"Content-Disposition": f'attachment; filename="letters-job-{job_id}.zip"'})
