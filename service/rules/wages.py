"""National Minimum Wage: effective pay over a pay reference period against the legal rate.

Effective pay = gross pay for the period (plus the accommodation offset for days the
employer provides a home) / hours worked. A sleep-in counts only its woken hours
(Mencap v Tomlinson-Blake [S79]). The rate table is the one in force when the period
starts; each hour is priced at the worker's age band on the day it was worked.

Hours come from one source per worker and period: the payroll line when it carries
hours, else the timesheets. Pay is payroll gross where there is payroll. Where only the
bank payments (net pay) are known, a period is flagged only when its pay is below the
limits at which tax, National Insurance or pension are taken off (`untaxed_limit`), so
net pay is gross pay; otherwise the audit asks for payslips (`wage_questions`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from itertools import pairwise
from types import MappingProxyType

from service.rules._data import read_json
from service.rules.model import Hit, PayRecord, TimesheetEntry, WageQuestion, Worker
from service.rules.ruleset import RuleSet

BANDS = ("21+", "18-20", "16-17", "apprentice")
RULE_ID = "unlawful.below_minimum_wage"
_PENNY = Decimal("0.01")


@dataclass(frozen=True, slots=True)
class RateTable:
    starts: dt.date
    hourly: Mapping[str, Decimal]
    accommodation_offset: Decimal


@dataclass(frozen=True, slots=True)
class PayCheck:
    """One worker's pay period, worked out. `shortfall` > 0 means paid too little.

    `pay_source` is "payroll" (gross pay) or "bank" (what reached the worker, net);
    `hours_source` is "payroll" when the payroll line carried the hours, else "timesheets".
    """

    worker_ref: str
    period_start: dt.date
    period_end: dt.date
    hours: Decimal
    pay: Decimal
    required: Decimal
    age_known: bool
    pay_source: str = "payroll"
    hours_source: str = "timesheets"

    @property
    def effective_rate(self) -> Decimal:
        return (self.pay / self.hours).quantize(_PENNY, ROUND_HALF_UP)

    @property
    def minimum_rate(self) -> Decimal:
        return (self.required / self.hours).quantize(_PENNY, ROUND_HALF_UP)

    @property
    def shortfall(self) -> Decimal:
        return (self.required - self.pay).quantize(_PENNY, ROUND_HALF_UP)


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Pay limits for one tax year: name -> {"year", "month", "week"} in pounds."""

    starts: dt.date
    figures: Mapping[str, Mapping[str, Decimal]]
    no_deductions_below: tuple[str, ...]

    def for_period(self, name: str, start: dt.date, end: dt.date) -> Decimal:
        """A limit for one pay period: the month figure for a calendar month, else the week
        figure for each whole week (at least one), so a limit is never overstated."""
        figure = self.figures[name]
        if start.day == 1 and end == _month_end(start):
            return figure["month"]
        weeks = max(1, ((end - start).days + 1) // 7)
        return figure["week"] * weeks


@lru_cache(maxsize=1)
def rate_tables() -> tuple[RateTable, ...]:
    """The shipped rate tables, oldest first."""
    tables = []
    for row in read_json("wage_rates.json")["rates"]:
        hourly = MappingProxyType({band: Decimal(row[band]) for band in BANDS})
        tables.append(RateTable(dt.date.fromisoformat(row["from"]), hourly,
                                Decimal(row["accommodation_offset_per_day"])))
    return tuple(sorted(tables, key=lambda t: t.starts))


def table_on(day: dt.date, tables: Sequence[RateTable] | None = None) -> RateTable | None:
    """The table in force on a day, or None before the first one we hold."""
    current = None
    for table in tables or rate_tables():
        if table.starts <= day:
            current = table
    return current


def age_on(born: dt.date, day: dt.date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def band_on(worker: Worker, day: dt.date) -> str | None:
    """Age band from date of birth on the day worked, else the recorded band, else None."""
    if worker.apprentice or worker.age_band == "apprentice":
        return "apprentice"
    if worker.date_of_birth is not None:
        age = age_on(worker.date_of_birth, day)
        if age < 16:
            return None  # no minimum wage below school-leaving age
        return "21+" if age >= 21 else "18-20" if age >= 18 else "16-17"
    return worker.age_band if worker.age_band in BANDS else None


def counted_hours(entry: TimesheetEntry) -> Decimal:
    """Hours that count as work: for a sleep-in, only the hours awake and working."""
    return entry.woken_hours if entry.sleep_in else entry.hours


@lru_cache(maxsize=1)
def threshold_tables() -> tuple[Thresholds, ...]:
    """The shipped tax, National Insurance and pension limits, oldest first."""
    data = read_json("pay_thresholds.json")
    below = tuple(data["no_deductions_below"])
    tables = []
    for row in data["thresholds"]:
        figures = {name: MappingProxyType({k: Decimal(v) for k, v in value.items()})
                   for name, value in row.items() if isinstance(value, dict)}
        tables.append(Thresholds(dt.date.fromisoformat(row["from"]), MappingProxyType(figures),
                                 below))
    return tuple(sorted(tables, key=lambda t: t.starts))


def thresholds_on(day: dt.date) -> Thresholds | None:
    """The limits for the tax year a day falls in, or None before the first we hold."""
    current = None
    for table in threshold_tables():
        if table.starts <= day:
            current = table
    return current


def untaxed_limit(start: dt.date, end: dt.date) -> Decimal | None:
    """Pay for a period below which no tax, National Insurance or pension is taken off.

    The lowest of the personal allowance, the primary threshold and the pension earnings
    trigger for the period, in the tax year of its last day (pay is taxed when paid).
    Below it, net pay is gross pay. Above a limit each pound more leaves at least 72p more
    after 20% tax and 8% NI, so net pay below the limit also means gross pay below it.
    """
    table = thresholds_on(end)
    if table is None:
        return None
    return min(table.for_period(name, start, end) for name in table.no_deductions_below)


def _month_end(day: dt.date) -> dt.date:
    following = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return following - dt.timedelta(days=1)


def check_pay_period(worker: Worker, pay: PayRecord,
                     entries: Iterable[TimesheetEntry],
                     tables: Sequence[RateTable] | None = None) -> PayCheck | None:
    """Pay against the minimum for one period, or None if there is nothing to compare.

    Hours come from one source: the payroll line when it carries hours, else the
    timesheets. Payroll hours have no dates, so they are priced at the worker's band on
    the first day of the period, the lowest they had in it.
    """
    table = table_on(pay.period_start, tables)
    if table is None:
        return None
    age_known = worker.date_of_birth is not None or worker.age_band in BANDS or worker.apprentice
    if pay.hours:
        # Age unknown: price at the lowest band, so we flag only what is certainly too low.
        band = band_on(worker, pay.period_start) if age_known else "16-17"
        if band is None:
            return None
        hours, required, hours_source = pay.hours, pay.hours * table.hourly[band], "payroll"
    else:
        hours, required = _timesheet_hours(worker, pay, entries, table, age_known)
        hours_source = "timesheets"
    if not hours:
        return None
    paid = pay.gross + table.accommodation_offset * pay.accommodation_days
    return PayCheck(worker.ref, pay.period_start, pay.period_end, hours, paid, required,
                    age_known, pay.source, hours_source)


def _timesheet_hours(worker: Worker, pay: PayRecord, entries: Iterable[TimesheetEntry],
                     table: RateTable, age_known: bool) -> tuple[Decimal, Decimal]:
    hours = required = Decimal(0)
    for entry in entries:
        if entry.worker_ref != worker.ref or not pay.period_start <= entry.date <= pay.period_end:
            continue
        worked = counted_hours(entry)
        band = band_on(worker, entry.date) if age_known else "16-17"
        if band is None or not worked:
            continue
        hours += worked
        required += worked * table.hourly[band]
    return hours, required


def pay_for_checking(pay: Iterable[PayRecord]) -> list[PayRecord]:
    """Payroll runs, and wage payments for periods no payroll run of that worker covers.

    Wage payments are usually net of tax, so they understate gross pay: a payroll run
    wins wherever the two overlap.
    """
    records = list(pay)
    runs: dict[str, list[PayRecord]] = {}
    for record in records:
        if record.source == "payroll":
            runs.setdefault(record.worker_ref, []).append(record)
    return [p for p in records if p.source == "payroll" or not any(
        r.period_start <= p.period_end and p.period_start <= r.period_end
        for r in runs.get(p.worker_ref, ()))]


def _judged(workers: Iterable[Worker], timesheets: Iterable[TimesheetEntry],
            pay: Iterable[PayRecord], rules: RuleSet) -> list[tuple[Worker, PayCheck, bool]]:
    """Each pay period paid below the minimum, and whether that is certain.

    Payroll gross pay is certain. Bank (net) pay is certain only when it is below the
    limit at which anything is taken off; above it the gross may have been enough.
    """
    tolerance = Decimal(rules.param(RULE_ID, "tolerance"))
    by_ref = {w.ref: w for w in workers}
    entries = list(timesheets)
    judged = []
    for record in pay_for_checking(pay):
        worker = by_ref.get(record.worker_ref)
        found = check_pay_period(worker, record, entries) if worker else None
        if worker is None or found is None or found.shortfall < tolerance:
            continue
        limit = untaxed_limit(record.period_start, record.period_end)
        certain = record.source != "bank" or (limit is not None and record.gross < limit)
        judged.append((worker, found, certain))
    return judged


def check_minimum_wage(workers: Iterable[Worker], timesheets: Iterable[TimesheetEntry],
                       pay: Iterable[PayRecord], rules: RuleSet) -> list[Hit]:
    """A hit for each pay period in which a worker was certainly paid below the minimum."""
    if not rules.is_on(RULE_ID):
        return []
    return [_hit(rules, worker, found) for worker, found, certain
            in _judged(workers, timesheets, pay, rules) if certain]


def wage_questions(workers: Iterable[Worker], timesheets: Iterable[TimesheetEntry],
                   pay: Iterable[PayRecord], rules: RuleSet) -> list[WageQuestion]:
    """One question per worker whose bank payments look too low but may be net of tax.

    These are not flags: the pay is above the limit where tax, National Insurance or
    pension start, so the gross may have been enough. Only payslips can tell.
    """
    if not rules.is_on(RULE_ID):
        return []
    doubtful: dict[str, tuple[Worker, list[PayCheck]]] = {}
    for worker, found, certain in _judged(workers, timesheets, pay, rules):
        if not certain:
            doubtful.setdefault(worker.ref, (worker, []))[1].append(found)
    return [_question(worker, sorted(found, key=lambda f: f.period_start))
            for worker, found in doubtful.values()]


def _question(worker: Worker, found: list[PayCheck]) -> WageQuestion:
    periods = tuple((f.period_start, f.period_end) for f in found)
    if len(periods) == 1:
        when = period_words(*periods[0])
    else:
        when = f"{len(periods)} pay periods from {period_words(periods[0][0], periods[-1][1])}"
    text = (f"The bank payments to {worker.name} look low for the hours worked for {when}. "
            "Tax or National Insurance may have been taken off first. "
            f"Please send the payslips for {when}.")
    return WageQuestion(worker.ref, worker.name, periods, text)


# --- wage payments from the bank: which pay period each one is for -------------------------

MONTHLY = 0  # pay_cadence: calendar months
_LONGEST_GUESS = 31  # days a payment of no known pattern may pay for


def pay_cadence(days: Sequence[dt.date]) -> int | None:
    """How often a worker is paid, from the gaps between payment dates (sorted, distinct):
    7, 14 or 28 days, MONTHLY, or None when there is no pattern (or one payment)."""
    if len(days) < 2:
        return None
    gaps = sorted((later - earlier).days for earlier, later in pairwise(days))
    middle = gaps[(len(gaps) - 1) // 2]
    if 5 <= middle <= 9:
        return 7
    if 12 <= middle <= 16:
        return 14
    if gaps[0] >= 27 and gaps[-1] <= 29 and gaps.count(28) * 2 >= len(gaps):
        return 28  # every fourth week: a monthly payer's gaps reach 30 or more
    if 26 <= middle <= 35:
        return MONTHLY
    return None


def paid_for(day: dt.date, cadence: int | None) -> tuple[dt.date, dt.date] | None:
    """The pay period a payment made on `day` pays for, paid in arrears.

    Weekly, fortnightly or four-weekly: the 7, 14 or 28 days up to the payment. Monthly:
    the calendar month, its own when paid from the 21st (the usual month-end pay day),
    else the month before. None when the cadence is unknown.
    """
    if cadence is None:
        return None
    if cadence == MONTHLY:
        first = day.replace(day=1)
        if day.day < 21:
            first = (first - dt.timedelta(days=1)).replace(day=1)
        return first, _month_end(first)
    return day - dt.timedelta(days=cadence - 1), day


def wage_payment_periods(payments: Iterable[tuple[str, dt.date, Decimal]],
                         first_worked: Mapping[str, dt.date]) -> list[PayRecord]:
    """Pay records ("bank") from wage payments: (worker ref, date paid, amount paid out).

    Each worker's pay pattern (weekly, fortnightly, four-weekly or monthly) comes from
    the gaps between their usual payment dates (not small top-ups), and each payment pays for its period in
    arrears (`paid_for`); payments for the same period add up. With no pattern a payment
    pays for the days since the worker's previous one (the first: since their first day
    on a timesheet, `first_worked`), at most 31 days. Periods depend only on the payment
    dates, so a flag's key stays the same however often the rules run.
    """
    paid: dict[str, dict[dt.date, Decimal]] = {}
    for ref, day, amount in payments:
        on_day = paid.setdefault(ref, {})
        on_day[day] = on_day.get(day, Decimal(0)) + amount
    totals: dict[tuple[str, dt.date, dt.date], Decimal] = {}
    for ref, by_day in paid.items():
        days = sorted(by_day)
        cadence = pay_cadence(_regular(by_day))
        previous: dt.date | None = None
        for day in days:
            period = paid_for(day, cadence) or _since(previous, first_worked.get(ref), day)
            previous = day
            if period is not None:
                key = (ref, *period)
                totals[key] = totals.get(key, Decimal(0)) + by_day[day]
    return [PayRecord(ref, start, end, amount, "bank")
            for (ref, start, end), amount in sorted(totals.items())]


def _regular(by_day: Mapping[dt.date, Decimal]) -> list[dt.date]:
    """Days of the usual payments: a top-up under half the middle payment would otherwise
    split a month's gap into a week and three."""
    amounts = sorted(by_day.values())
    middle = amounts[(len(amounts) - 1) // 2]
    return sorted(day for day, amount in by_day.items() if amount * 2 >= middle)


def _since(previous: dt.date | None, first: dt.date | None,
           day: dt.date) -> tuple[dt.date, dt.date] | None:
    opening = previous + dt.timedelta(days=1) if previous is not None else first
    if opening is None or opening > day:
        return None
    return max(opening, day - dt.timedelta(days=_LONGEST_GUESS - 1)), day


# --- wording -----------------------------------------------------------------------------

def _money(value: Decimal) -> str:
    return f"£{value:,.2f}"


def period_words(start: dt.date, end: dt.date) -> str:
    """"1 to 30 April 2026", "28 April to 4 May 2026", "29 December 2025 to 2 January 2026"."""
    if start == end:
        return f"{end:%-d %B %Y}"
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day} to {end:%-d %B %Y}"
    if start.year == end.year:
        return f"{start:%-d %B} to {end:%-d %B %Y}"
    return f"{start:%-d %B %Y} to {end:%-d %B %Y}"


def _hit(rules: RuleSet, worker: Worker, found: PayCheck) -> Hit:
    rule = rules.rule(RULE_ID)
    reason = rule.reason.format(
        worker=worker.name, pay=_money(found.pay), hours=f"{found.hours.normalize():f}",
        period=period_words(found.period_start, found.period_end),
        start=f"{found.period_start:%-d %B %Y}", end=f"{found.period_end:%-d %B %Y}",
        rate=_money(found.effective_rate), minimum=_money(found.minimum_rate),
        required=_money(found.required.quantize(_PENNY, ROUND_HALF_UP)),
        shortfall=_money(found.shortfall))
    if found.pay_source == "bank":
        reason += (" We used the wages paid from the bank. Pay this low has no tax or"
                   " National Insurance taken off, so this was all of it.")
    if not found.age_known:
        reason += " We do not know their age, so we used the lowest rate."
    subject = f"worker:{worker.ref}:{found.period_start.isoformat()}:{found.period_end.isoformat()}"
    evidence = (("worker", worker.ref), ("hours", str(found.hours)), ("pay", str(found.pay)),
                ("required", str(found.required)), ("pay_source", found.pay_source),
                ("hours_source", found.hours_source))
    return Hit(rule.id, rule.version, rule.severity, rule.title, reason, subject, evidence)
