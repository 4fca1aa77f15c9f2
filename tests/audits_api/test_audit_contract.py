"""A clean person, run the way a council runs dpaudit: load, import the bank's own monthly
newest-first exports, audit. The JSON `dpaudit audit --json` prints is a contract.

Margaret Hale's plan: £300.00 a week (personal assistant 20 hours x £13.00 = £260.00, and
swimming £40.00), £1,200.00 every 4 weeks. The council pays £1,100.00 every 4 weeks from
6 April 2026 ("LOADSHIRE CC DP"); she pays her £100.00 contribution in weekly instalments
of £25.00 ("M HALE DP CONTRIBUTION"). The audit period is 6 April to 31 May 2026, 8 weeks.

Every Monday from 6 April: £25.00 contribution in and £40.00 swimming out, on the same
day; every Friday from 10 April: £260.00 to the PA. Council money on 6 April and 4 May.
  money in  = 2 x 1,100.00 + 8 x 25.00 = 2,400.00
  money out = 8 x 260.00 + 8 x 40.00   = 2,400.00
  opening 1,500.00 -> closing 1,500.00, difference 0.00
  contingency = 8 weeks x 300.00 = 2,400.00; surplus = 1,500.00 - 2,400.00 = -900.00
  proposed recovery 0.00; council and contribution shares 0.00
The April file's last line is on 27 April and May's first on 1 May: 28-30 April have no
line, no payment was due then, and April closes at the balance May opens at, so they are
covered. May's last line is on 29 May: 30-31 May are two quiet days. No gaps.
Score: bank account 1 + first audit 1 = 2, below standard's 3: light, with no questions.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from conftest import unique
from test_cli import dpaudit

START, END = date(2026, 4, 6), date(2026, 5, 31)
CONTRACT = {
    "opening_balance", "closing_balance", "money_in", "money_out", "reconciliation_difference",
    "weekly_plan_value", "contingency_weeks", "contingency", "commitments", "surplus",
    "proposed_recovery", "council_share", "contribution_share", "recovery_held", "tier",
    "tier_reasons", "accounts", "gaps", "flags", "findings",
}
MONEY = CONTRACT - {"contingency_weeks", "recovery_held", "tier", "tier_reasons", "accounts",
                    "gaps", "flags", "findings"}


def _document(code: str) -> dict[str, Any]:
    return {
        "council": {"code": code, "name": "Loadshire Council"},
        "recipients": [{
            "reference": "R-HALE", "name": "Margaret Hale", "dp_start_date": START.isoformat(),
            "accounts": [{"reference": f"{code}-bank", "kind": "bank", "number_last4": "5678"}],
            "workers": [{"reference": "W1", "name": "Sam Carter", "aliases": ["S CARTER"],
                         "age_band": "21_plus", "relationship": "none", "lives_in_household": False}],
            "payment_schedules": [{"account": f"{code}-bank", "funding_model": "net",
                                   "frequency": "four_weeks", "council_amount": "1100.00",
                                   "contribution_amount": "100.00",
                                   "first_payment_on": START.isoformat(),
                                   "payer_reference": "LOADSHIRE CC DP"}],
            "plans": [{"effective_from": START.isoformat(), "period": "four_weeks",
                       "actual_budget": "1200.00", "approved": True,
                       "lines": [{"category": "pa_wages", "description": "Personal assistant",
                                  "amount": "260.00", "amount_basis": "week",
                                  "planned_hours_per_week": "20.00", "hourly_rate": "13.00"},
                                 {"category": "day_activities", "description": "Swimming",
                                  "amount": "40.00", "amount_basis": "week",
                                  "expected_payee": "LEISURE CENTRE"}]}],
        }],
    }


def _lines() -> list[tuple[date, str, str, Decimal]]:
    """(day, type, description, amount) oldest-first, each Monday's lines in bank order."""
    found = []
    for week in range(8):
        monday = START + timedelta(days=7 * week)
        if week in (0, 4):
            found.append((monday, "BGC", "LOADSHIRE CC DP", Decimal("1100.00")))
        found.append((monday, "FPI", "M HALE DP CONTRIBUTION", Decimal("25.00")))
        found.append((monday, "DEB", "LEISURE CENTRE SWIM", Decimal("-40.00")))
        found.append((monday + timedelta(days=4), "FPO", "S CARTER WAGES", Decimal("-260.00")))
    return found


def _lloyds(lines: list[tuple[date, str, str, Decimal]], opening: Decimal) -> tuple[bytes, Decimal]:
    """A Lloyds export: newest line first, as the bank's website gives it."""
    balance, rows = opening, []
    for day, kind, text, amount in lines:
        balance += amount
        out = f"{-amount:.2f}" if amount < 0 else ""
        into = f"{amount:.2f}" if amount > 0 else ""
        rows.append(f"{day:%d/%m/%Y},{kind},'30-94-57,12345678,{text},{out},{into},{balance:.2f}")
    header = ("Transaction Date,Transaction Type,Sort Code,Account Number,"
              "Transaction Description,Debit Amount,Credit Amount,Balance")
    return ("\n".join([header, *reversed(rows)]) + "\n").encode(), balance


def test_a_clean_person_closes_light_with_the_contract_fields(database_url: str, tmp_path: Path) -> None:
    code = unique("hale")
    onboarding = tmp_path / "onboard.json"
    onboarding.write_text(json.dumps(_document(code)))
    assert dpaudit("load", str(onboarding), database_url=database_url).returncode == 0
    lines = _lines()
    april = [x for x in lines if x[0] <= date(2026, 4, 27)]
    may = [x for x in lines if x[0] > date(2026, 4, 27)]
    statements = tmp_path / "statements"
    statements.mkdir()
    data, closing = _lloyds(april, Decimal("1500.00"))
    (statements / "april.csv").write_bytes(data)
    data, _ = _lloyds(may, closing)
    (statements / "may.csv").write_bytes(data)
    imported = dpaudit("import", str(statements), "--account", f"{code}-bank", database_url=database_url)
    assert imported.returncode == 0, imported.stderr

    args = ("audit", "--account", f"{code}-bank", "--from", START.isoformat(), "--to", END.isoformat(),
            "--json")
    first = dpaudit(*args, database_url=database_url)
    assert first.returncode == 0, first.stderr
    body = json.loads(first.stdout)
    assert set(body) >= CONTRACT
    assert all(isinstance(body[name], str) and Decimal(body[name]) == Decimal(body[name]).quantize(
        Decimal("0.01")) for name in MONEY)
    assert isinstance(body["contingency_weeks"], int) and isinstance(body["recovery_held"], bool)
    figures = {name: body[name] for name in (
        "opening_balance", "closing_balance", "money_in", "money_out", "reconciliation_difference",
        "weekly_plan_value", "contingency", "commitments", "surplus", "proposed_recovery",
        "council_share", "contribution_share")}
    assert figures == {
        "opening_balance": "1500.00", "closing_balance": "1500.00", "money_in": "2400.00",
        "money_out": "2400.00", "reconciliation_difference": "0.00", "weekly_plan_value": "300.00",
        "contingency": "2400.00", "commitments": "0.00", "surplus": "-900.00",
        "proposed_recovery": "0.00", "council_share": "0.00", "contribution_share": "0.00"}
    assert body["contingency_weeks"] == 8 and body["recovery_held"] is False
    assert body["accounts"] == [f"{code}-bank"]
    assert (body["gaps"], body["flags"]) == ([], [])
    questions = [f for f in body["findings"] if f["severity"] == "question"]
    assert questions == []
    assert body["tier"] == "light", body["tier_reasons"]

    # auditing the same person and period again refreshes the open audit
    again = dpaudit(*args, database_url=database_url)
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout)["audit_id"] == body["audit_id"]
