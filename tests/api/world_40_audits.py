"""World objects for the audit routes: one audit of the world's recipient."""

from __future__ import annotations

from typing import Any

from conftest import World, post_ok


def extend(client: Any, world: World) -> None:
    rid = world.ids["recipient_id"]
    audit = post_ok(client, f"/v1/recipients/{rid}/audits", world.council.auth(),
                    {"period_start": "2026-01-05", "period_end": "2026-03-29", "kind": "on_demand"})
    world.ids["audit_id"] = audit["id"]
