"""Jobs on SQLite: a thread of the serving process takes queued jobs from the jobs table.

SQLite has no queue library, and the embedded default needs no other service, so the same
job functions run here, one job at a time. A process records itself on the job it runs
("host:pid:runner"); when a serving process starts, any job left running by a process that is gone
is marked failed ("cut short by a restart"), and asking for it again queues it again, to
carry on where it stopped. A process that stops in good order puts its job back in the queue.
Every HOUSEKEEPING_SECONDS the thread deletes the letter-run zips kept long enough.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from typing import Any

from sqlalchemy import select, update

from service.core.config import get_settings
from service.core.db import session_scope
from service.core.types import utcnow
from service.jobs import work
from service.models import Job

logger = logging.getLogger("dpaudit.jobs")

POLL_SECONDS = 2.0
HOUSEKEEPING_SECONDS = 600.0  # how often expired letter-run zips are looked for
_wake = threading.Event()
_live: set[str] = set()  # the runners of this process now running


def new_runner_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def wake() -> None:
    """A job was queued: look now rather than at the next poll."""
    _wake.set()


def wake_after_commit(_session: Any) -> None:
    wake()


def _gone(runner: str | None) -> bool:
    """Whether the process that ran a job is no longer running (or was this very process)."""
    parts = (runner or "").rsplit(":", 2)
    if len(parts) != 3:
        return True
    host, pid_text, _ = parts
    if host != socket.gethostname() or not pid_text.isdigit():
        return True
    pid = int(pid_text)
    if pid == os.getpid():
        return runner not in _live
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # someone else's live process
        return False
    return False


def recover_cut_short() -> list[int]:
    """Mark failed the jobs left running by processes that are gone; returns their ids."""
    with session_scope() as session:
        running = session.execute(select(Job.id, Job.runner).where(Job.status == "running")).all()
        cut = [row.id for row in running if _gone(row.runner)]
        if cut:
            session.execute(update(Job).where(Job.id.in_(cut), Job.status == "running")
                            .values(status="failed", error=work.CUT_SHORT, finished_at=utcnow(),
                                    updated_at=utcnow()))
    for job_id in cut:
        logger.warning("job %s was cut short by a restart", job_id)
    return cut


def claim_next(runner: str) -> tuple[int, str] | None:
    """Take the oldest queued job for this process, if there is one."""
    with session_scope() as session:
        job_id = session.scalar(select(Job.id).where(Job.status == "queued").order_by(Job.id).limit(1))
        if job_id is None:
            return None
        taken = session.execute(
            update(Job).where(Job.id == job_id, Job.status == "queued")
            .values(status="running", runner=runner, attempts=Job.attempts + 1, updated_at=utcnow()))
        if taken.rowcount != 1:  # type: ignore[attr-defined]
            return None
        job = session.get_one(Job, job_id)
        job.started_at = job.started_at or utcnow()
        return job_id, job.kind


def tidy() -> None:
    """The runner's housekeeping: expired letter-run zips go."""
    try:
        gone = work.housekeeping()
    except Exception:
        logger.exception("could not delete expired letter-run zips")
        return
    if gone:
        logger.info("%s expired letter-run zip(s) deleted", gone)


class LocalRunner:
    """The serving process's job thread (SQLite)."""

    def __init__(self) -> None:
        self._stop = threading.Event()
        self.id = new_runner_id()
        self._thread = threading.Thread(target=self._loop, name="dpaudit-jobs", daemon=True)

    def start(self) -> None:
        recover_cut_short()
        _live.add(self.id)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        _wake.set()
        self._thread.join(timeout)
        if not self._thread.is_alive():
            _live.discard(self.id)

    def _loop(self) -> None:
        processes = get_settings().jobs_letter_processes
        tidied = float("-inf")
        while not self._stop.is_set():
            if time.monotonic() - tidied >= HOUSEKEEPING_SECONDS:
                tidied = time.monotonic()
                tidy()
            try:
                claimed = claim_next(self.id)
            except Exception:
                logger.exception("could not look for jobs")
                claimed = None
            if claimed is None:
                _wake.wait(POLL_SECONDS)
                _wake.clear()
                continue
            self._run(*claimed, processes)

    def _run(self, job_id: int, kind: str, processes: int) -> None:
        try:
            finished = work.run_here(job_id, kind, processes, stop=self._stop.is_set)
        except Exception as exc:
            logger.exception("job %s failed", job_id)
            work.fail(job_id, f"{type(exc).__name__}: {exc}")
            return
        if not finished:
            work.requeue(job_id)
