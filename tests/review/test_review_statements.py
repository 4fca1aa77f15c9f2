"""Classification and flags on statements sent through the API."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import Council, post_ok
from review_helpers import (
    Person,
    by_description,
    flags,
    make_person,
    statement,
    transactions,
    upload,
)


@pytest.fixture
def person(client: Any, council: Council) -> Person:
    return make_person(client, council)


JANUARY = statement([
    ("02/01/2026", "KENT COUNTY COUNCIL DIRECT PAYMENT", "1540.00"),
    ("05/01/2026", "WHSMITH 1234 LONDON", "-8.99"),
    ("06/01/2026", "BET365", "-20.00"),
    ("07/01/2026", "CORNER CAFE", "-6.50"),
])


def test_a_gambling_line_is_flagged_with_rule_version_and_reason(client: Any, person: Person) -> None:
    result = upload(client, person, JANUARY)
    assert [f["rule"] for f in result["flags_raised"]] == ["harmful.gambling"]
    rows = transactions(client, person)
    bet = by_description(rows, "BET365")
    assert [f["rule_id"] for f in bet["flags"]] == ["harmful.gambling"]
    (flag,) = flags(client, person)
    assert flag["rule_id"] == "harmful.gambling" and flag["rule_version"] == 1
    assert flag["severity"] == "harmful" and flag["status"] == "open"
    assert flag["transaction_id"] == bet["id"] and flag["account_id"] == person.account_id
    assert flag["occurred_on"] == "2026-01-06" and "Bet365" in flag["explanation"]
    assert flag["evidence"]["amount"] == "-20.00"


def test_every_line_gets_a_category_and_a_reason(client: Any, person: Person) -> None:
    upload(client, person, JANUARY)
    rows = transactions(client, person)
    assert all(r["category"] and r["label"] and r["reason"] for r in rows)
    assert by_description(rows, "COUNCIL")["category"] == "council_payment"
    smith = by_description(rows, "WHSMITH")
    assert smith["category"] == "flexible_use" and smith["flags"] == []
    assert transactions(client, person, category="council_payment")[0]["amount"] == "1540.00"
    assert len(transactions(client, person, **{"from": "2026-01-06", "to": "2026-01-06"})) == 1


def test_rerunning_rules_raises_no_duplicate_flags(client: Any, person: Person) -> None:
    upload(client, person, JANUARY)
    url = f"/v1/recipients/{person.recipient_id}/rules/rerun"
    first = post_ok(client, url, person.council.auth(), {})
    second = post_ok(client, url, person.council.auth(), {})
    assert first["classified"] == second["classified"] == 4
    assert first["flags_raised"] == second["flags_raised"] == []
    assert first["flags_cleared"] == second["flags_cleared"] == []
    assert len(flags(client, person)) == 1


def test_a_new_category_is_remembered_for_the_payee(client: Any, person: Person) -> None:
    upload(client, person, JANUARY)
    cafe = by_description(transactions(client, person), "CORNER CAFE")
    changed = post_ok(client, f"/v1/transactions/{cafe['id']}/category", person.holder,
                      {"category": "day_activities", "reason": "Lunch at the day centre cafe"})
    assert changed["category"] == "day_activities" and changed["reason"] == "Lunch at the day centre cafe"
    upload(client, person, statement([("12/01/2026", "CORNER CAFE", "-7.25")], "1000.00"), "feb.csv")
    later = [r for r in transactions(client, person) if r["description"] == "CORNER CAFE"]
    assert [r["category"] for r in later] == ["day_activities", "day_activities"]
    assert "You told us" in later[1]["reason"]
    events = client.get("/v1/events", headers=person.council.auth(),
                        params={"recipient_id": person.recipient_id, "limit": 200}).json()["items"]
    assert "transaction.recategorised" in {e["action"] for e in events}


def test_an_unknown_category_is_refused(client: Any, person: Person) -> None:
    upload(client, person, JANUARY)
    cafe = by_description(transactions(client, person), "CORNER CAFE")
    response = client.post(f"/v1/transactions/{cafe['id']}/category", headers=person.holder,
                           json={"category": "holidays", "reason": "x"})
    assert response.status_code == 422
