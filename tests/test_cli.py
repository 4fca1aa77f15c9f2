"""The dpaudit command, run as a user runs it: a real process, a real database."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from conftest import unique

ROOT = Path(__file__).resolve().parents[1]


def dpaudit(*args: str, database_url: str | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DPAUDIT_ENV": "test", "DPAUDIT_SECRET_KEY": "test-secret-key-not-for-production"}
    if database_url:
        env["DPAUDIT_DATABASE_URL"] = database_url
    return subprocess.run([sys.executable, "-m", "service.cli.main", *args], capture_output=True,
                          text=True, env=env, cwd=cwd or ROOT, timeout=120, check=False)


def test_help_lists_the_commands_and_stays_light() -> None:
    result = dpaudit("--help")
    assert result.returncode == 0
    for command in ("serve", "migrate", "demo", "create-user", "load", "parse"):
        assert command in result.stdout
    probe = subprocess.run(
        [sys.executable, "-c", "import sys, service.cli.main; "
         "print(sorted(m for m in ('sqlalchemy', 'fastapi', 'openpyxl', 'weasyprint') if m in sys.modules))"],
        capture_output=True, text=True, cwd=ROOT, check=True)
    assert probe.stdout.strip() == "[]", "the CLI must import heavy libraries only when a command needs them"


def test_demo_twice_prints_keys_that_work(database_url: str, client: Any) -> None:
    first = dpaudit("demo", database_url=database_url)
    second = dpaudit("demo", database_url=database_url)
    assert first.returncode == 0, first.stderr
    assert second.returncode == 0, second.stderr
    assert "nothing new" in second.stdout
    token = next(line.strip() for line in second.stdout.splitlines() if line.strip().startswith("dpa_"))
    auth = {"Authorization": f"Bearer {token}"}
    recipients = client.get("/v1/recipients", headers=auth).json()["items"]
    assert [r["reference"] for r in recipients] == ["R-DEMO-1"]
    accounts = client.get("/v1/accounts", headers=auth).json()["items"]
    assert [a["reference"] for a in accounts] == ["demo-account", "demo-managed"]
    plans = client.get(f"/v1/recipients/{recipients[0]['id']}/plans", headers=auth).json()["items"]
    assert plans[0]["status"] == "approved"
    uploads = client.get(f"/v1/accounts/{accounts[0]['id']}/uploads", headers=auth, params={"limit": 200}).json()
    assert len(uploads["items"]) >= 11  # a year of monthly statements, one month missing
    flags = client.get("/v1/flags", headers=auth).json()["items"]
    assert [f["rule_id"] for f in flags] == ["harmful.gambling"]
    audit = dpaudit("audit", "--account", "demo-account", "--from", uploads["items"][0]["period_start"],
                    "--to", uploads["items"][-1]["period_end"], "--json", database_url=database_url)
    assert audit.returncode == 0, audit.stderr
    figures = json.loads(audit.stdout)
    assert figures["gaps"] and figures["flags"] and Decimal(figures["surplus"]) > 0


def _document(code: str) -> dict[str, Any]:
    return {
        "council": {"code": code, "name": "Loadshire"},
        "providers": [{"reference": "bureau", "name": "Bureau Ltd"}],
        "users": [{"email": f"officer@{code}.example.org", "name": "Off", "role": "officer"}],
        "recipients": [{
            "reference": "R1", "name": "Ann One", "dp_start_date": "2026-01-05",
            "accounts": [{"reference": f"{code}-acct", "kind": "managed", "provider": "bureau"}],
            "workers": [{"reference": "W1", "name": "Wyn Worker"}],
            "payment_schedules": [{"account": f"{code}-acct", "funding_model": "gross",
                                   "frequency": "month", "council_amount": "900.00",
                                   "first_payment_on": "2026-01-05"}],
            "plans": [{"effective_from": "2026-01-05", "period": "month", "actual_budget": "900.00",
                       "approved": True, "lines": [{"category": "agency_care", "description": "Agency",
                                                    "amount": "900.00", "amount_basis": "period"}]}],
        }],
    }


def test_load_is_idempotent_by_reference(database_url: str, tmp_path: Path) -> None:
    code = unique("load")
    path = tmp_path / "onboard.json"
    path.write_text(json.dumps(_document(code)))
    first = dpaudit("load", str(path), database_url=database_url)
    assert first.returncode == 0, first.stderr
    assert json.loads(first.stdout)["created"] == {
        "providers": 1, "users": 1, "recipients": 1, "accounts": 1, "workers": 1,
        "payment_schedules": 1, "plans": 1}
    second = dpaudit("load", str(path), database_url=database_url)
    assert json.loads(second.stdout)["created"] == {}


def test_load_refuses_a_bad_document_and_writes_nothing(database_url: str, tmp_path: Path, client: Any) -> None:
    code = unique("bad")
    doc = _document(code)
    doc["recipients"][0]["accounts"][0]["provider"] = "nobody"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(doc))
    result = dpaudit("load", str(path), database_url=database_url)
    assert result.returncode == 2
    assert "nobody" in result.stderr and "Traceback" not in result.stderr
    doc["recipients"][0]["plans"][0]["lines"][0]["amount"] = "-5"
    path.write_text(json.dumps(doc))
    result = dpaudit("load", str(path), database_url=database_url)
    assert result.returncode == 2 and "recipients.0.plans.0.lines.0.amount" in result.stderr
    made = dpaudit("create-user", f"admin@{code}.example.org", "--council", code, "--new-council",
                   "--role", "admin", database_url=database_url)
    token = made.stdout.split("(shown once): ")[1].strip()
    listed = client.get("/v1/recipients", headers={"Authorization": f"Bearer {token}"}).json()
    assert listed["items"] == []


def test_create_user_refuses_a_duplicate(database_url: str) -> None:
    code = unique("cu")
    ok = dpaudit("create-user", f"a@{code}.example.org", "--council", code, "--new-council",
                 database_url=database_url)
    assert ok.returncode == 0 and "dpa_" in ok.stdout
    again = dpaudit("create-user", f"a@{code}.example.org", "--council", code, database_url=database_url)
    assert again.returncode == 2 and "already" in again.stderr


def test_settings_refuse_placeholder_secret_outside_development() -> None:
    env = {**os.environ, "DPAUDIT_ENV": "production"}
    env.pop("DPAUDIT_SECRET_KEY", None)
    probe = subprocess.run([sys.executable, "-c", "from service.core.config import Settings; Settings()"],
                           capture_output=True, text=True, env=env, cwd=ROOT, check=False)
    assert probe.returncode != 0 and "DPAUDIT_SECRET_KEY" in probe.stderr


@pytest.mark.parametrize("given", ["postgres://u:p@h:5432/d", "postgresql://u:p@h:5432/d"])
def test_postgres_urls_use_psycopg(given: str) -> None:
    from service.core.config import normalise_database_url

    assert normalise_database_url(given) == "postgresql+psycopg://u:p@h:5432/d"


def test_wheel_ships_migrations_templates_and_data(tmp_path: Path) -> None:
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q",
                    "-w", str(tmp_path), str(ROOT)], check=True, capture_output=True, timeout=300)
    wheel = next(tmp_path.glob("dpaudit-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "migrations/env.py" in names and "migrations/script.py.mako" in names
    assert any(n.startswith("migrations/versions/0001") for n in names)
    assert any(n.startswith("reports/templates/") for n in names)
    assert "service/cli/main.py" in names


def test_import_a_folder_each_file_whole(database_url: str, tmp_path: Path, client: Any) -> None:
    code = unique("imp")
    doc = _document(code)
    doc["recipients"][0]["accounts"][0] = {"reference": f"{code}-acct", "kind": "bank"}
    (tmp_path / "onboard.json").write_text(json.dumps(doc))
    assert dpaudit("load", str(tmp_path / "onboard.json"), database_url=database_url).returncode == 0
    folder = tmp_path / "statements"
    folder.mkdir()
    (folder / "01-jan.csv").write_text("Date,Description,Amount\n05/01/2026,TESCO,-4.00\n06/01/2026,BOOTS,-2.00\n")
    (folder / "02-feb.csv").write_text("Date,Description,Amount\n06/01/2026,BOOTS,-2.00\n05/02/2026,GREGGS,-3.00\n")
    (folder / "03-bad.csv").write_text("Date,Description,Amount\n05/03/2026,TESCO,lots\n")
    result = dpaudit("import", str(folder), "--account", f"{code}-acct", database_url=database_url)
    assert result.returncode == 2
    assert "01-jan.csv: 2 new" in result.stdout and "02-feb.csv: 1 new, 1 already held" in result.stdout
    assert "03-bad.csv" in result.stderr and "line 2" in result.stderr and "Traceback" not in result.stderr
    assert "2 of 3 files read; added 3 transactions" in result.stdout
    again = dpaudit("import", str(folder / "01-jan.csv"), "--account", f"{code}-acct", database_url=database_url)
    assert again.returncode == 0 and "same file as before" in again.stdout


def test_import_unknown_account_is_one_line(database_url: str, tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_text("Date,Description,Amount\n05/01/2026,TESCO,-4.00\n")
    result = dpaudit("import", str(tmp_path / "a.csv"), "--account", "no-such-account", database_url=database_url)
    assert result.returncode == 2 and result.stderr.strip() == "error: no account with reference 'no-such-account'"


def test_import_carries_on_past_odd_names_and_says_what_it_skipped(database_url: str, tmp_path: Path) -> None:
    code = unique("odd")
    doc = _document(code)
    doc["recipients"][0]["accounts"][0] = {"reference": f"{code}-acct", "kind": "bank"}
    (tmp_path / "onboard.json").write_text(json.dumps(doc))
    assert dpaudit("load", str(tmp_path / "onboard.json"), database_url=database_url).returncode == 0
    folder = tmp_path / "statements"
    (folder / "sub").mkdir(parents=True)
    odd = os.fsencode(str(folder)) + b"/bad\xff.csv"
    with open(odd, "wb") as handle:
        handle.write(b"Date,Description,Amount\n05/01/2026,TESCO,-4.00\n")
    (folder / "z-good.csv").write_text("Date,Description,Amount\n06/01/2026,BOOTS,-2.00\n")
    result = dpaudit("import", str(folder), "--account", f"{code}-acct", database_url=database_url)
    assert result.returncode == 0, result.stderr
    assert "sub: skipped" in result.stderr
    assert "2 of 2 files read; added 2 transactions" in result.stdout
