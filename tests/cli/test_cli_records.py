"""A council scripts a whole audit from the command line: statements, timesheets, payroll,
commitments and underspend reasons, each checked as the API checks it."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from conftest import unique
from test_cli_settings import dpaudit


def onboard(tmp_path: Path, database_url: str) -> str:
    code = unique("script")
    doc = {
        "council": {"code": code, "name": "Scriptshire"},
        "recipients": [{
            "reference": f"{code}-P1", "name": "Pat One", "dp_start_date": "2026-01-05",
            "accounts": [{"reference": f"{code}-bank", "kind": "bank"}],
            "workers": [{"reference": "W1", "name": "Wyn Worker", "age_band": "21_plus"}],
            "plans": [{"effective_from": "2026-01-05", "period": "week", "actual_budget": "200.00",
                       "approved": True,
                       "lines": [{"category": "pa_wages", "description": "PA wages", "amount": "200.00",
                                  "amount_basis": "week", "planned_hours_per_week": "15.00",
                                  "hourly_rate": "13.00"}]}],
        }],
    }
    (tmp_path / "doc.json").write_text(json.dumps(doc))
    assert dpaudit("load", str(tmp_path / "doc.json"), database_url=database_url).returncode == 0
    return code


def held(code: str) -> tuple[int, int]:
    from sqlalchemy import func, select

    from service.core.db import session_scope
    from service.models import PayrollLine, Recipient, TimesheetEntry

    with session_scope() as session:
        rid = session.scalar(select(Recipient.id).where(Recipient.reference == f"{code}-P1"))
        shifts = session.scalar(select(func.count()).where(TimesheetEntry.recipient_id == rid))
        pay = session.scalar(select(func.count()).where(PayrollLine.recipient_id == rid))
        return int(shifts or 0), int(pay or 0)


def test_a_whole_audit_scripted_from_the_command_line(database_url: str, tmp_path: Path) -> None:
    code = onboard(tmp_path, database_url)
    person = f"{code}-P1"
    statement = tmp_path / "jan.csv"
    statement.write_text("Date,Description,Amount,Balance\n05/01/2026,OPENING,0.00,5000.00\n"
                         "09/01/2026,W WORKER,-130.00,4870.00\n16/01/2026,W WORKER,-130.00,4740.00\n")
    ok = dpaudit("import", str(statement), "--account", f"{code}-bank", "--from", "2026-01-05",
                 "--to", "2026-01-18", database_url=database_url)
    assert ok.returncode == 0, ok.stderr

    sheet = tmp_path / "timesheet.csv"
    sheet.write_text("Worker,Date,Hours,Rate\nWyn Worker,06/01/2026,10,13.00\nWyn Worker,13/01/2026,10,13.00\n")
    dry = dpaudit("import", str(sheet), "--recipient", person, "--kind", "timesheet", "--dry-run",
                  database_url=database_url)
    assert dry.returncode == 0, dry.stderr
    assert "would add 2 shifts" in dry.stdout and held(code) == (0, 0)
    first = dpaudit("import", str(sheet), "--recipient", person, "--kind", "timesheet", database_url=database_url)
    assert first.returncode == 0, first.stderr
    assert "timesheet.csv: 2 new shifts, 0 already held" in first.stdout
    again = dpaudit("import", str(sheet), "--recipient", person, "--kind", "timesheet", database_url=database_url)
    assert "same file as before" in again.stdout

    payroll = tmp_path / "payroll.csv"
    payroll.write_text("worker,period_start,period_end,gross,net,hours\n"
                       "Wyn Worker,05/01/2026,11/01/2026,130.00,130.00,10\n"
                       "Wyn Worker,12/01/2026,18/01/2026,130.00,130.00,10\n")
    paid = dpaudit("import", str(payroll), "--recipient", person, "--kind", "payroll", database_url=database_url)
    assert paid.returncode == 0, paid.stderr
    assert "payroll.csv: 2 new pay periods" in paid.stdout
    run = tmp_path / "run.json"
    run.write_text(json.dumps({"lines": [{"worker": "Wyn Worker", "period_start": "2026-01-19",
                                          "period_end": "2026-01-25", "gross": "130.00", "net": "130.00"}]}))
    pushed = dpaudit("import", str(run), "--recipient", person, "--kind", "payroll", database_url=database_url)
    assert pushed.returncode == 0, pushed.stderr
    assert held(code) == (2, 3)

    owed = dpaudit("commitment", "--recipient", person, "--kind", "wages", "--amount", "130.00",
                   "--due-on", "2026-01-23", "--description", "Last week's wages", database_url=database_url)
    assert owed.returncode == 0, owed.stderr
    assert "£130.00, due 23 January 2026" in owed.stdout
    why = dpaudit("underspend", "--recipient", person, "--reason", "could_not_recruit", "--from", "2026-01-05",
                  "--to", "2026-01-18", "--hold", database_url=database_url)
    assert why.returncode == 0, why.stderr

    audit = dpaudit("audit", "--account", f"{code}-bank", "--from", "2026-01-05", "--to", "2026-01-18",
                    "--json", database_url=database_url)
    assert audit.returncode == 0, audit.stderr
    body: dict[str, Any] = json.loads(audit.stdout)
    assert Decimal(body["commitments"]) == Decimal("130.00")
    assert body["recovery_held"] is True
    assert Decimal(body["surplus"]) > 0


def test_wrong_options_and_values_are_one_line_and_change_nothing(database_url: str, tmp_path: Path) -> None:
    code = onboard(tmp_path, database_url)
    person = f"{code}-P1"
    sheet = tmp_path / "t.csv"
    sheet.write_text("Worker,Date,Hours,Rate\nWyn Worker,06/01/2026,10,13.00\n")
    cases = [
        (("import", str(sheet), "--account", f"{code}-bank", "--kind", "timesheet"), "use --recipient REF"),
        (("import", str(sheet), "--kind", "timesheet"), "add --recipient REF"),
        (("import", str(sheet), "--recipient", person), "--recipient is for timesheets and payroll"),
        (("import", str(sheet), "--recipient", person, "--kind", "rota"), "--kind must be one of"),
        (("import", str(sheet), "--recipient", person, "--kind", "payroll", "--from", "2026-01-01"),
         "--from and --to declare a statement's period"),
        (("import", str(sheet), "--recipient", "nobody", "--kind", "timesheet"),
         "no recipient with reference 'nobody'"),
        (("commitment", "--recipient", person, "--kind", "wages", "--amount", "-5", "--description", "x"),
         "--amount:"),
        (("commitment", "--recipient", person, "--kind", "rent", "--amount", "5", "--description", "x"),
         "--kind:"),
        (("commitment", "--recipient", person, "--kind", "wages", "--amount", "5", "--description", "x",
          "--due-on", "soon"), "--due-on:"),
        (("underspend", "--recipient", person, "--reason", "bored", "--from", "2026-01-01", "--to", "2026-01-31"),
         "--reason:"),
        (("underspend", "--recipient", person, "--reason", "other", "--from", "2026-02-01", "--to", "2026-01-01"),
         "--to is before --from"),
        (("underspend", "--recipient", "nobody", "--reason", "other", "--from", "2026-01-01", "--to", "2026-01-31"),
         "no recipient with reference 'nobody'"),
    ]
    for args, words in cases:
        result = dpaudit(*args, database_url=database_url)
        assert result.returncode == 2, (args, result.stdout, result.stderr)
        assert words in result.stderr, (args, result.stderr)
        assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr, result.stderr
    bad = tmp_path / "bad.csv"
    bad.write_text("Worker,Date,Hours,Rate\nWyn Worker,06/01/2026,lots,13.00\n")
    refused = dpaudit("import", str(bad), "--recipient", person, "--kind", "timesheet", database_url=database_url)
    assert refused.returncode == 2 and "bad.csv" in refused.stderr and "Traceback" not in refused.stderr
    assert held(code) == (0, 0)
    from sqlalchemy import func, select

    from service.core.db import session_scope
    from service.models import Commitment, Recipient, UnderspendReason

    with session_scope() as session:
        rid = session.scalar(select(Recipient.id).where(Recipient.reference == person))
        assert session.scalar(select(func.count()).where(Commitment.recipient_id == rid)) == 0
        assert session.scalar(select(func.count()).where(UnderspendReason.recipient_id == rid)) == 0
