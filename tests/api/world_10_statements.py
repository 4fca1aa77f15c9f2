"""A statement in the world's account, so later domains have transactions to work on."""

from __future__ import annotations

from typing import Any

STATEMENT = (
    b"Date,Description,Amount,Balance\n"
    b"02/01/2026,DEMO COUNCIL DIRECT PAYMENT,1540.00,1540.00\n"
    b"05/01/2026,TESCO STORES 2231,-41.20,1498.80\n"
    b"06/01/2026,BET365,-20.00,1478.80\n"
)


def extend(client: Any, world: Any) -> None:
    response = client.post(f"/v1/accounts/{world.ids['account_id']}/statements",
                           headers=world.council.auth(), files={"file": ("jan.csv", STATEMENT)})
    assert response.status_code == 201, response.text
    world.ids["statement_upload_id"] = response.json()["upload_id"]
