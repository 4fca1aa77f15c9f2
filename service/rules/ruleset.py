"""The rule set as data: loaded from `data/rules.json`, chosen per council, compiled once."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import lru_cache
from types import MappingProxyType
from typing import Any

from service.rules._data import read_json, read_lines

SEVERITIES = ("unlawful", "harmful", "local")


@dataclass(frozen=True, slots=True)
class Source:
    kind: str  # "law", "guidance" or "council_policy"
    citation: str


@dataclass(frozen=True, slots=True)
class MerchantMatcher:
    """One compiled pattern per rule over normalised descriptors, plus card codes."""

    names: re.Pattern[str]
    veto: re.Pattern[str] | None
    mcc: frozenset[str]
    optional_mcc: Mapping[str, frozenset[str]] = field(default_factory=dict)

    def matches_name(self, text: str) -> re.Match[str] | None:
        found = self.names.search(text)
        if found and self.veto is not None and self.veto.search(text):
            return None
        return found


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    version: int
    title: str
    explanation: str
    source: Source
    severity: str
    default_on: bool
    parameters: Mapping[str, Any]
    reason: str
    matcher: MerchantMatcher | None = None

    def describe(self) -> dict[str, Any]:
        """The public view of a rule (GET /v1/rules, audit records)."""
        return {
            "id": self.id,
            "version": self.version,
            "title": self.title,
            "explanation": self.explanation,
            "source": {"kind": self.source.kind, "citation": self.source.citation},
            "severity": self.severity,
            "default_on": self.default_on,
            "parameters": {k: _public(v) for k, v in self.parameters.items()},
        }


@dataclass(frozen=True, slots=True)
class RuleSet:
    """All known rules and which are in force. Immutable; build variants with the helpers."""

    rules: Mapping[str, Rule]
    enabled: frozenset[str]
    merchant_rules: tuple[Rule, ...] = field(init=False, repr=False, compare=False)
    merchant_gate: re.Pattern[str] = field(init=False, repr=False, compare=False)
    merchant_mccs: frozenset[str | None] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Worked out once: classification reads these for every transaction.
        merchants = tuple(r for r in self.in_force() if r.matcher is not None)
        object.__setattr__(self, "merchant_rules", merchants)
        object.__setattr__(self, "merchant_gate", _gate(merchants))
        object.__setattr__(self, "merchant_mccs", _mccs(merchants))

    def is_on(self, rule_id: str) -> bool:
        return rule_id in self.enabled

    def rule(self, rule_id: str) -> Rule:
        return self.rules[rule_id]

    def param(self, rule_id: str, name: str) -> Any:
        return self.rules[rule_id].parameters[name]

    def in_force(self) -> list[Rule]:
        return [r for r in self.rules.values() if r.id in self.enabled]

    def describe(self) -> list[dict[str, Any]]:
        """What an audit records: every rule, whether it was on, and its settings."""
        return [dict(r.describe(), on=r.id in self.enabled) for r in self.rules.values()]


def _gate(merchants: tuple[Rule, ...]) -> re.Pattern[str]:
    """Every merchant rule's names in one regex: a miss here means no rule can fire."""
    names = [r.matcher.names.pattern for r in merchants if r.matcher is not None]
    return re.compile("|".join(names) or "(?!)")


def _mccs(merchants: tuple[Rule, ...]) -> frozenset[str | None]:
    codes: set[str | None] = set()
    for rule in merchants:
        if rule.matcher is not None:
            codes |= rule.matcher.mcc
            for extra in rule.matcher.optional_mcc.values():
                codes |= extra
    return frozenset(codes)


def _public(value: Any) -> Any:
    return str(value) if isinstance(value, Decimal) else value


def _parameter(value: Any) -> Any:
    """Money and rates arrive as decimal strings; keep them exact."""
    if isinstance(value, str):
        try:
            return Decimal(value)
        except ArithmeticError:
            return value
    return value


def _pattern_source(line: str) -> str:
    # A plain space in a list line means "optional space": banks write SKYBET and SKY BET.
    return re.sub(r" (?!\?)", " ?", line)


def _alternation(lines: Iterable[str]) -> str:
    return "|".join(f"(?:{_pattern_source(p)})" for p in lines)


def compile_merchants(lines: Iterable[str]) -> tuple[re.Pattern[str], re.Pattern[str] | None]:
    """One combined, word-bounded regex for a merchant list, and one for its vetoes."""
    lines = list(lines)
    names = [p for p in lines if not p.startswith("!")]
    vetoes = [p[1:] for p in lines if p.startswith("!")]
    edge = r"(?<![A-Z0-9&])(?:{})(?![A-Z0-9&])"
    pattern = re.compile(edge.format(_alternation(names)))
    veto = re.compile(edge.format(_alternation(vetoes))) if vetoes else None
    return pattern, veto


def _matcher(spec: Mapping[str, Any] | None) -> MerchantMatcher | None:
    if not spec:
        return None
    names, veto = compile_merchants(read_lines(f"merchants/{spec['merchants']}"))
    optional = {k: frozenset(v) for k, v in spec.get("optional_mcc", {}).items()}
    return MerchantMatcher(names, veto, frozenset(spec.get("mcc", ())), optional)


def _rule(raw: Mapping[str, Any]) -> Rule:
    if raw["severity"] not in SEVERITIES:
        raise ValueError(f"rule {raw['id']}: unknown severity {raw['severity']!r}")
    return Rule(
        id=raw["id"],
        version=int(raw["version"]),
        title=raw["title"],
        explanation=raw["explanation"],
        source=Source(**raw["source"]),
        severity=raw["severity"],
        default_on=bool(raw["default_on"]),
        parameters=MappingProxyType({k: _parameter(v) for k, v in raw["parameters"].items()}),
        reason=raw["reason"],
        matcher=_matcher(raw.get("match")),
    )


@lru_cache(maxsize=1)
def load_default_rules() -> RuleSet:
    """Every rule we ship, with only the default-on rules in force."""
    rules = {r.id: r for r in map(_rule, read_json("rules.json")["rules"])}
    return RuleSet(MappingProxyType(rules), frozenset(r.id for r in rules.values() if r.default_on))


def ruleset_for_council(
    enabled_optional: Iterable[str] = (),
    overrides: Mapping[str, Mapping[str, Any]] | None = None,
    base: RuleSet | None = None,
) -> RuleSet:
    """The rules in force for a council: defaults, plus the optional rules it switched on,
    with its parameter settings (e.g. {"local.cash_over_limit": {"monthly_limit": "300"}}).

    Default-on rules cannot be switched off here: they are what the law requires or what
    harms people. Unknown rule ids and parameter names are errors, never ignored.
    """
    base = base or load_default_rules()
    enabled = set(base.enabled)
    for rule_id in enabled_optional:
        _known(base, rule_id)
        enabled.add(rule_id)
    rules = dict(base.rules)
    for rule_id, params in (overrides or {}).items():
        rules[rule_id] = _with_parameters(_known(base, rule_id), params)
    return RuleSet(MappingProxyType(rules), frozenset(enabled))


def _known(ruleset: RuleSet, rule_id: str) -> Rule:
    if rule_id not in ruleset.rules:
        raise ValueError(f"unknown rule {rule_id!r}")
    return ruleset.rules[rule_id]


def _with_parameters(rule: Rule, params: Mapping[str, Any]) -> Rule:
    merged = dict(rule.parameters)
    for name, value in params.items():
        if name not in merged:
            raise ValueError(f"rule {rule.id}: unknown parameter {name!r}")
        merged[name] = _coerce_like(merged[name], value, f"{rule.id}.{name}")
    return replace(rule, parameters=MappingProxyType(merged))


def _coerce_like(default: Any, value: Any, where: str) -> Any:
    if isinstance(default, bool):
        if not isinstance(value, bool):
            raise ValueError(f"{where}: expected true or false")
        return value
    if isinstance(default, Decimal):
        if isinstance(value, float):
            raise ValueError(f"{where}: give money as a decimal string, not a float")
        return Decimal(str(value))
    if isinstance(default, int):
        return int(value)
    return value
