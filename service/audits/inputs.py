"""What an audit is computed from: plain frozen dataclasses, filled by the service layer.

Sign convention: a transaction ``amount`` is positive for money into the account and
negative for money out. Every money field is a ``Decimal`` with at most two places.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Literal

AccountKind = Literal["bank", "prepaid", "managed"]
PlanPeriod = Literal["week", "four_weeks", "month", "year"]
PaymentFrequency = Literal["week", "four_weeks", "month"]
FundingModel = Literal["net", "gross"]
LineBasis = Literal["week", "period"]
CommitmentKind = Literal["invoice", "wages", "hmrc", "pension", "other"]
FlagSeverity = Literal["unlawful", "harmful", "local_policy", "info"]
FlagStatus = Literal["open", "upheld", "cleared"]
UnderspendReasonCode = Literal["could_not_recruit", "hospital_stay", "provider_let_down", "other"]

# Category codes the arithmetic gives a meaning to; any other code is ordinary spend.
COUNCIL_PAYMENT = "council_payment"
CONTRIBUTION = "contribution"
PA_WAGES = "pa_wages"
FLEXIBLE_USE = "flexible_use"
OWN_TRANSFER = "own_transfer"  # between the person's own DP accounts: neither in nor out


@dataclass(frozen=True, slots=True)
class AuditPeriod:
    start: date
    end: date  # inclusive

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end


@dataclass(frozen=True, slots=True)
class Account:
    reference: str
    kind: AccountKind
    number: str = ""  # the account number (or its last digits) as recorded, for transfers


@dataclass(frozen=True, slots=True)
class Statement:
    """One uploaded statement: the dates it covers and its balances, where printed."""

    account: str  # Account.reference
    start: date
    end: date  # inclusive
    opening_balance: Decimal | None = None
    closing_balance: Decimal | None = None
    upload_id: str = ""
    # what start and end rest on: "statement", "filename", "declared" (by the uploader or
    # at import) or "lines" (only the first and last line's dates)
    evidence: str = "lines"

    @property
    def declared(self) -> bool:
        """The statement says which days it covers, so days without lines are covered."""
        return self.evidence != "lines"


@dataclass(frozen=True, slots=True)
class Transaction:
    """A statement line. Pass them in statement order: the running-balance check uses it."""

    id: str
    account: str  # Account.reference
    date: date
    amount: Decimal  # positive = money in, negative = money out
    description: str = ""
    category: str = ""
    running_balance: Decimal | None = None
    flag_ids: tuple[str, ...] = ()
    plan_line_id: str | None = None  # set when classification matched a plan line
    worker_id: str | None = None  # set for wage payments matched to a worker


@dataclass(frozen=True, slots=True)
class PlanLine:
    id: str  # stable across plan versions: the same id is the same line
    category: str
    description: str
    amount: Decimal
    basis: LineBasis = "week"  # amount per week, or per plan period
    planned_hours_per_week: Decimal | None = None
    hourly_rate: Decimal | None = None


@dataclass(frozen=True, slots=True)
class PlanVersion:
    effective_from: date
    effective_to: date | None  # inclusive; None = still in force
    period: PlanPeriod
    period_amount: Decimal  # the plan's budget per period
    lines: tuple[PlanLine, ...] = ()
    id: str = ""

    def in_force(self, day: date) -> bool:
        return self.effective_from <= day and (self.effective_to is None or day <= self.effective_to)


@dataclass(frozen=True, slots=True)
class PaymentSchedule:
    council_amount: Decimal  # per payment
    contribution_amount: Decimal  # per payment; paid into the account under the net model
    frequency: PaymentFrequency
    first_payment_date: date
    funding_model: FundingModel = "net"
    payer: str = ""  # who pays it in, as the bank prints it, when recorded
    ends_on: date | None = None  # inclusive; None = still running
    account: str | None = None  # Account.reference it is paid into, when recorded


@dataclass(frozen=True, slots=True)
class Commitment:
    """Money already owed from the balance: an invoice due, HMRC or pension from payroll."""

    kind: CommitmentKind
    description: str
    amount: Decimal
    due_date: date | None = None
    worker_id: str | None = None  # for wages: replaces the figure worked out from timesheets


@dataclass(frozen=True, slots=True)
class Worker:
    id: str
    name: str
    hourly_rate: Decimal
    plan_line_id: str | None = None
    irregular_hours: bool = False


@dataclass(frozen=True, slots=True)
class TimesheetEntry:
    worker_id: str
    date: date
    hours: Decimal
    hourly_rate: Decimal | None = None  # None = the worker's rate


@dataclass(frozen=True, slots=True)
class PayrollRun:
    """One worker's pay for one pay period, as the payroll ran it: the work done from ``start``
    to ``end`` is paid by it once a wage payment of its net pay is seen."""

    worker_id: str
    start: date
    end: date  # inclusive
    net: Decimal


@dataclass(frozen=True, slots=True)
class Flag:
    """A rule hit from the rules engine (including its minimum-wage check)."""

    id: str
    rule_id: str
    severity: FlagSeverity
    status: FlagStatus = "open"
    title: str = ""
    transaction_id: str | None = None
    worker_id: str | None = None

    @property
    def counts(self) -> bool:
        """An officer who cleared a flag has decided it is not a concern."""
        return self.status != "cleared"


@dataclass(frozen=True, slots=True)
class PriorAudits:
    count: int = 0
    had_findings: bool = False
    last_audit_end: date | None = None


@dataclass(frozen=True, slots=True)
class UnderspendReason:
    reason: UnderspendReasonCode
    note: str = ""
    hold_recovery: bool = False
    start: date | None = None
    end: date | None = None


@dataclass(frozen=True, slots=True)
class RiskWeights:
    """Points added to the risk score for each signal. A council may override any."""

    unlawful_flag: int = 10  # each open or upheld flag
    harmful_flag: int = 4
    local_policy_flag: int = 1
    reconciliation_difference: int = 4  # once, if any account does not balance
    statement_gap: int = 3  # each gap
    surplus_week_above_contingency: int = 1  # each whole week of surplus
    surplus_points_cap: int = 4
    first_audit: int = 1
    bank_account: int = 1  # council cannot see it online
    prepaid_account: int = 0
    managed_account: int = 0
    prior_findings: int = 3
    timesheet_mismatch: int = 2  # once, if wages paid differ from timesheets


@dataclass(frozen=True, slots=True)
class TierThresholds:
    standard_from: int = 3  # score >= this: standard
    full_from: int = 10  # score >= this: full


@dataclass(frozen=True, slots=True)
class CouncilSettings:
    contingency_weeks: int = 8
    first_review_weeks: int = 12
    review_interval_months: int = 12
    risk_weights: RiskWeights = field(default_factory=RiskWeights)
    tier_thresholds: TierThresholds = field(default_factory=TierThresholds)
    holiday_accrual_rate: Decimal = Decimal("0.1207")  # irregular hours, leave years from 2024
    wage_tolerance: Decimal = Decimal("1.00")  # pennies of rounding between payslip and bank
    hours_tolerance_percent: Decimal = Decimal("10")  # worked vs planned hours
    payment_match_days: int = 7  # how far a payment may land from its due date


@dataclass(frozen=True, slots=True)
class AuditInputs:
    recipient_id: str
    period: AuditPeriod
    accounts: tuple[Account, ...]
    statements: tuple[Statement, ...] = ()
    transactions: tuple[Transaction, ...] = ()
    plan_versions: tuple[PlanVersion, ...] = ()
    schedule: PaymentSchedule | None = None  # one schedule; ``schedules`` for several
    schedules: tuple[PaymentSchedule, ...] = ()
    commitments: tuple[Commitment, ...] = ()
    workers: tuple[Worker, ...] = ()
    timesheets: tuple[TimesheetEntry, ...] = ()
    payroll: tuple[PayrollRun, ...] = ()  # pay periods of workers with timesheets
    flags: tuple[Flag, ...] = ()
    prior_audits: PriorAudits = field(default_factory=PriorAudits)
    final_audit: bool = False  # DP ended (death, care home, move): no contingency
    settings: CouncilSettings = field(default_factory=CouncilSettings)
    underspend_reasons: tuple[UnderspendReason, ...] = ()
    # questions the period rules ask instead of flagging (low bank pay that may be net)
    rule_questions: tuple[str, ...] = ()

    @property
    def all_schedules(self) -> tuple[PaymentSchedule, ...]:
        """Every payment schedule: council payments, contributions, top-ups."""
        if self.schedules:
            return self.schedules
        return (self.schedule,) if self.schedule is not None else ()

    @property
    def funding_model(self) -> FundingModel:
        return self.all_schedules[-1].funding_model if self.all_schedules else "net"
