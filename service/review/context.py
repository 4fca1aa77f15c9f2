"""What the rule engine may know about one recipient, read from the database.

The engine (`service.rules`) works on plain records; this module turns rows into them:
approved plan lines, workers, the payment schedule, the person's other accounts and the
payee categories people have told us. Refs are the database ids as strings.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from service import rules
from service.models import (
    Account,
    Council,
    PayeeCategory,
    PaymentSchedule,
    PlanLine,
    Recipient,
    Representative,
    SupportPlan,
    User,
    Worker,
)

# Our worker relationship codes, in words `service.rules.relationship_code` reads.
_RELATIONSHIP_WORDS = {"spouse_partner": "partner", "aunt_uncle": "aunt"}
_NOT_RELATED = frozenset({"none", "friend", "other_relative"})
_MAX_MONEY = Decimal("1000000")
_MAX_COUNT = 10_000
_AGE_BANDS = {"21_plus": "21+", "18_20": "18-20", "16_17": "16-17", "apprentice": "apprentice"}
# What a holder may call a payment: spending only. Money in, moves between their own
# accounts and repayments to the council stay the council's reading.
HOLDER_CATEGORIES = frozenset(rules.OUTGOINGS) - {"transfer", "repayment_to_council"}
# a memory with no user behind it was set with a council key: staff
_STAFF_ROLES = frozenset({"admin", "officer", None})


def optional_settings(raw: Mapping[str, Any] | None) -> tuple[list[str], dict[str, dict[str, Any]]]:
    """Read `council.optional_rules`: {rule_id: {"on": bool, "parameters": {...}}}.

    Also accepts the shorter forms {rule_id: true} and {rule_id: {param: value}} (on).
    Entries naming unknown rules or parameters are skipped here, so a stored setting can
    never stop classification; `validate_optional_rules` refuses them on the way in.
    """
    known = rules.load_default_rules()
    enabled: list[str] = []
    overrides: dict[str, dict[str, Any]] = {}
    for rule_id, setting in (raw or {}).items():
        if rule_id not in known.rules:
            continue
        on, params = parse_setting(setting)
        try:
            params = checked_parameters(known.rules[rule_id], params)
        except ValueError:
            params = {}
        if on and not known.rules[rule_id].default_on:
            enabled.append(rule_id)
        if params:
            overrides[rule_id] = params
    return enabled, overrides


def checked_parameters(rule: rules.Rule, params: Mapping[str, Any]) -> dict[str, Any]:
    """A rule's parameter changes, checked and in stored form (money as "12.34").

    ValueError names what is wrong: an unknown name, a float for money, a negative or
    absurd number.
    """
    try:
        changed = rules.ruleset_for_council([], {rule.id: params}).rule(rule.id).parameters
    except (ArithmeticError, TypeError) as exc:
        raise ValueError(f"rule {rule.id}: not a number") from exc
    return {name: _in_range(f"{rule.id}.{name}", changed[name]) for name in params}


def _in_range(where: str, value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        return value
    if isinstance(value, Decimal):
        if not (value.is_finite() and 0 <= value <= _MAX_MONEY and value == round(value, 2)):
            raise ValueError(f"{where}: give an amount from 0 to {_MAX_MONEY}, in pence at most")
        return f"{value:.2f}"
    if not 0 < value <= _MAX_COUNT:
        raise ValueError(f"{where}: give a whole number from 1 to {_MAX_COUNT}")
    return value


def parse_setting(setting: Any) -> tuple[bool, dict[str, Any]]:
    """(on, parameters) from one stored rule setting, forgivingly: anything but a real
    boolean `true` (the string "no", 1, null) means off. `validate_optional_rules`
    refuses such values on the way in."""
    if isinstance(setting, bool):
        return setting, {}
    if not isinstance(setting, Mapping):
        return False, {}
    if "on" in setting or "parameters" in setting:
        params = setting.get("parameters")
        return setting.get("on", True) is True, dict(params) if isinstance(params, Mapping) else {}
    return True, dict(setting)


def council_ruleset(council: Council) -> rules.RuleSet:
    """The rules in force for a council: the defaults plus what it switched on."""
    enabled, overrides = optional_settings(council.optional_rules)
    return rules.ruleset_for_council(enabled, overrides)


@dataclass(frozen=True, slots=True)
class PlanVersion:
    """An approved plan version's dates and its lines, as the engine sees them."""

    effective_from: dt.date
    effective_to: dt.date | None
    lines: tuple[rules.PlanLine, ...]

    def covers(self, day: dt.date) -> bool:
        return self.effective_from <= day and (self.effective_to is None or day <= self.effective_to)


@dataclass(frozen=True, slots=True)
class RecipientContext:
    """One PlanContext per approved plan version; the right one is picked by date."""

    versions: tuple[PlanVersion, ...]
    base: rules.PlanContext

    def on(self, day: dt.date) -> rules.PlanContext:
        version = _version_on(self.versions, day)
        if version is None:
            return self.base
        return rules.PlanContext(version.lines, self.base.workers, self.base.schedule,
                                 self.base.own_accounts, self.base.overrides)


def _version_on(versions: tuple[PlanVersion, ...], day: dt.date) -> PlanVersion | None:
    covering = [v for v in versions if v.covers(day)]
    if covering:
        return covering[-1]
    earlier = [v for v in versions if v.effective_from <= day]
    if earlier:
        return earlier[-1]
    # before the first plan: the first plan is still the best yardstick we have
    return versions[0] if versions else None


def engine_worker(row: Worker) -> rules.Worker:
    relationship = None if row.relationship in _NOT_RELATED else _RELATIONSHIP_WORDS.get(
        row.relationship, row.relationship)
    return rules.Worker(
        ref=str(row.id), name=row.name, aliases=tuple(row.aliases or ()),
        relationship=relationship, lives_in_household=bool(row.lives_in_household),
        necessary_decision=row.necessary_decision_on is not None,
        date_of_birth=row.date_of_birth, age_band=_AGE_BANDS.get(row.age_band or ""),
        apprentice=row.age_band == "apprentice",
    )


def load_workers(session: Session, recipient_id: int) -> tuple[rules.Worker, ...]:
    rows = session.scalars(select(Worker).where(Worker.recipient_id == recipient_id)
                           .order_by(Worker.id))
    return tuple(engine_worker(w) for w in rows)


def _plan_versions(session: Session, recipient_id: int) -> tuple[PlanVersion, ...]:
    plans = session.scalars(
        select(SupportPlan).where(SupportPlan.recipient_id == recipient_id,
                                  SupportPlan.status == "approved")
        .order_by(SupportPlan.effective_from, SupportPlan.version)).all()
    if not plans:
        return ()
    lines = session.scalars(select(PlanLine).where(PlanLine.plan_id.in_([p.id for p in plans]))
                            .order_by(PlanLine.plan_id, PlanLine.position)).all()
    by_plan: dict[int, list[rules.PlanLine]] = {p.id: [] for p in plans}
    for line in lines:
        # "other" plan lines have no spend category of ours: the engine cannot use them
        if line.category in rules.CODES:
            by_plan[line.plan_id].append(rules.PlanLine(
                ref=str(line.id), category=line.category, payee=line.expected_payee,
                amount=line.amount, keywords=(line.description,)))
    return tuple(PlanVersion(p.effective_from, p.effective_to, tuple(by_plan[p.id]))
                 for p in plans)


def _schedule(session: Session, recipient_id: int,
              account_id: int | None) -> rules.PaymentSchedule | None:
    rows = session.scalars(select(PaymentSchedule)
                           .where(PaymentSchedule.recipient_id == recipient_id)
                           .order_by(PaymentSchedule.first_payment_on.desc(),
                                     PaymentSchedule.id.desc())).all()
    if not rows:
        return None
    # the schedule for this account if there is one, else the latest for the person
    chosen = next((s for s in rows if s.account_id == account_id), rows[0])
    # a schedule that carries only a contribution is paid by the person, not the council
    council = tuple(s.payer_reference for s in rows if s.payer_reference and s.council_amount)
    contributors = tuple(s.payer_reference for s in rows
                         if s.payer_reference and not s.council_amount and s.contribution_amount)
    return rules.PaymentSchedule(council_amount=chosen.council_amount or None,
                                 contribution_amount=chosen.contribution_amount or None,
                                 council_payers=council,
                                 contribution_payers=(*contributors, *_people_paying(session, recipient_id)))


def _people_paying(session: Session, recipient_id: int) -> tuple[str, ...]:
    """The person and those who act for them pay the contribution in, under their names
    as a bank prints them ("MARGARET HALE", "M HALE")."""
    names = [session.scalar(select(Recipient.name).where(Recipient.id == recipient_id)) or ""]
    names += session.scalars(select(Representative.name)
                             .where(Representative.recipient_id == recipient_id))
    found: list[str] = []
    for name in names:
        words = name.upper().replace(".", " ").split()
        if len(words) >= 2:
            found += [" ".join(words), f"{words[0][0]} {words[-1]}"]
    return tuple(dict.fromkeys(found))


def _own_accounts(session: Session, recipient_id: int, account_id: int | None) -> tuple[str, ...]:
    refs = session.scalars(select(Account.reference).where(Account.recipient_id == recipient_id,
                                                           Account.id != (account_id or 0)))
    return tuple(r for r in refs if r)


def load_overrides(session: Session, recipient_id: int) -> dict[str, str]:
    """The payee categories people told us, as {payee key: category}.

    A holder's memory counts only where a holder may choose it (a spending category):
    one remembered before that limit existed must not turn money in into spending or
    the council's payment into a contribution.
    """
    rows = session.execute(
        select(PayeeCategory.payee_key, PayeeCategory.category, User.role)
        .outerjoin(User, User.id == PayeeCategory.set_by_id)
        .where(PayeeCategory.recipient_id == recipient_id))
    return {key: category for key, category, role in rows
            if category in rules.CODES and (role in _STAFF_ROLES or category in HOLDER_CATEGORIES)}


def recipient_context(session: Session, recipient_id: int,
                      account_id: int | None = None) -> RecipientContext:
    """Everything classification may use for this person (and this account's transfers)."""
    base = rules.PlanContext(
        plan_lines=(), workers=load_workers(session, recipient_id),
        schedule=_schedule(session, recipient_id, account_id),
        own_accounts=_own_accounts(session, recipient_id, account_id),
        overrides=load_overrides(session, recipient_id),
    )
    return RecipientContext(_plan_versions(session, recipient_id), base)
