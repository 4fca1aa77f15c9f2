"""Cranshire: three people audited for 1 April to 30 June 2026 (91 days, 13 weeks).

Edith Crane (EC1): a Halifax account (monthly files, April's named with its period) and a
prepaid card (OFX v2); the council pays £1,200.00 on the 1st of each month, her daughter and
nominee Sarah pays her £100.00 contribution on the 3rd (the next working day when the 3rd is
not one); her PA Ruth Bell is paid fortnightly through a payroll bureau, with timesheets.
Frank Dale (FD2): a NatWest account, monthly files; £980.00 every four weeks (gross model),
paid the working day before when the day is a bank holiday; a homecare agency by direct debit.
Grace Ives (GI3): a Starling account (one file for the quarter) and a Monzo account she moves
money to each month; £150.00 a week, the working day before a bank holiday.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

from probe.probe_files import (
    Line,
    Shift,
    d,
    every,
    halifax_csv,
    monzo_csv,
    natwest_csv,
    ofx_v2,
    payroll_csv,
    post,
    starling_csv,
    timesheet_xlsx,
    within,
)

START, END = date(2026, 4, 1), date(2026, 6, 30)
APRIL, MAY, JUNE = (date(2026, 4, 1), date(2026, 4, 30)), (date(2026, 5, 1), date(2026, 5, 31)), (
    date(2026, 6, 1), date(2026, 6, 30))
BANK_HOLIDAYS = {date(2026, 5, 4): date(2026, 5, 1), date(2026, 5, 25): date(2026, 5, 22)}


def _plan(period: str, budget: str, lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"effective_from": "2026-01-01", "period": period, "actual_budget": budget, "approved": True,
             "lines": lines}]


# --- Edith Crane -------------------------------------------------------------------------------

EC_WAGE = d("355.88")  # 28 hours a fortnight x £12.71
EC_PAYDAYS = every(date(2026, 4, 3), 14, END)  # Fridays 3 Apr .. 26 Jun: 7


def crane_bank() -> list[Line]:
    lines: list[Line] = []
    for first in (date(2026, 4, 1), date(2026, 5, 1), date(2026, 6, 1)):
        lines += [Line(first, "CRANSHIRE CC DP", d("1200.00"), "BGC"),
                  Line(first, "EL INSURE DD", d("-12.50"), "DD"),
                  Line(first, "TOP UP CARD 9876", d("-150.00"), "FPO")]
    for day in (date(2026, 4, 3), date(2026, 5, 5), date(2026, 6, 3)):  # 3 May a Sunday, 4 May a holiday
        lines.append(Line(day, "S CRANE MUM DP", d("100.00"), "FPI"))
    for day in EC_PAYDAYS:
        lines.append(Line(day, "R BELL WAGES", -EC_WAGE, "FPO"))
    for day in (date(2026, 4, 10), date(2026, 5, 8), date(2026, 6, 12)):
        lines.append(Line(day, "OAKS DAY CENTRE", d("-240.00"), "DD"))
    return lines


def crane_card() -> list[Line]:
    lines = [Line(day, "TOP UP FROM BANK", d("150.00")) for day in
             (date(2026, 4, 1), date(2026, 5, 1), date(2026, 6, 1))]
    lines.append(Line(date(2026, 4, 8), "ARGOS LTD", d("-35.00")))
    lines += [Line(day, "CITY LEISURE SWIM", d("-6.50")) for day in every(date(2026, 4, 8), 7, END)]
    lines += [Line(day, "A2B TAXIS", d("-18.00")) for day in
              (date(2026, 4, 15), date(2026, 5, 20), date(2026, 6, 17))]
    return lines


def crane(folder: Path) -> dict[str, Any]:
    bank = post(d("2100.00"), crane_bank())
    card = post(d("45.00"), crane_card())
    files = folder / "EC1-bank"
    files.mkdir(parents=True)
    (files / "Halifax_12345678_2026-04-01_2026-04-30.csv").write_bytes(
        halifax_csv(within(bank, *APRIL), sort_code="11-22-33", number="12345678"))
    (files / "statement May.csv").write_bytes(
        halifax_csv(within(bank, *MAY), sort_code="11-22-33", number="12345678"))
    (files / "statement June.csv").write_bytes(
        halifax_csv(within(bank, *JUNE), sort_code="11-22-33", number="12345678"))
    cards = folder / "EC1-card"
    cards.mkdir()
    (cards / "card.ofx").write_bytes(ofx_v2(card, card="XXXXXXXXXXXX9876", start=START, end=END,
                                            ledger=card[-1][1]))
    shifts = []
    for monday in every(date(2026, 3, 16), 7, date(2026, 6, 29)):  # every shift to 30 June
        shifts += [Shift("Ruth Bell", day, "09:00", "16:00", d("7")) for day in
                   (monday + timedelta(days=1), monday + timedelta(days=3)) if day <= END]
    (folder / "EC1-timesheet.xlsx").write_bytes(timesheet_xlsx(shifts, title="Timesheet: Ruth Bell"))
    runs = [("Ruth Bell", start, start + timedelta(days=13), d("28.00"), EC_WAGE)
            for start in every(date(2026, 3, 16), 14, date(2026, 6, 8))]
    (folder / "EC1-payroll.csv").write_bytes(payroll_csv(runs))
    return {
        "reference": "EC1", "name": "Edith Crane", "dp_start_date": "2025-10-01",
        "representatives": [{"kind": "nominee", "name": "Sarah Crane", "relationship": "daughter"}],
        "accounts": [{"reference": "EC1-bank", "kind": "bank", "number_last4": "5678"},
                     {"reference": "EC1-card", "kind": "prepaid", "number_last4": "9876"}],
        "workers": [{"reference": "EC1-W1", "name": "Ruth Bell", "age_band": "21_plus"}],
        "payment_schedules": [{"account": "EC1-bank", "funding_model": "net", "frequency": "month",
                               "council_amount": "1200.00", "contribution_amount": "100.00",
                               "first_payment_on": "2025-10-01"}],
        "plans": _plan("month", "1300.00", [
            {"category": "pa_wages", "description": "PA, 14 hours a week", "amount": "840.00",
             "amount_basis": "period", "planned_hours_per_week": "14.00", "hourly_rate": "12.71"},
            {"category": "day_activities", "description": "Oaks day centre", "amount": "260.00",
             "amount_basis": "period"},
            {"category": "insurance", "description": "Employer's liability insurance", "amount": "13.00",
             "amount_basis": "period"},
            {"category": "transport", "description": "Taxis and outings", "amount": "187.00",
             "amount_basis": "period"}]),
    }


# --- Frank Dale --------------------------------------------------------------------------------

def dale_lines() -> list[Line]:
    lines = [Line(BANK_HOLIDAYS.get(day, day), "CRANSHIRE COUNCIL", d("980.00"), "BAC")
             for day in every(date(2026, 4, 6), 28, END)]  # 6 Apr, 4 May (1 May), 1 Jun, 29 Jun
    lines += [Line(day + timedelta(days=1) if day in BANK_HOLIDAYS else day, "HOMECARE PLUS LTD",
                   d("-200.00"), "D/D") for day in every(date(2026, 4, 6), 7, END)]  # 13 Mondays
    lines += [Line(date(2026, 4, 14), "TESCO STORES 2231", d("-43.20"), "POS"),
              Line(date(2026, 5, 20), "HOMECARE PLUS LTD REFUND", d("40.00"), "BAC")]
    return lines


def dale(folder: Path) -> dict[str, Any]:
    posted = post(d("600.00"), dale_lines())
    files = folder / "FD2-bank"
    files.mkdir(parents=True)
    for name, (start, end) in (("April", APRIL), ("May", MAY), ("June", JUNE)):
        (files / f"NatWest {name} 2026.csv").write_bytes(
            natwest_csv(within(posted, start, end), name="F DALE DP", number="87654321"))
    return {
        "reference": "FD2", "name": "Frank Dale", "dp_start_date": "2025-06-16",
        "accounts": [{"reference": "FD2-bank", "kind": "bank", "number_last4": "4321"}],
        "payment_schedules": [{"account": "FD2-bank", "funding_model": "gross", "frequency": "four_weeks",
                               "council_amount": "980.00", "first_payment_on": "2026-03-09"}],
        "plans": _plan("four_weeks", "980.00", [
            {"category": "agency_care", "description": "Homecare Plus, 8 hours a week", "amount": "200.00",
             "amount_basis": "week", "expected_payee": "HOMECARE PLUS"},
            {"category": "other", "description": "Shopping and outings", "amount": "45.00",
             "amount_basis": "week"}]),
    }


# --- Grace Ives --------------------------------------------------------------------------------

def ives_bank() -> list[Line]:
    lines: list[Line] = []
    for first in (date(2026, 4, 1), date(2026, 5, 1), date(2026, 6, 1)):
        lines.append(Line(first, "GRACE IVES / TRANSFER TO MONZO", d("-50.00"), "FASTER PAYMENT"))
    lines += [Line(BANK_HOLIDAYS.get(day, day), "CRANSHIRE CC / DP WEEKLY", d("150.00"), "FASTER PAYMENT")
              for day in every(date(2026, 4, 6), 7, END)]  # 13 Mondays
    lines += [Line(day, "T OKAFOR / PA WAGES", d("-120.00"), "FASTER PAYMENT")
              for day in every(date(2026, 4, 3), 7, END)]  # 13 Fridays
    return lines


def ives_monzo() -> list[Line]:
    lines = [Line(day, "Grace Ives", d("50.00"), "Faster payment") for day in
             (date(2026, 4, 1), date(2026, 5, 1), date(2026, 6, 1))]
    lines += [Line(day, "Uber", d("-12.40"), "Card payment") for day in
              (date(2026, 4, 9), date(2026, 4, 23), date(2026, 5, 7), date(2026, 5, 21), date(2026, 6, 4),
               date(2026, 6, 18), date(2026, 6, 29))]
    lines += [Line(day, "Boots", d("-8.99"), "Card payment") for day in (date(2026, 4, 17), date(2026, 6, 10))]
    return lines


def ives(folder: Path) -> dict[str, Any]:
    bank = post(d("400.00"), ives_bank())
    monzo = post(d("20.00"), ives_monzo())
    (folder / "GI3-bank").mkdir(parents=True)
    (folder / "GI3-bank" / "StarlingStatement_2026-04-01_2026-06-30.csv").write_bytes(
        starling_csv(bank, opening_day=START, opening=d("400.00")))
    (folder / "GI3-monzo").mkdir()
    (folder / "GI3-monzo" / "MonzoDataExport_Quarter_2026-06-30.csv").write_bytes(monzo_csv(monzo, id_prefix="gi"))
    return {
        "reference": "GI3", "name": "Grace Ives", "dp_start_date": "2025-03-03",
        "accounts": [{"reference": "GI3-bank", "kind": "bank", "number_last4": "1111"},
                     {"reference": "GI3-monzo", "kind": "bank", "number_last4": "2222"}],
        "workers": [{"reference": "GI3-W1", "name": "Tunde Okafor", "age_band": "21_plus"}],
        "payment_schedules": [{"account": "GI3-bank", "funding_model": "gross", "frequency": "week",
                               "council_amount": "150.00", "first_payment_on": "2026-03-02"}],
        "plans": _plan("week", "150.00", [
            {"category": "pa_wages", "description": "PA, 9 hours a week", "amount": "120.00",
             "amount_basis": "week", "planned_hours_per_week": "9.00", "hourly_rate": "13.33"},
            {"category": "transport", "description": "Taxis", "amount": "30.00", "amount_basis": "week"}]),
    }


def build(folder: Path) -> dict[str, Any]:
    people = [crane(folder), dale(folder), ives(folder)]
    return {"council": {"code": "cranshire", "name": "Cranshire Council", "contingency_weeks": 8},
            "users": [{"email": "officer@cranshire.example.org", "name": "Ola Officer", "role": "officer"}],
            "recipients": people}
