"""The officer's workbook: where the audit stands, what was decided, and details that read right."""

from __future__ import annotations

import dataclasses
import io
from datetime import date
from decimal import Decimal as D
from typing import Any

from openpyxl import load_workbook
from reports_fixtures import light_report, standard_report

from reports.model import (
    AuditStatus,
    Decision,
    Flag,
    PlannedHours,
    TransferPair,
    UnderspendNote,
)
from reports.xlsx import render_workbook


def book(report: Any) -> Any:
    return load_workbook(io.BytesIO(render_workbook(report)))


def summary(report: Any) -> dict[str, tuple[Any, Any]]:
    rows: dict[str, tuple[Any, Any]] = {}
    for row in book(report)["Summary"].iter_rows(min_row=2, values_only=True):
        rows.setdefault(row[0], (row[1], row[2]))
    return rows


def test_the_summary_shows_the_decision_who_made_it_and_when() -> None:
    report = dataclasses.replace(
        light_report(), status=AuditStatus.CLOSED,
        decision=Decision(D("1000.00"), "A wheelchair repair is already booked", "Olu Officer",
                          date(2025, 7, 20)))
    rows = summary(report)
    assert rows["Status"][0] == "Closed"
    assert rows["Proposed recovery"][0] == float(report.proposed_recovery)
    assert rows["Agreed recovery"][0] == 1000
    assert rows["Decision reason"][0] == "A wheelchair repair is already booked"
    assert rows["Decided by"][0] == "Olu Officer"
    assert rows["Decided on"][0].date() == date(2025, 7, 20)


def test_an_open_undecided_audit_says_so() -> None:
    rows = summary(light_report())
    assert rows["Status"][0] == "Open"
    assert rows["Agreed recovery"] == (None, "Not yet decided")
    assert rows["Decided by"][0] == "Nobody yet"


def test_one_flag_is_one_flag() -> None:
    report = standard_report()
    one = dataclasses.replace(report, flags=report.flags[:1])
    assert summary(one)["Open flags"] == (1, "1 flag in all")
    assert summary(report)["Open flags"] == (2, "2 flags in all")


def test_the_difference_note_matches_the_sign_of_its_figure() -> None:
    # the service's difference is closing - (opening + in - out): the note says the same
    note = summary(light_report())["Difference from statements"][1]
    assert note.startswith("Closing - (opening + in - out)")


def test_held_recovery_and_underspend_are_in_the_officers_words() -> None:
    report = dataclasses.replace(
        light_report(), recovery_held=True, recovery_held_reason="you could not find a PA",
        recovery_held_reason_for_officer="The person could not recruit a personal assistant",
        underspend=(UnderspendNote("You told us that you could not find a personal assistant",
                                   "The person could not recruit a personal assistant",
                                   date(2025, 4, 1), date(2025, 5, 12), "no PA for six weeks", True),))
    rows = summary(report)
    assert rows["Recovery held"] == ("Yes", "The person could not recruit a personal assistant")
    value, note = rows["Underspend reason"]
    assert value == "The person could not recruit a personal assistant"
    assert "1 April 2025 to 12 May 2025" in note and "holds the recovery" in note
    assert not any("you " in str(v).lower() for pair in rows.values() for v in pair if v)


def test_rule_ids_are_never_cut_off() -> None:
    report = dataclasses.replace(standard_report(), flags=(
        Flag("unlawful.household_relative", "Paying a relative", "unlawful", "open", "Explained."),))
    sheet = book(report)["Flags"]
    assert sheet.column_dimensions["A"].width >= len("unlawful.household_relative") + 1


def test_planned_hours_are_per_line_and_transfers_have_their_own_sheet() -> None:
    report = dataclasses.replace(
        light_report(),
        planned_hours=(PlannedHours("PA support, 16 hours a week", D("208"), D("192.5"), 2),),
        transfers=(TransferPair("DP-0042", "CARD-7", D("150.00"), date(2025, 5, 2)),))
    wb = book(report)
    hours = list(wb["Planned hours"].iter_rows(values_only=True))
    assert hours[1] == ("PA support, 16 hours a week", 208, 192.5, 2)
    transfers = list(wb["Own-account transfers"].iter_rows(values_only=True))
    assert transfers[0] == ("Date", "From account", "To account", "Amount")
    assert transfers[1][1:] == ("DP-0042", "CARD-7", 150)
    assert summary(report)["Own-account transfers"] == (1, "1 pair; see the Own-account transfers sheet")

