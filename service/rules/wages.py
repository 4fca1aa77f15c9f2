"""National Minimum Wage: effective pay over a pay reference period against the legal rate.

Effective pay = gross pay for the period (plus the accommodation offset for days the
employer provides a home) / hours worked. A sleep-in counts only its woken hours
(Mencap v Tomlinson-Blake [S79]). The rate table is the one in force when the period
starts; each hour is priced at the worker's age band on the day it was worked.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from types import MappingProxyType

from service.rules._data import read_json
from service.rules.model import Hit, PayRecord, TimesheetEntry, Worker
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
    """One worker's pay period, worked out. `shortfall` > 0 means paid too little."""

    worker_ref: str
    period_start: dt.date
    period_end: dt.date
    hours: Decimal
    pay: Decimal
    required: Decimal
    age_known: bool

    @property
    def effective_rate(self) -> Decimal:
        return (self.pay / self.hours).quantize(_PENNY, ROUND_HALF_UP)

    @property
    def minimum_rate(self) -> Decimal:
        return (self.required / self.hours).quantize(_PENNY, ROUND_HALF_UP)

    @property
    def shortfall(self) -> Decimal:
        return (self.required - self.pay).quantize(_PENNY, ROUND_HALF_UP)


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


def check_pay_period(worker: Worker, pay: PayRecord,
                     entries: Iterable[TimesheetEntry],
                     tables: Sequence[RateTable] | None = None) -> PayCheck | None:
    """Pay against the minimum for one period, or None if there is nothing to compare."""
    table = table_on(pay.period_start, tables)
    if table is None:
        return None
    hours = required = Decimal(0)
    age_known = worker.date_of_birth is not None or worker.age_band in BANDS or worker.apprentice
    for entry in entries:
        if entry.worker_ref != worker.ref or not pay.period_start <= entry.date <= pay.period_end:
            continue
        worked = counted_hours(entry)
        # Age unknown: price at the lowest band, so we flag only what is certainly too low.
        band = band_on(worker, entry.date) if age_known else "16-17"
        if band is None or not worked:
            continue
        hours += worked
        required += worked * table.hourly[band]
    if not hours:
        return None
    paid = pay.gross + table.accommodation_offset * pay.accommodation_days
    return PayCheck(worker.ref, pay.period_start, pay.period_end, hours, paid, required,
                    age_known)


def pay_for_checking(pay: Iterable[PayRecord]) -> list[PayRecord]:
    """Payroll runs where a worker has them; otherwise their wage payments.

    Wage payments are usually net of tax, so they understate gross pay: we use them only
    when there is no payroll run for that worker.
    """
    records = list(pay)
    with_payroll = {p.worker_ref for p in records if p.source == "payroll"}
    return [p for p in records if p.source == "payroll" or p.worker_ref not in with_payroll]


def check_minimum_wage(workers: Iterable[Worker], timesheets: Iterable[TimesheetEntry],
                       pay: Iterable[PayRecord], rules: RuleSet) -> list[Hit]:
    """A hit for each pay period in which a worker was paid below the legal minimum."""
    if not rules.is_on(RULE_ID):
        return []
    tolerance = Decimal(rules.param(RULE_ID, "tolerance"))
    by_ref = {w.ref: w for w in workers}
    entries = list(timesheets)
    hits = []
    for record in pay_for_checking(pay):
        worker = by_ref.get(record.worker_ref)
        found = check_pay_period(worker, record, entries) if worker else None
        if worker and found and found.shortfall >= tolerance:
            hits.append(_hit(rules, worker, found, record.source))
    return hits


def _money(value: Decimal) -> str:
    return f"£{value:,.2f}"


def _hit(rules: RuleSet, worker: Worker, found: PayCheck, source: str) -> Hit:
    rule = rules.rule(RULE_ID)
    reason = rule.reason.format(
        worker=worker.name, pay=_money(found.pay), hours=f"{found.hours.normalize():f}",
        start=f"{found.period_start:%-d %B %Y}", end=f"{found.period_end:%-d %B %Y}",
        rate=_money(found.effective_rate), minimum=_money(found.minimum_rate),
        shortfall=_money(found.shortfall))
    if not found.age_known:
        reason += " We do not know their age, so we used the lowest rate."
    subject = f"worker:{worker.ref}:{found.period_start.isoformat()}:{found.period_end.isoformat()}"
    evidence = (("worker", worker.ref), ("hours", str(found.hours)), ("pay", str(found.pay)),
                ("required", str(found.required)), ("pay_source", source))
    return Hit(rule.id, rule.version, rule.severity, rule.title, reason, subject, evidence)
