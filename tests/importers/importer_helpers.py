"""Shared helpers for the importer tests: where the samples and the public corpus live."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
# Make the repository root importable, so `importers` is our package and never the
# tests/importers folder seen as a namespace package. Test modules import this first.
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))
_loaded = sys.modules.get("importers")
if _loaded is not None and getattr(_loaded, "__file__", None) is None:
    del sys.modules["importers"]
SAMPLES = Path(__file__).resolve().parent / "samples"


def corpus_dir() -> Path:
    configured = os.environ.get("DPAUDIT_CORPUS")
    return Path(configured) if configured else REPO.parent / "shared" / "corpus"


def require_corpus() -> Path:
    path = corpus_dir()
    if not path.is_dir():
        pytest.skip(f"public corpus not found at {path} (set DPAUDIT_CORPUS)")
    return path


def run_parse(path: Path, *extra: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run the parse command the way a user would (until `dpaudit parse` is wired up)."""
    return subprocess.run(
        [sys.executable, "-m", "service.cli.parse", str(path), *extra],
        capture_output=True, text=True, timeout=timeout, cwd=REPO, check=False,
    )
