"""The light-touch promise, measured: flags on labelled bank lines are precise and complete."""

from __future__ import annotations

from pathlib import Path

import pytest

from service.rules.evaluate import category_accuracy, read_labelled, run_labelled, scores

LABELLED = Path(__file__).with_name("labelled.csv")
MERCHANT_RULES = ("harmful.gambling", "harmful.high_cost_credit", "harmful.tobacco")


@pytest.fixture(scope="module")
def outcomes():
    return run_labelled(read_labelled(LABELLED))


def test_the_labelled_set_is_big_enough_to_mean_something():
    rows = read_labelled(LABELLED)
    assert len(rows) >= 300
    for rule_id in MERCHANT_RULES:
        assert sum(r["expected_rule"] == rule_id for r in rows) >= 30, rule_id
    assert sum(not r["expected_rule"] for r in rows) >= 100
    assert sum("look-alike" in r["note"] for r in rows) >= 100


@pytest.mark.parametrize("rule_id", MERCHANT_RULES)
def test_each_merchant_rule_is_precise_and_complete(outcomes, rule_id):
    (score,) = scores(outcomes, [rule_id])
    assert score.precision >= 0.97, score
    assert score.recall >= 0.95, score


def test_no_everyday_line_is_flagged(outcomes):
    wrongly = [o.row["description"] for o in outcomes if o.fired and not o.row["expected_rule"]]
    assert wrongly == []


def test_categories_match_the_labels(outcomes):
    wrong = [(o.row["description"], o.category) for o in outcomes
             if o.category != o.row["expected_category"]]
    assert category_accuracy(outcomes) >= 0.97, wrong
