"""World objects for timesheet and payroll routes: one timesheet upload (``upload_id``)."""

from __future__ import annotations

from typing import Any

from conftest import World

TIMESHEET = (b"Worker,Date,Start,End\n"
             b"Sam Carter,05/01/2026,09:00,13:00\n"
             b"Sam Carter,06/01/2026,09:00,12:30\n")


def extend(client: Any, world: World) -> None:
    rid = world.ids["recipient_id"]
    response = client.post(f"/v1/recipients/{rid}/timesheets", headers=world.council.auth(),
                           files={"file": ("week1.csv", TIMESHEET, "text/csv")})
    assert response.status_code == 201, response.text
    world.ids["upload_id"] = response.json()["upload_id"]
