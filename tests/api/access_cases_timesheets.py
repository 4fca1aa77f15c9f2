"""Access cases for timesheet and payroll uploads and for upload records.

The matrix sends JSON, never a multipart file: the upload routes check scope (404) and role
(403) before they look for the file, so a role that may upload gets 422 ("send the file").
Voiding runs once per role on the same upload: after the first, 409 (already void) is right.
Both providers serve the world's person (the managed-account provider and the payroll bureau),
so both may send and read their timesheets and payroll; the world's upload was sent by the
council, so neither provider sees it (a provider sees only the uploads it sent).
"""

from __future__ import annotations

from typing import Any

from test_api_access import ALL, PROVIDERS, STAFF, case

PAYROLL_RUN = {"lines": [{"worker": "Sam Carter", "period_start": "2026-01-05",
                          "period_end": "2026-01-11", "gross": "98.00", "net": "98.00",
                          "hours": "7.50"}]}

CASES: dict[tuple[str, str], Any] = {
    ("post", "/v1/recipients/{recipient_id}/timesheets"): case(ALL, also_ok=(422,)),
    ("get", "/v1/recipients/{recipient_id}/timesheet-entries"): case(ALL),
    ("post", "/v1/recipients/{recipient_id}/payroll-runs"): case(
        f"{STAFF} {PROVIDERS}", body=lambda w: PAYROLL_RUN),
    ("post", "/v1/recipients/{recipient_id}/payroll-runs:upload"): case(
        f"{STAFF} holder {PROVIDERS}", also_ok=(422,)),
    ("get", "/v1/recipients/{recipient_id}/payroll-lines"): case(ALL),
    ("get", "/v1/uploads/{upload_id}"): case("admin officer holder", hidden=PROVIDERS),
    ("get", "/v1/uploads/{upload_id}/file"): case("admin officer holder", hidden=PROVIDERS),
    ("post", "/v1/uploads/{upload_id}/void"): case(
        STAFF, hidden=PROVIDERS, body=lambda w: {"reason": "sent to the wrong person"}, also_ok=(409,)),
}
