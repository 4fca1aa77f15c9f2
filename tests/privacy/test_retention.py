"""Retention: people are erased when the council's retention after their direct payment has
run, not before; what identifies them goes from the whole database, the figures stay."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from conftest import Council, unique
from sqlalchemy import text

from privacy.people import Person, dump_text, found_in, make_person, years_ago

ROOT = Path(__file__).resolve().parents[2]


def dpaudit(*args: str, database_url: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DPAUDIT_ENV": "test", "DPAUDIT_SECRET_KEY": "test-secret-key-not-for-production",
           "DPAUDIT_DATABASE_URL": database_url}
    return subprocess.run([sys.executable, "-m", "service.cli.main", *args], capture_output=True,
                          text=True, env=env, cwd=ROOT, timeout=300, check=False)


def two_people(client: Any, council: Council) -> tuple[Person, Person]:
    """One whose direct payment ended 8 years ago (past the default 7), one 6 years ago."""
    return (make_person(client, council, ended=years_ago(8)),
            make_person(client, council, ended=years_ago(6)))


def figures(client: Any, council: Council, person: Person) -> dict[str, Any]:
    h = council.auth()
    audit = client.get(f"/v1/audits/{person.audit_id}", headers=h).json()
    lines = client.get(f"/v1/accounts/{person.account_id}/transactions?limit=200", headers=h).json()
    flags = client.get(f"/v1/flags?recipient_id={person.id}&limit=200", headers=h).json()
    return {"tier": audit["tier"],
            "money": {k: audit["summary"][k] for k in ("money_in", "money_out", "surplus",
                                                       "proposed_recovery", "closing_balance")},
            "amounts": [(t["posted_on"], t["amount"], t["category"]) for t in lines["items"]],
            "flags": sorted(f["rule_id"] for f in flags["items"])}


def test_a_dry_run_lists_only_the_person_past_retention_and_changes_nothing(
        client: Any, council: Council, database_url: str, tmp_path: Path) -> None:
    old, recent = two_people(client, council)
    before = dump_text(database_url)

    done = dpaudit("retention", "--dry-run", "--council", council.code,
                   "--ledger", str(tmp_path / "ledger"), database_url=database_url)

    assert done.returncode == 0, done.stderr
    assert f"person {old.id}\t" in done.stdout and f"person {recent.id}\t" not in done.stdout
    assert "1 past retention; nothing changed" in done.stderr
    assert not (tmp_path / "ledger").exists()
    for person in (old, recent):
        assert client.get(f"/v1/recipients/{person.id}", headers=council.auth()).json()["name"] == person.name
    assert found_in(before, old.name) and found_in(dump_text(database_url), old.name)


def test_apply_erases_the_person_from_the_whole_database_and_keeps_the_figures(
        client: Any, council: Council, database_url: str, tmp_path: Path) -> None:
    old, recent = two_people(client, council)
    retried = client.post(f"/v1/recipients/{old.id}/workers", json={"name": old.worker_name},
                          headers={**council.auth(), "Idempotency-Key": unique("key")})
    assert retried.status_code == 201  # its reply, naming the worker, is kept for retries
    kept = figures(client, council, old)
    assert all(found_in(dump_text(database_url), v) for v in old.personal_values())

    done = dpaudit("retention", "--apply", "--council", council.code,
                   "--ledger", str(tmp_path / "ledger"), database_url=database_url)

    assert done.returncode == 0, done.stderr
    assert "1 erased" in done.stderr
    dump = dump_text(database_url)
    for value in old.personal_values():
        assert not found_in(dump, value), value
    assert not found_in(dump, old.statement[:200].decode())  # the raw file went too
    for value in recent.personal_values():
        assert found_in(dump, value), value
    assert figures(client, council, old) == kept  # amounts, tiers and counts stay
    h = council.auth()
    person = client.get(f"/v1/recipients/{old.id}", headers=h).json()
    assert person["date_of_birth"] is None and person["dp_end_date"] == old.dp_end_date.isoformat()
    holder = client.get("/v1/users/me", headers={"Authorization": f"Bearer {old.holder_token}"})
    assert holder.status_code == 401  # the holder who signed in only for them is gone too
    assert f'"recipient_id": {old.id}' in (tmp_path / "ledger").read_text()
    assert client.get(f"/v1/audits/{old.audit_id}/letter.pdf", headers=h).status_code == 200
    letter = client.get(f"/v1/audits/{old.audit_id}/letter.html", headers=h)
    assert letter.status_code == 200 and old.name not in letter.text
    assert client.get(f"/v1/councils/{council.id}/summary", headers=h).status_code == 200


def test_the_event_log_stays_whole_and_the_person_unreadable_in_it(
        client: Any, council: Council, database_url: str, tmp_path: Path) -> None:
    from service.core.db import get_engine

    old, _recent = two_people(client, council)
    with get_engine().connect() as conn:
        count = conn.execute(text("SELECT count(*) FROM events WHERE recipient_id = :r"),
                             {"r": old.id}).scalar_one()
        # the immutable rows never held the name: it was kept apart from the first
        stored = conn.execute(text("SELECT count(*) FROM events WHERE recipient_id = :r AND "
                                   "CAST(\"after\" AS TEXT) LIKE :n"),
                              {"r": old.id, "n": f"%{old.name}%"}).scalar_one()
    assert count > 5 and stored == 0

    done = dpaudit("retention", "--apply", "--council", council.code,
                   "--ledger", str(tmp_path / "ledger"), database_url=database_url)
    assert done.returncode == 0, done.stderr

    with get_engine().connect() as conn:
        after = conn.execute(text("SELECT count(*) FROM events WHERE recipient_id = :r"),
                             {"r": old.id}).scalar_one()
    assert after == count + 1  # nothing removed; the erasure itself is recorded
    events = client.get(f"/v1/events?recipient_id={old.id}&limit=200", headers=council.auth()).json()
    created = next(e for e in events["items"] if e["action"] == "recipient.created")
    assert created["erased"] is True and created["after"]["name"] is None
    assert created["after"]["dp_end_date"] == old.dp_end_date.isoformat()
    assert events["items"][-1]["action"] == "recipient.erased"


def test_retention_is_the_councils_setting(
        client: Any, council: Council, database_url: str, tmp_path: Path) -> None:
    old, recent = two_people(client, council)
    patched = client.patch(f"/v1/councils/{council.id}", headers=council.auth(),
                           json={"retention_years": 5})
    assert patched.status_code == 200 and patched.json()["retention_years"] == 5
    done = dpaudit("retention", "--council", council.code, database_url=database_url)
    assert f"person {old.id}\t" in done.stdout and f"person {recent.id}\t" in done.stdout


def test_a_person_whose_direct_payment_runs_is_never_due(
        client: Any, council: Council, database_url: str) -> None:
    old, _recent = two_people(client, council)
    reopened = client.patch(f"/v1/recipients/{old.id}", headers=council.auth(),
                            json={"dp_end_date": None, "end_reason": None})
    assert reopened.status_code == 200, reopened.text
    done = dpaudit("retention", "--council", council.code, database_url=database_url)
    assert f"person {old.id}\t" not in done.stdout


def test_the_onboarding_document_sets_retention_and_the_end_of_a_direct_payment(
        database_url: str, tmp_path: Path) -> None:
    code = unique("onboard")
    document = {"council": {"code": code, "name": "Shortshire", "retention_years": 3},
                "recipients": [
                    {"reference": "GONE", "name": "Gwen Gone", "dp_end_date": years_ago(4).isoformat(),
                     "end_reason": "death"},
                    {"reference": "KEPT", "name": "Kit Kept", "dp_end_date": years_ago(2).isoformat(),
                     "end_reason": "moved"},
                    {"reference": "ON", "name": "Ona Ongoing"}]}
    path = tmp_path / "council.json"
    path.write_text(json.dumps(document))
    loaded = dpaudit("load", str(path), database_url=database_url)
    assert loaded.returncode == 0, loaded.stderr
    listed = dpaudit("retention", "--council", code, database_url=database_url)
    assert listed.returncode == 0, listed.stderr
    assert len(listed.stdout.splitlines()) == 1 and "kept 3 years" in listed.stdout
    missing_reason = {**document, "recipients": [{"reference": "X", "name": "X",
                                                   "dp_end_date": "2020-01-01"}]}
    path.write_text(json.dumps(missing_reason))
    refused = dpaudit("load", str(path), database_url=database_url)
    assert refused.returncode != 0 and "end_reason" in refused.stderr


def test_a_wrong_option_is_one_line_and_exit_2(database_url: str) -> None:
    both = dpaudit("retention", "--apply", "--reapply", database_url=database_url)
    assert both.returncode == 2 and both.stderr.strip().count("\n") == 0
    nowhere = dpaudit("retention", "--council", unique("nowhere"), database_url=database_url)
    assert nowhere.returncode == 2 and "no council" in nowhere.stderr
