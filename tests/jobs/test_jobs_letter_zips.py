"""A letter run's zip holds many people's letters, so it is a working file: erasing a person
whose letter is in it deletes it at once, and it is deleted once kept
DPAUDIT_JOBS_LETTER_ZIP_DAYS (30). Either way the job says so, and the same run asked for again
makes the letters afresh."""

from __future__ import annotations

import html
import io
import zipfile
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from conftest import Council
from jobs_setup import PERIOD, small_council, wait_for
from privacy.people import dump_text, found_in, make_person, years_ago
from web.conftest import browser_client, hidden_token, sign_in
from web.conftest import make_person as make_staff

__all__ = ["browser_client"]
from sqlalchemy import text


def _letters(client: Any, council: Council, window: dict[str, str]) -> tuple[dict[str, Any], bytes]:
    made = client.post(f"/v1/councils/{council.id}/letter-runs", headers=council.auth(), json=window)
    assert made.status_code == 202, made.text
    job = wait_for(client, council, made.json()["id"])
    answer = client.get(f"/v1/jobs/{job['id']}/letters.zip", headers=council.auth())
    assert answer.status_code == 200, answer.text
    return job, answer.content


def _names(zipped: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(zipped)) as bundle:
        return sorted(bundle.namelist())


def _gone(client: Any, council: Council, job_id: int, why: str) -> dict[str, Any]:
    answer = client.get(f"/v1/jobs/{job_id}/letters.zip", headers=council.auth())
    assert answer.status_code == 404
    assert answer.headers["content-type"].startswith("application/problem+json")
    problem = answer.json()
    assert problem["letters"] == why and "run it again" in problem["detail"], problem
    job = client.get(f"/v1/jobs/{job_id}", headers=council.auth()).json()
    assert job["status"] == "succeeded" and job["result"]["zip"] == why, job
    return dict(problem)


def _retention(client: Any, council: Council) -> dict[str, Any]:
    run = client.post(f"/v1/councils/{council.id}/retention-runs", headers=council.auth(),
                      json={"apply": True})
    assert run.status_code == 202, run.text
    return wait_for(client, council, run.json()["id"])


def test_erasing_a_person_deletes_the_letter_zip_holding_their_letter(
        client: Any, council: Council, database_url: str, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    old = make_person(client, council, ended=years_ago(8))  # past the 7 years' retention
    recent = make_person(client, council, ended=years_ago(6))
    window = {"period_start": (old.dp_end_date - timedelta(days=1)).isoformat(),
              "period_end": recent.dp_end_date.isoformat()}
    job, zipped = _letters(client, council, window)
    assert _names(zipped) == sorted(f"letter-audit-{p.audit_id}.pdf" for p in (old, recent))
    middle = zipped[len(zipped) // 2:len(zipped) // 2 + 48].hex()
    assert found_in(dump_text(database_url), middle)  # the zip is in the database

    monkeypatch.setenv("DPAUDIT_ERASURE_LEDGER", str(tmp_path / "erasures.jsonl"))
    assert _retention(client, council)["result"]["erased"] == 1

    problem = _gone(client, council, job["id"], "erased")
    assert "erased" in problem["detail"]
    dump = dump_text(database_url)
    assert not found_in(dump, middle)
    for value in old.personal_values():
        assert not found_in(dump, value), value
    assert found_in(dump, recent.name)

    again = client.post(f"/v1/councils/{council.id}/letter-runs", headers=council.auth(), json=window)
    assert again.status_code == 202 and again.json()["id"] == job["id"]
    done = wait_for(client, council, job["id"])
    assert done["result"]["letters"] == 1 and "zip" not in done["result"]
    answer = client.get(f"/v1/jobs/{job['id']}/letters.zip", headers=council.auth())
    assert _names(answer.content) == [f"letter-audit-{recent.audit_id}.pdf"]


def test_a_letter_zip_kept_30_days_is_deleted_by_the_retention_run(
        client: Any, council: Council, database_url: str, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch, browser_client: Any) -> None:
    from service.core.db import get_engine

    small_council(client, council)
    young, _ = _letters(client, council, PERIOD)  # before the audits: an empty zip, other bytes
    run = client.post(f"/v1/councils/{council.id}/audit-runs", headers=council.auth(),
                      json={**PERIOD, "kind": "scheduled"}).json()
    wait_for(client, council, run["id"])
    old, zipped = _letters(client, council, {**PERIOD, "period_start": "2026-05-01"})
    assert len(_names(zipped)) == 3
    with get_engine().begin() as conn:  # the old run finished 31 days ago, the young one 29
        for job_id, days in ((old["id"], 31), (young["id"], 29)):
            finished = conn.execute(text("SELECT finished_at FROM jobs WHERE id = :j"),
                                    {"j": job_id}).scalar_one()
            if isinstance(finished, str):  # SQLite hands the stored text back
                finished = datetime.fromisoformat(finished)
            conn.execute(text("UPDATE jobs SET finished_at = :f WHERE id = :j"),
                         {"f": finished - timedelta(days=days), "j": job_id})

    monkeypatch.setenv("DPAUDIT_ERASURE_LEDGER", str(tmp_path / "erasures.jsonl"))
    assert _retention(client, council)["result"]["letter_zips_expired"] == 1

    problem = _gone(client, council, old["id"], "expired")
    assert "expired" in problem["detail"] and "30 days" in problem["detail"]
    assert not found_in(dump_text(database_url), zipped[100:148].hex())
    with get_engine().connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM blobs WHERE sha256 = :s"),
                            {"s": old["result"]["zip_sha256"]}).scalar_one() == 0
    kept = client.get(f"/v1/jobs/{young['id']}/letters.zip", headers=council.auth())
    assert kept.status_code == 200

    # the run's page says so, and its button makes the letters again
    officer = make_staff(council, "officer")
    assert sign_in(browser_client, officer.email, officer.password).status_code == 303
    page = browser_client.get(f"/runs/{old['id']}")
    assert "Its letters have expired (a letter run's zip is kept 30 days): run it again." in html.unescape(page.text)
    assert f'href="/runs/{old["id"]}/letters.zip"' not in page.text
    assert browser_client.get(f"/runs/{old['id']}/letters.zip").status_code == 404
    again = browser_client.post("/runs", data={
        "csrf_token": hidden_token(page.text), "kind": "letter_run",
        "period_start": "2026-05-01", "period_end": PERIOD["period_end"]})
    assert again.status_code == 303 and again.headers["location"] == f"/runs/{old['id']}"
    assert wait_for(client, council, old["id"])["result"]["letters"] == 3
    assert client.get(f"/v1/jobs/{old['id']}/letters.zip", headers=council.auth()).status_code == 200
