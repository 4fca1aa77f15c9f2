"""Voiding an upload with a flag on it: only council staff settle the flag that way."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import Council, post_ok
from review_helpers import Person, flags, make_person, statement

BET = statement([("06/01/2026", "BET365", "-20.00")])


@pytest.fixture
def person(client: Any, council: Council) -> Person:
    return make_person(client, council)


def _upload_as(client: Any, person: Person, headers: dict[str, str]) -> dict[str, Any]:
    response = client.post(f"/v1/accounts/{person.account_id}/statements", headers=headers,
                           files={"file": ("statement.csv", BET)})
    assert response.status_code == 201, response.text
    return dict(response.json())


def _history(client: Any, person: Person, flag_id: int) -> list[str]:
    detail = client.get(f"/v1/flags/{flag_id}", headers=person.officer).json()
    return [h["action"] for h in detail["history"]]


def test_a_holder_voiding_their_upload_leaves_the_flag_open_for_an_officer(
        client: Any, person: Person) -> None:
    sent = _upload_as(client, person, person.holder)
    (flag,) = flags(client, person)
    post_ok(client, f"/v1/uploads/{sent['upload_id']}/void", person.holder,
            {"reason": "wrong file"})
    (after,) = flags(client, person)
    assert after["id"] == flag["id"] and after["status"] == "open"
    assert after["transaction_id"] is None and after["evidence"]["description"] == "BET365"
    assert _history(client, person, flag["id"]) == ["flag.raised", "flag.released"]
    # a re-run cannot find the voided line again, and must not clear the flag for that
    rerun = post_ok(client, f"/v1/recipients/{person.recipient_id}/rules/rerun",
                    person.council.auth(), {})
    assert rerun["flags_cleared"] == []
    decided = post_ok(client, f"/v1/flags/{flag['id']}/decision", person.officer,
                      {"outcome": "upheld", "reason": "The bet was paid from the account."})
    assert decided["status"] == "upheld"


def test_an_officer_voiding_an_upload_clears_its_open_flags(client: Any, person: Person) -> None:
    sent = _upload_as(client, person, person.council.auth())
    (flag,) = flags(client, person)
    post_ok(client, f"/v1/uploads/{sent['upload_id']}/void", person.officer,
            {"reason": "sent to the wrong account"})
    (after,) = flags(client, person)
    assert after["status"] == "cleared" and after["decision_reason"] == "the statement line was voided"
    assert _history(client, person, flag["id"]) == ["flag.raised", "flag.released"]
