"""Make the repository root importable, so `importers` is our package and not the
`tests/importers` folder seen as a namespace package."""

from __future__ import annotations

import sys
from pathlib import Path

REPO = str(Path(__file__).resolve().parents[2])
if sys.path[:1] != [REPO]:
    sys.path.insert(0, REPO)
_loaded = sys.modules.get("importers")
if _loaded is not None and getattr(_loaded, "__file__", None) is None:
    del sys.modules["importers"]  # a namespace package picked up from tests/
