"""Re-categorising has limits: a holder cannot turn council money into something else, and
no remembered category can hide a payment to a household relative."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import Council, post_ok
from review_helpers import Person, by_description, flags, make_person, statement, transactions, upload

COUNCIL_PAYER = "DEMO BOROUGH COUNCIL"


@pytest.fixture
def person(client: Any, council: Council) -> Person:
    person = make_person(client, council)
    post_ok(client, f"/v1/recipients/{person.recipient_id}/payment-schedules", council.auth(), {
        "funding_model": "net", "frequency": "four_weeks", "council_amount": "1540.00",
        "contribution_amount": "85.00", "first_payment_on": "2026-01-02",
        "account_id": person.account_id, "payer_reference": COUNCIL_PAYER})
    return person


def _recategorise(client: Any, headers: dict[str, str], txn: dict[str, Any],
                  category: str) -> Any:
    return client.post(f"/v1/transactions/{txn['id']}/category", headers=headers,
                       json={"category": category, "reason": "I know what this was"})


def _rerun(client: Any, person: Person) -> dict[str, Any]:
    return dict(post_ok(client, f"/v1/recipients/{person.recipient_id}/rules/rerun",
                        person.council.auth(), {}))


@pytest.mark.parametrize("category", ["client_contribution", "council_payment", "refund",
                                      "other_income", "transfer", "repayment_to_council"])
def test_a_holder_may_choose_only_a_spending_category(client: Any, person: Person,
                                                      category: str) -> None:
    upload(client, person, statement([("02/01/2026", COUNCIL_PAYER, "1540.00"),
                                      ("05/01/2026", "CORNER CAFE", "-6.50")]))
    rows = transactions(client, person)
    for txn in (by_description(rows, COUNCIL_PAYER), by_description(rows, "CORNER CAFE")):
        refused = _recategorise(client, person.holder, txn, category)
        assert refused.status_code == 403, refused.text
        assert [e["field"] for e in refused.json()["errors"]] == ["category"]
    assert by_description(transactions(client, person), COUNCIL_PAYER)["category"] == "council_payment"
    spending = _recategorise(client, person.holder, by_description(rows, "CORNER CAFE"), "transport")
    assert spending.status_code == 200, spending.text


def test_the_councils_payment_stays_council_money_whatever_was_remembered(
        client: Any, person: Person) -> None:
    upload(client, person, statement([("02/01/2026", COUNCIL_PAYER, "1540.00")]))
    payment = by_description(transactions(client, person), COUNCIL_PAYER)
    # an officer may correct one line, but the payer's memory cannot rewrite the council's money
    changed = _recategorise(client, person.officer, payment, "client_contribution")
    assert changed.status_code == 200 and changed.json()["category"] == "client_contribution"
    upload(client, person, statement([("30/01/2026", COUNCIL_PAYER, "1540.00")], "2540.00"),
           "feb.csv")
    _rerun(client, person)
    rows = [r for r in transactions(client, person) if r["description"] == COUNCIL_PAYER]
    assert [r["category"] for r in rows] == ["council_payment", "council_payment"]


def test_a_holders_spending_memory_never_applies_to_money_in(client: Any, person: Person) -> None:
    upload(client, person, statement([("05/01/2026", "JOHN BROWN", "-40.00")]))
    out = by_description(transactions(client, person), "JOHN BROWN")
    assert _recategorise(client, person.holder, out, "day_activities").status_code == 200
    upload(client, person, statement([("09/01/2026", "JOHN BROWN", "40.00")], "960.00"), "in.csv")
    money_in = [r for r in transactions(client, person) if r["amount"] == "40.00"]
    assert [r["category"] for r in money_in] == ["other_income"]


@pytest.mark.parametrize("category", ["pa_wages", "flexible_use"])
def test_a_remembered_category_never_hides_a_payment_to_a_household_partner(
        client: Any, person: Person, category: str) -> None:
    post_ok(client, f"/v1/recipients/{person.recipient_id}/workers", person.council.auth(),
            {"name": "Mary Jones", "relationship": "spouse_partner", "lives_in_household": True})
    upload(client, person, statement([("09/01/2026", "MARY JONES", "-120.00")]))
    (flag,) = flags(client, person)
    assert flag["rule_id"] == "unlawful.household_relative"
    paid = by_description(transactions(client, person), "MARY JONES")
    assert _recategorise(client, person.holder, paid, category).status_code == 200
    rerun = _rerun(client, person)
    assert rerun["flags_cleared"] == []
    assert [(f["id"], f["status"]) for f in flags(client, person)] == [(flag["id"], "open")]
    upload(client, person, statement([("16/01/2026", "MARY JONES", "-120.00")], "880.00"),
           "next.csv")
    rows = [r for r in transactions(client, person) if r["description"] == "MARY JONES"]
    assert [r["category"] for r in rows] == [category, category]
    assert all(r["flags"] for r in rows)
    if category == "pa_wages":
        assert all(r["worker_id"] is not None for r in rows)
