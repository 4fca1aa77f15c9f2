"""`dpaudit audit ... --json` run as a separate process against the test database."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from decimal import Decimal as D
from pathlib import Path
from typing import Any

from audits_api_setup import END, START, WEEKLY, make_person, upload, weeks


def dpaudit(database_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DPAUDIT_DATABASE_URL": database_url}
    return subprocess.run([sys.executable, "-m", "service.cli.main", *args], capture_output=True,
                          text=True, env=env, cwd=Path(__file__).parents[2], timeout=120, check=False)


def test_cli_prints_only_the_audit_json(client: Any, council: Any, database_url: str, tmp_path: Path) -> None:
    person = make_person(client, council)
    upload(client, person, weeks(), 14 * WEEKLY, START, END)
    xlsx, letter = tmp_path / "audit.xlsx", tmp_path / "letter.pdf"
    done = dpaudit(database_url, "audit", "--account", person.account_ref, "--from", "2026-04-06",
                   "--to", "2026-06-28", "--json", "--xlsx", str(xlsx), "--letter", str(letter))
    assert done.returncode == 0, done.stderr
    body = json.loads(done.stdout)
    m = {k: D(body[k]) for k in ("opening_balance", "closing_balance", "money_in", "money_out",
                                 "reconciliation_difference", "contingency", "commitments",
                                 "surplus", "proposed_recovery")}
    assert m["opening_balance"] + m["money_in"] - m["money_out"] + m["reconciliation_difference"] == (
        m["closing_balance"])
    assert (m["closing_balance"], m["contingency"], m["surplus"], m["proposed_recovery"]) == (
        D("4550.00"), D("2600.00"), D("1950.00"), D("1800.00"))
    assert body["tier"] == "standard" and body["gaps"] == [] and body["flags"] == []
    assert isinstance(body["tier_reasons"], list) and body["tier_reasons"]
    assert all(isinstance(body[k], str) for k in m)
    assert xlsx.read_bytes()[:2] == b"PK" and letter.read_bytes()[:5] == b"%PDF-"
    # saved like any other audit
    listed = client.get(f"/v1/recipients/{person.recipient_id}/audits", headers=person.auth).json()
    assert [a["id"] for a in listed["items"]] == [body["audit_id"]]


def test_cli_html_letter(client: Any, council: Any, database_url: str, tmp_path: Path) -> None:
    person = make_person(client, council)
    upload(client, person, weeks(), D("2000.00"), START, END)
    letter = tmp_path / "letter.html"
    done = dpaudit(database_url, "audit", "--account", person.account_ref, "--from", "2026-04-06",
                   "--to", "2026-06-28", "--letter", str(letter))
    assert done.returncode == 0, done.stderr
    assert "£2,000.00" in letter.read_text(encoding="utf-8")


def test_cli_refuses_unknown_accounts_and_bad_dates_in_one_line(database_url: str) -> None:
    for args in (("--account", "no-such-account", "--from", "2026-04-06", "--to", "2026-06-28"),
                 ("--account", "x", "--from", "06/04/2026", "--to", "2026-06-28"),
                 ("--account", "x", "--from", "2026-06-28", "--to", "2026-04-06")):
        done = dpaudit(database_url, "audit", *args, "--json")
        assert done.returncode == 2, (args, done.stdout, done.stderr)
        assert done.stdout == "" and len(done.stderr.strip().splitlines()) == 1
