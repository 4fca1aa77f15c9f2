"""Read the data files shipped inside the package (rules, merchant lists, rates, places)."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any


def read_text(name: str) -> str:
    return resources.files("service.rules.data").joinpath(name).read_text(encoding="utf-8")


def read_json(name: str) -> Any:
    return json.loads(read_text(name))


def read_lines(name: str) -> list[str]:
    """Non-blank lines of a list file, without `#` comments."""
    lines = (line.split("#", 1)[0].strip() for line in read_text(name).splitlines())
    return [line for line in lines if line]
