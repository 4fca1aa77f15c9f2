"""Asking for a job: one per council and key, queued for whatever runs jobs here."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, func, select

from service.core.config import get_settings
from service.core.deps import Ctx
from service.core.errors import NotFound
from service.core.events import record
from service.core.types import utcnow
from service.jobs import letter_zips, work
from service.models import Job, JobItem


def job_state(job: Job) -> dict[str, Any]:
    return {"id": job.id, "kind": job.kind, "key": job.key, "status": job.status,
            "params": job.params}


def submit(ctx: Ctx, kind: str, key: str, params: dict[str, Any]) -> tuple[Job, bool]:
    """The council's job for ``key``: the one already queued, running or succeeded, or a new
    one (a failed one is queued again, keeping what it had done, and so is a letter run whose zip
has expired or been deleted). True when it was queued now."""
    session = ctx.session
    council_id = ctx.principal.council_id
    job = session.scalars(select(Job).where(Job.council_id == council_id, Job.key == key)
                          .with_for_update()).first()
    if job is not None and job.status != "failed" and letter_zips.zip_gone(job) is None:
        return job, False
    if job is None:
        job = Job(council_id=council_id, kind=kind, key=key, params=params, status="queued",
                  done=0, attempts=0, requested_by_id=ctx.principal.user_id or None)
        session.add(job)
        session.flush()
        record(ctx, "job.queued", job, after=job_state(job))
    else:
        before = job_state(job)
        job.status, job.error, job.finished_at, job.runner = "queued", None, None, None
        job.result = None
        job.requested_by_id = ctx.principal.user_id or job.requested_by_id
        record(ctx, "job.requeued", job, before=before, after=job_state(job))
    _dispatch(ctx, job)
    return job, True


def _dispatch(ctx: Ctx, job: Job) -> None:
    session = ctx.session
    people: list[int] = []
    if job.kind == "audit_run":
        people = work.people_left(session, job)
        done = session.scalar(select(func.count()).select_from(JobItem).where(JobItem.job_id == job.id))
        job.done = done or 0
        job.total = job.done + len(people)
        if not people:  # nobody (left) to audit: done already
            job.status, job.finished_at = "succeeded", utcnow()
            job.result = work.audit_run_result(session, job.id)
            return
    else:
        job.done, job.total = 0, None
    session.flush()
    if get_settings().is_sqlite:
        from service.jobs import local

        event.listen(session, "after_commit", local.wake_after_commit, once=True)
    else:
        from service.jobs import queue

        queue.defer(session, job.id, job.kind, people)


def load_job(ctx: Ctx, job_id: int) -> Job:
    """A job of the caller's council, for its staff; 404 for anyone else."""
    job = None
    if ctx.principal.council_wide:
        job = ctx.session.scalars(select(Job).where(Job.id == job_id,
                                                    Job.council_id == ctx.principal.council_id)).first()
    if job is None:
        raise NotFound(f"No job {job_id}.")
    return job
