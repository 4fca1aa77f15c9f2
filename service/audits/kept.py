"""A kept audit's stored result and inputs as typed, frozen models.

The audit keeps its result and what it used as JSON (``Audit.result``, ``Audit.inputs``),
which the API returns as stored. Everything else reads them through these models, built
once per audit object from that JSON: names checked by the type checker, money as
``Decimal``, days as ``date``, instead of string keys looked up wherever they are needed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, TypeVar

from service.models import Audit

T = TypeVar("T")

ZERO = Decimal("0.00")


def _day(text: Any) -> date | None:
    return date.fromisoformat(text) if text else None


def _money(text: Any) -> Decimal | None:
    return Decimal(text) if text is not None else None


# --- the result --------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class TierReason:
    label: str
    points: int

    def to_json(self) -> dict[str, Any]:
        return {"label": self.label, "points": self.points}


@dataclass(frozen=True, slots=True)
class Finding:
    code: str
    severity: str
    message: str
    amount: Decimal | None
    refs: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Gap:
    start: date
    end: date


@dataclass(frozen=True, slots=True)
class PlanLineSpend:
    description: str
    category: str
    planned_weekly: Decimal
    planned: Decimal
    actual: Decimal


@dataclass(frozen=True, slots=True)
class SurplusStep:
    label: str
    amount: Decimal
    explanation: str


@dataclass(frozen=True, slots=True)
class AccountBalance:
    account: str
    opening_balance: Decimal
    opening_source: str
    money_in: Decimal
    money_out: Decimal
    transfers_in: Decimal
    transfers_out: Decimal
    closing_balance: Decimal
    closing_source: str
    difference: Decimal

    @classmethod
    def from_json(cls, a: dict[str, Any]) -> AccountBalance:
        def money(name: str) -> Decimal:
            return Decimal(a.get(name) or "0.00")
        return cls(a["account"], money("opening_balance"), a["opening_source"], money("money_in"),
                   money("money_out"), money("transfers_in"), money("transfers_out"),
                   money("closing_balance"), str(a.get("closing_source") or ""), money("difference"))


@dataclass(frozen=True, slots=True)
class PlannedHours:
    description: str
    planned_hours: Decimal
    worked_hours: Decimal
    by_worker: tuple[tuple[str, Decimal], ...]


@dataclass(frozen=True, slots=True)
class WagePeriod:
    worker_id: str
    paid: Decimal
    timesheet_pay: Decimal
    covers_from: date
    covers_to: date | None


@dataclass(frozen=True, slots=True)
class Transfer:
    from_account: str
    to_account: str
    amount: Decimal
    out_id: str
    in_id: str


MONEY = ("opening_balance", "closing_balance", "money_in", "money_out", "reconciliation_difference",
         "contingency", "commitments", "surplus", "proposed_recovery", "weekly_plan_value",
         "council_share", "contribution_share")


@dataclass(frozen=True, slots=True)
class KeptResult:
    """What the audit worked out, as it was decided."""

    tier: str
    score: int
    final_audit: bool
    recovery_held: bool
    contingency_weeks: int
    opening_balance: Decimal
    closing_balance: Decimal
    money_in: Decimal
    money_out: Decimal
    reconciliation_difference: Decimal
    contingency: Decimal
    commitments: Decimal
    surplus: Decimal
    proposed_recovery: Decimal
    weekly_plan_value: Decimal
    council_share: Decimal
    contribution_share: Decimal
    tier_reasons: tuple[TierReason, ...]
    gaps: tuple[str, ...]
    findings: tuple[Finding, ...]
    coverage: tuple[Gap, ...]
    plan_lines: tuple[PlanLineSpend, ...]
    flexible_use: Decimal
    surplus_steps: tuple[SurplusStep, ...]
    accounts: tuple[AccountBalance, ...]
    explained_accounts: tuple[str, ...]
    hours: tuple[PlannedHours, ...]
    wages: tuple[WagePeriod, ...]
    transfers: tuple[Transfer, ...]
    documents: tuple[str, ...]

    def money(self, name: str) -> Decimal:
        value = getattr(self, name)
        assert isinstance(value, Decimal)
        return value

    @property
    def asks(self) -> bool:
        """Whether the audit asks the person anything."""
        return any(f.severity == "question" for f in self.findings)

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> KeptResult:
        plan = raw.get("plan") or {}
        rec = raw.get("reconciliation") or {}
        sheets = raw.get("timesheets") or {}
        return cls(
            tier=str(raw.get("tier") or "light"), score=int(raw.get("score") or 0),
            final_audit=bool(raw.get("final_audit")), recovery_held=bool(raw.get("recovery_held")),
            contingency_weeks=int((raw.get("settings") or {}).get("contingency_weeks") or 0),
            **{name: Decimal(raw.get(name) or "0.00") for name in MONEY},
            tier_reasons=tuple(TierReason(x["label"], x["points"]) for x in raw.get("tier_reasons", [])),
            gaps=tuple(raw.get("gaps", [])),
            findings=tuple(Finding(f["code"], f["severity"], f["message"], _money(f.get("amount")),
                                   tuple(str(x) for x in f.get("refs") or ()))
                           for f in raw.get("findings", [])),
            coverage=tuple(Gap(date.fromisoformat(g["start"]), date.fromisoformat(g["end"]))
                           for g in raw.get("coverage", [])),
            plan_lines=tuple(PlanLineSpend(x["description"], x["category"], Decimal(x["planned_weekly"]),
                                           Decimal(x["planned"]), Decimal(x["actual"]))
                             for x in plan.get("lines", [])),
            flexible_use=Decimal(plan.get("flexible_use") or "0.00"),
            surplus_steps=tuple(SurplusStep(s["label"], Decimal(s["amount"]), s["explanation"])
                                for s in (raw.get("surplus_working") or {}).get("steps", [])),
            accounts=tuple(AccountBalance.from_json(a) for a in rec.get("accounts", [])),
            explained_accounts=tuple(rec.get("explained_accounts", ())),
            hours=tuple(PlannedHours(h["description"], Decimal(h["planned_hours"]),
                                     Decimal(h["worked_hours"]),
                                     tuple((str(w), Decimal(n)) for w, n in h["by_worker"]))
                        for h in sheets.get("hours", [])),
            wages=tuple(WagePeriod(str(w["worker_id"]), Decimal(w["paid"]), Decimal(w["timesheet_pay"]),
                                   date.fromisoformat(w["covers_from"]), _day(w.get("covers_to")))
                        for w in sheets.get("wages", [])),
            transfers=tuple(Transfer(t["from_account"], t["to_account"], Decimal(t["amount"]),
                                     str(t["out_id"]), str(t["in_id"]))
                            for t in raw.get("transfers", [])),
            documents=tuple((raw.get("decision") or {}).get("documents", [])),
        )


# --- what it used ------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class KeptAccount:
    id: int
    reference: str
    kind: str


@dataclass(frozen=True, slots=True)
class KeptRule:
    id: str
    title: str
    on: bool


@dataclass(frozen=True, slots=True)
class KeptRates:
    starts: str  # ISO day: compared as text with other ISO days
    hourly: dict[str, Decimal]


@dataclass(frozen=True, slots=True)
class KeptWorker:
    id: str
    name: str
    age_band: str | None
    date_of_birth: date | None
    hourly_rate: Decimal


@dataclass(frozen=True, slots=True)
class KeptFlag:
    id: int | None
    rule_id: str
    title: str
    severity: str
    status: str
    explanation: str
    transaction_date: date | None
    transaction_amount: Decimal | None
    transaction_description: str


@dataclass(frozen=True, slots=True)
class KeptUnderspend:
    reason: str
    note: str
    hold_recovery: bool
    start: date | None
    end: date | None


@dataclass(frozen=True, slots=True)
class KeptContact:
    phone: str
    email: str
    address: str


@dataclass(frozen=True, slots=True)
class KeptHolder:
    name: str
    kind: str


@dataclass(frozen=True, slots=True)
class KeptInputs:
    """What the audit was decided with: the person, accounts, rules, rates, workers, flags."""

    council_name: str
    recipient_id: int | None
    recipient_reference: str | None
    recipient_name: str
    accounts: tuple[KeptAccount, ...]
    rules: tuple[KeptRule, ...]
    rates: tuple[KeptRates, ...]
    workers: tuple[KeptWorker, ...]
    flags: tuple[KeptFlag, ...]
    flags_json: tuple[dict[str, Any], ...]  # as stored: the API shows them so
    underspend: tuple[KeptUnderspend, ...]
    final_audit: bool
    correction_reason: str | None
    contact: KeptContact | None
    holder: KeptHolder | None

    def worker(self, worker_id: str) -> KeptWorker | None:
        return next((w for w in self.workers if w.id == worker_id), None)

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> KeptInputs:
        person = raw.get("recipient") or {}
        contact, holder = raw.get("council_contact"), raw.get("holder")
        return cls(
            council_name=str(raw.get("council_name") or ""),
            recipient_id=person.get("id"), recipient_reference=person.get("reference"),
            recipient_name=str(person.get("name") or ""),
            accounts=tuple(KeptAccount(int(a["id"]), str(a["reference"]), str(a.get("kind") or ""))
                           for a in raw.get("accounts", [])),
            rules=tuple(KeptRule(x["id"], x["title"], bool(x["on"])) for x in raw.get("rules", [])),
            rates=tuple(KeptRates(t["from"], {k: Decimal(v) for k, v in t["hourly"].items() if v})
                        for t in raw.get("rates", [])),
            workers=tuple(KeptWorker(str(w["id"]), str(w["name"]), w.get("age_band"),
                                     _day(w.get("date_of_birth")), Decimal(w.get("hourly_rate") or "0.00"))
                          for w in raw.get("workers", [])),
            flags=tuple(KeptFlag(f.get("id"), f["rule_id"], f["title"], f["severity"], f["status"],
                                 f["explanation"], _day(f["transaction_date"]),
                                 _money(f["transaction_amount"]), f["transaction_description"])
                        for f in raw.get("flags", [])),
            flags_json=tuple(raw.get("flags", [])),
            underspend=tuple(KeptUnderspend(x.get("reason", "other"), x.get("note") or "",
                                            bool(x.get("hold_recovery")), _day(x.get("start")),
                                            _day(x.get("end")))
                             for x in raw.get("underspend_reasons", [])),
            final_audit=bool(raw.get("final_audit")),
            correction_reason=raw.get("correction_reason"),
            contact=KeptContact(contact.get("phone") or "", contact.get("email") or "",
                                contact.get("address") or "") if isinstance(contact, dict) else None,
            holder=KeptHolder(str(holder["name"]), str(holder.get("kind") or "self"))
            if isinstance(holder, dict) and holder.get("name") else None,
        )


# --- read once per audit object -----------------------------------------------------------

def _parsed(audit: Audit, column: str, parse: Callable[[dict[str, Any]], T]) -> T:
    """``parse`` of the audit's stored JSON ``column``, once for as long as that JSON is the same."""
    stored = getattr(audit, column)
    cached = audit.__dict__.get(f"_kept_{column}")
    if cached is not None and cached[0] is stored:
        return cached[1]  # type: ignore[no-any-return]
    typed = parse(stored or {})
    audit.__dict__[f"_kept_{column}"] = (stored, typed)
    return typed


def result_of(audit: Audit) -> KeptResult:
    """The audit's result, typed; parsed once for as long as the stored JSON is the same."""
    return _parsed(audit, "result", KeptResult.from_json)


def inputs_of(audit: Audit) -> KeptInputs:
    """What the audit used, typed; parsed once for as long as the stored JSON is the same."""
    return _parsed(audit, "inputs", KeptInputs.from_json)


def asks_in(findings: Any) -> bool:
    """Whether a stored result's ``findings`` (read alone, by JSON path) ask the person
    anything: the same answer as ``result_of(audit).asks`` without reading the rest."""
    return any(isinstance(f, dict) and f.get("severity") == "question" for f in findings or ())
