"""`dpaudit import` loads only what importing a statement needs: scripts that import a
council's files one by one start it once per file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from conftest import unique
from test_cli_settings import ROOT, dpaudit

# Libraries the import of a statement never uses: the web framework and its mail checks, the
# letter and workbook writers, their templates and charts.
NOT_NEEDED = ("fastapi", "starlette.routing", "email_validator", "weasyprint", "openpyxl", "jinja2",
              "pygal", "reports")
PROBE = """
import runpy, sys
sys.argv = ["dpaudit", *sys.argv[1:]]
try:
    runpy.run_module("service.cli.main", run_name="__main__")
except SystemExit as end:
    assert not end.code, end.code
print("LOADED", sorted(m for m in {names!r} if m in sys.modules))
"""


def test_importing_a_one_line_statement_loads_no_web_framework_or_writer(tmp_path: Path, database_url: str) -> None:
    code = unique("start")
    document = {"council": {"code": code, "name": "Startshire"},
                "recipients": [{"reference": "S1", "name": "Sam Start", "dp_start_date": "2026-01-05",
                                "accounts": [{"reference": f"{code}-bank", "kind": "bank"}]}]}
    (tmp_path / "council.json").write_text(json.dumps(document))
    assert dpaudit("load", str(tmp_path / "council.json"), database_url=database_url).returncode == 0
    (tmp_path / "one.csv").write_text("Date,Description,Amount\n05/01/2026,TESCO,-4.00\n")
    (tmp_path / "probe.py").write_text(PROBE.format(names=NOT_NEEDED))
    env = {**os.environ, "DPAUDIT_ENV": "test", "DPAUDIT_SECRET_KEY": "test-secret-key-not-for-production",
           "DPAUDIT_DATABASE_URL": database_url, "PYTHONPATH": str(ROOT)}
    # the command as `dpaudit import` runs it, then a look at what it loaded
    result = subprocess.run([sys.executable, str(tmp_path / "probe.py"), "import", str(tmp_path / "one.csv"),
                             "--account", f"{code}-bank"], capture_output=True, text=True, env=env,
                            cwd=ROOT, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    assert "one.csv: 1 new" in result.stdout
    assert result.stdout.strip().splitlines()[-1] == "LOADED []"
