"""`dpaudit load` reads a large document in chunks with a progress bar, and refuses one over
DPAUDIT_MAX_LOAD_BYTES before writing anything."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from conftest import unique
from test_cli_settings import dpaudit


def council_document(code: str, people: int) -> dict[str, Any]:
    return {
        "council": {"code": code, "name": "Bigshire"},
        "recipients": [{
            "reference": f"B{n}", "name": f"Person {n}", "dp_start_date": "2026-01-05",
            "accounts": [{"reference": f"{code}-{n}-bank", "kind": "bank"}],
        } for n in range(people)],
    }


def write(tmp_path: Path, document: dict[str, Any], padding: int = 0) -> Path:
    """The document, indented as an export would be, and padded with whitespace (valid JSON)."""
    path = tmp_path / "council.json"
    path.write_text(json.dumps(document, indent=2) + " " * padding + "\n")
    return path


def recipients_in(code: str) -> int:
    from sqlalchemy import func, select

    from service.core.db import session_scope
    from service.models import Council, Recipient

    with session_scope() as session:
        return session.scalar(select(func.count(Recipient.id)).join(
            Council, Council.id == Recipient.council_id).where(Council.code == code)) or 0


def test_a_document_over_the_limit_is_refused_with_the_setting_named(tmp_path, database_url):
    code = unique("big")
    path = write(tmp_path, council_document(code, 40))
    result = dpaudit("load", str(path), database_url=database_url, DPAUDIT_MAX_LOAD_BYTES="4096")
    assert result.returncode == 2
    [line] = result.stderr.strip().splitlines()
    assert line.startswith(f"error: {path}: the document is {path.stat().st_size:,} bytes")
    assert "at most 4,096 bytes (DPAUDIT_MAX_LOAD_BYTES)" in line
    assert recipients_in(code) == 0


def test_a_large_document_under_the_limit_loads_whole_with_progress(tmp_path, database_url):
    code = unique("big")
    # several read chunks of a megabyte each, and enough people for the bar to move
    path = write(tmp_path, council_document(code, 150), padding=3 * 1024 * 1024)
    result = dpaudit("load", str(path), database_url=database_url, TTY_COMPATIBLE="1",
                     DPAUDIT_MAX_LOAD_BYTES=str(path.stat().st_size))
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["created"]["recipients"] == 150
    assert "loading recipients" in result.stderr  # the bar, drawn on standard error
    assert recipients_in(code) == 150

