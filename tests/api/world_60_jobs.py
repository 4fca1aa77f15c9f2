"""World objects for the job routes: a finished letter run over the world's audit."""

from __future__ import annotations

import time
from typing import Any

from conftest import World, run_queued_jobs


def extend(client: Any, world: World) -> None:
    h = world.council.auth()
    made = client.post(f"/v1/councils/{world.council.id}/letter-runs", headers=h,
                       json={"period_start": "2026-03-01", "period_end": "2026-03-31"})
    assert made.status_code == 202, made.text
    job_id = made.json()["id"]
    if client.get(f"/v1/jobs/{job_id}", headers=h).json()["status"] == "queued":
        from service.core.config import get_settings

        if not get_settings().is_sqlite:  # no worker here: run the queue's tasks in this process
            run_queued_jobs()
    deadline = time.monotonic() + 30
    while client.get(f"/v1/jobs/{job_id}", headers=h).json()["status"] != "succeeded":
        assert time.monotonic() < deadline, client.get(f"/v1/jobs/{job_id}", headers=h).text
        time.sleep(0.05)
    world.ids["job_id"] = job_id
