"""A council's rule settings (which local rules are on, with which parameters) and the
payee categories people have told us, read as the rule engine needs them.

Everything else about a person that classification uses is in `service.people.context`.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from service import rules
from service.models import (
    Council,
    PayeeCategory,
    User,
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
