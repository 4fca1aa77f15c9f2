"""A council switches an optional rule with a real true or false, never a word."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import Council

from service.core.errors import Unprocessable
from service.review.rule_settings import optional_settings
from service.review.service import validate_optional_rules


@pytest.mark.parametrize("value", ["no", "yes", "false", 0, 1, None])
def test_on_must_be_true_or_false(value: Any) -> None:
    with pytest.raises(Unprocessable) as refused:
        validate_optional_rules({"local.alcohol": {"on": value}})
    assert [e["field"] for e in refused.value.errors] == ["optional_rules.local.alcohol.on"]


def test_a_setting_that_is_neither_a_switch_nor_an_object_is_refused() -> None:
    with pytest.raises(Unprocessable) as refused:
        validate_optional_rules({"local.alcohol": "on"})
    assert [e["field"] for e in refused.value.errors] == ["optional_rules.local.alcohol"]


def test_real_booleans_are_kept() -> None:
    stored = validate_optional_rules({"local.alcohol": {"on": True}, "local.pawn_shop": {"on": False},
                                      "local.dating_escort": True})
    assert {rule: s["on"] for rule, s in stored.items()} == {
        "local.alcohol": True, "local.pawn_shop": False, "local.dating_escort": True}


def test_a_stored_word_reads_as_off() -> None:
    enabled, _ = optional_settings({"local.alcohol": {"on": "no"}, "local.pawn_shop": {"on": "yes"},
                                    "local.dating_escort": {"on": True}})
    assert enabled == ["local.dating_escort"]


def test_the_council_settings_refuse_a_word_for_on(client: Any, council: Council) -> None:
    url = f"/v1/councils/{council.id}"
    response = client.patch(url, headers=council.auth(),
                            json={"optional_rules": {"local.alcohol": {"on": "no"}}})
    assert response.status_code == 422, response.text
    assert [e["field"] for e in response.json()["errors"]] == ["optional_rules.local.alcohol.on"]
    rules = client.get("/v1/rules", headers=council.auth()).json()["rules"]
    assert next(r for r in rules if r["id"] == "local.alcohol")["on"] is False
