"""Timesheets against the plan and the bank: hours, wages paid, holiday, wages still owed.

The minimum-wage check is the rules engine's; its findings arrive here as flags.
Pass timesheet entries, wage payments and payroll runs from before the period too: a payment
early in the period often pays for work done before it.

Which work a wage payment paid for: when it pays a payroll run (``runs_paid``), the work in
the run's pay period, however long after the period the money left; a payment no run
accounts for pays the work up to its own day (``paid_to``).
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
    PayrollRun,
    PlanVersion,
    TimesheetEntry,
    Transaction,
    Worker,
)
from service.audits.money import gbp, pennies, total
from service.audits.plan import all_lines, plan_runs
from service.audits.words import day_words

WAGE_TOLERANCE = CouncilSettings().wage_tolerance


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


# A run may be paid this many days before its pay period ends (on the 25th for the month,
# on Friday for a week that ends on Sunday), never before the period starts.
PAID_EARLY_DAYS = 7


def runs_paid(
    runs: Sequence[PayrollRun], payments: Sequence[Transaction], tolerance: Decimal
) -> dict[str, PayrollRun]:
    """The run each of a worker's payments (in date order) paid, by transaction id: of the runs
    not yet paid, for the same net pay (within ``tolerance``), begun by the payment's day and
    ending at most ``PAID_EARLY_DAYS`` after it, the one whose period ends nearest that day
    (the one already ended, on a tie). A payment that fits no run is left out.

    Weekly pay made on a Friday for the week before fits this week's run as well, and is read
    as paying this week's unless the amounts tell them apart."""
    paid: dict[str, PayrollRun] = {}
    unpaid = list(runs)
    early = timedelta(days=PAID_EARLY_DAYS)
    for p in payments:
        fits = [r for r in unpaid if r.start <= p.date and r.end <= p.date + early
                and abs(r.net + p.amount) <= tolerance]
        if fits:
            nearest = min(fits, key=lambda r: (abs((r.end - p.date).days), r.end > p.date))
            paid[p.id] = nearest
            unpaid.remove(nearest)
    return paid


@dataclass(frozen=True, slots=True)
class PaidTo:
    """The last day of work the wage payments paid for, and what says so."""

    day: date
    by_run: bool  # the end of a payroll run's pay period, not a payment's own day


def paid_to(
    payments: Sequence[Transaction], runs: Sequence[PayrollRun], paid: dict[str, PayrollRun], until: date
) -> PaidTo | None:
    """What the payments made by ``until`` paid for: the end of the latest pay period seen paid;
    a payment no run accounts for, made after every run's period, pays the work to its day.
    When no payment pays a run, the runs say nothing about the bank and each payment pays the
    work up to its day."""
    made = [p for p in payments if p.date <= until]
    by_run = [paid[p.id].end for p in made if p.id in paid]
    if not by_run:
        last = last_paid(made, until)
        return PaidTo(last, False) if last else None
    runs_end = max(r.end for r in runs)
    after_runs = [p.date for p in made if p.id not in paid and p.date > runs_end]
    if after_runs and max(after_runs) > max(by_run):
        return PaidTo(max(after_runs), False)
    return PaidTo(max(by_run), True)


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
    runs: Sequence[PayrollRun] = (),
    tolerance: Decimal = WAGE_TOLERANCE,
) -> WageRow:
    """Pay in the period against the timesheets for the work it paid for. A payment of a
    payroll run whose pay period no timesheet covers (holiday or sick pay) is the payroll's to
    account for, and is left out."""
    payments = wage_payments(transactions, worker.id)
    mine = [r for r in runs if r.worker_id == worker.id]
    return _wages_against_timesheets(period, worker, entries, payments, runs_paid(mine, payments, tolerance))


def _wages_against_timesheets(
    period: AuditPeriod,
    worker: Worker,
    entries: Sequence[TimesheetEntry],
    payments: Sequence[Transaction],
    by_run: dict[str, PayrollRun],
) -> WageRow:
    """``wages_against_timesheets`` given the worker's ``wage_payments`` and ``runs_paid``."""
    if by_run:
        payments = [p for p in payments
                    if p.id not in by_run or _worked_in(entries, worker.id, by_run[p.id])]
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


def _worked_in(entries: Sequence[TimesheetEntry], worker_id: str, run: PayrollRun) -> bool:
    return any(e.worker_id == worker_id and run.start <= e.date <= run.end for e in entries)


def unpaid_wages(
    period: AuditPeriod,
    worker: Worker,
    entries: Sequence[TimesheetEntry],
    transactions: Sequence[Transaction],
    runs: Sequence[PayrollRun] = (),
    tolerance: Decimal = WAGE_TOLERANCE,
) -> Commitment | None:
    """Work done after the work the wage payments paid for (``paid_to``) and by the period's
    end: money already owed."""
    payments = wage_payments(transactions, worker.id)
    mine = [r for r in runs if r.worker_id == worker.id]
    return _unpaid_wages(period, worker, entries, payments, mine, runs_paid(mine, payments, tolerance))


def _unpaid_wages(
    period: AuditPeriod,
    worker: Worker,
    entries: Sequence[TimesheetEntry],
    payments: Sequence[Transaction],
    runs: Sequence[PayrollRun],
    paid: dict[str, PayrollRun],
) -> Commitment | None:
    """``unpaid_wages`` given the worker's ``wage_payments``, payroll runs and ``runs_paid``."""
    to = paid_to(payments, runs, paid, period.end)
    owed_from = to.day + timedelta(days=1) if to else period.start
    owed = [e for e in entries if e.worker_id == worker.id and owed_from <= e.date <= period.end]
    if not owed:
        return None
    hours = total(e.hours for e in owed)
    amount = total(entry_pay(e, worker) for e in owed)
    if to is None:
        since = "in the period"
    elif to.by_run:
        since = f"after the last pay period seen paid, which ended on {day_words(to.day)}"
    else:
        since = f"since the last payment on {day_words(to.day)}"
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
    payroll: Sequence[PayrollRun] = (),
) -> TimesheetReview:
    hours = tuple(hours_against_plan(period, versions, workers, entries))
    payments = _wage_payments_by_worker(transactions) if workers else {}
    runs: dict[str, list[PayrollRun]] = defaultdict(list)
    for r in payroll:
        runs[r.worker_id].append(r)
    paid = {w.id: runs_paid(runs[w.id], payments.get(w.id, []), settings.wage_tolerance)
            for w in workers if runs[w.id]}
    wages = tuple(
        _wages_against_timesheets(period, w, entries, payments.get(w.id, []), paid.get(w.id, {}))
        for w in workers
    )
    holiday = tuple(
        h
        for w in workers
        if (h := holiday_accrual(period, w, entries, settings.holiday_accrual_rate)) is not None
    )
    unpaid = tuple(
        c
        for w in workers
        if (c := _unpaid_wages(period, w, entries, payments.get(w.id, []), runs[w.id], paid.get(w.id, {})))
        is not None
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
