"""Reports as JSON-ready dicts, in the API's formats: money as decimal strings, ISO dates.

Money never becomes a float on the way out: ``Decimal("4696.00")`` is sent as ``"4696.00"``.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal
from enum import Enum
from typing import Any

from reports.formatting import money_string
from reports.model import AuditReport, CouncilSummary


def jsonable(value: Any) -> Any:
    """Dataclasses, tuples, enums, dates and Decimals turned into JSON-ready values.

    Model money is always two places, so ``format(value, "f")`` prints pence for money and
    keeps every place of an hourly rate or a number of hours, never an exponent.
    """
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {item.name: jsonable(getattr(value, item.name)) for item in dataclasses.fields(value)}
    if isinstance(value, tuple | list):
        return [jsonable(item) for item in value]
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, date):
        return value.isoformat()
    return value


def council_summary_json(summary: CouncilSummary) -> dict[str, Any]:
    """The council view as JSON, with totals worked out so no client adds money up."""
    return {
        "council_name": summary.council_name,
        "period_from": summary.period_from.isoformat(),
        "period_to": summary.period_to.isoformat(),
        "audits": {
            "due": sum(count.due for count in summary.audits_by_tier),
            "done": sum(count.done for count in summary.audits_by_tier),
            "by_tier": jsonable(summary.audits_by_tier),
        },
        "surplus": {
            "proposed": money_string(summary.surplus_proposed),
            "agreed": money_string(summary.surplus_agreed),
            "held": money_string(summary.surplus_held),
        },
        "flags_by_rule": [{**jsonable(count), "total": count.total} for count in summary.flags_by_rule],
        "unmet_need": jsonable(summary.unmet_need),
        "budgets": {
            "indicative_total": money_string(summary.indicative_total),
            "actual_total": money_string(summary.actual_total),
            "people": [
                {**jsonable(line), "difference": money_string(line.difference)} for line in summary.budgets
            ],
        },
    }


def audit_report_json(report: AuditReport) -> dict[str, Any]:
    """One audit as JSON: every model field, plus the derived figures the outputs show."""
    body: dict[str, Any] = jsonable(report)
    body["tier_points"] = report.tier_points
    body["open_flag_count"] = len(report.open_flags)
    for line, plan_line in zip(body["plan_lines"], report.plan_lines, strict=True):
        line["difference"] = money_string(plan_line.difference)
    for finding, source in zip(body["timesheet_findings"], report.timesheet_findings, strict=True):
        finding["below_minimum"] = source.below_minimum
    return body
