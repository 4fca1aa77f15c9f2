"""A letter run's zip is a working file: it holds many people's letters, so it is kept only
for DPAUDIT_JOBS_LETTER_ZIP_DAYS after the run, and deleted at once when a person whose
letter it holds is erased. The run's ``job_items`` say whose letters a zip holds.

Once its zip is gone a letter run says so (its result's ``zip`` is ``expired`` or ``erased``)
and asking for the same run again makes the letters afresh.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from service.core.config import get_settings
from service.core.types import utcnow
from service.models import Blob, Job, JobItem, Upload

EXPIRED = "expired"
ERASED = "erased"


def zip_gone(job: Job) -> str | None:
    """Why a letter run that succeeded has no zip now (``expired`` or ``erased``), else None."""
    if job.kind != "letter_run" or job.status != "succeeded" or job.file_sha256 is not None:
        return None
    return str((job.result or {}).get("zip") or EXPIRED)


def gone_words(job: Job) -> str:
    """What the API and the pages say about a letter run whose zip is gone."""
    if zip_gone(job) == ERASED:
        return ("Its letters were deleted because a person whose letter was in them has been "
                "erased: run it again to make the letters of the others.")
    days = get_settings().jobs_letter_zip_days
    return f"Its letters have expired (a letter run's zip is kept {days} days): run it again."


def drop_zips(session: Session, jobs: Sequence[Job], why: str) -> int:
    """Delete the zips of these letter runs (the blob too, unless something else still uses
    the same bytes); returns how many zips went."""
    shas = {job.file_sha256 for job in jobs if job.file_sha256 is not None}
    now = utcnow().isoformat()
    dropped = 0
    for job in jobs:
        if job.file_sha256 is None:
            continue
        result: dict[str, Any] = dict(job.result or {})
        result.update({"zip": why, "zip_deleted_at": now})
        job.file_sha256, job.result = None, result
        dropped += 1
    session.flush()
    if shas:
        still_used = select(Job.file_sha256).where(Job.file_sha256.is_not(None))
        session.execute(delete(Blob).where(Blob.sha256.in_(shas), Blob.sha256.not_in(still_used),
                                           Blob.sha256.not_in(select(Upload.sha256))))
    return dropped


def expire(session: Session, now: datetime | None = None, council_id: int | None = None) -> int:
    """Delete the zips of letter runs older than DPAUDIT_JOBS_LETTER_ZIP_DAYS; how many went."""
    cutoff = (now or utcnow()) - timedelta(days=get_settings().jobs_letter_zip_days)
    stmt = (select(Job).where(Job.kind == "letter_run", Job.file_sha256.is_not(None),
                              Job.finished_at < cutoff)
            .order_by(Job.id).with_for_update())
    if council_id is not None:
        stmt = stmt.where(Job.council_id == council_id)
    return drop_zips(session, list(session.scalars(stmt)), EXPIRED)


def forget_person(session: Session, recipient_id: int) -> int:
    """Delete at once every letter-run zip holding a letter of this person (being erased).

    The letter runs are locked, running ones too: one that finishes after this sees the
    erasure and keeps no zip."""
    holding = select(JobItem.job_id).where(JobItem.recipient_id == recipient_id)
    jobs = list(session.scalars(select(Job).where(Job.kind == "letter_run", Job.id.in_(holding))
                                .order_by(Job.id).with_for_update()))
    return drop_zips(session, jobs, ERASED)
