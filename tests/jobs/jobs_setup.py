"""A small council whose audit figures can be added up by hand, and how to wait for jobs.

The period is 6 April to 3 May 2026 (4 weeks). Everyone's direct payment starts on 6 April.

| person | account | statement (opening; lines) | closing | in | out |
|---|---|---|---|---|---|
| A | yes | 100.00; +1,200.00 on 6 Apr, -300.00 on 10 Apr | 1,000.00 | 1,200.00 | 300.00 |
| B | yes | 0.00; +500.00 on 6 Apr, -50.00 on 13 and 20 Apr | 400.00 | 500.00 | 100.00 |
| C | yes | 250.00; -25.00 on 15 Apr | 225.00 | 0.00 | 25.00 |
| D | none | | | | |
| E | yes, but the direct payment ended on 31 March 2026 | | | | |
| F | none; ended 1 January 2015, so past 7 years' retention | | | | |

An audit run of the period audits A, B and C, and nobody else.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from conftest import Council, post_ok, run_queued_jobs, unique

START, END = date(2026, 4, 6), date(2026, 5, 3)
PERIOD = {"period_start": START.isoformat(), "period_end": END.isoformat()}
FIGURES = {  # person: (opening, in, out, closing)
    "A": ("100.00", "1200.00", "300.00", "1000.00"),
    "B": ("0.00", "500.00", "100.00", "400.00"),
    "C": ("250.00", "0.00", "25.00", "225.00"),
}
LINES = {
    "A": [("06/04/2026", "NORTHSHIRE COUNCIL DP", "1200.00"), ("10/04/2026", "S CARTER", "-300.00")],
    "B": [("06/04/2026", "NORTHSHIRE COUNCIL DP", "500.00"), ("13/04/2026", "CARE AGENCY", "-50.00"),
          ("20/04/2026", "CARE AGENCY", "-50.00")],
    "C": [("15/04/2026", "LEISURE CENTRE SWIM", "-25.00")],
}


@dataclass
class SmallCouncil:
    council: Council
    people: dict[str, int]  # letter: recipient id


def person(client: Any, council: Council, name: str, **extra: Any) -> int:
    return int(post_ok(client, "/v1/recipients", council.auth(),
                       {"reference": unique("R"), "name": name, **extra})["id"])


def account(client: Any, council: Council, recipient_id: int) -> int:
    return int(post_ok(client, f"/v1/recipients/{recipient_id}/accounts", council.auth(),
                       {"reference": unique("acct"), "kind": "bank"})["id"])


def statement(client: Any, council: Council, account_id: int, opening: str,
              lines: list[tuple[str, str, str]]) -> None:
    balance = Decimal(opening)
    rows = ["Date,Description,Amount,Balance"]
    for day, text, amount in lines:
        balance += Decimal(amount)
        rows.append(f"{day},{text},{amount},{balance}")
    sent = client.post(f"/v1/accounts/{account_id}/statements", headers=council.auth(),
                       files={"file": ("statement.csv", ("\n".join(rows) + "\n").encode())},
                       data={"period_start": START.isoformat(), "period_end": END.isoformat(),
                             "opening_balance": opening, "closing_balance": str(balance)})
    assert sent.status_code == 201, sent.text


def small_council(client: Any, council: Council) -> SmallCouncil:
    people = {}
    for letter in "ABC":
        rid = person(client, council, f"Person {letter}", dp_start_date=START.isoformat())
        statement(client, council, account(client, council, rid), FIGURES[letter][0], LINES[letter])
        people[letter] = rid
    people["D"] = person(client, council, "Person D", dp_start_date=START.isoformat())
    people["E"] = person(client, council, "Person E", dp_start_date="2025-01-06", dp_end_date="2026-03-31",
                          end_reason="moved")
    account(client, council, people["E"])
    people["F"] = person(client, council, "Person F", dp_start_date="2010-01-04", dp_end_date="2015-01-01",
                          end_reason="moved")
    return SmallCouncil(council, people)


def on_postgres() -> bool:
    return os.environ.get("DPAUDIT_TEST_DATABASE_URL", "").startswith("postgres")


def drain() -> None:
    """On PostgreSQL, run every queued task here, as a worker would, and return when none is
    left (procrastinate's worker with ``wait=False``). On SQLite the serving process's own
    thread runs them: nothing to do."""
    if on_postgres():
        run_queued_jobs()


def wait_for(client: Any, council: Council, job_id: int, status: str = "succeeded",
              seconds: float = 30.0) -> dict[str, Any]:
    drain()
    deadline = time.monotonic() + seconds
    while True:
        job = client.get(f"/v1/jobs/{job_id}", headers=council.auth()).json()
        if job["status"] == status or time.monotonic() > deadline:
            assert job["status"] == status, job
            return dict(job)
        if job["status"] == "failed":
            raise AssertionError(job)
        time.sleep(0.05)
