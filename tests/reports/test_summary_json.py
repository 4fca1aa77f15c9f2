"""JSON outputs: money as exact decimal strings, ISO dates, and it survives json.dumps."""

from __future__ import annotations

import json
from dataclasses import replace
from decimal import Decimal

from reports_fixtures import council_summary, full_report, standard_report

from reports.summary import audit_report_json, council_summary_json


def all_values(value):
    if isinstance(value, dict):
        for item in value.values():
            yield from all_values(item)
    elif isinstance(value, list):
        for item in value:
            yield from all_values(item)
    else:
        yield value


def test_council_summary_json_has_money_as_strings_and_totals():
    body = council_summary_json(council_summary())
    assert body["surplus"] == {"proposed": "182340.55", "agreed": "150020.10", "held": "22310.00"}
    assert body["period_from"] == "2025-04-01"
    assert body["audits"]["due"] == 526 and body["audits"]["done"] == 483
    assert body["audits"]["by_tier"][0] == {"tier": "light", "due": 410, "done": 388}
    assert body["flags_by_rule"][0] == {
        "rule_id": "H1",
        "title": "Gambling",
        "open": 2,
        "cleared": 9,
        "upheld": 1,
        "total": 12,
    }
    assert body["unmet_need"][1] == {"reason": "In hospital", "people": 12, "amount": "9120.45"}
    assert body["budgets"]["indicative_total"] == "28080.00"
    assert body["budgets"]["actual_total"] == "28080.50"
    assert body["budgets"]["people"][1]["difference"] == "-519.50"
    assert not any(isinstance(value, float) for value in all_values(body))
    assert json.loads(json.dumps(body)) == body


def test_money_is_always_two_places_even_from_wider_arithmetic():
    # 360.00 x 8.00 is Decimal("2880.0000"); the model keeps it as pence.
    summary = replace(council_summary(), surplus_held=Decimal("360.00") * Decimal("8.00"))
    assert council_summary_json(summary)["surplus"]["held"] == "2880.00"


def test_audit_report_json_carries_every_figure_exactly():
    report = full_report()
    body = audit_report_json(report)
    assert body["closing_balance"] == str(report.closing_balance) == "4606.00"
    assert body["tier"] == "full" and body["tier_points"] == report.tier_points
    assert body["gaps"] == [{"start": "2025-05-10", "end": "2025-05-31"}]
    assert body["transactions"][0]["date"] == "2025-04-01"
    assert body["transactions"][0]["amount"] == "1560.00"
    assert body["flags"][0]["severity"] == "harmful"
    assert body["timesheet_findings"][0]["hours_worked"] == "53.33"
    assert body["timesheet_findings"][0]["below_minimum"] is True
    assert body["plan_lines"][0]["difference"] == "2184.00"
    assert body["open_flag_count"] == 2
    assert not any(isinstance(value, float) for value in all_values(body))
    assert json.loads(json.dumps(body)) == body


def test_hostile_text_is_just_a_string_in_json():
    body = audit_report_json(standard_report())
    descriptions = [item["description"] for item in body["transactions"]]
    assert '=HYPERLINK("http://evil","x")' in descriptions
