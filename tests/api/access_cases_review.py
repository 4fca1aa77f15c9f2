"""Who may read the rules, review flags and re-categorise transactions.

The world's flag and transaction are on the managed account: its provider may read them but
not act on them (403); the payroll bureau, which holds no account, cannot see them (404).
"""

from __future__ import annotations

from test_api_access import ALL, STAFF, case

HOLDER_OR_STAFF = "admin officer holder"
ACCOUNT_HOLDERS = "admin officer holder provider"

CASES = {
    ("get", "/v1/rules"): case(ALL),
    ("put", "/v1/councils/{council_id}/rules/{rule_id}"): case(
        "admin", body=lambda w: {"on": True, "parameters": {"include_bars": False}}),
    ("post", "/v1/recipients/{recipient_id}/rules/rerun"): case(STAFF),
    ("get", "/v1/flags"): case(ALL),
    ("get", "/v1/flags/{flag_id}"): case(ACCOUNT_HOLDERS, hidden="bureau"),
    # the first decision wins; a second one is refused as already decided
    ("post", "/v1/flags/{flag_id}/decision"): case(
        STAFF, hidden="bureau", also_ok=(409,),
        body=lambda w: {"outcome": "cleared", "reason": "Checked"}),
    ("post", "/v1/flags/{flag_id}/explanation"): case(
        HOLDER_OR_STAFF, hidden="bureau", body=lambda w: {"text": "A birthday present for my grandson."}),
    ("post", "/v1/flags/{flag_id}/notes"): case(
        HOLDER_OR_STAFF, hidden="bureau", body=lambda w: {"body": "Could you send the receipt?"}),
    ("get", "/v1/flags/{flag_id}/notes"): case(HOLDER_OR_STAFF, hidden="bureau"),
    ("get", "/v1/accounts/{account_id}/transactions"): case(ACCOUNT_HOLDERS, hidden="bureau"),
    ("post", "/v1/transactions/{transaction_id}/category"): case(
        HOLDER_OR_STAFF, hidden="bureau",
        body=lambda w: {"category": "flexible_use", "reason": "A treat"}),
}
