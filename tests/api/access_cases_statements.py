"""Who may send statements and transactions into an account, and read its uploads."""

from __future__ import annotations

from test_api_access import ALL, case

STATEMENT = b"Date,Description,Amount\n05/01/2026,TESCO STORES,-12.50\n06/01/2026,GREGGS,-3.20\n"

CASES = {
    ("post", "/v1/accounts/{account_id}/statements"): case(
        ALL, files=lambda w: {"file": ("statement.csv", STATEMENT)}),
    ("post", "/v1/accounts/{account_id}/transactions:batch"): case(ALL, body=lambda w: {
        "transactions": [{"id": "t-1", "date": "2026-01-07", "amount": "-5.00", "description": "BOOTS"}]}),
    ("get", "/v1/accounts/{account_id}/uploads"): case(ALL),
}
