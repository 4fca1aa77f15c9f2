"""Access cases for council-wide jobs: the council's staff ask for them and follow them;
nobody else sees them (a job is the council's, not a person's)."""

from __future__ import annotations

from typing import Any

from test_api_access import STAFF, case

PERIOD = {"period_start": "2026-01-01", "period_end": "2026-03-31"}
HIDDEN = "holder provider bureau"

CASES: dict[tuple[str, str], Any] = {
    ("post", "/v1/councils/{council_id}/audit-runs"): case(
        STAFF, body=lambda w: {**PERIOD, "kind": "scheduled"}, also_ok=(202,)),
    ("post", "/v1/councils/{council_id}/letter-runs"): case(STAFF, body=lambda w: PERIOD, also_ok=(202,)),
    ("post", "/v1/councils/{council_id}/retention-runs"): case(
        "admin", body=lambda w: {"apply": False}, also_ok=(202,)),
    ("get", "/v1/jobs/{job_id}"): case(STAFF, hidden=HIDDEN),
    ("get", "/v1/jobs/{job_id}/letters.zip"): case(STAFF, hidden=HIDDEN),
}
