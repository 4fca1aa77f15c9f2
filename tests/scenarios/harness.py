"""Running the council through the ``dpaudit`` command, and comparing an audit with the hand figures.

Statements go in with ``dpaudit import FOLDER --account REF`` (one folder per account), the
people with ``dpaudit load FILE.json``, and the audit comes back from ``dpaudit audit ... --json``,
each a real process on the test database. The command has no timesheet or payroll upload, so
those go through the API (``POST /v1/recipients/{id}/timesheets`` and ``.../payroll-runs:upload``)
with a key from ``dpaudit create-user``, as a council admin would send them.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]

MONEY = ("opening_balance", "closing_balance", "money_in", "money_out", "reconciliation_difference",
         "weekly_plan_value", "contingency", "commitments", "surplus", "proposed_recovery",
         "council_share", "contribution_share")


def dpaudit(*args: str, database_url: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DPAUDIT_ENV": "test", "DPAUDIT_SECRET_KEY": "test-secret-key-not-for-production",
           "DPAUDIT_DATABASE_URL": database_url}
    return subprocess.run([sys.executable, "-m", "service.cli.main", *args], capture_output=True,
                          text=True, env=env, cwd=ROOT, timeout=300, check=False)


def ok(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0, (result.args, result.returncode, result.stdout, result.stderr)
    return result.stdout


def load_document(document: dict[str, Any], folder: Path, database_url: str) -> None:
    path = folder / "onboarding.json"
    path.write_text(json.dumps(document, indent=2), encoding="utf-8")
    ok(dpaudit("load", str(path), database_url=database_url))


def import_folder(files: dict[str, bytes], folder: Path, account: str, database_url: str) -> str:
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return ok(dpaudit("import", str(folder), "--account", account, database_url=database_url))


def admin_key(code: str, database_url: str) -> dict[str, str]:
    out = ok(dpaudit("create-user", f"admin@{code}.example.org", "--council", code, "--role", "admin",
                     database_url=database_url))
    token = next(word for word in out.split() if word.startswith("dpa_"))
    return {"Authorization": f"Bearer {token}"}


def recipient_id(client: Any, auth: dict[str, str], reference: str) -> int:
    items = client.get("/v1/recipients", headers=auth, params={"limit": 200}).json()["items"]
    return int(next(r["id"] for r in items if r["reference"] == reference))


def upload(client: Any, auth: dict[str, str], url: str, name: str, data: bytes) -> None:
    response = client.post(url, headers=auth, files={"file": (name, data)})
    assert response.status_code in (200, 201), (url, name, response.status_code, response.text)


def audit(account: str, start: str, end: str, database_url: str) -> dict[str, Any]:
    body = json.loads(ok(dpaudit("audit", "--account", account, "--from", start, "--to", end, "--json",
                                 database_url=database_url)))
    assert isinstance(body, dict)
    return body


def questions(body: dict[str, Any]) -> int:
    """What the person is asked: findings of severity "question", plus every flag still open."""
    asked = sum(1 for f in body.get("findings", []) if f.get("severity") == "question")
    return asked + sum(1 for f in body.get("flags", []) if f.get("status") == "open")


def _as_money(value: Any) -> Decimal | None:
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def actual_figures(body: dict[str, Any]) -> dict[str, Any]:
    """The audit's figures in the shape the expectations are written in."""
    missing = "<missing>"
    figures: dict[str, Any] = {name: body.get(name, missing) for name in MONEY}
    figures.update({
        "contingency_weeks": body.get("contingency_weeks", missing),
        "recovery_held": body.get("recovery_held", missing),
        "tier": body.get("tier", missing),
        "accounts": sorted(body.get("accounts", [])),
        "gaps": list(body.get("gaps", missing)),
        "flags": dict(Counter(f.get("rule_id") for f in body.get("flags", []))),
        "questions": questions(body),
    })
    return figures


def mismatches(expected: dict[str, Any], body: dict[str, Any]) -> list[tuple[str, Any, Any]]:
    """(figure, expected, actual) for every figure that differs; money compared as numbers,
    and only as a decimal string (a float or a bare number is a mismatch)."""
    actual = actual_figures(body)
    wrong = []
    for name, want in expected.items():
        got = actual.get(name, "<missing>")
        if name in MONEY:
            same = isinstance(got, str) and _as_money(got) == Decimal(want)
        elif name == "contingency_weeks":
            same = type(got) is int and got == want
        elif name == "recovery_held":
            same = got is want
        else:
            same = got == want
        if not same:
            wrong.append((name, want, got))
    return wrong


def table(rows: list[tuple[str, Any, Any]]) -> str:
    return "\n".join(f"  {name:<26} expected {want!r:<40} got {got!r}" for name, want, got in rows)


def contract_shape(body: dict[str, Any]) -> list[str]:
    """Problems with the shape of the JSON the audit prints (its contract), in words."""
    problems = [f"no top-level {name}" for name in (*MONEY, "contingency_weeks", "recovery_held", "tier",
                                                    "tier_reasons", "accounts", "gaps", "flags", "findings")
                if name not in body]
    problems += [f"{name} is not a decimal string: {body[name]!r}" for name in MONEY
                 if name in body and not (isinstance(body[name], str) and _as_money(body[name]) is not None)]
    for flag in body.get("flags", []):
        problems += [f"a flag has no {key}" for key in ("rule_id", "status", "transaction_date",
                                                       "transaction_amount", "transaction_description")
                     if key not in flag]
    for finding in body.get("findings", []):
        problems += [f"a finding has no {key}" for key in ("severity", "message") if key not in finding]
    return sorted(set(problems))
