"""Timesheets against the plan and the bank: hours, wages paid, holiday, wages still owed.

The minimum-wage check is the rules engine's; its findings arrive here as flags.
Pass timesheet entries and wage payments from before the period too: a payment early in
the period often pays for work done before it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

from service.audits.findings import Finding
from service.audits.inputs import (
    PA_WAGES,
    AuditPeriod,
    Commitment,
    CouncilSettings,
    PlanVersion,
    TimesheetEntry,
    Transaction,
    Worker,
)
from service.audits.money import gbp, pennies, total
from service.audits.plan import all_lines, plan_runs
from service.audits.words import day_words


def entry_pay(entry: TimesheetEntry, worker: Worker) -> Decimal:
    rate = entry.hourly_rate if entry.hourly_rate is not None else worker.hourly_rate
    return pennies(entry.hours * rate)


def wage_payments(transactions: Sequence[Transaction], worker_id: str) -> list[Transaction]:
    return sorted(
        (t for t in transactions if t.worker_id == worker_id and t.category == PA_WAGES and t.amount < 0),
        key=lambda t: t.date,
    )


def _wage_payments_by_worker(transactions: Sequence[Transaction]) -> dict[str | None, list[Transaction]]:
    """``wage_payments`` for every worker at once: one pass over the lines."""
    found: dict[str | None, list[Transaction]] = defaultdict(list)
    for t in transactions:
        if t.category == PA_WAGES and t.amount < 0:
            found[t.worker_id].append(t)
    return {worker_id: sorted(payments, key=lambda t: t.date) for worker_id, payments in found.items()}


def last_paid(payments: Sequence[Transaction], until: date) -> date | None:
    dates = [t.date for t in payments if t.date <= until]
    return max(dates) if dates else None


@dataclass(frozen=True, slots=True)
class HoursRow:
    line_id: str
    description: str
    planned_hours: Decimal
    worked_hours: Decimal
    by_worker: tuple[tuple[str, Decimal], ...]  # (worker id, hours worked)


@dataclass(frozen=True, slots=True)
class WageRow:
    worker_id: str
    paid: Decimal  # wage payments in the period
    timesheet_pay: Decimal  # hours x rate for the work those payments cover
    covers_from: date  # first day of work the payments cover
    covers_to: date | None  # last payment date; None when nothing was paid

    @property
    def difference(self) -> Decimal:
        return self.paid - self.timesheet_pay


@dataclass(frozen=True, slots=True)
class HolidayAccrual:
    worker_id: str
    hours_worked: Decimal
    rate: Decimal
    accrued_hours: Decimal


@dataclass(frozen=True, slots=True)
class TimesheetReview:
    hours: tuple[HoursRow, ...]
    wages: tuple[WageRow, ...]
    holiday: tuple[HolidayAccrual, ...]
    unpaid_wages: tuple[Commitment, ...]
    findings: tuple[Finding, ...]


def planned_hours(line_id: str, period: AuditPeriod, versions: Sequence[PlanVersion]) -> Decimal:
    hours = Fraction(0)
    for run in plan_runs(period, versions):
        line = next((x for x in run.version.lines if x.id == line_id), None)
        if line is not None and line.planned_hours_per_week is not None:
            hours += Fraction(line.planned_hours_per_week) / 7 * run.days
    return pennies(hours)


def hours_against_plan(
    period: AuditPeriod,
    versions: Sequence[PlanVersion],
    workers: Sequence[Worker],
    entries: Sequence[TimesheetEntry],
) -> list[HoursRow]:
    rows: list[HoursRow] = []
    for line in all_lines(versions):
        if line.planned_hours_per_week is None:
            continue
        staff = [w for w in workers if w.plan_line_id == line.id]
        if not staff:
            continue
        by_worker = tuple((w.id, _hours(entries, w.id, period)) for w in staff)
        rows.append(
            HoursRow(
                line.id,
                line.description,
                planned_hours(line.id, period, versions),
                total(h for _, h in by_worker),
                by_worker,
            )
        )
    return rows


def _hours(entries: Sequence[TimesheetEntry], worker_id: str, period: AuditPeriod) -> Decimal:
    return total(e.hours for e in entries if e.worker_id == worker_id and period.contains(e.date))


def wages_against_timesheets(
    period: AuditPeriod,
    worker: Worker,
    entries: Sequence[TimesheetEntry],
    transactions: Sequence[Transaction],
) -> WageRow:
    """Pay in the period against the timesheets for the work it paid for."""
    return _wages_against_timesheets(period, worker, entries, wage_payments(transactions, worker.id))


def _wages_against_timesheets(
    period: AuditPeriod, worker: Worker, entries: Sequence[TimesheetEntry], payments: Sequence[Transaction]
) -> WageRow:
    """``wages_against_timesheets`` given the worker's ``wage_payments``."""
    in_period = [p for p in payments if period.contains(p.date)]
    before = last_paid(payments, period.start - timedelta(days=1))
    if before is None and in_period and any(
        e.worker_id == worker.id and e.date < period.start for e in entries
    ):
        # The timesheets show work before the period and no statement shows it paid: the
        # first payment in the period paid for it (pay in arrears). That payment plays the
        # part of the payment before, and the comparison runs from the day after it.
        before, in_period = in_period[0].date, [p for p in in_period if p.date > in_period[0].date]
    covers_from = before + timedelta(days=1) if before else period.start
    covers_to = last_paid(in_period, period.end)
    worked = [
        e for e in entries if e.worker_id == worker.id and covers_to and covers_from <= e.date <= covers_to
    ]
    paid = -total(p.amount for p in in_period)
    return WageRow(worker.id, paid, total(entry_pay(e, worker) for e in worked), covers_from, covers_to)


def unpaid_wages(
    period: AuditPeriod,
    worker: Worker,
    entries: Sequence[TimesheetEntry],
    transactions: Sequence[Transaction],
) -> Commitment | None:
    """Work done after the last wage payment and by the period's end: money already owed."""
    return _unpaid_wages(period, worker, entries, wage_payments(transactions, worker.id))


def _unpaid_wages(
    period: AuditPeriod, worker: Worker, entries: Sequence[TimesheetEntry], payments: Sequence[Transaction]
) -> Commitment | None:
    """``unpaid_wages`` given the worker's ``wage_payments``."""
    paid_to = last_paid(payments, period.end)
    owed_from = paid_to + timedelta(days=1) if paid_to else period.start
    owed = [e for e in entries if e.worker_id == worker.id and owed_from <= e.date <= period.end]
    if not owed:
        return None
    hours = total(e.hours for e in owed)
    amount = total(entry_pay(e, worker) for e in owed)
    since = f"since the last payment on {day_words(paid_to)}" if paid_to else "in the period"
    return Commitment(
        "wages",
        f"Wages owed to {worker.name}: {hours} hours worked {since}, {gbp(amount)}",
        amount,
        None,
        worker.id,
    )


def holiday_accrual(
    period: AuditPeriod, worker: Worker, entries: Sequence[TimesheetEntry], rate: Decimal
) -> HolidayAccrual | None:
    if not worker.irregular_hours:
        return None
    hours = _hours(entries, worker.id, period)
    return HolidayAccrual(worker.id, hours, rate, pennies(hours * rate))


def review_timesheets(
    period: AuditPeriod,
    versions: Sequence[PlanVersion],
    workers: Sequence[Worker],
    entries: Sequence[TimesheetEntry],
    transactions: Sequence[Transaction],
    settings: CouncilSettings,
) -> TimesheetReview:
    hours = tuple(hours_against_plan(period, versions, workers, entries))
    paid = _wage_payments_by_worker(transactions) if workers else {}
    wages = tuple(_wages_against_timesheets(period, w, entries, paid.get(w.id, [])) for w in workers)
    holiday = tuple(
        h
        for w in workers
        if (h := holiday_accrual(period, w, entries, settings.holiday_accrual_rate)) is not None
    )
    unpaid = tuple(
        c for w in workers if (c := _unpaid_wages(period, w, entries, paid.get(w.id, []))) is not None
    )
    findings = (
        *(f for row in hours if (f := _hours_finding(row, settings)) is not None),
        *(f for row in wages if (f := _wage_finding(row, workers, settings)) is not None),
        *(_holiday_finding(h, workers) for h in holiday),
    )
    return TimesheetReview(hours, wages, holiday, unpaid, tuple(findings))


def _name(worker_id: str, workers: Sequence[Worker]) -> str:
    return next((w.name for w in workers if w.id == worker_id), worker_id)


def _hours_finding(row: HoursRow, settings: CouncilSettings) -> Finding | None:
    allowed = row.planned_hours * settings.hours_tolerance_percent / 100
    # no hours at all means no timesheets yet, which says nothing about support delivered
    if not row.worked_hours or abs(row.worked_hours - row.planned_hours) <= allowed:
        return None
    more = row.worked_hours > row.planned_hours
    why = "the plan may need reviewing" if more else "some support may not have been delivered"
    return Finding(
        "hours_above_plan" if more else "hours_below_plan",
        "info",
        f"{row.description}: {row.worked_hours} hours worked against {row.planned_hours} planned; {why}.",
        refs=(row.line_id,),
    )


def _wage_finding(row: WageRow, workers: Sequence[Worker], settings: CouncilSettings) -> Finding | None:
    if abs(row.difference) <= settings.wage_tolerance:
        return None
    period = f"work from {day_words(row.covers_from)}"
    if row.covers_to:
        period += f" to {day_words(row.covers_to)}"
    return Finding(
        "wages_differ_from_timesheets",
        "question",
        f"{_name(row.worker_id, workers)} was paid {gbp(row.paid)}; the timesheets for "
        f"{period} come to {gbp(row.timesheet_pay)} (a difference of {gbp(row.difference)}). "
        "Tax, pension or an advance may explain it.",
        row.difference,
        (row.worker_id,),
    )


def _holiday_finding(h: HolidayAccrual, workers: Sequence[Worker]) -> Finding:
    return Finding(
        "holiday_accrued",
        "info",
        f"{_name(h.worker_id, workers)} works irregular hours: {h.hours_worked} hours x "
        f"{h.rate * 100}% = {h.accrued_hours} hours of paid holiday accrued.",
        refs=(h.worker_id,),
    )
