"""The job queue on PostgreSQL: procrastinate, in the same database as everything else.

A job of ours (a row of ``jobs``) becomes one or more procrastinate tasks. An audit run is
split into parts of DPAUDIT_JOBS_CHUNK_SIZE people so that any number of workers share it;
letter and retention runs are one task each. Tasks are deferred in the same transaction as
the job's row, so a job is never queued without its tasks nor the other way round. A failed
task is tried again after DPAUDIT_JOBS_RETRY_BASE_SECONDS ** (try + 1) seconds, up to
DPAUDIT_JOBS_MAX_RETRIES times; its last failure fails the job.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import procrastinate
from sqlalchemy import make_url
from sqlalchemy.orm import Session

from service.core.config import get_settings
from service.jobs import work

logger = logging.getLogger("dpaudit.jobs")

QUEUE = "dpaudit"


def conninfo(database_url: str) -> str:
    """The libpq address of a SQLAlchemy URL (``postgresql+psycopg://`` to ``postgresql://``)."""
    return make_url(database_url).set(drivername="postgresql").render_as_string(hide_password=False)


@lru_cache
def queue_app() -> procrastinate.App:
    settings = get_settings()
    app = procrastinate.App(connector=procrastinate.PsycopgConnector(
        conninfo=conninfo(settings.database_url)))
    retry = procrastinate.RetryStrategy(max_attempts=settings.jobs_max_retries,
                                        exponential_wait=settings.jobs_retry_base_seconds)
    for name, step in (("audit_people", _audit_people), ("letter_run", _letter_run),
                       ("retention_run", _retention_run)):
        app.task(name=f"dpaudit.{name}", queue=QUEUE, retry=retry, pass_context=True)(step)
    return app


def _attempt(context: procrastinate.JobContext) -> tuple[int, bool]:
    """This try (1 the first time), and whether it is the last one."""
    assert context.job is not None
    tried = context.job.attempts
    return tried + 1, tried >= get_settings().jobs_max_retries


def _guarded(context: procrastinate.JobContext, job_id: int, step: Any) -> None:
    attempt, last = _attempt(context)
    try:
        work.start_attempt(job_id, attempt, runner=context.worker_name)
    except work.JobGone:
        logger.info("job %s is not waiting to run; nothing to do", job_id)
        return
    try:
        step()
    except Exception as exc:
        if last:
            work.fail(job_id, f"{type(exc).__name__}: {exc}")
        raise


def _audit_people(context: procrastinate.JobContext, job_id: int, recipient_ids: list[int]) -> None:
    _guarded(context, job_id, lambda: work.audit_people(job_id, recipient_ids))


def _letter_run(context: procrastinate.JobContext, job_id: int) -> None:
    processes = get_settings().jobs_letter_processes
    _guarded(context, job_id, lambda: work.run_letter_run(job_id, processes))


def _retention_run(context: procrastinate.JobContext, job_id: int) -> None:
    _guarded(context, job_id, lambda: work.run_retention_run(job_id))


def defer(session: Session, job_id: int, kind: str, people: Sequence[int] = ()) -> int:
    """Queue the tasks of a job in ``session``'s transaction; returns how many."""
    app = queue_app()
    connection = session.connection().connection.driver_connection
    if kind == "audit_run":
        size = get_settings().jobs_chunk_size
        deferrer = app.tasks["dpaudit.audit_people"].configure(connection=connection)
        parts: list[dict[str, Any]] = [{"job_id": job_id, "recipient_ids": part}
                                       for part in work.chunks(people, size)]
        if parts:
            deferrer.batch_defer(*parts)
        return len(parts)
    app.tasks[f"dpaudit.{kind}"].configure(connection=connection).defer(job_id=job_id)
    return 1
