"""Who may call the audit routes. The world's audit is closed part-way through the matrix,
so later decisions on it answer 409, which counts as allowed. No provider sees an audit, its
letters, workbook or notes (404), nor lists a person's audits, underspends or commitments (403)."""

from __future__ import annotations

from typing import Any

from test_api_access import HOLDER_AND_STAFF, PROVIDERS, STAFF, case

AUDIT = "/v1/audits/{audit_id}"
PERSON = "/v1/recipients/{recipient_id}"

CASES: dict[tuple[str, str], Any] = {
    ("post", f"{PERSON}/audits"): case(STAFF, body=lambda w: {
        "period_start": "2026-01-05", "period_end": "2026-02-01", "kind": "on_demand"}),
    ("get", f"{PERSON}/audits"): case(HOLDER_AND_STAFF),
    ("get", "/v1/audits/due"): case(STAFF),
    ("get", AUDIT): case(HOLDER_AND_STAFF, hidden=PROVIDERS),
    ("get", f"{AUDIT}/workbook.xlsx"): case(HOLDER_AND_STAFF, hidden=PROVIDERS),
    ("get", f"{AUDIT}/letter.html"): case(HOLDER_AND_STAFF, hidden=PROVIDERS),
    ("get", f"{AUDIT}/letter.pdf"): case(HOLDER_AND_STAFF, hidden=PROVIDERS),
    ("get", f"{AUDIT}/check"): case(STAFF, hidden=PROVIDERS),
    ("post", f"{AUDIT}/decision"): case(
        STAFF, hidden=PROVIDERS, also_ok=(409,),
        body=lambda w: {"agreed_recovery": "0.00", "reason": "Agreed with the person."}),
    ("post", f"{AUDIT}/close"): case(STAFF, hidden=PROVIDERS, also_ok=(409,)),
    ("post", f"{AUDIT}/corrections"): case(
        STAFF, hidden=PROVIDERS, body=lambda w: {"reason": "A statement came late."}),
    ("post", f"{AUDIT}/notes"): case(
        HOLDER_AND_STAFF, hidden=PROVIDERS, body=lambda w: {"body": "Thank you."}),
    ("get", f"{AUDIT}/notes"): case(HOLDER_AND_STAFF, hidden=PROVIDERS),
    ("post", f"{PERSON}/underspend-reasons"): case(HOLDER_AND_STAFF, body=lambda w: {
        "period_start": "2026-01-05", "period_end": "2026-02-01", "reason": "could_not_recruit"}),
    ("get", f"{PERSON}/underspend-reasons"): case(HOLDER_AND_STAFF),
    ("post", f"{PERSON}/commitments"): case(STAFF, body=lambda w: {
        "kind": "invoice", "description": "Day centre invoice", "amount": "40.00"}),
    ("get", f"{PERSON}/commitments"): case(HOLDER_AND_STAFF),
    ("get", "/v1/councils/{council_id}/summary"): case(STAFF),
    ("get", "/v1/councils/{council_id}/summary.xlsx"): case(STAFF),
}
