"""`dpaudit worker` on SQLite says where jobs run there, in one line, and exits 2."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_a_worker_on_sqlite_exits_2_in_one_line(tmp_path: Path) -> None:
    env = {**os.environ, "DPAUDIT_DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}",
           "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "service.cli.main", "worker"], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "dpaudit serve" in done.stderr
    assert done.stdout == ""
