"""Loadshire's small council, audited 6 April to 4 October 2026 (182 days, 26 weeks).

The figures below were worked out by hand from the scenario (``council.py``) before the
program was run; the arithmetic is in the comments. They are the yardstick: when the program
prints something else, the program is wrong until the arithmetic here is shown to be.

Conventions used throughout:
- money in and money out leave out transfers between the person's own accounts (a bank-to-card
  top-up and its arrival on the card are neither); opening and closing are for all accounts;
  reconciliation_difference is what makes opening + in - out + difference = closing;
- weekly plan value = the plan's four-weekly budget x 7 / 28 (service/audits/plan.py);
  contingency = contingency_weeks x weekly plan value;
  surplus = closing - contingency - known commitments (service/audits/surplus.py), split between
  council and contribution in proportion to what each paid in over the period;
- "questions" = findings of severity "question" plus flags still open (``harness.questions``);
- every flag is about one transaction, so a rule that fires on six payments is six flags.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from conftest import unique

from scenarios.council import END, START, Person, council_document, person_a, person_b, person_c
from scenarios.harness import (
    admin_key,
    audit,
    contract_shape,
    import_folder,
    load_document,
    mismatches,
    recipient_id,
    table,
    upload,
)

# --- Person A, Margaret Hale: everything as planned ------------------------------------------
# Lloyds bank (opening 850.00) and a prepaid card (opening 30.00), monthly files that chain.
# Plan, four-weekly 891.80 = PA wages 189.00/wk (14 h x 13.50) + employer's NI 13.95/wk
#   ((189.00 - 96.00 secondary threshold) x 15%) + swimming 20.00/wk = 222.95/wk x 4.
# Council 771.80 every 4 weeks + contribution 120.00 every 4 weeks (= 891.80), the contribution
#   paid as 30.00 every Sunday. The PA earns 189.00 x 52 = 9,828.00 a year: under 10,000.00,
#   so no pension auto-enrolment; under the PAYE and employee NI thresholds, so net = gross.
# opening      850.00 bank + 30.00 card = 880.00
# money in     council 7 x 771.80 (6 Apr, 4 May, 1 Jun, 29 Jun, 27 Jul, 24 Aug, 21 Sep) = 5,402.60
#              + contribution 26 x 30.00 (Sundays 12 Apr .. 4 Oct) = 780.00  ->  6,182.60
#              (7 top-ups of 80.00 = 560.00 left the bank and reached the card: a transfer)
# money out    wages 26 x 189.00 (Fridays 10 Apr .. 2 Oct) = 4,914.00
#              + HMRC quarter 1 (6 Apr-5 Jul: 13 weeks x 13.95) paid 22 Jul = 181.35
#              + swimming on the card 26 x 20.00 (Wednesdays 8 Apr .. 30 Sep) = 520.00  ->  5,615.35
# closing      880.00 + 6,182.60 - 5,615.35 = 1,447.25
#              (bank 850.00 + 6,182.60 - 4,914.00 - 181.35 - 560.00 = 1,377.25; card 30.00 + 560.00
#              - 520.00 = 70.00; 1,377.25 + 70.00 = 1,447.25)
# difference   0.00 (every day is on a statement; the balances chain)
# weekly plan  891.80 x 7 / 28 = 222.95; contingency 8 x 222.95 = 1,783.60
# commitments  HMRC quarter 2 (6 Jul-4 Oct: 13 weeks x 13.95 = 181.35), due 22 Oct: the payroll
#              shows 26 x 13.95 = 362.70 due, the statements 181.35 paid  ->  181.35
# surplus      1,447.25 - 1,783.60 - 181.35 = -517.70: nothing above contingency, recovery 0.00,
#              council and contribution shares 0.00
# tier         light: the score is first audit (1) + a bank account (1) = 2, under 3; no flags,
#              no gaps, no questions
EXPECTED_A: dict[str, Any] = {
    "opening_balance": "880.00", "closing_balance": "1447.25",
    "money_in": "6182.60", "money_out": "5615.35", "reconciliation_difference": "0.00",
    "weekly_plan_value": "222.95", "contingency_weeks": 8, "contingency": "1783.60",
    "commitments": "181.35", "surplus": "-517.70", "proposed_recovery": "0.00",
    "council_share": "0.00", "contribution_share": "0.00", "recovery_held": False,
    "tier": "light", "gaps": [], "flags": {}, "questions": 0,
}

# --- Person B, Ravi Patel: July's statement missing; his brother is his PA --------------------
# Nationwide FlexDirect (opening 400.00), monthly files, the July file never handed in.
# Plan, four-weekly 424.00 = PA wages 91.00/wk (7 h x 13.00) + taxis 15.00/wk = 106.00/wk x 4.
# Gross model: the council pays 424.00 every 4 weeks; nothing is paid in by Ravi.
# His brother Anil lives with him and is paid as his PA; the council has recorded no decision
# that this is necessary: unlawful (Direct Payments Regulations 2014 reg 3), on every payment.
# opening      400.00
# money in     council 6 x 424.00 (6 Apr, 4 May, 1 Jun, 29 Jun, 24 Aug, 21 Sep; 27 Jul is in the
#              missing month) = 2,544.00
# money out    wages 21 x 91.00 (26 Fridays less 3, 10, 17, 24, 31 Jul) = 1,911.00
#              + taxis 21 x 15.00 (26 Wednesdays less 1, 8, 15, 22, 29 Jul) = 315.00
#              + Boots 8.50 (30 Jun) + Tesco 12.40 (1 Aug) + Tesco 9.99 (4 Oct) = 30.89  ->  2,256.89
# closing      the last balance on the October file: 400.00 + 7 x 424.00 - 26 x 91.00 - 26 x 15.00
#              - 30.89 = 400.00 + 2,968.00 - 2,366.00 - 390.00 - 30.89 = 581.11
# difference   581.11 - (400.00 + 2,544.00 - 2,256.89) = 581.11 - 687.11 = -106.00
#              (July's own movement: + 424.00 - 5 x 91.00 - 5 x 15.00 = -106.00)
# gaps         the June file ends on 30 June and the August file starts on 1 August:
#              "no statement from 1 July to 31 July 2026" (one account, so it is not named)
# weekly plan  424.00 x 7 / 28 = 106.00; contingency 8 x 106.00 = 848.00
# commitments  0.00: no payroll (under 96.00 a week), and every week on the timesheet was paid
#              (July's wages too: the closing balance is after them)
# surplus      581.11 - 848.00 - 0.00 = -266.89: recovery 0.00, shares 0.00
# flags        unlawful.household_relative on each of the 21 wage payments held
# tier         full: 21 unlawful flags x 10 points is past 10
# questions    21 open flags + 1 question asking for the July statement = 22
EXPECTED_B: dict[str, Any] = {
    "opening_balance": "400.00", "closing_balance": "581.11",
    "money_in": "2544.00", "money_out": "2256.89", "reconciliation_difference": "-106.00",
    "weekly_plan_value": "106.00", "contingency_weeks": 8, "contingency": "848.00",
    "commitments": "0.00", "surplus": "-266.89", "proposed_recovery": "0.00",
    "council_share": "0.00", "contribution_share": "0.00", "recovery_held": False,
    "tier": "full", "gaps": ["no statement from 1 July to 31 July 2026"],
    "flags": {"unlawful.household_relative": 21}, "questions": 22,
}

# --- Person C, Carys Jones: her PA is paid below the minimum wage; money has built up ------------
# Starling (opening 2,500.00), monthly files each starting with an "Opening Balance" row.
# Plan, four-weekly 524.00 = PA wages 91.00/wk (7 h x 13.00) + arts centre 40.00/wk = 131.00/wk x 4.
# Net model: council 484.00 + contribution 40.00 every 4 weeks, on the same day.
# Kim Brown works 3.5 h every Tuesday and Thursday (7.00 h a week, the timesheet XLSX) and is
# paid 77.00 every Friday for that week: 77.00 / 7.00 = 11.00 an hour, under the 12.71 for 21 and
# over from 1 April 2026. Under every tax threshold, so the bank payment is the gross pay.
# opening      2,500.00
# money in     council 7 x 484.00 = 3,388.00 + contribution 7 x 40.00 = 280.00  ->  3,668.00
# money out    wages 26 x 77.00 = 2,002.00 + arts centre 13 x 25.00 (every other Saturday
#              11 Apr .. 26 Sep) = 325.00 + Sainsbury's 6.80 (4 Oct, flexible use)  ->  2,333.80
# closing      2,500.00 + 3,668.00 - 2,333.80 = 3,834.20; difference 0.00
# gaps         none: each month's file opens with an "Opening Balance" row on its first day that
#              equals the last balance of the month before, and the last file has a line on 4 Oct
# weekly plan  524.00 x 7 / 28 = 131.00; contingency 8 x 131.00 = 1,048.00
# commitments  0.00: no payroll, every timesheet week paid on its Friday. The minimum-wage
#              arrears ((12.71 - 11.00) x 182 h = 311.22) become owed once an officer upholds
#              the flags; until then they are a question, not a known commitment.
# surplus      3,834.20 - 1,048.00 - 0.00 = 2,786.20
# shares       council 2,786.20 x 3,388.00 / 3,668.00 = 9,439,645.60 / 3,668 = 2,573.5129 -> 2,573.51;
#              contribution 2,786.20 - 2,573.51 = 212.69; proposed recovery = council share 2,573.51
# flags        unlawful.below_minimum_wage on each of the 26 weekly wage payments
# tier         full: 26 unlawful flags x 10 points (and 2,786.20 / 131.00 = 21.27 weeks of surplus)
# questions    26 open flags + 1 question about the surplus (is any of it spoken for?) = 27
EXPECTED_C: dict[str, Any] = {
    "opening_balance": "2500.00", "closing_balance": "3834.20",
    "money_in": "3668.00", "money_out": "2333.80", "reconciliation_difference": "0.00",
    "weekly_plan_value": "131.00", "contingency_weeks": 8, "contingency": "1048.00",
    "commitments": "0.00", "surplus": "2786.20", "proposed_recovery": "2573.51",
    "council_share": "2573.51", "contribution_share": "212.69", "recovery_held": False,
    "tier": "full", "gaps": [], "flags": {"unlawful.below_minimum_wage": 26}, "questions": 27,
}


def run_council(make: Callable[[str], Person], tmp_path: Path, database_url: str, client: Any
                ) -> tuple[Person, dict[str, Any]]:
    """One person in a council of their own: load, send timesheets and payroll, import every
    account's folder of statements, then audit the 26 weeks."""
    code = unique("loadshire")
    person = make(code)
    load_document(council_document(code, [person]), tmp_path, database_url)
    if person.timesheets or person.payroll:
        auth = admin_key(code, database_url)
        rid = recipient_id(client, auth, person.reference)
        for name, data in person.timesheets.items():
            upload(client, auth, f"/v1/recipients/{rid}/timesheets", name, data)
        for name, data in person.payroll.items():
            upload(client, auth, f"/v1/recipients/{rid}/payroll-runs:upload", name, data)
    for account, files in person.statements.items():
        import_folder(files, tmp_path / account, account, database_url)
    first_account = next(iter(person.statements))
    return person, audit(first_account, START.isoformat(), END.isoformat(), database_url)


def check(expected: dict[str, Any], person: Person, body: dict[str, Any]) -> None:
    wrong = mismatches({**expected, "accounts": sorted(person.statements)}, body)
    shape = contract_shape(body)
    assert not wrong and not shape, (
        f"{person.document['name']}: figures that differ from the hand figures:\n{table(wrong)}\n"
        f"contract: {shape}")


def test_person_a_clean_account_closes_light(tmp_path: Path, database_url: str, client: Any) -> None:
    person, body = run_council(person_a, tmp_path, database_url, client)
    check(EXPECTED_A, person, body)


def test_person_b_missing_month_and_household_relative(tmp_path: Path, database_url: str,
                                                       client: Any) -> None:
    person, body = run_council(person_b, tmp_path, database_url, client)
    check(EXPECTED_B, person, body)


def test_person_c_below_minimum_wage_and_surplus(tmp_path: Path, database_url: str, client: Any) -> None:
    person, body = run_council(person_c, tmp_path, database_url, client)
    check(EXPECTED_C, person, body)
