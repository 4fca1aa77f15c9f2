"""The report model: everything a workbook or a letter shows, already worked out.

The service builds these objects; the writers in this package only lay them out. Money is
``Decimal`` with at most two places (floats are refused, so a rounding error can never reach
a letter), dates are real ``date`` objects, and every collection is a tuple so a report
cannot change after it is built.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any

PENNY = Decimal("0.01")


class Tier(StrEnum):
    """How much an audit asks of the person: nothing, a few questions, or documents."""

    LIGHT = "light"
    STANDARD = "standard"
    FULL = "full"


class Severity(StrEnum):
    UNLAWFUL = "unlawful"
    HARMFUL = "harmful"
    LOCAL_POLICY = "local policy"
    INFORMATIONAL = "informational"


class AuditStatus(StrEnum):
    """An open audit's letter asks; a closed audit's letter tells what was decided."""

    OPEN = "open"
    CLOSED = "closed"


class FlagStatus(StrEnum):
    OPEN = "open"
    CLEARED = "cleared"
    UPHELD = "upheld"


def _check_money(owner: str, name: str, value: Any) -> None:
    """Refuse floats and sub-penny amounts: both would make a printed figure wrong."""
    if not isinstance(value, Decimal):
        raise TypeError(f"{owner}.{name} must be a Decimal, not {type(value).__name__}")
    if not value.is_finite() or value != value.quantize(PENNY):
        raise ValueError(f"{owner}.{name} = {value} is not a whole number of pence")


def _check_quantity(owner: str, name: str, value: Any) -> None:
    """Hours and rates are exact too, but may carry more than two places."""
    if not isinstance(value, Decimal) or not value.is_finite():
        raise TypeError(f"{owner}.{name} must be a finite Decimal, not {value!r}")


def _freeze(instance: Any, money: tuple[str, ...] = (), quantities: tuple[str, ...] = ()) -> None:
    """Validate money fields and turn any list the caller passed into a tuple."""
    owner = type(instance).__name__
    for item in fields(instance):
        value = getattr(instance, item.name)
        if isinstance(value, list):
            object.__setattr__(instance, item.name, tuple(value))
    for name in money:
        value = getattr(instance, name)
        if value is not None:
            _check_money(owner, name, value)
            # Same amount, always two places: "2880.0000" and "2880" both print "2880.00".
            object.__setattr__(instance, name, value.quantize(PENNY))
    for name in quantities:
        value = getattr(instance, name)
        if value is not None:
            _check_quantity(owner, name, value)


def _check_period(owner: str, start: date, end: date) -> None:
    if end < start:
        raise ValueError(f"{owner}: the period ends ({end}) before it starts ({start})")


@dataclass(frozen=True)
class TierReason:
    """One line of the risk score: why the audit is light, standard or full."""

    text: str
    points: int


@dataclass(frozen=True)
class CoverageGap:
    """Days in the audit period with no statement."""

    start: date
    end: date

    def __post_init__(self) -> None:
        _check_period("CoverageGap", self.start, self.end)


@dataclass(frozen=True)
class Transaction:
    """One line of a statement. ``amount`` is signed: money in is positive, out negative."""

    date: date
    account_ref: str
    description: str
    amount: Decimal
    category_code: str
    category_label: str
    reason: str
    flag_rule_ids: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        _freeze(self, money=("amount",))


@dataclass(frozen=True)
class PlanLine:
    """A support plan line against what was actually spent on it in the period."""

    line: str
    category: str
    planned_weekly: Decimal
    planned_period: Decimal
    actual: Decimal

    def __post_init__(self) -> None:
        _freeze(self, money=("planned_weekly", "planned_period", "actual"))

    @property
    def difference(self) -> Decimal:
        """Planned minus actual: positive means less was spent than planned."""
        return self.planned_period - self.actual


@dataclass(frozen=True)
class Flag:
    rule_id: str
    title: str
    severity: Severity
    status: FlagStatus
    explanation: str
    transaction_date: date | None = None
    transaction_amount: Decimal | None = None
    transaction_description: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "severity", Severity(self.severity))
        object.__setattr__(self, "status", FlagStatus(self.status))
        _freeze(self, money=("transaction_amount",))


@dataclass(frozen=True)
class TimesheetFinding:
    """Hours and pay for one worker over one pay period, against the minimum wage."""

    worker: str
    period_from: date
    period_to: date
    hours_worked: Decimal
    planned_hours: Decimal | None  # None when the plan line is shared with other workers
    timesheet_pay: Decimal
    wages_paid: Decimal
    effective_hourly_rate: Decimal
    minimum_rate: Decimal
    note: str = ""

    def __post_init__(self) -> None:
        _check_period("TimesheetFinding", self.period_from, self.period_to)
        _freeze(
            self,
            money=("timesheet_pay", "wages_paid"),
            quantities=("hours_worked", "planned_hours", "effective_hourly_rate", "minimum_rate"),
        )

    @property
    def below_minimum(self) -> bool:
        return self.effective_hourly_rate < self.minimum_rate


@dataclass(frozen=True)
class ArithmeticStep:
    """One step of how the money above what may be kept was worked out."""

    label: str
    amount: Decimal
    explanation: str = ""

    def __post_init__(self) -> None:
        _freeze(self, money=("amount",))


@dataclass(frozen=True)
class Question:
    """A specific question about a specific line of the statement (standard tier)."""

    text: str
    transaction_date: date | None = None
    transaction_amount: Decimal | None = None
    transaction_description: str = ""

    def __post_init__(self) -> None:
        _freeze(self, money=("transaction_amount",))


@dataclass(frozen=True)
class DocumentRequest:
    """A document the person is asked to send (full tier), and why, in plain words."""

    item: str
    why: str = ""


@dataclass(frozen=True)
class LetterItem:
    """One subject the letter is about, told once: what we saw, then the one question.

    Six wages to the same relative are one item naming the worker and the months, not six.
    """

    text: str
    ask: str = ""


@dataclass(frozen=True)
class CouncilContact:
    """How the person reaches the direct payments team; every letter prints all of it."""

    phone: str = ""
    email: str = ""
    address: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        _freeze(self)


@dataclass(frozen=True)
class Holder:
    """Who the letter is to: the person, or the nominee or authorised person acting for them."""

    name: str
    kind: str = "self"  # self, nominee, authorised_person

    @property
    def acts_for_someone(self) -> bool:
        return self.kind != "self"


@dataclass(frozen=True)
class Decision:
    """What the officer decided about the money, when the audit closed (or before).

    ``agreed_recovery`` None means nobody has agreed a figure yet. ``reason`` is the
    officer's own words; ``held`` means recovery is on hold, with ``held_reason`` (officer
    words) saying why.
    """

    agreed_recovery: Decimal | None = None
    reason: str = ""
    decided_by: str = ""
    decided_on: date | None = None
    held: bool = False
    held_reason: str = ""

    def __post_init__(self) -> None:
        _freeze(self, money=("agreed_recovery",))


@dataclass(frozen=True)
class UnderspendNote:
    """A recorded reason for spending less (unmet need), in the person's words and the officer's."""

    reason: str  # a sentence for the letter: "You told us that you could not find a PA"
    officer_words: str  # for the workbook: "Could not recruit a PA"
    start: date | None = None
    end: date | None = None
    note: str = ""
    holds_recovery: bool = False


@dataclass(frozen=True)
class TransferPair:
    """Money moved between two of the person's own accounts: neither in nor out."""

    from_account: str
    to_account: str
    amount: Decimal
    date: date | None = None

    def __post_init__(self) -> None:
        _freeze(self, money=("amount",))


@dataclass(frozen=True)
class PlannedHours:
    """Hours a plan line pays for in the period, against the hours all its workers worked."""

    line: str
    planned_hours: Decimal
    worked_hours: Decimal
    workers: int

    def __post_init__(self) -> None:
        _freeze(self, quantities=("planned_hours", "worked_hours"))


@dataclass(frozen=True)
class RuleInForce:
    rule_id: str
    title: str
    on: bool


@dataclass(frozen=True)
class AuditReport:
    """One audit of one person's direct payment account(s) for one period.

    Text that reaches the letter is written for the person: ``recovery_held_reason``
    completes "This is because ..." (e.g. "you could not find a PA for six weeks");
    ``next_steps`` is plain paragraphs separated by blank lines (empty: the letter uses
    its own words for the tier); ``council_contact`` completes "Please ..." (e.g. "call
    0300 123 4567"). ``issued_on`` is the letter's date.
    """

    council_name: str
    recipient_name: str
    recipient_reference: str
    period_from: date
    period_to: date
    audit_kind: str
    tier: Tier
    tier_reasons: tuple[TierReason, ...]
    opening_balance: Decimal
    closing_balance: Decimal
    money_in: Decimal
    money_out: Decimal
    reconciliation_difference: Decimal
    contingency: Decimal
    contingency_weeks: int
    weekly_plan_value: Decimal
    commitments: Decimal
    surplus: Decimal
    council_share: Decimal
    contribution_share: Decimal
    proposed_recovery: Decimal
    recovery_held: bool = False
    recovery_held_reason: str = ""
    gaps: tuple[CoverageGap, ...] = ()
    # True when missing statements account for all of reconciliation_difference
    difference_explained_by_gaps: bool = False
    # False when no statement showed a balance, so the balances are not really known
    balances_known: bool = True
    transactions: tuple[Transaction, ...] = ()
    plan_lines: tuple[PlanLine, ...] = ()
    flexible_use_total: Decimal = Decimal("0.00")
    flags: tuple[Flag, ...] = ()
    timesheet_findings: tuple[TimesheetFinding, ...] = ()
    surplus_steps: tuple[ArithmeticStep, ...] = ()
    questions: tuple[Question, ...] = ()
    documents_needed: tuple[DocumentRequest, ...] = ()
    rules_in_force: tuple[RuleInForce, ...] = ()
    next_steps: str = ""
    issued_on: date | None = None
    council_contact: str = ""
    # open: the letter asks; closed: it tells what was decided
    status: AuditStatus = AuditStatus.OPEN
    audit_reference: str = ""
    contact: CouncilContact = CouncilContact()
    holder: Holder | None = None  # None: the person themselves
    decision: Decision = Decision()
    reply_by: date | None = None
    # grouped, one per subject: what the open letter asks about
    items: tuple[LetterItem, ...] = ()
    underspend: tuple[UnderspendNote, ...] = ()
    transfers: tuple[TransferPair, ...] = ()
    planned_hours: tuple[PlannedHours, ...] = ()
    # the officer's words for why recovery is held ("The person could not recruit a PA")
    recovery_held_reason_for_officer: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "tier", Tier(self.tier))
        object.__setattr__(self, "status", AuditStatus(self.status))
        _check_period("AuditReport", self.period_from, self.period_to)
        _freeze(self, money=_REPORT_MONEY)

    @property
    def tier_points(self) -> int:
        return sum(reason.points for reason in self.tier_reasons)

    @property
    def open_flags(self) -> tuple[Flag, ...]:
        return tuple(flag for flag in self.flags if flag.status is FlagStatus.OPEN)

    @property
    def closed(self) -> bool:
        return self.status is AuditStatus.CLOSED

    @property
    def recovery_on_hold(self) -> bool:
        return self.recovery_held or self.decision.held

    @property
    def recovery_to_ask(self) -> Decimal:
        """The one figure a letter may ask for: the agreed one once there is one."""
        if self.recovery_on_hold:
            return Decimal("0.00")
        if self.decision.agreed_recovery is not None:
            return self.decision.agreed_recovery
        return Decimal("0.00") if self.closed else self.proposed_recovery


_REPORT_MONEY = (
    "opening_balance",
    "closing_balance",
    "money_in",
    "money_out",
    "reconciliation_difference",
    "contingency",
    "weekly_plan_value",
    "commitments",
    "surplus",
    "council_share",
    "contribution_share",
    "proposed_recovery",
    "flexible_use_total",
)


@dataclass(frozen=True)
class TierCount:
    """Audits due and done in the council's period, for one tier."""

    tier: Tier
    due: int
    done: int

    def __post_init__(self) -> None:
        object.__setattr__(self, "tier", Tier(self.tier))


@dataclass(frozen=True)
class FlagCount:
    """How many flags one rule raised, and what officers decided about them."""

    rule_id: str
    title: str
    open: int = 0
    cleared: int = 0
    upheld: int = 0

    @property
    def total(self) -> int:
        return self.open + self.cleared + self.upheld


@dataclass(frozen=True)
class UnmetNeed:
    """Underspend put down to one reason (e.g. "could not recruit a PA")."""

    reason: str
    people: int
    amount: Decimal

    def __post_init__(self) -> None:
        _freeze(self, money=("amount",))


@dataclass(frozen=True)
class BudgetComparison:
    """A person's indicative (early estimate) and actual (approved plan) yearly budget.

    Identified by reference only: council-wide figures carry no names.
    """

    recipient_reference: str
    indicative: Decimal
    actual: Decimal

    def __post_init__(self) -> None:
        _freeze(self, money=("indicative", "actual"))

    @property
    def difference(self) -> Decimal:
        return self.actual - self.indicative


@dataclass(frozen=True)
class CouncilSummary:
    """Council-wide figures for a period."""

    council_name: str
    period_from: date
    period_to: date
    audits_by_tier: tuple[TierCount, ...] = ()
    surplus_proposed: Decimal = Decimal("0.00")
    surplus_agreed: Decimal = Decimal("0.00")
    surplus_held: Decimal = Decimal("0.00")
    flags_by_rule: tuple[FlagCount, ...] = ()
    unmet_need: tuple[UnmetNeed, ...] = ()
    budgets: tuple[BudgetComparison, ...] = ()

    def __post_init__(self) -> None:
        _check_period("CouncilSummary", self.period_from, self.period_to)
        _freeze(self, money=("surplus_proposed", "surplus_agreed", "surplus_held"))

    @property
    def indicative_total(self) -> Decimal:
        return sum((line.indicative for line in self.budgets), Decimal("0.00"))

    @property
    def actual_total(self) -> Decimal:
        return sum((line.actual for line in self.budgets), Decimal("0.00"))
