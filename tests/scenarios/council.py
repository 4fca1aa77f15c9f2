"""Loadshire's small council: three people, 6 April to 4 October 2026 (26 weeks).

Each ``person_*`` function returns a ``Person``: the part of the onboarding document for them,
and the files they (or their bank, card platform and payroll bureau) would hand over. The
figures the audit should reach are worked by hand in ``test_small_council.py``, not here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from scenarios.builders import (
    Line,
    PayrollRow,
    Shift,
    between,
    closing_of,
    every,
    lloyds_csv,
    money,
    months,
    nationwide_csv,
    ofx_v1,
    payroll_csv,
    post,
    starling_csv,
    timesheet_csv,
    timesheet_xlsx,
)

START = date(2026, 4, 6)  # a Monday
END = date(2026, 10, 4)  # a Sunday: 182 days, 26 weeks
DP_START = date(2025, 9, 22)  # four-weekly payments since then land on 6 April 2026 too
COUNCIL_PAYER = "LOADSHIRE CC DP"


@dataclass
class Person:
    reference: str
    document: dict[str, Any]  # one entry of the onboarding document's "recipients"
    statements: dict[str, dict[str, bytes]]  # account reference -> file name -> bytes
    timesheets: dict[str, bytes] = field(default_factory=dict)
    payroll: dict[str, bytes] = field(default_factory=dict)


def council_document(code: str, people: list[Person]) -> dict[str, Any]:
    return {
        "council": {"code": code, "name": "Loadshire Council", "contingency_weeks": 8},
        "users": [{"email": f"officer@{code}.example.org", "name": "Olu Officer", "role": "officer"}],
        "recipients": [p.document for p in people],
    }


def _month_name(start: date) -> str:
    return f"{start:%Y-%m}"


# --- Person A: Margaret Hale, clean ------------------------------------------------------------

HALE_SORT_CODE, HALE_ACCOUNT, HALE_CARD = "30-91-74", "12345678", "XXXXXXXXXXXX1234"
HALE_BANK_OPENING, HALE_CARD_OPENING = money("850.00"), money("30.00")
HALE_COUNCIL, HALE_CONTRIBUTION_4W, HALE_INSTALMENT = money("771.80"), money("120.00"), money("30.00")
HALE_WAGE, HALE_EMPLOYER_NI, HALE_HMRC_Q1 = money("189.00"), money("13.95"), money("181.35")
HALE_TOP_UP, HALE_SWIM = money("80.00"), money("20.00")


def hale_bank_lines() -> list[Line]:
    lines: list[Line] = []
    for day in every(START, 28, END):  # 6 Apr, 4 May, 1 Jun, 29 Jun, 27 Jul, 24 Aug, 21 Sep
        lines.append(Line(day, COUNCIL_PAYER, HALE_COUNCIL, "BGC"))
        lines.append(Line(day, "TOP UP CARD 1234", -HALE_TOP_UP, "FPO"))  # same day, after it
    for day in every(date(2026, 4, 12), 7, END):  # Sundays 12 Apr .. 4 Oct: 26
        lines.append(Line(day, "M HALE DP CONTRIBUTION", HALE_INSTALMENT, "FPI"))
    for day in every(date(2026, 4, 10), 7, END):  # Fridays 10 Apr .. 2 Oct: 26
        lines.append(Line(day, "J SMITH WAGES", -HALE_WAGE, "FPO"))
    lines.append(Line(date(2026, 7, 22), "HMRC PAYE 123PA00045678", -HALE_HMRC_Q1, "BP"))
    return lines


def hale_card_lines() -> list[Line]:
    lines: list[Line] = []
    for day in every(date(2026, 4, 7), 28, END):  # the day after each top-up left the bank
        lines.append(Line(day, "TOPUP FROM 12345678", HALE_TOP_UP))
    for day in every(date(2026, 4, 8), 7, END):  # Wednesdays 8 Apr .. 30 Sep: 26
        lines.append(Line(day, "LOADSHIRE LEISURE SWIM", -HALE_SWIM))
    return lines


def person_a(code: str) -> Person:
    bank_ref, card_ref = f"{code}-hale-bank", f"{code}-hale-card"
    bank = post(HALE_BANK_OPENING, hale_bank_lines())
    card = post(HALE_CARD_OPENING, hale_card_lines())
    bank_files, card_files = {}, {}
    card_balance = HALE_CARD_OPENING
    for first, last in months(START, END):
        name = _month_name(first)
        bank_files[f"lloyds-{name}.csv"] = lloyds_csv(
            between(bank, first, last), sort_code=HALE_SORT_CODE, account_number=HALE_ACCOUNT)
        month = between(card, first, last)
        card_balance = closing_of(card_balance, month)
        card_files[f"card-{name}.ofx"] = ofx_v1(month, card_number=HALE_CARD, start=first, end=last,
                                                ledger_balance=card_balance, fitid_prefix="PPC")
    payroll = [PayrollRow("Jo Smith", week, week + timedelta(days=6), Decimal("14.00"), HALE_WAGE,
                          money(0), money(0), HALE_EMPLOYER_NI, HALE_WAGE)
               for week in every(START, 7, END)]
    document = {
        "reference": f"{code}-A", "name": "Margaret Hale", "dp_start_date": DP_START.isoformat(),
        "representatives": [{"kind": "self", "name": "Margaret Hale"}],
        "accounts": [
            {"reference": bank_ref, "kind": "bank", "institution": "Lloyds Bank", "number_last4": "5678"},
            {"reference": card_ref, "kind": "prepaid", "institution": "Loadshire prepaid card",
             "number_last4": "1234"},
        ],
        "workers": [{"reference": "W-SMITH", "name": "Jo Smith", "age_band": "21_plus",
                     "relationship": "none", "lives_in_household": False}],
        "payment_schedules": [{"account": bank_ref, "funding_model": "net", "frequency": "four_weeks",
                               "council_amount": str(HALE_COUNCIL),
                               "contribution_amount": str(HALE_CONTRIBUTION_4W),
                               "first_payment_on": DP_START.isoformat(),
                               "payer_reference": COUNCIL_PAYER}],
        "plans": [{"effective_from": DP_START.isoformat(), "period": "four_weeks",
                   "actual_budget": "891.80", "approved": True, "lines": [
                       {"category": "pa_wages", "description": "PA wages", "amount": "189.00",
                        "amount_basis": "week", "planned_hours_per_week": "14.00",
                        "hourly_rate": "13.50"},
                       {"category": "hmrc", "description": "Employer's National Insurance",
                        "amount": "13.95", "amount_basis": "week"},
                       {"category": "day_activities", "description": "Swimming", "amount": "20.00",
                        "amount_basis": "week"},
                   ]}],
    }
    return Person(f"{code}-A", document, {bank_ref: bank_files, card_ref: card_files},
                  payroll={"payroll-2026-27-h1.csv": payroll_csv(payroll)})


# --- Person B: Ravi Patel, a month missing, a sibling in the household paid as a PA --------------

PATEL_OPENING, PATEL_COUNCIL, PATEL_WAGE, PATEL_TAXI = (money("400.00"), money("424.00"),
                                                        money("91.00"), money("15.00"))
PATEL_MISSING = (date(2026, 7, 1), date(2026, 7, 31))


def patel_lines() -> list[Line]:
    lines: list[Line] = []
    for day in every(START, 28, END):
        lines.append(Line(day, COUNCIL_PAYER, PATEL_COUNCIL, "Bank credit"))
    for day in every(date(2026, 4, 8), 7, END):  # Wednesdays
        lines.append(Line(day, "LOADSHIRE TAXIS", -PATEL_TAXI, "Visa purchase"))
    for day in every(date(2026, 4, 10), 7, END):  # Fridays
        lines.append(Line(day, "A PATEL WAGES", -PATEL_WAGE, "Payment to"))
    lines += [Line(date(2026, 6, 30), "BOOTS 1124", money("-8.50"), "Contactless Payment"),
              Line(date(2026, 8, 1), "TESCO STORES 2041", money("-12.40"), "Contactless Payment"),
              Line(date(2026, 10, 4), "TESCO STORES 2041", money("-9.99"), "Contactless Payment")]
    return lines


def patel_shifts() -> list[Shift]:
    shifts = [Shift("Anil Patel", d, "09:00", "12:30", Decimal("3.50")) for d in every(START, 7, END)]
    shifts += [Shift("Anil Patel", d, "13:00", "16:30", Decimal("3.50"))
               for d in every(date(2026, 4, 9), 7, END)]
    return sorted(shifts, key=lambda s: s.day)


def person_b(code: str) -> Person:
    ref = f"{code}-patel-bank"
    posted = post(PATEL_OPENING, patel_lines())
    balance_when_downloaded = closing_of(PATEL_OPENING, posted)  # all downloaded on 5 October
    files = {}
    for first, last in months(START, END):
        if (first, last) == PATEL_MISSING:
            continue
        files[f"nationwide-{_month_name(first)}.csv"] = nationwide_csv(
            between(posted, first, last), account_name="FlexDirect ****45678",
            balance_now=balance_when_downloaded)
    sheets = {"timesheet-anil-patel.csv": timesheet_csv(patel_shifts(), title="Anil Patel timesheet")}
    document = {
        "reference": f"{code}-B", "name": "Ravi Patel", "dp_start_date": DP_START.isoformat(),
        "accounts": [{"reference": ref, "kind": "bank", "institution": "Nationwide",
                      "number_last4": "5678"}],
        "workers": [{"reference": "W-APATEL", "name": "Anil Patel", "age_band": "21_plus",
                     "relationship": "sibling", "lives_in_household": True}],
        "payment_schedules": [{"account": ref, "funding_model": "gross", "frequency": "four_weeks",
                               "council_amount": str(PATEL_COUNCIL),
                               "first_payment_on": DP_START.isoformat(),
                               "payer_reference": COUNCIL_PAYER}],
        "plans": [{"effective_from": DP_START.isoformat(), "period": "four_weeks",
                   "actual_budget": "424.00", "approved": True, "lines": [
                       {"category": "pa_wages", "description": "PA wages", "amount": "91.00",
                        "amount_basis": "week", "planned_hours_per_week": "7.00", "hourly_rate": "13.00"},
                       {"category": "transport", "description": "Taxis to the day centre",
                        "amount": "15.00", "amount_basis": "week"},
                   ]}],
    }
    return Person(f"{code}-B", document, {ref: files}, timesheets=sheets)


# --- Person C: Carys Jones, a PA paid below the minimum wage, and a surplus ---------------------

JONES_OPENING, JONES_COUNCIL, JONES_CONTRIBUTION = money("2500.00"), money("484.00"), money("40.00")
JONES_WAGE, JONES_ARTS = money("77.00"), money("25.00")


def jones_lines() -> list[Line]:
    lines: list[Line] = []
    for day in every(START, 28, END):
        lines.append(Line(day, f"{COUNCIL_PAYER} / DIRECT PAYMENT", JONES_COUNCIL, "FASTER PAYMENT"))
        lines.append(Line(day, "C JONES / DP CONTRIBUTION", JONES_CONTRIBUTION, "FASTER PAYMENT"))
    for day in every(date(2026, 4, 10), 7, END):  # Fridays: the week's wages, Monday to Sunday
        lines.append(Line(day, "K BROWN / WAGES", -JONES_WAGE, "FASTER PAYMENT"))
    for day in every(date(2026, 4, 11), 14, END):  # every other Saturday: 13
        lines.append(Line(day, "LOADSHIRE ARTS CENTRE / ", -JONES_ARTS, "CONTACTLESS"))
    lines.append(Line(END, "SAINSBURYS / ", money("-6.80"), "CONTACTLESS"))  # the period's last day
    return lines


def jones_shifts() -> list[Shift]:
    shifts = [Shift("Kim Brown", d, "10:00", "13:30", Decimal("3.50")) for d in every(date(2026, 4, 7), 7, END)]
    shifts += [Shift("Kim Brown", d, "10:00", "13:30", Decimal("3.50"))
               for d in every(date(2026, 4, 9), 7, END)]
    return sorted(shifts, key=lambda s: s.day)


def person_c(code: str) -> Person:
    ref = f"{code}-jones-bank"
    posted = post(JONES_OPENING, jones_lines())
    files, balance = {}, JONES_OPENING
    for first, last in months(START, END):
        month = between(posted, first, last)
        files[f"starling-{_month_name(first)}.csv"] = starling_csv(month, opening_day=first, opening=balance)
        balance = closing_of(balance, month)
    document = {
        "reference": f"{code}-C", "name": "Carys Jones", "dp_start_date": DP_START.isoformat(),
        "accounts": [{"reference": ref, "kind": "bank", "institution": "Starling Bank",
                      "number_last4": "4321"}],
        "workers": [{"reference": "W-KBROWN", "name": "Kim Brown", "age_band": "21_plus",
                     "relationship": "none", "lives_in_household": False}],
        "payment_schedules": [{"account": ref, "funding_model": "net", "frequency": "four_weeks",
                               "council_amount": str(JONES_COUNCIL),
                               "contribution_amount": str(JONES_CONTRIBUTION),
                               "first_payment_on": DP_START.isoformat(),
                               "payer_reference": COUNCIL_PAYER}],
        "plans": [{"effective_from": DP_START.isoformat(), "period": "four_weeks",
                   "actual_budget": "524.00", "approved": True, "lines": [
                       {"category": "pa_wages", "description": "PA wages", "amount": "91.00",
                        "amount_basis": "week", "planned_hours_per_week": "7.00", "hourly_rate": "13.00"},
                       {"category": "day_activities", "description": "Arts centre sessions",
                        "amount": "40.00", "amount_basis": "week"},
                   ]}],
    }
    sheets = {"timesheet-kim-brown.xlsx": timesheet_xlsx(jones_shifts(), title="Kim Brown: hours worked")}
    return Person(f"{code}-C", document, {ref: files}, timesheets=sheets)
