"""`dpaudit worker`: take jobs from PostgreSQL until stopped.

Each process is one procrastinate worker running one task at a time. It says it is alive
every DPAUDIT_JOBS_HEARTBEAT_SECONDS; a worker silent for DPAUDIT_JOBS_STALLED_SECONDS is
taken for dead, and any worker then puts the task it held back in the queue (with its try
counted), so the work of a killed worker is finished by another. SIGTERM or SIGINT lets the
current task finish, then the process exits. Every few minutes a worker also deletes the
letter-run zips kept longer than DPAUDIT_JOBS_LETTER_ZIP_DAYS.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import multiprocessing
import os
import signal
import socket
import sys
import time

from service.core.config import get_settings

logger = logging.getLogger("dpaudit.jobs")


def run(processes: int) -> None:
    settings = get_settings()
    if settings.is_sqlite:
        print("dpaudit worker: on SQLite, jobs run inside `dpaudit serve`; a worker needs "
              "PostgreSQL (DPAUDIT_DATABASE_URL)", file=sys.stderr)
        sys.exit(2)
    if processes == 1:
        run_one()
        return
    spawn = multiprocessing.get_context("spawn")
    children = [spawn.Process(target=run_one, name=f"dpaudit-worker-{n}") for n in range(processes)]
    for child in children:
        child.start()

    def pass_on(signum: int, _frame: object) -> None:
        for child in children:
            if child.pid is not None and child.is_alive():
                os.kill(child.pid, signum)

    signal.signal(signal.SIGTERM, pass_on)
    signal.signal(signal.SIGINT, pass_on)
    for child in children:
        child.join()


def run_one() -> None:
    """One worker process, until SIGTERM or SIGINT."""
    from service.core.logs import configure_logging

    configure_logging(get_settings().log_level)
    asyncio.run(_work())


async def _work() -> None:
    from service.jobs.queue import QUEUE, queue_app

    settings = get_settings()
    app = queue_app()
    async with app.open_async():
        sweeper = asyncio.create_task(_retry_stalled(app, settings.jobs_stalled_seconds))
        try:
            await app.run_worker_async(
                queues=[QUEUE], concurrency=1, name=f"{socket.gethostname()}:{os.getpid()}",
                update_heartbeat_interval=settings.jobs_heartbeat_seconds,
                stalled_worker_timeout=settings.jobs_stalled_seconds,
                install_signal_handlers=True, delete_jobs="successful")
        finally:
            sweeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await sweeper


async def _retry_stalled(app: object, stalled_seconds: float) -> None:
    """Put back in the queue the tasks held by workers that have gone silent, and now and
    then delete the letter-run zips kept long enough."""
    from procrastinate import App

    from service.jobs.local import HOUSEKEEPING_SECONDS, tidy

    assert isinstance(app, App)
    every = max(0.2, stalled_seconds / 3)
    tidied = float("-inf")
    while True:
        if time.monotonic() - tidied >= HOUSEKEEPING_SECONDS:
            tidied = time.monotonic()
            await asyncio.to_thread(tidy)
        try:
            for job in await app.job_manager.get_stalled_jobs(seconds_since_heartbeat=stalled_seconds):
                logger.warning("task %s of a silent worker goes back in the queue", job.id)
                await app.job_manager.retry_job(job)
        except Exception:
            logger.exception("could not look for stalled tasks")
        await asyncio.sleep(every)
