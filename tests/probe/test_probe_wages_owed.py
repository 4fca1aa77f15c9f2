"""Edith Crane (Cranshire's probe family) pays her PA fortnightly in arrears through a payroll
bureau; the audit (1 April to 30 June 2026) ends nine days into a pay period, with the run for
8-21 June paid on 26 June. The wages owed are for the work after 21 June, not after 26 June,
and a clean family is asked nothing.

Hand figures: Ruth Bell works 7 hours every Tuesday and Thursday at £12.71. The last run seen
paid is 8-21 June (26 June); work after it: 23, 25 and 30 June = 21 hours x 12.71 = 266.91.
(Counting from the payment date only 30 June is owed, 88.97, and the surplus reads 140.37.)
Closing 2,629.34 (bank and card), contingency 8 x 300.00 = 2,400.00 (the plan is £1,300.00 a
month: x 12 / 52 = 300.00 a week), surplus 2,629.34 - 2,400.00 - 266.91 = -37.57.
"""

from __future__ import annotations

import json
from pathlib import Path

from conftest import unique
from scenarios.harness import audit, dpaudit, load_document, mismatches, ok, questions, table

from probe.probe_council import crane


def test_wages_owed_after_the_last_paid_pay_period_leave_nothing_to_ask(tmp_path: Path,
                                                                        database_url: str) -> None:
    code = unique("cranshire")
    files = tmp_path / "files"
    person = crane(files)
    for account in person["accounts"]:
        account["reference"] = f"{code}-{account['reference']}"
    person["payment_schedules"][0]["account"] = f"{code}-EC1-bank"
    person["reference"] = f"{code}-EC1"
    load_document({"council": {"code": code, "name": "Cranshire Council", "contingency_weeks": 8},
                   "recipients": [person]}, tmp_path, database_url)
    for folder in ("EC1-bank", "EC1-card"):
        ok(dpaudit("import", str(files / folder), "--account", f"{code}-{folder}", database_url=database_url))
    for name, kind in (("EC1-payroll.csv", "payroll"), ("EC1-timesheet.xlsx", "timesheet")):
        ok(dpaudit("import", str(files / name), "--recipient", f"{code}-EC1", "--kind", kind,
                   database_url=database_url))
    body = audit(f"{code}-EC1-bank", "2026-04-01", "2026-06-30", database_url)
    wrong = mismatches({"closing_balance": "2629.34", "contingency": "2400.00", "commitments": "266.91",
                        "surplus": "-37.57", "proposed_recovery": "0.00", "tier": "light", "gaps": [],
                        "flags": {}}, body)
    assert not wrong, table(wrong)
    assert questions(body) == 0, json.dumps(body["findings"], indent=1)
