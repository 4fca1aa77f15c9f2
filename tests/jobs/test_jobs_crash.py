"""A job cut short never loses or repeats work.

On PostgreSQL a real `dpaudit worker` is killed (SIGKILL) in the middle of an audit run; a
second worker finds the part it held, tries it again, and finishes the run. On SQLite the
serving process that was running a job is killed; the next start shows the job failed, and
asking again carries on where it stopped. Either way every person has exactly one audit, and
the event log has one "audit.created" for each and no "audit.refreshed".
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from conftest import Council, unique
from jobs_setup import PERIOD, START, on_postgres

ROOT = Path(__file__).resolve().parents[2]
PEOPLE = 40


def _people_with_accounts(council: Council, count: int) -> list[int]:
    """``count`` people whose direct payment started with the period, each with a bank account."""
    from sqlalchemy import insert

    from service.core.db import session_scope
    from service.models import Account, Recipient

    with session_scope() as session:
        ids = list(session.scalars(insert(Recipient).returning(Recipient.id), [
            {"council_id": council.id, "reference": unique("R"), "name": f"Person {n}",
             "dp_start_date": START} for n in range(count)]))
        session.execute(insert(Account), [
            {"council_id": council.id, "recipient_id": rid, "reference": unique("acct"),
             "kind": "bank"} for rid in ids])
    return ids


def _job(client: Any, council: Council, job_id: int) -> dict[str, Any]:
    return dict(client.get(f"/v1/jobs/{job_id}", headers=council.auth()).json())


def _until(check: Any, seconds: float, what: str) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.02)
    raise AssertionError(f"gave up waiting for {what}")


def _exactly_one_audit_each(council: Council, people: list[int], job_id: int) -> None:
    from sqlalchemy import func, select

    from service.core.db import session_scope
    from service.models import Audit, Event, JobItem

    with session_scope() as session:
        per_person: dict[int, int] = dict(session.execute(  # type: ignore[arg-type]
            select(Audit.recipient_id, func.count()).where(Audit.council_id == council.id)
            .group_by(Audit.recipient_id)).all())
        actions: dict[str, int] = dict(session.execute(  # type: ignore[arg-type]
            select(Event.action, func.count()).where(Event.council_id == council.id,
                                                     Event.action.like("audit.%"))
            .group_by(Event.action)).all())
        items = session.scalar(select(func.count()).select_from(JobItem).where(JobItem.job_id == job_id))
    assert per_person == dict.fromkeys(people, 1)
    assert actions == {"audit.created": len(people)}
    assert items == len(people)


def _env(**extra: str) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT), **extra}


@pytest.fixture
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    from service.core.config import get_settings

    monkeypatch.setenv("DPAUDIT_JOBS_CHUNK_SIZE", "5")
    get_settings.cache_clear()
    yield
    monkeypatch.delenv("DPAUDIT_JOBS_CHUNK_SIZE")
    get_settings.cache_clear()


@pytest.mark.postgres
@pytest.mark.skipif(not on_postgres(), reason="workers take jobs from PostgreSQL")
def test_a_killed_worker_leaves_its_part_to_another_without_repeating_anyone(
        client: Any, council: Council, small_chunks: None, tmp_path: Path) -> None:
    people = _people_with_accounts(council, PEOPLE)
    answer = client.post(f"/v1/councils/{council.id}/audit-runs", headers=council.auth(),
                         json={**PERIOD, "kind": "scheduled"})
    assert answer.status_code == 202, answer.text
    job_id = answer.json()["id"]
    env = _env(DPAUDIT_JOBS_HEARTBEAT_SECONDS="0.5", DPAUDIT_JOBS_STALLED_SECONDS="2")
    command = [sys.executable, "-m", "service.cli.main", "worker"]
    log = (tmp_path / "workers.log").open("wb")
    first = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=log)
    try:
        _until(lambda: _job(client, council, job_id)["progress"]["done"] >= 8, 30, "some progress")
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait()
    cut = _job(client, council, job_id)
    assert cut["status"] == "running" and cut["progress"]["done"] < PEOPLE, cut

    second = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=log)
    try:
        done = _until(lambda: (j := _job(client, council, job_id))["status"] == "succeeded" and j,
                      60, "the second worker to finish the run")
    finally:
        second.send_signal(signal.SIGTERM)  # finishes what it holds, then exits
        exit_code = second.wait(timeout=20)
        log.close()
    assert exit_code == 0, (tmp_path / "workers.log").read_text()
    assert done["progress"] == {"done": PEOPLE, "total": PEOPLE}
    assert done["attempts"] >= 2
    assert done["result"] == {"people": PEOPLE, "audited": PEOPLE, "not_audited": []}
    _exactly_one_audit_each(council, people, job_id)


def _who_ran(job_id: int, killed: int) -> str:
    """Why a job was not seen as cut short: who the database says ran it, and who is alive."""
    from service.core.db import session_scope
    from service.jobs import local
    from service.models import Job

    with session_scope() as session:
        job = session.get(Job, job_id)
        assert job is not None
        runner, status = job.runner, job.status
    try:
        os.kill(killed, 0)
        killed_alive = "alive"
    except ProcessLookupError:
        killed_alive = "gone"
    return (f"status {status}, runner {runner!r}; killed process {killed} is {killed_alive}; "
            f"this process {os.getpid()} runs {sorted(local._live)}")


# the serving process's job thread, started as `dpaudit serve` starts it (without the pages,
# which this test does not need and which take seconds to load)
SERVING = """
import time
from service.jobs.local import LocalRunner
LocalRunner().start()
time.sleep(600)
"""


@pytest.mark.skipif(on_postgres(), reason="on PostgreSQL jobs run in workers, not the serving process")
def test_a_job_cut_short_by_a_restart_shows_failed_and_runs_again_without_repeats(
        app: Any, council: Council) -> None:
    from fastapi.testclient import TestClient

    people = _people_with_accounts(council, PEOPLE)
    plain = TestClient(app)  # no start-up: no job thread in this process yet
    answer = plain.post(f"/v1/councils/{council.id}/audit-runs", headers=council.auth(),
                        json={**PERIOD, "kind": "scheduled"})
    assert answer.status_code == 202, answer.text
    job_id = answer.json()["id"]
    serving = subprocess.Popen([sys.executable, "-c", SERVING], cwd=ROOT, env=_env(),
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _until(lambda: _job(plain, council, job_id)["progress"]["done"] >= 8, 30, "some progress")
    finally:
        serving.send_signal(signal.SIGKILL)
        serving.wait()
    assert _job(plain, council, job_id)["status"] == "running"

    with TestClient(app) as restarted:  # start-up finds the job its dead process left running
        cut = _job(restarted, council, job_id)
        assert cut["status"] == "failed" and cut["error"] == "cut short by a restart", \
            _who_ran(job_id, serving.pid)
        assert 8 <= cut["progress"]["done"] < PEOPLE
        again = restarted.post(f"/v1/councils/{council.id}/audit-runs", headers=council.auth(),
                               json={**PERIOD, "kind": "scheduled"})
        assert again.status_code == 202 and again.json()["id"] == job_id
        done = _until(lambda: (j := _job(restarted, council, job_id))["status"] == "succeeded" and j,
                      30, "the run to finish")
    assert done["progress"] == {"done": PEOPLE, "total": PEOPLE}
    assert done["attempts"] == 2 and done["error"] is None
    _exactly_one_audit_each(council, people, job_id)
    assert date.fromisoformat(done["finished_at"][:10]) >= START
