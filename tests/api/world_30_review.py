"""A flag and a transaction in the world, from the statement the statements domain sent."""

from __future__ import annotations

from typing import Any


def extend(client: Any, world: Any) -> None:
    h = world.council.auth()
    flags = client.get("/v1/flags", headers=h,
                       params={"recipient_id": world.ids["recipient_id"], "rule": "harmful.gambling"})
    assert flags.status_code == 200, flags.text
    world.ids["flag_id"] = flags.json()["items"][0]["id"]
    world.ids["transaction_id"] = flags.json()["items"][0]["transaction_id"]
    world.ids["rule_id"] = "local.alcohol"  # ids fill paths as text
