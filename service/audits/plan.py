"""The plan as the yardstick: its value per week, and spend against each plan line.

A plan's value on a given day is its period amount divided by the days in that period
(7, 28, the days of that calendar month, or of that year), using the plan version in force
that day. Working is exact (fractions); figures are rounded to the penny only when shown.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from itertools import pairwise

from service.audits.findings import Finding
from service.audits.inputs import (
    FLEXIBLE_USE,
    OWN_TRANSFER,
    AuditPeriod,
    PlanLine,
    PlanPeriod,
    PlanVersion,
    Transaction,
)
from service.audits.money import ZERO, Step, gbp, pennies, total
from service.audits.words import range_words

PERIOD_WORDS = {
    "week": "a week",
    "four_weeks": "every 4 weeks",
    "month": "a month",
    "year": "a year",
}


def days_in_plan_period(period: PlanPeriod, day: date) -> int:
    if period == "week":
        return 7
    if period == "four_weeks":
        return 28
    if period == "month":
        return calendar.monthrange(day.year, day.month)[1]
    return 366 if calendar.isleap(day.year) else 365


def days_of(period: AuditPeriod) -> Iterator[date]:
    for offset in range(period.days):
        yield period.start + timedelta(days=offset)


def version_on(day: date, versions: Sequence[PlanVersion]) -> PlanVersion | None:
    """The version in force; if two overlap, the one that started later replaced the other."""
    in_force = [v for v in versions if v.in_force(day)]
    return max(in_force, key=lambda v: v.effective_from) if in_force else None


def daily_value(version: PlanVersion, day: date) -> Fraction:
    return Fraction(version.period_amount) / days_in_plan_period(version.period, day)


def line_daily_value(line: PlanLine, version: PlanVersion, day: date) -> Fraction:
    if line.basis == "week":
        return Fraction(line.amount) / 7
    return Fraction(line.amount) / days_in_plan_period(version.period, day)


@dataclass(frozen=True, slots=True)
class PlanRun:
    """Consecutive days of the audit period with the same version in force and the same
    days in its plan period: every day of a run has the same value."""

    version: PlanVersion
    start: date
    end: date
    days: int
    days_in_plan_period: int


def plan_runs(period: AuditPeriod, versions: Sequence[PlanVersion]) -> list[PlanRun]:
    """The period's days with a version in force, as runs, in date order.

    The version in force and the days in its plan period change only where a version
    starts or ends, or a month (and so a year) starts: the days between are worked out once.
    """
    first, after = period.start.toordinal(), period.end.toordinal() + 1
    if after <= first:
        return []
    cuts = {first, after}
    for v in versions:
        cuts.add(v.effective_from.toordinal())
        if v.effective_to is not None:
            cuts.add(v.effective_to.toordinal() + 1)
    month = period.start.replace(day=1)
    while (ordinal := month.toordinal()) < after:
        cuts.add(ordinal)
        if month.year == date.max.year and month.month == 12:
            break
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    bounds = sorted(c for c in cuts if first <= c <= after)
    runs: list[PlanRun] = []
    for start, stop in pairwise(bounds):
        day = date.fromordinal(start)
        version = version_on(day, versions)
        if version is not None:
            runs.append(
                PlanRun(
                    version,
                    day,
                    date.fromordinal(stop - 1),
                    stop - start,
                    days_in_plan_period(version.period, day),
                )
            )
    return runs


@dataclass(frozen=True, slots=True)
class PlanSegment:
    """A run of days with one plan version and one daily value."""

    version_id: str
    start: date
    end: date
    days: int
    period: PlanPeriod
    period_amount: Decimal
    days_in_plan_period: int
    weekly_value: Decimal  # period amount x 7 / days in its period, to the penny for display


@dataclass(frozen=True, slots=True)
class WeeklyPlanValue:
    """The plan's value per week over the audit period: the average of its days."""

    weekly_value: Decimal
    period_value: Decimal  # the plan's value over all the audit period's days
    days: int
    days_without_plan: int
    segments: tuple[PlanSegment, ...]
    steps: tuple[Step, ...]


def plan_segments(
    period: AuditPeriod, versions: Sequence[PlanVersion], runs: Sequence[PlanRun] | None = None
) -> list[PlanSegment]:
    segments: list[PlanSegment] = []
    for run in plan_runs(period, versions) if runs is None else runs:
        version, size = run.version, run.days_in_plan_period
        last = segments[-1] if segments else None
        if (
            last
            and last.version_id == version.id
            and last.days_in_plan_period == size
            and last.end + timedelta(days=1) == run.start
        ):
            segments[-1] = _extend(last, run)
            continue
        weekly = pennies(Fraction(version.period_amount) * 7 / size)
        segments.append(
            PlanSegment(
                version.id, run.start, run.end, run.days, version.period, version.period_amount, size, weekly
            )
        )
    return segments


def _extend(segment: PlanSegment, run: PlanRun) -> PlanSegment:
    return PlanSegment(
        segment.version_id,
        segment.start,
        run.end,
        segment.days + run.days,
        segment.period,
        segment.period_amount,
        segment.days_in_plan_period,
        segment.weekly_value,
    )


def weekly_plan_value(
    period: AuditPeriod, versions: Sequence[PlanVersion], runs: Sequence[PlanRun] | None = None
) -> WeeklyPlanValue:
    """Average over the period's days of (period amount x 7 / days in the plan period)."""
    segments = plan_segments(period, versions, runs)
    exact_total = sum(
        (Fraction(s.period_amount) * s.days / s.days_in_plan_period for s in segments),
        Fraction(0),
    )
    weekly = pennies(exact_total * 7 / period.days)
    steps = [_segment_step(s) for s in segments]
    steps.append(
        Step(
            "Weekly plan value",
            weekly,
            f"plan value over the {period.days} days ({gbp(pennies(exact_total))}) "
            f"x 7 / {period.days} days, to the penny",
        )
    )
    covered = sum(s.days for s in segments)
    return WeeklyPlanValue(
        weekly,
        pennies(exact_total),
        period.days,
        period.days - covered,
        tuple(segments),
        tuple(steps),
    )


def _segment_step(s: PlanSegment) -> Step:
    value = pennies(Fraction(s.period_amount) * s.days / s.days_in_plan_period)
    version = f"plan {s.version_id}, " if s.version_id else ""
    return Step(
        f"Plan {range_words(s.start, s.end)}",
        value,
        f"{version}{gbp(s.period_amount)} {PERIOD_WORDS[s.period]} / {s.days_in_plan_period} "
        f"days x {s.days} days (= {gbp(s.weekly_value)} a week)",
    )


@dataclass(frozen=True, slots=True)
class LineSpend:
    line_id: str
    category: str
    description: str
    planned: Decimal  # over the audit period
    planned_weekly: Decimal
    actual: Decimal  # money out against this line over the audit period
    actual_weekly: Decimal

    @property
    def difference(self) -> Decimal:
        """Planned minus actual: positive is underspend."""
        return self.planned - self.actual


@dataclass(frozen=True, slots=True)
class CategoryTotal:
    category: str
    amount: Decimal


@dataclass(frozen=True, slots=True)
class SpendAgainstPlan:
    lines: tuple[LineSpend, ...]
    flexible_use: Decimal  # shown, never counted against anything
    not_in_plan: tuple[CategoryTotal, ...]  # spend matched to no line, by category
    by_category: tuple[CategoryTotal, ...]  # every outgoing category: sums to money_out
    money_out: Decimal
    weekly: WeeklyPlanValue
    findings: tuple[Finding, ...]


def spending(transactions: Sequence[Transaction], period: AuditPeriod) -> list[Transaction]:
    """Money out in the period; transfers to the person's own accounts are not spending."""
    start, end = period.start, period.end
    return [t for t in transactions if start <= t.date <= end and t.amount < 0 and t.category != OWN_TRANSFER]


def spend_by_category(transactions: Sequence[Transaction]) -> tuple[CategoryTotal, ...]:
    sums: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for t in transactions:
        sums[t.category or "uncategorised"] -= t.amount
    return tuple(CategoryTotal(c, a) for c, a in sorted(sums.items()))


def match_line(txn: Transaction, versions: Sequence[PlanVersion]) -> PlanLine | None:
    """The line classification chose; else the first line of that category in the plan."""
    version = version_on(txn.date, versions)
    lines = version.lines if version else ()
    if txn.plan_line_id is not None:
        chosen = [line for v in versions for line in v.lines if line.id == txn.plan_line_id]
        return chosen[0] if chosen else None
    return next((line for line in lines if line.category == txn.category), None)


def _line_matcher(
    versions: Sequence[PlanVersion], runs: Sequence[PlanRun] = ()
) -> Callable[[Transaction], PlanLine | None]:
    """``match_line``, remembering the version in force each day (known beforehand for the
    days of ``runs``) and each version's line for each category: a year of spending has few
    distinct days and categories."""
    chosen: dict[str, PlanLine] = {}
    for version in versions:
        for line in version.lines:
            chosen.setdefault(line.id, line)
    on_day: dict[date, PlanVersion | None] = {}
    for run in runs:
        first = run.start.toordinal()
        on_day.update((date.fromordinal(first + n), run.version) for n in range(run.days))
    by_category: dict[tuple[int, str], PlanLine | None] = {}

    def match(txn: Transaction) -> PlanLine | None:
        if txn.plan_line_id is not None:
            return chosen.get(txn.plan_line_id)
        day = txn.date
        version = on_day[day] if day in on_day else on_day.setdefault(day, version_on(day, versions))
        if version is None:
            return None
        key = (id(version), txn.category)
        if key not in by_category:
            by_category[key] = next((x for x in version.lines if x.category == txn.category), None)
        return by_category[key]

    return match


def planned_for_line(
    line_id: str, period: AuditPeriod, versions: Sequence[PlanVersion], runs: Sequence[PlanRun] | None = None
) -> Fraction:
    """The line's value summed over the period's days: each run's daily value x its days."""
    planned = Fraction(0)
    for run in plan_runs(period, versions) if runs is None else runs:
        line = next((x for x in run.version.lines if x.id == line_id), None)
        if line is not None:
            planned += line_daily_value(line, run.version, run.start) * run.days
    return planned


def all_lines(versions: Sequence[PlanVersion]) -> list[PlanLine]:
    """Each line once, as the latest version describes it."""
    latest: dict[str, PlanLine] = {}
    for version in sorted(versions, key=lambda v: v.effective_from):
        for line in version.lines:
            latest[line.id] = line
    return list(latest.values())


def spend_against_plan(
    period: AuditPeriod, versions: Sequence[PlanVersion], transactions: Sequence[Transaction]
) -> SpendAgainstPlan:
    out = spending(transactions, period)
    actual: dict[str, Decimal] = defaultdict(lambda: ZERO)
    flexible: list[Transaction] = []
    unmatched: list[Transaction] = []
    runs = plan_runs(period, versions)
    match = _line_matcher(versions, runs)
    for txn in out:
        if txn.category == FLEXIBLE_USE:
            flexible.append(txn)
            continue
        line = match(txn)
        if line is not None:
            actual[line.id] -= txn.amount
        else:
            unmatched.append(txn)
    rows = tuple(_line_spend(line, period, versions, actual[line.id], runs) for line in all_lines(versions))
    weekly = weekly_plan_value(period, versions, runs)
    return SpendAgainstPlan(
        rows,
        -total(t.amount for t in flexible),
        spend_by_category(unmatched),
        spend_by_category(out),
        -total(t.amount for t in out),
        weekly,
        tuple(_plan_findings(weekly, period)),
    )


def _line_spend(
    line: PlanLine,
    period: AuditPeriod,
    versions: Sequence[PlanVersion],
    actual: Decimal,
    runs: Sequence[PlanRun] | None = None,
) -> LineSpend:
    planned = planned_for_line(line.id, period, versions, runs)
    return LineSpend(
        line.id,
        line.category,
        line.description,
        pennies(planned),
        pennies(planned * 7 / period.days),
        actual,
        pennies(Fraction(actual) * 7 / period.days),
    )


def _plan_findings(weekly: WeeklyPlanValue, period: AuditPeriod) -> list[Finding]:
    if not weekly.days_without_plan:
        return []
    return [
        Finding(
            "no_plan_in_force",
            "question",
            f"No approved plan was in force on {weekly.days_without_plan} of the "
            f"{period.days} days; the plan's value counts as £0.00 on those days.",
        )
    ]
