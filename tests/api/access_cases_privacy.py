"""Access cases for a person's export: staff get the council's pack, the holder their own;
a provider, who sees the person only through the accounts it serves, may not."""

from __future__ import annotations

from typing import Any

from test_api_access import case

CASES: dict[tuple[str, str], Any] = {
    ("get", "/v1/recipients/{recipient_id}/export"): case("admin officer holder"),
}
