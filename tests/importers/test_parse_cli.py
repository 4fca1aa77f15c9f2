"""`dpaudit parse --kind payroll`, run as a user runs it: a real process and a real file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from importer_helpers import REPO, run_parse

PAYROLL = (b"Employee,Pay Period Start,Pay Period End,Gross Pay,PAYE,EE NI,ER NI,"
           b"EE Pension,ER Pension,Net Pay,Hours\n"
           b"Ann Smith,01/04/2026,30/04/2026,\"\xc2\xa31,271.00\",20.20,10.50,0.00,30.53,"
           b"18.32,1209.77,100\n"
           b"Bob Jones,01/04/2026,30/04/2026,400.00,,,,,,400.00,\n")


def dpaudit(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DPAUDIT_")}
    return subprocess.run([sys.executable, "-m", "service.cli.main", *args],
                          capture_output=True, text=True, cwd=REPO, env=env, timeout=120,
                          check=False)


def test_payroll_records_as_json_lines(tmp_path: Path) -> None:
    path = tmp_path / "payroll_april.csv"
    path.write_bytes(PAYROLL)
    result = dpaudit("parse", str(path), "--kind", "payroll")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    records = [json.loads(x) for x in result.stdout.splitlines()]
    assert records == [
        {"worker": "Ann Smith", "period_start": "2026-04-01", "period_end": "2026-04-30",
         "gross": "1271.00", "paye": "20.20", "employee_ni": "10.50", "employer_ni": "0.00",
         "employee_pension": "30.53", "employer_pension": "18.32", "net": "1209.77",
         "hours": "100.00"},
        {"worker": "Bob Jones", "period_start": "2026-04-01", "period_end": "2026-04-30",
         "gross": "400.00", "paye": "0.00", "employee_ni": "0.00", "employer_ni": "0.00",
         "employee_pension": "0.00", "employer_pension": "0.00", "net": "400.00",
         "hours": None},
    ]


def test_payroll_with_a_bad_value_exits_2_with_one_line(tmp_path: Path) -> None:
    path = tmp_path / "payroll.csv"
    path.write_bytes(b"worker,period_start,period_end,gross,net\n"
                     b"Ann,01/04/2026,30/04/2026,NaN,1.00\n")
    result = dpaudit("parse", str(path), "--kind", "payroll")
    assert result.returncode == 2 and result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert str(path) in lines[0] and "line 2" in lines[0] and "gross" in lines[0]
    assert "Traceback" not in result.stderr


def test_a_statement_read_as_payroll_is_refused_not_guessed(tmp_path: Path) -> None:
    path = tmp_path / "statement.csv"
    path.write_bytes(b"Date,Description,Amount\n01/04/2026,TESCO,-5.00\n")
    result = run_parse(path, "--kind", "payroll")
    assert result.returncode == 2 and result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1
    assert "payroll header" in result.stderr
    # without --kind the same file is a statement, as before
    assert json.loads(run_parse(path).stdout)["amount"] == "-5.00"


def test_payroll_is_never_detected_from_content(tmp_path: Path) -> None:
    path = tmp_path / "payroll.csv"
    path.write_bytes(PAYROLL)
    result = run_parse(path)  # detection picks statement or timesheet, which refuse it
    assert result.returncode == 2 and result.stdout == ""


def test_unknown_kind_is_refused_naming_the_kinds(tmp_path: Path) -> None:
    path = tmp_path / "payroll.csv"
    path.write_bytes(PAYROLL)
    result = run_parse(path, "--kind", "payslips")
    assert result.returncode == 2 and "payroll" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_help_names_the_payroll_kind() -> None:
    result = dpaudit("parse", "--help")
    assert result.returncode == 0
    assert "payroll" in result.stdout and "period_start" in result.stdout


def test_timesheet_warnings_go_to_standard_error(tmp_path: Path) -> None:
    path = tmp_path / "timesheet.csv"
    path.write_bytes(b"PA name,Date,Start,Finish,Mileage\nAnn,06/04/2026,08:00,12:00,4\n"
                     b"Weekly total,,,,\n")
    result = run_parse(path, "--kind", "timesheet")
    assert result.returncode == 0, result.stderr
    assert [json.loads(x)["hours"] for x in result.stdout.splitlines()] == ["4.00"]
    assert "column 'Mileage' was not read" in result.stderr
    assert "'Weekly total'" in result.stderr
