"""The steps for rules and flags: the rule set a council runs, flag decisions, holder
explanations, notes, and re-categorising a transaction (remembered for that payee).

Services flush, never commit: the request owns the transaction.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import select

from service import rules
from service.core.deps import Ctx
from service.core.errors import Conflict, Forbidden, NotFound, Unprocessable, field_error
from service.core.events import record, snapshot
from service.core.principal import STAFF
from service.core.scope import scoped_select
from service.core.types import utcnow
from service.models import Account, Council, Event, Flag, Note, PayeeCategory, Transaction
from service.models.live import live
from service.review.rule_settings import (
    HOLDER_CATEGORIES,
    checked_parameters,
    council_ruleset,
    parse_setting,
)
from service.review.schemas import (
    FlagBrief,
    FlagDetailOut,
    FlagOut,
    HistoryOut,
    RuleOut,
    RulesOut,
    TransactionOut,
)

# --- the rule set ----------------------------------------------------------------------------

def council_of(ctx: Ctx) -> Council:
    council = ctx.session.get(Council, ctx.principal.council_id)
    assert council is not None  # a principal always belongs to a council
    return council


def rules_out(council: Council) -> RulesOut:
    return RulesOut(council_id=council.id,
                    rules=[RuleOut.model_validate(r) for r in council_ruleset(council).describe()])


def validate_optional_rules(raw: Mapping[str, Any]) -> dict[str, Any]:
    """Check a whole `optional_rules` setting; 422 naming the first unknown rule or setting.

    Returns it in the stored form {rule_id: {"on": bool, "parameters": {...}}}.
    """
    known = rules.load_default_rules()
    stored: dict[str, Any] = {}
    for rule_id, setting in raw.items():
        if rule_id not in known.rules:
            raise Unprocessable(f"There is no rule {rule_id!r}.",
                                errors=[field_error(f"optional_rules.{rule_id}", "unknown rule")])
        _check_switch(rule_id, setting)
        on, params = parse_setting(setting)
        stored[rule_id] = rule_setting(known.rules[rule_id], on, params)
    return stored


def _check_switch(rule_id: str, setting: Any) -> None:
    """A rule is switched with a real true or false: {"on": "no"} must not read as on."""
    if isinstance(setting, bool):
        return
    if not isinstance(setting, Mapping):
        raise Unprocessable(
            f"Give {rule_id} as true, false or an object such as {{\"on\": true}}.",
            errors=[field_error(f"optional_rules.{rule_id}", "give true, false or an object")])
    if "on" in setting and not isinstance(setting["on"], bool):
        raise Unprocessable(
            f"Switch {rule_id} on or off with true or false, not {setting['on']!r}.",
            errors=[field_error(f"optional_rules.{rule_id}.on", "give true or false")])


def rule_setting(rule: rules.Rule, on: bool, parameters: Mapping[str, Any]) -> dict[str, Any]:
    """One rule's stored setting, after checking it. Default-on rules stay on."""
    if rule.default_on and not on:
        raise Unprocessable(
            f"{rule.title} is required by law or guards against harm: it cannot be switched off.",
            errors=[field_error("on", "this rule is always on")])
    try:
        checked = checked_parameters(rule, parameters)
    except ValueError as exc:
        raise Unprocessable(f"That setting does not fit this rule: {exc}.",
                            errors=[field_error("parameters", str(exc))]) from exc
    return {"on": bool(on), "parameters": checked}


def set_rule(ctx: Ctx, council: Council, rule_id: str, on: bool,
             parameters: Mapping[str, Any]) -> RuleOut:
    """Switch a rule on or off for a council and change its settings (event council.rules_changed)."""
    known = rules.load_default_rules().rules
    if rule_id not in known:
        raise NotFound(f"There is no rule {rule_id}.")
    current = dict(council.optional_rules or {})
    previous = current.get(rule_id)
    old_params = previous.get("parameters", {}) if isinstance(previous, Mapping) else {}
    merged = {**(old_params if isinstance(old_params, Mapping) else {}), **parameters}
    current[rule_id] = rule_setting(known[rule_id], on, merged)
    before = snapshot(council)
    council.optional_rules = current  # a new dict, so the JSON column is written
    record(ctx, "council.rules_changed", council, before=before)
    described = {r["id"]: r for r in council_ruleset(council).describe()}
    return RuleOut.model_validate(described[rule_id])


# --- flags -----------------------------------------------------------------------------------

def decide(ctx: Ctx, flag: Flag, outcome: str, reason: str) -> Flag:
    if flag.status != "open":
        raise Conflict(f"This flag was already {flag.status}.",
                       errors=[field_error("status", f"already {flag.status}")])
    before = snapshot(flag)
    flag.status = outcome
    flag.decision_reason = reason
    flag.decided_by_id = ctx.principal.user_id or None
    flag.decided_at = utcnow()
    record(ctx, f"flag.{outcome}", flag, before=before)
    _keep_audits_in_step(ctx, flag)
    return flag


def explain(ctx: Ctx, flag: Flag, text: str) -> Flag:
    """The holder's side of the story; each version stays in the event log."""
    before = snapshot(flag)
    flag.holder_explanation = text
    record(ctx, "flag.explained", flag, before=before)
    _keep_audits_in_step(ctx, flag)
    return flag


def _keep_audits_in_step(ctx: Ctx, flag: Flag) -> None:
    """An open audit of the person follows a decided or explained flag at once."""
    _refresh_person(ctx, flag.recipient_id)


def _refresh_person(ctx: Ctx, recipient_id: int) -> None:
    from service.audits.service import refresh_open_audits

    refresh_open_audits(ctx, recipient_id)


def add_note(ctx: Ctx, flag: Flag, body: str) -> Note:
    note = Note(council_id=flag.council_id, recipient_id=flag.recipient_id, subject_type="flag",
                subject_id=flag.id, author_id=ctx.principal.user_id, body=body)
    ctx.session.add(note)
    record(ctx, "note.created", note)
    _keep_audits_in_step(ctx, flag)
    return note


def flag_detail(ctx: Ctx, flag: Flag) -> FlagDetailOut:
    events = ctx.session.scalars(select(Event).where(
        Event.subject_type == Flag.__tablename__, Event.subject_id == str(flag.id),
        Event.council_id == flag.council_id).order_by(Event.id)).all()
    return FlagDetailOut.model_validate(
        {**FlagOut.model_validate(flag).model_dump(),
         "history": [HistoryOut.model_validate(e) for e in events]})


# --- transactions ----------------------------------------------------------------------------

def load_transaction(ctx: Ctx, transaction_id: int) -> Transaction:
    """The transaction if the caller may see its account; 404 otherwise."""
    txn = ctx.session.scalars(scoped_select(ctx, Transaction).where(
        Transaction.id == transaction_id, live(Transaction))).first()
    if txn is None:
        raise NotFound(f"There is no transaction {transaction_id} that you can see.")
    return txn


def transactions_out(ctx: Ctx, rows: Sequence[Transaction]) -> list[TransactionOut]:
    if not rows:
        return []
    flags: dict[int, list[FlagBrief]] = {}
    for flag in ctx.session.scalars(select(Flag).where(
            Flag.transaction_id.in_([r.id for r in rows])).order_by(Flag.id)):
        flags.setdefault(flag.transaction_id or 0, []).append(FlagBrief.model_validate(flag))
    owners = dict(ctx.session.execute(select(Account.id, Account.recipient_id).where(
        Account.id.in_({r.account_id for r in rows}))).all())
    return [_transaction_out(r, owners[r.account_id], flags.get(r.id, [])) for r in rows]


def _transaction_out(row: Transaction, recipient_id: int,
                     flags: list[FlagBrief]) -> TransactionOut:
    category = row.category if row.category in rules.CODES else None
    return TransactionOut(
        id=row.id, account_id=row.account_id, recipient_id=recipient_id, upload_id=row.upload_id,
        posted_on=row.posted_on, amount=row.amount, description=row.description,
        reference=row.reference, balance=row.balance, mcc=row.mcc, category=category,
        label=rules.label(category) if category else None, reason=row.category_reason,
        worker_id=row.worker_id, plan_line_id=row.plan_line_id, review=row.review, flags=flags)


def recategorise(ctx: Ctx, txn: Transaction, category: str, reason: str) -> Transaction:
    """Set a transaction's category and remember it for this payee and this person.

    Holders choose among spending categories only (403 naming `category` otherwise):
    what is income, a transfer or a repayment to the council is the council's call.
    """
    if ctx.principal.role not in STAFF and category not in HOLDER_CATEGORIES:
        raise Forbidden("You can choose a spending category; the council decides what money "
                        "paid in, transfers and repayments are.",
                        errors=[field_error("category", "only council staff can choose this")])
    account = ctx.session.get(Account, txn.account_id)
    assert account is not None  # the foreign key guarantees it
    before = snapshot(txn)
    txn.category = category
    txn.category_reason = reason
    if category != "pa_wages":
        txn.worker_id = None
    txn.plan_line_id = None
    record(ctx, "transaction.recategorised", txn, before=before,
           recipient_id=account.recipient_id)
    remember(ctx, account, rules.payee_key(txn.description)[:200], category, reason)
    _refresh_person(ctx, account.recipient_id)
    return txn


def remember(ctx: Ctx, account: Account, key: str, category: str, reason: str) -> None:
    if not key:
        return  # nothing recognisable to remember the payee by
    remembered = ctx.session.scalars(select(PayeeCategory).where(
        PayeeCategory.recipient_id == account.recipient_id,
        PayeeCategory.payee_key == key)).first()
    if remembered is None:
        remembered = PayeeCategory(council_id=account.council_id,
                                   recipient_id=account.recipient_id, payee_key=key,
                                   category=category, reason=reason,
                                   set_by_id=ctx.principal.user_id or None)
        ctx.session.add(remembered)
        record(ctx, "payee_category.created", remembered)
        return
    before = snapshot(remembered)
    remembered.category, remembered.reason = category, reason
    remembered.set_by_id = ctx.principal.user_id or None
    record(ctx, "payee_category.updated", remembered, before=before)
