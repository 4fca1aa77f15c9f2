"""The jobs API on either database: audit, letter and retention runs, progress, idempotency,
and who may see a job. The figures are worked out by hand in jobs_setup.py."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from conftest import Council, make_council, make_user
from jobs_setup import END, FIGURES, PERIOD, small_council, wait_for
from pypdf import PdfReader


def _audits_of(client: Any, council: Council, recipient_id: int) -> list[dict[str, Any]]:
    listed = client.get(f"/v1/recipients/{recipient_id}/audits", headers=council.auth())
    assert listed.status_code == 200, listed.text
    return list(listed.json()["items"])


def test_an_audit_run_audits_each_person_once_with_their_figures(client: Any, council: Council) -> None:
    small = small_council(client, council)
    url = f"/v1/councils/{council.id}/audit-runs"
    body = {**PERIOD, "kind": "scheduled"}
    first = client.post(url, headers=council.auth(), json=body)
    assert first.status_code == 202, first.text
    job = first.json()
    assert job["kind"] == "audit_run" and job["status"] in ("queued", "running", "succeeded")
    assert job["progress"]["total"] == 3
    again = client.post(url, headers=council.auth(), json=body)
    assert again.status_code == 200 and again.json()["id"] == job["id"]

    done = wait_for(client, council, job["id"])
    assert done["progress"] == {"done": 3, "total": 3}
    assert done["attempts"] == 1 and done["error"] is None
    assert done["result"] == {"people": 3, "audited": 3, "not_audited": []}
    assert done["started_at"] and done["finished_at"]
    for letter, (opening, money_in, money_out, closing) in FIGURES.items():
        audits = _audits_of(client, council, small.people[letter])
        assert len(audits) == 1, letter
        summary = audits[0]["summary"]
        assert (summary["opening_balance"], summary["money_in"], summary["money_out"],
                summary["closing_balance"]) == (opening, money_in, money_out, closing), letter
        assert audits[0]["kind"] == "scheduled" and audits[0]["period_end"] == END.isoformat()
    for letter in "DEF":
        assert _audits_of(client, council, small.people[letter]) == [], letter

    # the same run again, after it succeeded: the same job, and still one audit each
    assert client.post(url, headers=council.auth(), json=body).json()["id"] == job["id"]
    # another kind of audit is other work
    other = client.post(url, headers=council.auth(), json={**PERIOD, "kind": "on_demand"})
    assert other.status_code == 202 and other.json()["id"] != job["id"]
    wait_for(client, council, other.json()["id"])
    assert [len(_audits_of(client, council, small.people[x])) for x in "ABC"] == [2, 2, 2]


def test_a_letter_run_zips_one_pdf_letter_per_audit(client: Any, council: Council) -> None:
    small_council(client, council)
    run = client.post(f"/v1/councils/{council.id}/audit-runs", headers=council.auth(),
                      json={**PERIOD, "kind": "scheduled"}).json()
    wait_for(client, council, run["id"])
    letters = client.post(f"/v1/councils/{council.id}/letter-runs", headers=council.auth(), json=PERIOD)
    assert letters.status_code == 202, letters.text
    job = letters.json()
    assert client.get(f"/v1/jobs/{run['id']}/letters.zip", headers=council.auth()).status_code == 404
    done = wait_for(client, council, job["id"])
    assert done["progress"] == {"done": 3, "total": 3}
    assert done["result"]["letters"] == 3
    answer = client.get(f"/v1/jobs/{job['id']}/letters.zip", headers=council.auth())
    assert answer.status_code == 200 and answer.headers["content-type"] == "application/zip"
    assert len(answer.content) == done["result"]["zip_bytes"]
    with zipfile.ZipFile(io.BytesIO(answer.content)) as bundle:
        names = bundle.namelist()
        assert len(names) == 3
        for name in names:
            pdf = PdfReader(io.BytesIO(bundle.read(name)))
            assert len(pdf.pages) >= 1
            assert "Person" in pdf.pages[0].extract_text()


def test_a_retention_run_lists_then_erases_who_is_past_retention(
        client: Any, council: Council, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    small = small_council(client, council)
    listed = client.post(f"/v1/councils/{council.id}/retention-runs", headers=council.auth(),
                         json={"apply": False})
    assert listed.status_code == 202, listed.text
    done = wait_for(client, council, listed.json()["id"])
    assert done["result"] == {"erased": 0, "past_retention": [
        {"recipient_id": small.people["F"], "dp_end_date": "2015-01-01", "erase_from": "2022-01-01"}]}
    person = client.get(f"/v1/recipients/{small.people['F']}", headers=council.auth()).json()
    assert person["name"] == "Person F"

    ledger = tmp_path / "erasures.jsonl"
    monkeypatch.setenv("DPAUDIT_ERASURE_LEDGER", str(ledger))
    erasing = client.post(f"/v1/councils/{council.id}/retention-runs", headers=council.auth(),
                          json={"apply": True})
    assert erasing.status_code == 202 and erasing.json()["id"] != listed.json()["id"]
    assert wait_for(client, council, erasing.json()["id"])["result"]["erased"] == 1
    assert json.loads(ledger.read_text())["recipient_id"] == small.people["F"]
    person = client.get(f"/v1/recipients/{small.people['F']}", headers=council.auth()).json()
    assert person["name"] != "Person F"
    assert client.get(f"/v1/recipients/{small.people['A']}", headers=council.auth()).json()["name"] == "Person A"


def test_only_the_councils_staff_see_its_jobs(client: Any, council: Council, database_url: str) -> None:
    make_user(client, council, "officer")
    make_user(client, council, "holder")
    officer = {"Authorization": f"Bearer {council.tokens['officer']}"}
    holder = {"Authorization": f"Bearer {council.tokens['holder']}"}
    url = f"/v1/councils/{council.id}/audit-runs"
    made = client.post(url, headers=officer, json={**PERIOD, "kind": "scheduled"})
    assert made.status_code == 202, made.text
    job_id = made.json()["id"]
    assert client.get(f"/v1/jobs/{job_id}", headers=officer).status_code == 200
    assert client.post(url, headers=holder, json={**PERIOD, "kind": "scheduled"}).status_code == 403
    assert client.get(f"/v1/jobs/{job_id}", headers=holder).status_code == 404
    assert client.post(f"/v1/councils/{council.id}/retention-runs", headers=officer,
                       json={"apply": False}).status_code == 403
    other = make_council(database_url)
    assert client.get(f"/v1/jobs/{job_id}", headers=other.auth()).status_code == 404
    assert client.get(f"/v1/jobs/{job_id}/letters.zip", headers=other.auth()).status_code == 404
    assert client.post(url, headers=other.auth(), json={**PERIOD, "kind": "scheduled"}).status_code == 404


def test_a_bad_period_is_refused_naming_the_field(client: Any, council: Council) -> None:
    answer = client.post(f"/v1/councils/{council.id}/audit-runs", headers=council.auth(),
                         json={"period_start": "2026-05-03", "period_end": "2026-04-06"})
    assert answer.status_code == 422
    assert "period_end is before period_start" in answer.text
