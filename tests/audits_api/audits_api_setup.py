"""A person set up through the API, and statements a reviewer can add up by hand.

The person: a plan of £1,300.00 every 4 weeks (= £325.00 a week: £300.00 personal
assistant + £25.00 swimming), approved from Monday 6 April 2026. The council pays
£1,200.00 and the person contributes £100.00 every 4 weeks (6 April, 4 May, 1 June).
The audit period is 6 April to 28 June 2026: 84 days, 12 weeks. Contingency is
8 weeks x £325.00 = £2,600.00.

Each week the PA (S CARTER) is paid £300.00 and swimming costs £25.00, so over the 12
weeks £3,900.00 comes in (3 x £1,300.00) and £3,900.00 goes out (12 x £325.00): the
closing balance equals the opening balance.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from conftest import Council, post_ok, unique

START = date(2026, 4, 6)
END = date(2026, 6, 28)
WEEKLY = Decimal("325.00")
CONTINGENCY = 8 * WEEKLY  # £2,600.00
COUNCIL_PAYS = Decimal("1200.00")
PERSON_PAYS = Decimal("100.00")
COUNCIL_PAYER = "NORTHSHIRE COUNCIL DP"
PLAN = {
    "effective_from": START.isoformat(), "period": "four_weeks",
    "indicative_budget": "1400.00", "actual_budget": "1300.00",
    "lines": [
        {"category": "pa_wages", "description": "Personal assistant", "amount": "300.00",
         "amount_basis": "week", "planned_hours_per_week": "24.00", "hourly_rate": "12.50",
         "expected_payee": "S CARTER"},
        {"category": "day_activities", "description": "Swimming", "amount": "25.00",
         "amount_basis": "week", "expected_payee": "LEISURE CENTRE"},
    ],
}

Line = tuple[date, str, Decimal]


@dataclass
class Person:
    council: Council
    recipient_id: int
    account_id: int
    account_ref: str

    @property
    def auth(self) -> dict[str, str]:
        return self.council.auth()


def make_person(client: Any, council: Council, name: str = "Pat Person") -> Person:
    h = council.auth()
    rid = post_ok(client, "/v1/recipients", h, {"reference": unique("R"), "name": name,
                                                "dp_start_date": START.isoformat()})["id"]
    ref = unique("acct")
    account = post_ok(client, f"/v1/recipients/{rid}/accounts", h, {"reference": ref, "kind": "bank"})
    post_ok(client, f"/v1/recipients/{rid}/workers", h, {"name": "Sam Carter", "aliases": ["S CARTER"],
                                                          "age_band": "21_plus"})
    plan = post_ok(client, f"/v1/recipients/{rid}/plans", h, PLAN)
    post_ok(client, f"/v1/plans/{plan['id']}/approve", h, {})
    post_ok(client, f"/v1/recipients/{rid}/payment-schedules", h, {
        "funding_model": "net", "frequency": "four_weeks", "council_amount": str(COUNCIL_PAYS),
        "contribution_amount": str(PERSON_PAYS), "first_payment_on": START.isoformat(),
        "account_id": account["id"], "payer_reference": COUNCIL_PAYER})
    return Person(council, rid, account["id"], ref)


def weeks(start: date = START, end: date = END) -> list[Line]:
    """The ordinary 12 weeks: income every 4 weeks, the PA and swimming every week."""
    lines: list[Line] = []
    day = start
    while day <= end:
        if (day - START).days % 28 == 0:
            lines += [(day, COUNCIL_PAYER, COUNCIL_PAYS), (day, "P PERSON CONTRIBUTION", PERSON_PAYS)]
        lines += [(day + timedelta(days=4), "S CARTER", Decimal("-300.00")),
                  (day + timedelta(days=5), "LEISURE CENTRE SWIM", Decimal("-25.00"))]
        day += timedelta(days=7)
    return lines


def csv_of(lines: list[Line], opening: Decimal) -> tuple[bytes, Decimal]:
    """A generic bank CSV (day-first dates) with running balances, and its closing balance."""
    balance = opening
    rows = ["Date,Description,Amount,Balance"]
    for day, text, amount in sorted(lines, key=lambda line: line[0]):
        balance += amount
        rows.append(f"{day:%d/%m/%Y},{text},{amount},{balance}")
    return ("\n".join(rows) + "\n").encode(), balance


def upload(client: Any, person: Person, lines: list[Line], opening: Decimal,
           start: date, end: date) -> Decimal:
    """Upload one statement covering ``start`` to ``end``; returns its closing balance."""
    data, closing = csv_of([line for line in lines if start <= line[0] <= end], opening)
    response = client.post(
        f"/v1/accounts/{person.account_id}/statements", headers=person.auth,
        files={"file": (f"{start}.csv", data)},
        data={"period_start": start.isoformat(), "period_end": end.isoformat(),
              "opening_balance": str(opening), "closing_balance": str(closing)})
    assert response.status_code == 201, response.text
    return closing


def audit(client: Any, person: Person, start: date = START, end: date = END,
          kind: str = "on_demand") -> dict[str, Any]:
    return post_ok(client, f"/v1/recipients/{person.recipient_id}/audits", person.auth,
                   {"period_start": start.isoformat(), "period_end": end.isoformat(), "kind": kind})


def money(value: str) -> Decimal:
    return Decimal(value)
