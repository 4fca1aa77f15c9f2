"""A person of an audit run whose audit answers with a problem is recorded with the reason,
and the run carries on with the others.

The people of a run are chosen when it is asked for (on PostgreSQL its parts carry them); a
person erased (their retention ran out) before a worker reaches them can no longer be
audited, as `POST /v1/recipients/{id}/audits` says too."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from conftest import Council
from jobs_setup import account, on_postgres, person, wait_for
from privacy.people import make_person, years_ago
from privacy.test_retention import dpaudit


def test_a_person_erased_before_the_run_reaches_them_is_not_audited_and_the_run_goes_on(
        client: Any, council: Council, database_url: str, tmp_path: Path) -> None:
    old = make_person(client, council, ended=years_ago(8))  # past the 7 years' retention
    start, end = old.dp_end_date - timedelta(days=27), old.dp_end_date
    other = person(client, council, "Olive Other", dp_start_date=(start - timedelta(days=365)).isoformat())
    account(client, council, other)
    period = {"period_start": start.isoformat(), "period_end": end.isoformat(), "kind": "scheduled"}

    if on_postgres():  # queued, not yet worked: erase one of its people first
        made = client.post(f"/v1/councils/{council.id}/audit-runs", headers=council.auth(), json=period)
        assert made.status_code == 202 and made.json()["progress"]["total"] == 2, made.text
    erased = dpaudit("retention", "--apply", "--council", council.code,
                     "--ledger", str(tmp_path / "ledger"), database_url=database_url)
    assert erased.returncode == 0 and "1 erased" in erased.stderr, erased.stderr

    asked = client.post(f"/v1/recipients/{old.id}/audits", headers=council.auth(), json=period)
    assert asked.status_code == 422 and asked.headers["content-type"].startswith("application/problem+json")
    problem = asked.json()
    assert "has been erased" in problem["detail"]
    assert problem["errors"][0]["field"] == "recipient_id"
    if not on_postgres():
        pytest.skip("on SQLite the serving process picks a run's people when it starts it: "
                    "nobody can be erased between the asking and the work")

    done = wait_for(client, council, made.json()["id"])
    assert done["progress"] == {"done": 2, "total": 2}
    assert done["result"] == {"people": 2, "audited": 1, "not_audited": [
        {"recipient_id": old.id, "reason": problem["detail"]}]}
    audits = client.get(f"/v1/recipients/{other}/audits", headers=council.auth()).json()["items"]
    assert [a["period_end"] for a in audits] == [end.isoformat()]
    mine = client.get(f"/v1/recipients/{old.id}/audits", headers=council.auth()).json()["items"]
    assert [a["id"] for a in mine] == [old.audit_id]  # only the audit from before
