"""Who may send statements and transactions into an account, and read its uploads.

The world's account is the managed one: its provider may send into it, the payroll bureau
cannot see it.
"""

from __future__ import annotations

from test_api_access import case

STATEMENT = b"Date,Description,Amount\n05/01/2026,TESCO STORES,-12.50\n06/01/2026,GREGGS,-3.20\n"
ACCOUNT_HOLDERS = "admin officer holder provider"

CASES = {
    ("post", "/v1/accounts/{account_id}/statements"): case(
        ACCOUNT_HOLDERS, hidden="bureau", files=lambda w: {"file": ("statement.csv", STATEMENT)}),
    ("post", "/v1/accounts/{account_id}/transactions:batch"): case(
        ACCOUNT_HOLDERS, hidden="bureau", body=lambda w: {"transactions": [
            {"id": "t-1", "date": "2026-01-07", "amount": "-5.00", "description": "BOOTS"}]}),
    # a provider's list holds only the uploads it sent (test_api_provider_scope.py)
    ("get", "/v1/accounts/{account_id}/uploads"): case(ACCOUNT_HOLDERS, hidden="bureau"),
}
