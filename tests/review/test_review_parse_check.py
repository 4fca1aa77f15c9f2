"""`dpaudit parse FILE --check`: category and default-rule flags on each statement line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any, get_args

from service.review.schemas import CategoryCode
from service.rules import CODES

STATEMENT = (
    "Date,Description,Amount,Balance\n"
    "02/01/2026,KENT COUNTY COUNCIL DIRECT PAYMENT,1540.00,1640.00\n"
    "05/01/2026,WHSMITH 1234,-8.99,1631.01\n"
    "06/01/2026,BET365,-20.00,1611.01\n"
)


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "service.cli.main", *args],
                          capture_output=True, text=True, timeout=120, check=False)


def _lines(out: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in out.splitlines()]


def test_check_adds_category_and_flags(tmp_path: Path) -> None:
    path = tmp_path / "jan.csv"
    path.write_text(STATEMENT)
    done = _run("parse", str(path), "--check")
    assert done.returncode == 0, done.stderr
    council, smith, bet = _lines(done.stdout)
    assert council["category"] == "council_payment" and council["flags"] == []
    assert smith["category"] == "flexible_use" and smith["flags"] == []
    assert [f["rule"] for f in bet["flags"]] == ["harmful.gambling"]
    assert "Bet365" in bet["flags"][0]["reason"]


def test_without_check_the_records_are_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "jan.csv"
    path.write_text(STATEMENT)
    done = _run("parse", str(path))
    assert done.returncode == 0, done.stderr
    assert all("category" not in r and "flags" not in r for r in _lines(done.stdout))


def test_help_lists_every_category_code() -> None:
    done = subprocess.run([sys.executable, "-m", "service.cli.main", "parse", "--help"],
                          capture_output=True, text=True, timeout=120, check=False,
                          env={**os.environ, "COLUMNS": "200"})
    assert done.returncode == 0, done.stderr
    missing = [code for code in CODES if code not in done.stdout]
    assert not missing


def test_the_api_lists_the_same_category_codes() -> None:
    literal = get_args(CategoryCode)[0]
    assert set(get_args(literal)) == set(CODES)
