"""The report model refuses what would make a printed figure wrong."""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal

import pytest
from reports_fixtures import council_summary, light_report, standard_report

from reports.formatting import long_date, money_string, pounds
from reports.model import FlagStatus, PlanLine, Severity, Tier, Transaction


def test_money_must_be_decimal_never_float():
    with pytest.raises(TypeError, match="amount must be a Decimal"):
        Transaction(date(2025, 4, 1), "A", "SHOP", -1.5, "x", "X", "r")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        dataclasses.replace(light_report(), closing_balance=4696.0)


def test_money_must_be_whole_pence():
    with pytest.raises(ValueError, match="pence"):
        PlanLine("PA", "PA wages", Decimal("1.001"), Decimal("1"), Decimal("1"))


def test_a_period_cannot_end_before_it_starts():
    with pytest.raises(ValueError, match="before it starts"):
        dataclasses.replace(light_report(), period_to=date(2025, 3, 1))


def test_reports_cannot_change_once_built():
    report = light_report()
    with pytest.raises(dataclasses.FrozenInstanceError):
        report.surplus = Decimal("0.00")  # type: ignore[misc]


def test_words_become_enums_and_lists_become_tuples():
    report = dataclasses.replace(standard_report(), flags=list(standard_report().flags))
    assert report.tier is Tier.STANDARD
    assert isinstance(report.flags, tuple)
    assert report.flags[0].severity is Severity.HARMFUL
    assert report.flags[0].status is FlagStatus.OPEN
    assert len(report.open_flags) == 2
    assert report.tier_points == 7


def test_the_fixture_figures_add_up():
    for report in (light_report(), standard_report()):
        assert report.opening_balance + report.money_in - report.money_out == report.closing_balance
        assert report.closing_balance - report.contingency - report.commitments == report.surplus


def test_council_totals():
    summary = council_summary()
    assert summary.indicative_total == Decimal("28080.00")
    assert summary.actual_total == Decimal("28080.50")
    assert summary.flags_by_rule[0].total == 12


def test_letter_formats():
    assert pounds(Decimal("1234.5")) == "£1,234.50"
    assert pounds(Decimal("-12")) == "minus £12.00"
    assert long_date(date(2025, 4, 1)) == "1 April 2025"
    assert money_string(Decimal("-0.5")) == "-0.50"
