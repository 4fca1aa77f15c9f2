"""The package stays pure and light: no service imports, no WeasyPrint until a PDF is asked for."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import reports

PACKAGE = Path(reports.__file__).parent


def test_reports_never_imports_the_service():
    for source in PACKAGE.rglob("*.py"):
        tree = ast.parse(source.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            assert not any(name.split(".")[0] == "service" for name in names), source.name


def test_importing_reports_does_not_load_weasyprint():
    code = "import sys, reports; print('weasyprint' in sys.modules, 'service' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=PACKAGE.parent
    )
    assert result.stdout.split() == ["False", "False"]


def test_templates_ship_inside_the_package():
    assert (PACKAGE / "templates" / "letter.html.j2").is_file()
    assert (PACKAGE / "templates" / "letter.css").is_file()
