"""Category keywords from `data/keywords.json`, compiled once into word-bounded regexes."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

from service.rules._data import read_json
from service.rules.ruleset import compile_merchants


@dataclass(frozen=True, slots=True)
class Lexicon:
    always: re.Pattern[str]  # one named group per category, priority order
    plan: Mapping[str, re.Pattern[str]]
    council: re.Pattern[str]
    refund: re.Pattern[str]
    contribution: re.Pattern[str]
    repay_to: re.Pattern[str]
    repay_purpose: re.Pattern[str]
    not_a_person: re.Pattern[str]


def _one(lines: list[str]) -> re.Pattern[str]:
    return compile_merchants(lines)[0]


def _grouped(groups: Mapping[str, list[str]]) -> re.Pattern[str]:
    """A single regex whose named group tells which category matched: one search per row."""
    parts = [f"(?P<{code}>{_one(lines).pattern})" for code, lines in groups.items()]
    return re.compile("|".join(parts))


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    raw = read_json("keywords.json")
    return Lexicon(
        always=_grouped(raw["always"]),
        plan={code: _one(lines) for code, lines in raw["plan"].items()},
        council=_one(raw["income"]["council"]),
        refund=_one(raw["income"]["refund"]),
        contribution=_one(raw["income"]["contribution"]),
        repay_to=_one(raw["repayment"]["council"]),
        repay_purpose=_one(raw["repayment"]["purpose"]),
        not_a_person=_one(raw["not_a_person"]),
    )
