"""The dry-run check the CLI uses: `dpaudit parse FILE --check`."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from service.rules.classify import classify
from service.rules.model import Txn
from service.rules.ruleset import load_default_rules


def check_line(
    date: dt.date, amount: Decimal, description: str, mcc: str | None = None
) -> tuple[str, list[dict[str, str]]]:
    """Category and the default rules that fire, with no support plan to go on."""
    found = classify(Txn(date, amount, description, mcc), None, load_default_rules())
    return found.category, [{"rule": h.rule_id, "reason": h.reason} for h in found.hits]
