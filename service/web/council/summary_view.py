"""The council summary as the page shows it: for each part, a chart and the table of its figures.

Every figure comes from ``reports.CouncilSummary``, the same model the API's JSON and the
workbook are written from; nothing here adds money up except through the model's totals.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from reports import CouncilSummary
from service.web.council.charts import Series, bar_chart
from service.web.render import pounds

TIER_WORDS = {"light": "Light", "standard": "Standard", "full": "Full"}


@dataclass(frozen=True)
class Part:
    """One part of the summary: a heading, a chart (if there is anything to draw) and its table."""

    id: str
    heading: str
    chart: Markup | None
    caption: str
    head: list[str]
    rows: list[list[Any]]
    numeric: tuple[int, ...]
    empty: str = ""


@dataclass(frozen=True)
class SummaryView:
    council_name: str
    period_from: Any
    period_to: Any
    audits_due: int
    audits_done: int
    parts: list[Part]
    budgets_by_person: list[list[str]]


def summary_view(summary: CouncilSummary) -> SummaryView:
    return SummaryView(
        summary.council_name, summary.period_from, summary.period_to,
        sum(count.due for count in summary.audits_by_tier),
        sum(count.done for count in summary.audits_by_tier),
        [_tiers(summary), _surplus(summary), _flags(summary), _unmet(summary), _budgets(summary)],
        [[line.recipient_reference, pounds(line.indicative), pounds(line.actual), pounds(line.difference)]
         for line in summary.budgets])


def _listed(items: list[str]) -> str:
    return "; ".join(items) + "."


def _tiers(summary: CouncilSummary) -> Part:
    counts = summary.audits_by_tier
    rows: list[list[Any]] = [[TIER_WORDS[c.tier.value], c.due, c.done] for c in counts]
    if not any(c.due or c.done for c in counts):
        return Part("tiers", "Audits by tier", None, "Audits due and done by tier", ["Tier", "Due", "Done"],
                    rows, (1, 2), "No audits were due or done in this period.")
    labels = [TIER_WORDS[c.tier.value] for c in counts]
    described = _listed([f"{TIER_WORDS[c.tier.value]}: {c.due} due, {c.done} done" for c in counts])
    chart = bar_chart("chart-tiers", "Audits due and done by tier", "Bar chart. " + described,
                      labels, [Series("Due", [c.due for c in counts]),
                               Series("Done", [c.done for c in counts])])
    return Part("tiers", "Audits by tier", chart, "Audits due and done by tier",
                ["Tier", "Due", "Done"], rows, (1, 2))


def _surplus(summary: CouncilSummary) -> Part:
    figures = [("Proposed for recovery", summary.surplus_proposed),
               ("Agreed for recovery", summary.surplus_agreed),
               ("Held back", summary.surplus_held)]
    rows: list[list[Any]] = [[name, pounds(amount)] for name, amount in figures]
    if not any(amount for _, amount in figures):
        return Part("surplus", "Surplus", None, "Surplus proposed, agreed and held", ["Surplus", "Amount"],
                    rows, (1,), "No surplus was proposed, agreed or held in this period.")
    chart = bar_chart("chart-surplus", "Surplus proposed, agreed and held",
                      "Bar chart. " + _listed([f"{name}: {pounds(amount)}" for name, amount in figures]),
                      [name for name, _ in figures],
                      [Series("Surplus", [amount for _, amount in figures])], money=True)
    return Part("surplus", "Surplus", chart, "Surplus proposed, agreed and held",
                ["Surplus", "Amount"], rows, (1,))


def _flags(summary: CouncilSummary) -> Part:
    counts = summary.flags_by_rule
    rows = [[c.title, c.open, c.cleared, c.upheld, c.total] for c in counts]
    head = ["Rule", "Open", "Cleared", "Upheld", "Total"]
    if not counts:
        return Part("flags", "Flags by rule and outcome", None, "Flags by rule and outcome", head, rows,
                    (1, 2, 3, 4), "No flags were raised in this period.")
    described = _listed([f"{c.title}: {c.open} open, {c.cleared} cleared, {c.upheld} upheld"
                         for c in counts])
    chart = bar_chart("chart-flags", "Flags by rule and outcome", "Stacked bar chart. " + described,
                      [c.title for c in counts],
                      [Series("Open", [c.open for c in counts]),
                       Series("Cleared", [c.cleared for c in counts]),
                       Series("Upheld", [c.upheld for c in counts])], horizontal=True, stacked=True)
    return Part("flags", "Flags by rule and outcome", chart, "Flags by rule and outcome", head, rows,
                (1, 2, 3, 4))


def _unmet(summary: CouncilSummary) -> Part:
    needs = summary.unmet_need
    head = ["Reason", "People", "Surplus"]
    rows = [[n.reason, n.people, pounds(n.amount)] for n in needs]
    if not needs:
        return Part("unmet", "Unmet need by reason", None, "Unmet need by reason", head, rows, (1, 2),
                    "Nobody gave a reason for unspent money in this period.")
    described = _listed([f"{n.reason}: {n.people} people, {pounds(n.amount)}" for n in needs])
    chart = bar_chart("chart-unmet", "Surplus by reason for unmet need", "Bar chart. " + described,
                      [n.reason for n in needs], [Series("Surplus", [n.amount for n in needs])],
                      horizontal=True, money=True)
    return Part("unmet", "Unmet need by reason", chart, "Unmet need by reason", head, rows, (1, 2))


def _budgets(summary: CouncilSummary) -> Part:
    head = ["Budget", "Total a year"]
    rows = [["Indicative (early estimate)", pounds(summary.indicative_total)],
            ["Actual (approved plans)", pounds(summary.actual_total)]]
    if not summary.budgets:
        return Part("budgets", "Indicative and actual budgets", None, "Indicative and actual budgets",
                    head, rows, (1,), "No approved plan has an indicative budget.")
    described = (f"Bar chart. Indicative budgets total {pounds(summary.indicative_total)} a year; "
                 f"actual budgets total {pounds(summary.actual_total)} a year, "
                 f"for {len(summary.budgets)} people.")
    chart = bar_chart("chart-budgets", "Indicative and actual budgets, totals a year", described,
                      ["Indicative", "Actual"],
                      [Series("Total a year", [summary.indicative_total, summary.actual_total])],
                      money=True)
    return Part("budgets", "Indicative and actual budgets", chart,
                "Indicative and actual budgets, totals a year", head, rows, (1,))
