"""What each job does, the same whichever runs it (a `dpaudit worker` on PostgreSQL, or the
serving process's own thread on SQLite).

Every step commits on its own. An audit run audits each person in one transaction with the
row that marks them done (``JobItem``) and the job's progress, so a run cut short and run
again skips the people already done and never audits anyone twice.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import tempfile
import zipfile
from collections.abc import Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import delete, func, insert, or_, select, update
from sqlalchemy.orm import Session

from service.core.db import session_scope
from service.core.deps import Ctx
from service.core.errors import DpauditError
from service.core.principal import Principal
from service.core.types import utcnow
from service.jobs import letter_zips
from service.models import Account, Audit, Blob, Council, Erasure, Job, JobItem, Recipient, User

logger = logging.getLogger("dpaudit.jobs")

CUT_SHORT = "cut short by a restart"


class JobGone(Exception):
    """The job is not (or no longer) there to be worked on."""


# --- who an audit run covers -----------------------------------------------------------------

def people_to_audit(session: Session, council_id: int, start: date, end: date) -> list[int]:
    """Everyone of the council whose direct payment overlaps the period (an unknown start or
    end does not rule them out) and who has an account, not erased, by id."""
    has_account = select(Account.id).where(Account.recipient_id == Recipient.id).exists()
    return list(session.scalars(
        select(Recipient.id)
        .where(Recipient.council_id == council_id, has_account,
               or_(Recipient.dp_start_date.is_(None), Recipient.dp_start_date <= end),
               or_(Recipient.dp_end_date.is_(None), Recipient.dp_end_date >= start),
               Recipient.id.not_in(select(Erasure.recipient_id)))
        .order_by(Recipient.id)))


def people_left(session: Session, job: Job) -> list[int]:
    """The people of an audit run not yet done."""
    start, end = period_of(job)
    done = set(session.scalars(select(JobItem.recipient_id).where(JobItem.job_id == job.id)))
    return [pid for pid in people_to_audit(session, job.council_id, start, end) if pid not in done]


def period_of(job: Job) -> tuple[date, date]:
    return date.fromisoformat(job.params["period_start"]), date.fromisoformat(job.params["period_end"])


def chunks(ids: Sequence[int], size: int) -> Iterator[list[int]]:
    for at in range(0, len(ids), size):
        yield list(ids[at:at + size])


# --- the job's state -------------------------------------------------------------------------

def start_attempt(job_id: int, attempt: int, runner: str | None = None) -> str:
    """Mark the job running (if it was queued) and count the attempt; returns its kind.

    ``attempt`` is the try of this piece of work (1 the first time); the job's ``attempts``
    is the most any of its pieces has needed."""
    with session_scope() as session:
        job = session.get(Job, job_id, with_for_update=True)
        if job is None or job.status in ("succeeded", "failed"):
            raise JobGone(f"job {job_id} is not waiting to run")
        now = utcnow()
        if job.status == "queued":
            job.status = "running"
            job.started_at = job.started_at or now
        job.attempts = max(job.attempts, attempt)
        if runner is not None:
            job.runner = runner
        return job.kind


def fail(job_id: int, error: str) -> None:
    with session_scope() as session:
        session.execute(update(Job).where(Job.id == job_id, Job.status.in_(("queued", "running")))
                        .values(status="failed", error=error[:2000], finished_at=utcnow(),
                                updated_at=utcnow()))


def requeue(job_id: int) -> None:
    """Put a running job back in the queue (its process is stopping; nothing is lost)."""
    with session_scope() as session:
        session.execute(update(Job).where(Job.id == job_id, Job.status == "running")
                        .values(status="queued", runner=None, updated_at=utcnow()))


def _succeed(session: Session, job_id: int, result: dict[str, Any], **values: Any) -> None:
    session.execute(update(Job).where(Job.id == job_id, Job.status == "running")
                    .values(status="succeeded", result=result, error=None, finished_at=utcnow(),
                            updated_at=utcnow(), **values))


def _acting_for(session: Session, job: Job) -> Ctx:
    """The job acts as the officer who asked for it (the council's system admin if unknown)."""
    user = session.get(User, job.requested_by_id) if job.requested_by_id else None
    principal = Principal(user.id if user else 0, job.council_id, user.role if user else "admin",
                          None, None)
    return Ctx(session, principal, f"job-{job.id}")


# --- audit runs ------------------------------------------------------------------------------

def audit_person(job_id: int, recipient_id: int) -> bool:
    """Audit one person of an audit run, once: the audit, the row marking them done and the
    job's progress commit together. False when they were done already."""
    from service.audits.service import create_audit

    with session_scope() as session:
        job = session.get(Job, job_id)
        if job is None:
            raise JobGone(f"job {job_id} is gone")
        if session.get(JobItem, (job_id, recipient_id)) is not None:
            return False
        item = JobItem(job_id=job_id, recipient_id=recipient_id)
        session.add(item)
        session.flush()  # the person is claimed: a second try of them waits here, then fails
        recipient = session.get_one(Recipient, recipient_id)
        start, end = period_of(job)
        try:
            with session.begin_nested():
                audit = create_audit(_acting_for(session, job), recipient, start, end,
                                     job.params.get("kind", "scheduled"))
                session.flush()
            item.audit_id = audit.id
        except DpauditError as problem:  # this person cannot be audited now: say why, go on
            item.problem = problem.detail[:500]
        session.execute(update(Job).where(Job.id == job_id)
                        .values(done=Job.done + 1, updated_at=utcnow()))
    return True


def audit_people(job_id: int, recipient_ids: Sequence[int], stop: Any = None) -> bool:
    """Audit these people of the run, then finish the run if nobody is left.

    ``stop()`` is asked between people; False when it stopped early."""
    for recipient_id in recipient_ids:
        if stop is not None and stop():
            return False
        audit_person(job_id, recipient_id)
    finish_audit_run(job_id)
    return True


def finish_audit_run(job_id: int) -> None:
    """When every person of the run is done, the run has succeeded, with its counts."""
    with session_scope() as session:
        job = session.get(Job, job_id)
        if job is None or job.status != "running" or job.done < (job.total or 0):
            return
        _succeed(session, job_id, audit_run_result(session, job_id))


def audit_run_result(session: Session, job_id: int) -> dict[str, Any]:
    """How many people the run covered and audited, and who it could not audit, with why."""
    rows = session.execute(select(JobItem.recipient_id, JobItem.audit_id, JobItem.problem)
                           .where(JobItem.job_id == job_id).order_by(JobItem.recipient_id)).all()
    return {"people": len(rows), "audited": sum(1 for r in rows if r.audit_id is not None),
            "not_audited": [{"recipient_id": r.recipient_id, "reason": r.problem}
                            for r in rows if r.audit_id is None]}


def run_audit_run_here(job_id: int, stop: Any = None) -> bool:
    """A whole audit run in this process (SQLite): whoever is left, one after another."""
    with session_scope() as session:
        job = session.get_one(Job, job_id)
        left = people_left(session, job)
        done = session.scalar(select(func.count()).select_from(JobItem).where(JobItem.job_id == job_id))
        job.total = (done or 0) + len(left)
    return audit_people(job_id, left, stop)


# --- letter runs -----------------------------------------------------------------------------

def audits_for_letters(session: Session, council_id: int, start: date,
                       end: date) -> list[tuple[int, int]]:
    """(audit, person) of every audit of the council whose period ends in the window, but
    not of people erased."""
    return [(row.id, row.recipient_id) for row in session.execute(
        select(Audit.id, Audit.recipient_id)
        .where(Audit.council_id == council_id, Audit.period_end >= start, Audit.period_end <= end,
               Audit.recipient_id.not_in(select(Erasure.recipient_id)))
        .order_by(Audit.id))]


def _record_letters(session: Session, job_id: int, audits: Sequence[tuple[int, int]]) -> None:
    """Whose letters the run's zip will hold (its ``job_items``, one row a person), so that
    erasing one of them finds and deletes the zip."""
    session.execute(delete(JobItem).where(JobItem.job_id == job_id))
    people: dict[int, int] = {}
    for audit_id, recipient_id in audits:
        people.setdefault(recipient_id, audit_id)
    if people:
        session.execute(insert(JobItem), [
            {"job_id": job_id, "recipient_id": rid, "audit_id": aid, "done_at": utcnow()}
            for rid, aid in people.items()])


def run_letter_run(job_id: int, processes: int) -> None:
    """Render the PDF letter of each audit whose period ends in the window, into one zip.

    Letters go into a zip file on disk as they come, one at a time; the finished zip is
    kept as a blob and downloaded from ``/v1/jobs/{id}/letters.zip``."""
    import reports
    from service.audits.report_model import build_report

    with session_scope() as session:
        job = session.get_one(Job, job_id)
        council_id = job.council_id
        start, end = period_of(job)
        audits = audits_for_letters(session, council_id, start, end)
        audit_ids = [audit_id for audit_id, _ in audits]
        job.total, job.done = len(audit_ids), 0
        _record_letters(session, job_id, audits)

    def report_models(session: Session) -> Iterator[Any]:
        for audit_id in audit_ids:
            audit = session.get_one(Audit, audit_id)
            yield build_report(audit)
            session.expunge(audit)  # one audit's working in memory at a time

    folder = Path(tempfile.mkdtemp(prefix="dpaudit-letters-"))
    try:
        path = folder / "letters.zip"
        with session_scope() as reading, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as bundle:
            letters = reports.render_letter_pdfs(report_models(reading), processes=processes)
            for number, (audit_id, pdf) in enumerate(zip(audit_ids, letters, strict=True), start=1):
                bundle.writestr(f"letter-audit-{audit_id}.pdf", pdf)
                _progress(job_id, number)
        _keep_zip(job_id, path, len(audit_ids))
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _progress(job_id: int, done: int) -> None:
    with session_scope() as session:
        session.execute(update(Job).where(Job.id == job_id).values(done=done, updated_at=utcnow()))


def _keep_zip(job_id: int, path: Path, letters: int) -> None:
    digest = hashlib.sha256()
    with path.open("rb") as source:
        for block in iter(lambda: source.read(1 << 20), b""):
            digest.update(block)
    sha, size = digest.hexdigest(), path.stat().st_size
    result: dict[str, Any] = {"letters": letters, "zip_bytes": size, "zip_sha256": sha}
    with session_scope() as session:
        session.get(Job, job_id, with_for_update=True)  # waits for an erasure under way
        erased = session.scalar(select(JobItem.recipient_id).where(
            JobItem.job_id == job_id, JobItem.recipient_id.in_(select(Erasure.recipient_id))).limit(1))
        if erased is not None:  # someone in it was erased while it ran: keep no zip
            _succeed(session, job_id, {**result, "zip": letter_zips.ERASED,
                                       "zip_deleted_at": utcnow().isoformat()})
            return
        if session.get(Blob, sha) is None:
            session.add(Blob(sha256=sha, size=size, data=path.read_bytes()))
            session.flush()
        _succeed(session, job_id, result, file_sha256=sha)


# --- retention runs --------------------------------------------------------------------------

def erasure_ledger() -> Path:
    """Where `dpaudit retention` keeps its ledger (DPAUDIT_ERASURE_LEDGER)."""
    from service.cli.retention import DEFAULT_LEDGER

    return Path(os.environ.get("DPAUDIT_ERASURE_LEDGER") or DEFAULT_LEDGER)


def run_retention_run(job_id: int) -> None:
    """What `dpaudit retention` does for one council: list who is past retention and, with
    ``apply``, erase them (and add them to the erasure ledger)."""
    from service.privacy import retention

    with session_scope() as session:
        job = session.get_one(Job, job_id)
        council = session.get_one(Council, job.council_id)
        people = retention.due(session, utcnow().date(), council.code)
        job.total = len(people)
        listed = [{"recipient_id": p.recipient_id, "dp_end_date": p.dp_end_date.isoformat(),
                   "erase_from": p.erase_from.isoformat()} for p in people]
        erased = expired = 0
        if job.params.get("apply"):
            done = retention.apply(session, people, erasure_ledger())
            retention.write_ledger(erasure_ledger(), done)  # before the commit, as the CLI does
            erased = len(done)
            expired = letter_zips.expire(session, council_id=job.council_id)
        job.done = len(people)
        session.flush()
        result: dict[str, Any] = {"past_retention": listed, "erased": erased}
        if job.params.get("apply"):
            result["letter_zips_expired"] = expired
        _succeed(session, job_id, result)


def housekeeping() -> int:
    """What the job runners do now and then: delete the letter-run zips kept long enough.
    Returns how many went."""
    with session_scope() as session:
        return letter_zips.expire(session)


def run_here(job_id: int, kind: str, processes: int, stop: Any = None) -> bool:
    """Run a whole job in this process; False when ``stop()`` asked it to stop early."""
    if kind == "audit_run":
        return run_audit_run_here(job_id, stop)
    if kind == "letter_run":
        run_letter_run(job_id, processes)
    else:
        run_retention_run(job_id)
    return True
