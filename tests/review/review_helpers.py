"""Shared set-up for the review tests: a person with an account, statements through the API."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from conftest import Council, make_user, post_ok, unique


@dataclass
class Person:
    council: Council
    recipient_id: int
    account_id: int
    holder: dict[str, str]
    officer: dict[str, str]


def make_person(client: Any, council: Council) -> Person:
    h = council.auth()
    holder = make_user(client, council, "holder")
    officer = make_user(client, council, "officer")
    recipient = post_ok(client, "/v1/recipients", h, {"reference": unique("R"), "name": "Pat"})
    post_ok(client, f"/v1/recipients/{recipient['id']}/representatives", h,
            {"kind": "nominee", "name": "Holder", "user_id": holder["id"]})
    account = post_ok(client, f"/v1/recipients/{recipient['id']}/accounts", h,
                      {"reference": unique("acct"), "kind": "bank"})
    return Person(council, recipient["id"], account["id"],
                  {"Authorization": f"Bearer {holder['token']}"},
                  {"Authorization": f"Bearer {officer['token']}"})


def statement(lines: list[tuple[str, str, str]], opening: str = "1000.00") -> bytes:
    """A bank CSV (Date,Description,Amount,Balance) with a running balance."""
    balance = Decimal(opening)
    rows = ["Date,Description,Amount,Balance"]
    for day, description, amount in lines:
        balance += Decimal(amount)
        rows.append(f"{day},{description},{amount},{balance}")
    return ("\n".join(rows) + "\n").encode()


def upload(client: Any, person: Person, data: bytes, name: str = "statement.csv") -> dict[str, Any]:
    response = client.post(f"/v1/accounts/{person.account_id}/statements",
                           headers=person.council.auth(), files={"file": (name, data)})
    assert response.status_code == 201, response.text
    return dict(response.json())


def transactions(client: Any, person: Person, **query: str) -> list[dict[str, Any]]:
    response = client.get(f"/v1/accounts/{person.account_id}/transactions",
                          headers=person.council.auth(), params={"limit": 200, **query})
    assert response.status_code == 200, response.text
    return list(response.json()["items"])


def by_description(rows: list[dict[str, Any]], text: str) -> dict[str, Any]:
    return next(r for r in rows if text in r["description"])


def flags(client: Any, person: Person, **query: str) -> list[dict[str, Any]]:
    response = client.get("/v1/flags", headers=person.council.auth(),
                          params={"recipient_id": person.recipient_id, "limit": 200, **query})
    assert response.status_code == 200, response.text
    return list(response.json()["items"])
