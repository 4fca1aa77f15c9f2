"""Plain input and output records for the rule engine: no database, no web framework.

Money is Decimal, signed: negative is money out of the account.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from types import MappingProxyType

_EMPTY: Mapping[str, str] = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class Txn:
    """One bank or card transaction. `id` makes flag keys distinct for identical lines."""

    date: dt.date
    amount: Decimal
    description: str
    mcc: str | None = None
    reference: str | None = None
    id: str | None = None


@dataclass(frozen=True, slots=True)
class PlanLine:
    """A support-plan line: what the money is for, optionally who is paid and how much."""

    ref: str
    category: str
    payee: str | None = None
    amount: Decimal | None = None
    keywords: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Worker:
    """A personal assistant. `relationship` is free text ("wife", "son", "friend")."""

    ref: str
    name: str
    aliases: tuple[str, ...] = ()
    relationship: str | None = None
    lives_in_household: bool = False
    necessary_decision: bool = False
    date_of_birth: dt.date | None = None
    age_band: str | None = None
    apprentice: bool = False


@dataclass(frozen=True, slots=True)
class PaymentSchedule:
    """What the council pays in, what the person pays in, and who each payer is."""

    council_amount: Decimal | None = None
    contribution_amount: Decimal | None = None
    council_payers: tuple[str, ...] = ()
    contribution_payers: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class PlanContext:
    """Everything we know about one recipient that classification may use."""

    plan_lines: tuple[PlanLine, ...] = ()
    workers: tuple[Worker, ...] = ()
    schedule: PaymentSchedule | None = None
    own_accounts: tuple[str, ...] = ()
    overrides: Mapping[str, str] = field(default_factory=lambda: _EMPTY)


@dataclass(frozen=True, slots=True)
class Hit:
    """A rule that fired. `subject` says what it fired on; `key` is stable across re-runs."""

    rule_id: str
    rule_version: int
    severity: str
    title: str
    reason: str
    subject: str
    evidence: tuple[tuple[str, str], ...] = ()

    @property
    def key(self) -> str:
        return flag_key(self.rule_id, self.subject)


@dataclass(frozen=True, slots=True)
class Classification:
    category: str
    reason: str
    plan_line_ref: str | None = None
    worker_ref: str | None = None
    hits: tuple[Hit, ...] = ()


@dataclass(frozen=True, slots=True)
class TimesheetEntry:
    """Hours on one date. For a sleep-in, only `woken_hours` count as work."""

    worker_ref: str
    date: dt.date
    hours: Decimal
    sleep_in: bool = False
    woken_hours: Decimal = Decimal(0)


@dataclass(frozen=True, slots=True)
class PayRecord:
    """Pay for a pay reference period, from a payroll run or from wage payments.

    `source` is "payroll" (then `gross` is gross pay) or "bank" (then `gross` holds what
    the bank paid, which is net of any tax, National Insurance or pension). `hours` are
    the hours the payroll paid for, when the payroll says; otherwise hours come from
    timesheets. The two are never added together.
    """

    worker_ref: str
    period_start: dt.date
    period_end: dt.date
    gross: Decimal
    source: str = "payroll"
    accommodation_days: int = 0
    hours: Decimal | None = None


@dataclass(frozen=True, slots=True)
class WageQuestion:
    """Not a flag: a worker whose bank payments look low for their hours, while their pay
    is high enough that tax, National Insurance or pension may have been taken off first.
    Only the payslips can say, so an audit asks for them once per worker.
    """

    worker_ref: str
    worker_name: str
    periods: tuple[tuple[dt.date, dt.date], ...]
    question: str

    @property
    def key(self) -> str:
        return f"wage_question|worker:{self.worker_ref}"


@dataclass(frozen=True, slots=True)
class CareStay:
    """A stay in a care home (respite or otherwise), first and last night inclusive."""

    start: dt.date
    end: dt.date
    ref: str | None = None


def flag_key(rule_id: str, subject: str) -> str:
    """The idempotency key for a flag: the same rule on the same subject is one flag."""
    return f"{rule_id}|{subject}"


def ref_id(ref: str | None) -> int | None:
    """A stored row id from a plan-line or worker reference ("12"); None for anything else."""
    return int(ref) if ref and ref.isdigit() else None
