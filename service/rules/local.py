"""Local-policy rules over a period (off unless a council switches them on; never unlawful).

Per-transaction local rules (alcohol, dating, pawn shops) run inside `classify`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from service.rules.model import CareStay, Classification, Hit, Txn
from service.rules.ruleset import RuleSet

CASH_RULE = "local.cash_over_limit"
CARE_HOME_RULE = "local.care_home_stay"


def check_cash_over_limit(classified: Iterable[tuple[Txn, Classification]],
                          rules: RuleSet) -> list[Hit]:
    """One hit per calendar month in which cash taken out is above the council's amount."""
    if not rules.is_on(CASH_RULE):
        return []
    limit = Decimal(rules.param(CASH_RULE, "monthly_limit"))
    totals: dict[str, Decimal] = {}
    for txn, found in classified:
        if found.category == "cash" and txn.amount < 0:
            month = f"{txn.date:%Y-%m}"
            totals[month] = totals.get(month, Decimal(0)) - txn.amount
    return [_cash_hit(rules, month, total, limit)
            for month, total in sorted(totals.items()) if total > limit]


def _cash_hit(rules: RuleSet, month: str, total: Decimal, limit: Decimal) -> Hit:
    rule = rules.rule(CASH_RULE)
    named = dt.date.fromisoformat(f"{month}-01").strftime("%B %Y")
    reason = rule.reason.format(total=f"£{total:,.2f}", month=named, limit=f"£{limit:,.2f}")
    return Hit(rule.id, rule.version, rule.severity, rule.title, reason, f"month:{month}",
               (("month", month), ("total", str(total)), ("limit", str(limit))))


def join_stays(stays: Iterable[CareStay], gap_days: int) -> list[list[CareStay]]:
    """Group stays less than `gap_days` apart: such stays count as one (2009 regs, reg 13)."""
    runs: list[list[CareStay]] = []
    for stay in sorted(stays, key=lambda s: s.start):
        if runs and (stay.start - max(s.end for s in runs[-1])).days < gap_days:
            runs[-1].append(stay)
        else:
            runs.append([stay])
    return runs


def _nights(stay: CareStay, until: dt.date) -> int:
    """Nights of a stay before `until` (first and last night inclusive)."""
    return max(0, (min(stay.end, until - dt.timedelta(days=1)) - stay.start).days + 1)


def _longest_in_window(run: list[CareStay], window_days: int) -> int:
    """The most nights of a run that fall inside any window starting when a stay starts."""
    best = 0
    for i, opening in enumerate(run):
        until = opening.start + dt.timedelta(days=window_days)
        best = max(best, sum(_nights(s, until) for s in run[i:]))
    return best


def check_care_home_stays(stays: Iterable[CareStay], rules: RuleSet) -> list[Hit]:
    """Needs review: joined care home stays longer than the council's weeks in its window."""
    if not rules.is_on(CARE_HOME_RULE):
        return []
    max_days = 7 * int(rules.param(CARE_HOME_RULE, "max_weeks"))
    window_days = int(rules.param(CARE_HOME_RULE, "window_months")) * 365 // 12
    gap = 7 * int(rules.param(CARE_HOME_RULE, "join_gap_weeks"))
    hits = []
    for run in join_stays(stays, gap):
        nights = _longest_in_window(run, window_days)
        if nights > max_days:
            hits.append(_stay_hit(rules, run[0].start, max(s.end for s in run), nights))
    return hits


def _stay_hit(rules: RuleSet, first: dt.date, last: dt.date, nights: int) -> Hit:
    rule = rules.rule(CARE_HOME_RULE)
    weeks = Decimal(nights) / 7
    reason = rule.reason.format(
        start=f"{first:%-d %B %Y}", end=f"{last:%-d %B %Y}", weeks=f"{weeks:.1f}",
        max_weeks=rules.param(CARE_HOME_RULE, "max_weeks"))
    evidence = (("start", first.isoformat()), ("end", last.isoformat()), ("nights", str(nights)))
    return Hit(rule.id, rule.version, rule.severity, rule.title, reason,
               f"stay:{first.isoformat()}", evidence)
