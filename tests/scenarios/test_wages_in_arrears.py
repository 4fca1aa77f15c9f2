"""Wages owed at the end of an audit, for a PA paid in arrears: worked by hand, run through
``dpaudit``.

Every case is Jane Lane's June 2026 (1 to 30 June, 30 days), one Lloyds account, one PA:
- Pat Reid works 6 hours every Tuesday and Thursday at £13.00 an hour (£78.00 a shift, £156.00
  a week). June has Tuesdays 2, 9, 16, 23, 30 and Thursdays 4, 11, 18, 25: 9 shifts.
- The council pays £1,120.00 every four weeks from Monday 5 January 2026 (gross model): in
  June, on Monday 22 June. The plan is four-weekly £1,120.00: £280.00 a week; contingency
  8 x 280.00 = £2,240.00.
- Pay is under every tax threshold, so net pay is gross pay and the payroll makes no HMRC
  commitment.

The rule being tested: work in a pay period that a payroll run covers is paid by that run
once the run is seen paid, even when the money leaves after the period ends; work after the
last paid run's period, up to the audit's end, is owed. Without payroll runs, work up to the
last wage payment counts as paid (a bank line says nothing about which days it paid for).
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from conftest import unique

from scenarios.builders import (
    Line,
    PayrollRow,
    Shift,
    every,
    lloyds_csv,
    money,
    payroll_csv,
    post,
    timesheet_csv,
)
from scenarios.council import Person, council_document
from scenarios.harness import audit, dpaudit, load_document, mismatches, ok, table

START, END = date(2026, 6, 1), date(2026, 6, 30)
RATE, SHIFT_HOURS = money("13.00"), Decimal("6.00")
FORTNIGHT = money("312.00")  # 4 shifts x 78.00
COUNCIL = money("1120.00")


def shifts(first: date, last: date, *, skip: tuple[date, date] | None = None) -> list[Shift]:
    """Pat's Tuesday and Thursday shifts from ``first`` to ``last``, leaving out ``skip``."""
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    return [Shift("Pat Reid", day, "09:00", "15:00", SHIFT_HOURS) for day in days
            if day.weekday() in (1, 3) and not (skip and skip[0] <= day <= skip[1])]


def run(start: date, end: date, hours: str, net: Decimal) -> PayrollRow:
    return PayrollRow("Pat Reid", start, end, Decimal(hours), net, money(0), money(0), money(0), net)


def wages(*paid: tuple[date, Decimal]) -> list[Line]:
    return [Line(day, "P REID WAGES", -amount, "FPO") for day, amount in paid]


def family(code: str, folder: Path, database_url: str, *, opening: Decimal, lines: list[Line],
           timesheet: list[Shift], payroll: list[PayrollRow], payroll_first: bool = True) -> dict[str, Any]:
    """Load Jane Lane, import her June statement, timesheets and payroll (in that order, or the
    timesheets last), and audit June."""
    account = f"{code}-bank"
    load_document(council_document(code, [person(code, account)]), folder, database_url)
    posted = post(opening, [*lines, Line(date(2026, 6, 22), "LOADSHIRE CC DP", COUNCIL, "BGC")])
    statements = folder / "statements"
    statements.mkdir()
    (statements / "lloyds_2026-06-01_2026-06-30.csv").write_bytes(
        lloyds_csv(posted, sort_code="30-91-74", account_number="87654321"))
    ok(dpaudit("import", str(statements), "--account", account, database_url=database_url))
    (folder / "timesheet.csv").write_bytes(timesheet_csv(timesheet, title="Timesheet: Pat Reid"))
    (folder / "payroll.csv").write_bytes(payroll_csv(payroll))
    sent = [("timesheet.csv", "timesheet"), *([("payroll.csv", "payroll")] if payroll else [])]
    for name, kind in sent[::-1] if payroll_first else sent:
        ok(dpaudit("import", str(folder / name), "--recipient", f"{code}-L", "--kind", kind,
                   database_url=database_url))
    return audit(account, START.isoformat(), END.isoformat(), database_url)


def person(code: str, account: str) -> Person:
    document = {
        "reference": f"{code}-L", "name": "Jane Lane", "dp_start_date": "2026-01-05",
        "representatives": [{"kind": "self", "name": "Jane Lane"}],
        "accounts": [{"reference": account, "kind": "bank", "institution": "Lloyds Bank",
                      "number_last4": "4321"}],
        "workers": [{"reference": "W-REID", "name": "Pat Reid", "age_band": "21_plus",
                     "relationship": "none", "lives_in_household": False}],
        "payment_schedules": [{"account": account, "funding_model": "gross", "frequency": "four_weeks",
                               "council_amount": str(COUNCIL), "first_payment_on": "2026-01-05",
                               "payer_reference": "LOADSHIRE CC DP"}],
        "plans": [{"effective_from": "2026-01-05", "period": "four_weeks", "actual_budget": str(COUNCIL),
                   "approved": True, "lines": [
                       {"category": "pa_wages", "description": "PA, 12 hours a week", "amount": "156.00",
                        "amount_basis": "week", "planned_hours_per_week": "12.00", "hourly_rate": "13.00"},
                       {"category": "other", "description": "Outings", "amount": "124.00",
                        "amount_basis": "week"}]}],
    }
    return Person(f"{code}-L", document, {})


def check(expected: dict[str, Any], body: dict[str, Any]) -> None:
    wrong = mismatches(expected, body)
    assert not wrong, (f"figures that differ from the hand figures:\n{table(wrong)}\n"
                       f"findings: {body.get('findings')}\nflags: {body.get('flags')}")


# --- fortnightly in arrears through a payroll bureau, the audit ending mid-cycle ---------------
# Runs (Monday to Sunday fortnights): 18-31 May, 1-14 June, 15-28 June, each 24 hours, £312.00,
#   paid the Friday after: 5 June, 19 June, and 3 July (after the audit: not on the statement).
#   The fortnight 29 June-12 July has begun and has no run yet.
# opening 2,104.00; out 2 x 312.00 = 624.00; in 1,120.00; closing 2,104.00 - 624.00 + 1,120.00
#   = 2,600.00
# owed    the last run seen paid is 1-14 June (paid 19 June): owed is the work from 15 June to
#         30 June: 16, 18, 23, 25, 30 June = 5 shifts = 30 hours x 13.00 = 390.00
#         (counting only from the last payment date, 19 June, gives 23, 25, 30 June = 234.00
#         and a surplus of 126.00 the family would be asked about)
# wages   5 June pays work before June (18-31 May); 19 June (312.00) against 6-19 June:
#         9, 11, 16, 18 June = 24 hours = 312.00: no question
# surplus 2,600.00 - 2,240.00 - 390.00 = -30.00: nothing to recover, nothing to ask
def test_fortnightly_in_arrears_owes_the_work_after_the_last_paid_pay_period(
        tmp_path: Path, database_url: str) -> None:
    body = family(unique("arrears"), tmp_path, database_url, opening=money("2104.00"),
                  lines=wages((date(2026, 6, 5), FORTNIGHT), (date(2026, 6, 19), FORTNIGHT)),
                  timesheet=shifts(date(2026, 5, 18), END),
                  payroll=[run(start, start + timedelta(days=13), "24.00", FORTNIGHT)
                           for start in every(date(2026, 5, 18), 14, date(2026, 6, 15))])
    check({"closing_balance": "2600.00", "contingency": "2240.00", "commitments": "390.00",
           "surplus": "-30.00", "proposed_recovery": "0.00", "tier": "light", "questions": 0,
           "flags": {}, "gaps": []}, body)


# --- monthly in arrears ----------------------------------------------------------------------
# Runs: May (1-31 May: Tuesdays 5, 12, 19, 26 and Thursdays 7, 14, 21, 28 = 48 hours, £624.00)
#   paid 5 June; June (1-30 June: 54 hours, £702.00) to be paid 7 July.
# opening 2,404.00; out 624.00; in 1,120.00; closing 2,900.00
# owed    the last run seen paid is May's: all of June's work is owed: 9 shifts = 54 hours x 13.00
#         = 702.00 (from the payment date, 5 June, only 42 hours = 546.00 and a surplus of 114.00)
# wages   5 June paid for May (work before the period): nothing in June to compare
# surplus 2,900.00 - 2,240.00 - 702.00 = -42.00
# minimum wage: May's run pays 624.00 gross for 48 hours, £13.00 an hour. Sent before the
#         payroll, the timesheets alone cannot say what the one bank payment paid for (it is
#         taken as the 31 days to 5 June: 54 hours, £11.56 an hour); once the run arrives it
#         says, and nothing is asked whichever came first.
@pytest.mark.parametrize("payroll_first", [True, False], ids=["payroll_first", "timesheets_first"])
def test_monthly_in_arrears_owes_the_whole_unpaid_month(tmp_path: Path, database_url: str,
                                                        payroll_first: bool) -> None:
    body = family(unique("monthly"), tmp_path, database_url, opening=money("2404.00"),
                  lines=wages((date(2026, 6, 5), money("624.00"))),
                  timesheet=shifts(date(2026, 5, 1), END),
                  payroll=[run(date(2026, 5, 1), date(2026, 5, 31), "48.00", money("624.00")),
                           run(START, END, "54.00", money("702.00"))], payroll_first=payroll_first)
    check({"closing_balance": "2900.00", "commitments": "702.00", "surplus": "-42.00",
           "proposed_recovery": "0.00", "tier": "light", "questions": 0}, body)
    # a flag raised from the timesheets alone is cleared once the run says otherwise
    assert [f["status"] for f in body["flags"]] == ([] if payroll_first else ["cleared"])


# --- weekly by bank transfer, no payroll: each Friday pays that week's shifts -----------------
# Payments 5, 12, 19, 26 June, £156.00 each, for the Tuesday and Thursday before each.
# opening 1,822.00; out 4 x 156.00 = 624.00; in 1,120.00; closing 2,318.00
# owed    no run says which days a payment paid, so the work up to the last payment (26 June)
#         counts as paid: 30 June = 6 hours = 78.00 owed
# wages   four payments, 624.00, against 1-26 June: 8 shifts = 48 hours = 624.00: no question
# surplus 2,318.00 - 2,240.00 - 78.00 = 0.00: nothing above contingency, nothing asked
def test_paid_by_bank_without_payroll_owes_the_work_after_the_last_payment(
        tmp_path: Path, database_url: str) -> None:
    week = money("156.00")
    body = family(unique("weekly"), tmp_path, database_url, opening=money("1822.00"),
                  lines=wages(*((day, week) for day in every(date(2026, 6, 5), 7, END))),
                  timesheet=shifts(START, END), payroll=[])
    check({"closing_balance": "2318.00", "commitments": "78.00", "surplus": "0.00",
           "proposed_recovery": "0.00", "tier": "light", "questions": 0}, body)


# --- a paid run for a fortnight with no timesheets (Pat's holiday, 1-14 June) -----------------
# As the fortnightly case, but Pat takes 1-14 June as paid holiday: no shifts then; the run for
#   1-14 June (24 hours of holiday pay, £312.00) is paid on 19 June as usual.
# opening 2,104.00; closing 2,600.00 (the same money as the fortnightly case)
# owed    the last run seen paid is 1-14 June: work from 15 June: 16, 18, 23, 25, 30 June
#         = 30 hours = 390.00
# wages   19 June paid the holiday run, which no timesheet covers: the payroll, not a
#         timesheet, accounts for it, so nothing is compared and nothing asked
# surplus 2,600.00 - 2,240.00 - 390.00 = -30.00
def test_a_paid_run_without_timesheets_still_marks_its_period_paid(tmp_path: Path, database_url: str) -> None:
    body = family(unique("holiday"), tmp_path, database_url, opening=money("2104.00"),
                  lines=wages((date(2026, 6, 5), FORTNIGHT), (date(2026, 6, 19), FORTNIGHT)),
                  timesheet=shifts(date(2026, 5, 18), END, skip=(START, date(2026, 6, 14))),
                  payroll=[run(start, start + timedelta(days=13), "24.00", FORTNIGHT)
                           for start in every(date(2026, 5, 18), 14, date(2026, 6, 15))])
    check({"closing_balance": "2600.00", "commitments": "390.00", "surplus": "-30.00",
           "proposed_recovery": "0.00", "tier": "light", "questions": 0}, body)
