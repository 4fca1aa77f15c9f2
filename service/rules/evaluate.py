"""Measuring the merchant rules against a labelled set of bank descriptors.

Used by the tests (the precision and recall promise) and by `bench/rules.py`. A council can
run it on its own labelled lines too.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from service.rules.classify import classify
from service.rules.model import Txn
from service.rules.ruleset import RuleSet, load_default_rules

_DAY = dt.date(2025, 6, 2)


@dataclass(frozen=True, slots=True)
class Score:
    rule_id: str
    true_pos: int
    false_pos: int
    false_neg: int

    @property
    def precision(self) -> float:
        found = self.true_pos + self.false_pos
        return self.true_pos / found if found else 1.0

    @property
    def recall(self) -> float:
        wanted = self.true_pos + self.false_neg
        return self.true_pos / wanted if wanted else 1.0


@dataclass(frozen=True, slots=True)
class Outcome:
    row: Mapping[str, str]
    fired: frozenset[str]
    category: str


def read_labelled(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def run_labelled(rows: Iterable[Mapping[str, str]], rules: RuleSet | None = None) -> list[Outcome]:
    rules = rules or load_default_rules()
    outcomes = []
    for row in rows:
        txn = Txn(_DAY, Decimal(row["amount"]), row["description"], row.get("mcc") or None)
        found = classify(txn, None, rules)
        outcomes.append(Outcome(row, frozenset(h.rule_id for h in found.hits), found.category))
    return outcomes


def scores(outcomes: list[Outcome], rule_ids: Iterable[str]) -> list[Score]:
    """Per-rule counts: a row may expect several rules, separated by "|"."""
    result = []
    for rule_id in rule_ids:
        tp = fp = fn = 0
        for outcome in outcomes:
            wanted = rule_id in set(filter(None, outcome.row["expected_rule"].split("|")))
            fired = rule_id in outcome.fired
            tp += wanted and fired
            fp += fired and not wanted
            fn += wanted and not fired
        result.append(Score(rule_id, tp, fp, fn))
    return result


def category_accuracy(outcomes: list[Outcome]) -> float:
    right = sum(o.category == o.row["expected_category"] for o in outcomes)
    return right / len(outcomes) if outcomes else 1.0
