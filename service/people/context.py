"""One person's context, loaded once: what classification, the rules and the audit all know.

The plan versions by day, every payment schedule, the workers with their relationship and
household, the accounts with their number and reference, the council's settings and rules,
the names the person's contribution arrives under, and the payee categories people told us.
Each reader takes its view from here (``classification``, ``audit_*``), so the plan and the
schedule that apply on a day are decided by one rule for everyone.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from service import rules
from service.audits import inputs as ai
from service.models import (
    Account,
    Council,
    PaymentSchedule,
    PlanLine,
    Recipient,
    Representative,
    SupportPlan,
    Worker,
)
from service.review.rule_settings import council_ruleset, load_overrides

# Our worker relationship codes, in words `service.rules.relationship_code` reads.
_RELATIONSHIP_WORDS = {"spouse_partner": "partner", "aunt_uncle": "aunt"}
_NOT_RELATED = frozenset({"none", "friend", "other_relative"})
_AGE_BANDS = {"21_plus": "21+", "18_20": "18-20", "16_17": "16-17", "apprentice": "apprentice"}


@dataclass(frozen=True, slots=True)
class AccountInfo:
    id: int
    reference: str
    kind: str
    number: str  # as recorded: the last four digits at most


@dataclass(frozen=True, slots=True)
class PlanLineInfo:
    id: int
    category: str
    description: str
    amount: Decimal
    basis: str
    planned_hours_per_week: Decimal | None
    hourly_rate: Decimal | None
    expected_payee: str | None

    @property
    def stable_id(self) -> str:
        """The same line in two plan versions: same category and same description."""
        return f"{self.category}:{' '.join(self.description.lower().split())}"


@dataclass(frozen=True, slots=True)
class PlanInfo:
    """An approved plan version."""

    id: int
    version: int
    effective_from: dt.date
    effective_to: dt.date | None  # inclusive; None = still in force
    period: str
    budget: Decimal
    lines: tuple[PlanLineInfo, ...]

    def in_force(self, day: dt.date) -> bool:
        return self.effective_from <= day and (self.effective_to is None or day <= self.effective_to)


@dataclass(frozen=True, slots=True)
class ScheduleInfo:
    account_id: int | None
    funding_model: str
    frequency: str
    council_amount: Decimal
    contribution_amount: Decimal
    first_payment_on: dt.date
    ends_on: dt.date | None
    payer: str

    def running(self, day: dt.date) -> bool:
        return self.first_payment_on <= day and (self.ends_on is None or day <= self.ends_on)


@dataclass(frozen=True, slots=True)
class PersonContext:
    recipient_id: int
    council: Council
    ruleset: rules.RuleSet
    accounts: tuple[AccountInfo, ...]
    plans: tuple[PlanInfo, ...]  # approved, by effective date
    schedules: tuple[ScheduleInfo, ...]  # by first payment
    workers: tuple[Worker, ...]
    payer_names: tuple[str, ...]  # the person and those acting for them, as banks print them
    overrides: dict[str, str]

    # --- the plan and the schedule on a day: one rule for every reader ---------------------

    def plan_on(self, day: dt.date) -> PlanInfo | None:
        """The version in force on the day (the latest to start); before the first plan or
        after one ended, the nearest version is still the best yardstick for classifying."""
        covering = [p for p in self.plans if p.in_force(day)]
        if covering:
            return max(covering, key=lambda p: (p.effective_from, p.version))
        earlier = [p for p in self.plans if p.effective_from <= day]
        if earlier:
            return earlier[-1]
        return self.plans[0] if self.plans else None

    def schedules_on(self, day: dt.date, account_id: int | None = None) -> list[ScheduleInfo]:
        """The schedules running on the day, into this account first when any are."""
        running = [s for s in self.schedules if s.running(day)] or list(self.schedules)
        mine = [s for s in running if s.account_id == account_id]
        return mine or running

    # --- classification and the rules ------------------------------------------------------

    def rule_workers(self) -> tuple[rules.Worker, ...]:
        return tuple(rule_worker(w) for w in self.workers)

    def classification(self, account_id: int | None = None) -> RecipientContext:
        """What classifying this account's lines may use; the plan is picked by date."""
        council_payers = tuple(s.payer for s in self.schedules if s.payer and s.council_amount)
        contributors = tuple(s.payer for s in self.schedules
                             if s.payer and not s.council_amount and s.contribution_amount)
        own = tuple(a.reference for a in self.accounts if a.id != account_id and a.reference)
        return RecipientContext(self, account_id, council_payers,
                                (*contributors, *self.payer_names), own)

    # --- the audit's views -----------------------------------------------------------------

    def audit_accounts(self) -> tuple[ai.Account, ...]:
        return tuple(ai.Account(a.reference, a.kind, a.number) for a in self.accounts)  # type: ignore[arg-type]

    def audit_plans(self) -> tuple[list[ai.PlanVersion], dict[int, str]]:
        """The approved versions as the audit reads them, and each line's id across versions."""
        line_ids = {line.id: line.stable_id for p in self.plans for line in p.lines}
        versions = [ai.PlanVersion(
            p.effective_from, p.effective_to, p.period, p.budget,  # type: ignore[arg-type]
            tuple(ai.PlanLine(line.stable_id, line.category, line.description, line.amount,
                              line.basis, line.planned_hours_per_week, line.hourly_rate)  # type: ignore[arg-type]
                  for line in p.lines), str(p.version)) for p in self.plans]
        return versions, line_ids

    def audit_schedules(self, period: ai.AuditPeriod) -> tuple[ai.PaymentSchedule, ...]:
        """Every schedule that runs during the period: council payments, contributions, top-ups."""
        refs = {a.id: a.reference for a in self.accounts}
        return tuple(
            ai.PaymentSchedule(s.council_amount, s.contribution_amount, s.frequency,  # type: ignore[arg-type]
                               s.first_payment_on, s.funding_model, s.payer, s.ends_on,  # type: ignore[arg-type]
                               refs.get(s.account_id) if s.account_id else None)
            for s in self.schedules
            if s.first_payment_on <= period.end and (s.ends_on is None or s.ends_on >= period.start))

    def audit_settings(self) -> ai.CouncilSettings:
        return council_settings(self.council)


@dataclass(frozen=True, slots=True)
class RecipientContext:
    """The classification view of a person: one rules.PlanContext per day's plan."""

    person: PersonContext
    account_id: int | None
    council_payers: tuple[str, ...]
    contribution_payers: tuple[str, ...]
    own_accounts: tuple[str, ...]

    _made: dict[tuple[Any, ...], rules.PlanContext] = field(default_factory=dict, compare=False)
    _days: dict[dt.date, rules.PlanContext] = field(default_factory=dict, compare=False)

    def on(self, day: dt.date) -> rules.PlanContext:
        """The same record for every day with the same plan and schedule: classification
        works out what it needs from a record once."""
        known = self._days.get(day)
        if known is None:
            known = self._days[day] = self._on(day)
        return known

    def _on(self, day: dt.date) -> rules.PlanContext:
        plan = self.person.plan_on(day)
        amounts = self._amounts(day)
        key = (plan.id if plan else None, amounts)
        made = self._made.get(key)
        if made is None:
            made = self._made[key] = self._context(plan, amounts)
        return made

    def _context(self, plan: PlanInfo | None,
                 amounts: tuple[Decimal | None, Decimal | None] | None) -> rules.PlanContext:
        lines = tuple(
            rules.PlanLine(ref=str(line.id), category=line.category, payee=line.expected_payee,
                           amount=line.amount, keywords=(line.description,))
            # "other" plan lines have no spend category of ours: the engine cannot use them
            for line in (plan.lines if plan else ()) if line.category in rules.CODES)
        schedule = None if amounts is None else rules.PaymentSchedule(
            council_amount=amounts[0], contribution_amount=amounts[1],
            council_payers=self.council_payers, contribution_payers=self.contribution_payers)
        return rules.PlanContext(lines, self.person.rule_workers(), schedule, self.own_accounts,
                                 self.person.overrides)

    def _amounts(self, day: dt.date) -> tuple[Decimal | None, Decimal | None] | None:
        """What the council and the person each pay in at a time, by the schedules on the day."""
        running = self.person.schedules_on(day, self.account_id)
        if not running:
            return None
        council = next((s.council_amount for s in reversed(running) if s.council_amount), None)
        contribution = next((s.contribution_amount for s in reversed(running) if s.contribution_amount),
                            None)
        return council, contribution


def rule_worker(row: Worker) -> rules.Worker:
    relationship = None if row.relationship in _NOT_RELATED else _RELATIONSHIP_WORDS.get(
        row.relationship, row.relationship)
    return rules.Worker(
        ref=str(row.id), name=row.name, aliases=tuple(row.aliases or ()),
        relationship=relationship, lives_in_household=bool(row.lives_in_household),
        necessary_decision=row.necessary_decision_on is not None,
        date_of_birth=row.date_of_birth, age_band=_AGE_BANDS.get(row.age_band or ""),
        apprentice=row.age_band == "apprentice",
    )


def council_settings(council: Council) -> ai.CouncilSettings:
    """The council's own settings; unknown or malformed risk-weight keys are left at default."""
    overrides = council.risk_weights or {}
    return ai.CouncilSettings(
        contingency_weeks=council.contingency_weeks,
        first_review_weeks=council.first_review_weeks,
        review_interval_months=council.review_interval_months,
        risk_weights=_with_ints(ai.RiskWeights(), overrides),
        tier_thresholds=_with_ints(ai.TierThresholds(), overrides),
    )


def _with_ints(default: Any, overrides: dict[str, Any]) -> Any:
    names = {f.name for f in fields(default)}
    chosen = {k: v for k, v in overrides.items()
              if k in names and isinstance(v, int) and not isinstance(v, bool)}
    return type(default)(**{**{n: getattr(default, n) for n in names}, **chosen})


def payer_names(names: list[str]) -> tuple[str, ...]:
    """Names as a bank prints a payer: "MARGARET HALE" and "M HALE"."""
    found: list[str] = []
    for name in names:
        words = name.upper().replace(".", " ").split()
        if len(words) >= 2:
            found += [" ".join(words), f"{words[0][0]} {words[-1]}"]
    return tuple(dict.fromkeys(found))


def load_person(session: Session, recipient_id: int) -> PersonContext:
    """Everything about one person that classification, the rules and the audit use."""
    recipient = session.get(Recipient, recipient_id)
    assert recipient is not None
    council = session.get(Council, recipient.council_id)
    assert council is not None
    accounts = tuple(AccountInfo(a.id, a.reference, a.kind, a.masked_number or "") for a in session.execute(
        select(Account.id, Account.reference, Account.kind, Account.masked_number)
        .where(Account.recipient_id == recipient_id).order_by(Account.id)))
    names = [recipient.name, *session.scalars(
        select(Representative.name).where(Representative.recipient_id == recipient_id)
        .order_by(Representative.id))]
    return PersonContext(
        recipient_id=recipient_id, council=council, ruleset=council_ruleset(council),
        accounts=accounts, plans=_plans(session, recipient_id), schedules=_schedules(session, recipient_id),
        workers=tuple(session.scalars(select(Worker).where(Worker.recipient_id == recipient_id)
                                      .order_by(Worker.id))),
        payer_names=payer_names(names), overrides=load_overrides(session, recipient_id),
    )


def _plans(session: Session, recipient_id: int) -> tuple[PlanInfo, ...]:
    plans = session.execute(
        select(SupportPlan.id, SupportPlan.version, SupportPlan.effective_from,
               SupportPlan.effective_to, SupportPlan.period, SupportPlan.actual_budget)
        .where(SupportPlan.recipient_id == recipient_id, SupportPlan.status == "approved")
        .order_by(SupportPlan.effective_from, SupportPlan.version)).all()
    if not plans:
        return ()
    lines: dict[int, list[PlanLineInfo]] = {p.id: [] for p in plans}
    for line in session.scalars(select(PlanLine).where(PlanLine.plan_id.in_(list(lines)))
                                .order_by(PlanLine.plan_id, PlanLine.position)):
        lines[line.plan_id].append(PlanLineInfo(
            line.id, line.category, line.description, line.amount, line.amount_basis,
            line.planned_hours_per_week, line.hourly_rate, line.expected_payee))
    return tuple(PlanInfo(p.id, p.version, p.effective_from, p.effective_to, p.period,
                          p.actual_budget, tuple(lines[p.id])) for p in plans)


def _schedules(session: Session, recipient_id: int) -> tuple[ScheduleInfo, ...]:
    rows = session.scalars(select(PaymentSchedule).where(PaymentSchedule.recipient_id == recipient_id)
                           .order_by(PaymentSchedule.first_payment_on, PaymentSchedule.id))
    return tuple(ScheduleInfo(s.account_id, s.funding_model, s.frequency, s.council_amount,
                              s.contribution_amount, s.first_payment_on, s.ends_on,
                              s.payer_reference or "") for s in rows)
