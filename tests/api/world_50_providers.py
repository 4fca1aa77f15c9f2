"""Two providers serving the world's person in two ways, and what each may not see.

The world's ``provider`` holds the person's managed account. This adds the person's own bank
account (a statement with a gambling line, so it has a flag of its own), a payroll bureau named
as the person's payroll provider (token ``bureau``) that holds no account, and an upload each
provider sent itself: a transaction batch into the managed account, and a payroll run.
"""

from __future__ import annotations

from typing import Any

from conftest import World, post_ok, unique

BANK_STATEMENT = (
    b"Date,Description,Amount,Balance\n"
    b"02/01/2026,WAGES FROM EMPLOYER,900.00,900.00\n"
    b"09/01/2026,PADDY POWER,-15.00,885.00\n"
)
BATCH = {"transactions": [{"id": "mp-1", "date": "2026-01-08", "amount": "-9.99",
                           "description": "CARE SUPPLIES LTD"}]}
PAYROLL_RUN = {"lines": [{"worker": "Sam Carter", "period_start": "2026-01-12",
                          "period_end": "2026-01-18", "gross": "104.00", "net": "104.00",
                          "hours": "8.00"}]}


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _bank_account(client: Any, world: World) -> None:
    h, rid = world.council.auth(), world.ids["recipient_id"]
    bank = post_ok(client, f"/v1/recipients/{rid}/accounts", h,
                   {"reference": unique("bank"), "kind": "bank", "number_last4": "9876"})
    sent = client.post(f"/v1/accounts/{bank['id']}/statements", headers=h,
                       files={"file": ("bank-jan.csv", BANK_STATEMENT)})
    assert sent.status_code == 201, sent.text
    flags = client.get("/v1/flags", headers=h, params={"account_id": bank["id"]}).json()["items"]
    world.ids.update(bank_account_id=bank["id"], bank_upload_id=sent.json()["upload_id"],
                     bank_flag_id=flags[0]["id"], bank_transaction_id=flags[0]["transaction_id"])


def _bureau(client: Any, world: World) -> None:
    h, rid = world.council.auth(), world.ids["recipient_id"]
    bureau = post_ok(client, "/v1/providers", h, {"reference": unique("bureau"), "name": "Bureau Ltd"})
    user = post_ok(client, "/v1/users", h, {"email": f"{unique('bureau')}@{world.council.code}.example.org",
                                            "name": "Bureau", "role": "provider",
                                            "provider_id": bureau["id"]})
    key = post_ok(client, "/v1/api-keys", h, {"name": "payroll", "user_id": user["id"]})
    world.council.tokens["bureau"] = key["token"]
    # a birth date on record, so an answer that leaked it would show it
    named = client.patch(f"/v1/recipients/{rid}", headers=h,
                         json={"payroll_provider_id": bureau["id"], "date_of_birth": "1950-03-04"})
    assert named.status_code == 200, named.text
    world.ids["bureau_id"] = bureau["id"]


def _own_uploads(client: Any, world: World) -> None:
    """Each provider pushes what it serves, through the routes it always used."""
    managed, rid = world.ids["account_id"], world.ids["recipient_id"]
    batch = client.post(f"/v1/accounts/{managed}/transactions:batch",
                        headers=_bearer(world.council.tokens["provider"]), json=BATCH)
    assert batch.status_code == 201, batch.text
    run = client.post(f"/v1/recipients/{rid}/payroll-runs",
                      headers=_bearer(world.council.tokens["bureau"]), json=PAYROLL_RUN)
    assert run.status_code == 201, run.text
    world.ids.update(provider_upload_id=batch.json()["upload_id"],
                     bureau_upload_id=run.json()["upload_id"])


def extend(client: Any, world: World) -> None:
    _bank_account(client, world)
    _bureau(client, world)
    _own_uploads(client, world)
