"""Classification of one transaction, and the rules that look at one transaction.

Order matters and is the product's stance: what the holder or officer told us wins; then
money in; then moves between the person's own accounts; then the people they employ; then
employer costs (HMRC, pension, insurance, payroll); then the support plan; anything else
is flexible use, shown and never questioned.

What we were told has limits, so that a re-categorisation can never undo the council's
money or the law: a remembered category never overrides money in from the schedule's
council payer; money in takes only a remembered money-in category (income or a transfer);
and the worker a payment goes to is matched, and the household-relative rule checked,
whatever category was remembered for the payee.
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections.abc import Callable, Iterable
from decimal import Decimal
from functools import lru_cache
from typing import Generic, TypeVar

from service.rules.categories import INCOME, LABELS
from service.rules.lexicon import lexicon
from service.rules.model import (
    Classification,
    Hit,
    PaymentSchedule,
    PlanContext,
    PlanLine,
    Txn,
    Worker,
)
from service.rules.normalise import Reading, key_of, normalise_phrase, read, tokens
from service.rules.people import is_barred, match_worker, relationship_code
from service.rules.ruleset import Rule, RuleSet

FLEXIBLE = "Not in the support plan; not something we check."
_NOT_DIGIT = re.compile(r"\D")
_ZERO = Decimal(0)
# A council payment within this share of the scheduled amount counts as "the usual".
_SCHEDULE_TOLERANCE = Decimal("0.10")
# The categories a remembered payee may give money in; spending categories never apply.
_MONEY_IN_CATEGORIES = frozenset({*INCOME, "transfer"})
# How many distinct descriptors one plan or rule set remembers answers for.
_ANSWERS_KEPT = 8192
_HOUSEHOLD_RULE = "unlawful.household_relative"

_REASONS = {
    "hmrc": "Tax and National Insurance for your personal assistants, paid to HMRC.",
    "pension": "Workplace pension for your personal assistants.",
    "insurance": "Insurance, such as employer's liability cover for your personal assistants.",
    "payroll_service": "A payroll service.",
    "dbs_training": "A DBS check or training.",
    "dp_support_fees": "Fees for direct payment support or a managed account.",
    "cash": "Cash taken out.",
}
# Answers that never vary, made once and shared (Classification is immutable).
_FLEXIBLE_USE = Classification("flexible_use", FLEXIBLE)
_REPAYMENT = Classification("repayment_to_council", "Money paid back to the council.")
_TRANSFER_OUT = Classification("transfer", "Moved to your other direct payment account.")
_TRANSFER_IN = Classification("transfer", "Moved from your other direct payment account.")
_REFUND = Classification("refund", "Money refunded to the account.")
_CONTRIBUTION = Classification("client_contribution", "Your contribution paid in.")
_OTHER_INCOME = Classification("other_income", "Money paid in.")
_SHARED_WAGES = Classification(
    "pa_wages", "Wages for a personal assistant; the name fits more than one of them.")


def classify(txn: Txn, ctx: PlanContext | None, rules: RuleSet) -> Classification:
    """Category, a one-sentence reason for the holder, and any rule hits."""
    reading = read(txn.description)
    plan = _NO_PLAN if ctx is None else _plan_view(ctx)
    if txn.amount > _ZERO:
        return _money_in(txn, reading, plan)  # money in never raises a merchant flag
    # the engine's own reading first: who is paid must not depend on what was remembered
    engine = _outgoing(txn, reading, plan)
    found = _with_memory(engine, _remembered(reading, plan.ctx))
    hits = _hits(txn, reading, engine.worker_ref, plan, _rule_view(rules))
    if not hits:
        return found  # the usual case: nothing fired, and the shared answer is returned
    return Classification(found.category, found.reason, found.plan_line_ref,
                          found.worker_ref, hits)


def _hits(txn: Txn, reading: Reading, worker_ref: str | None, plan: _PlanView,
          checks: _RuleView) -> tuple[Hit, ...]:
    """Merchant rule hits, then the household-relative rule for the worker paid."""
    signals = checks.merchant_signals(reading, txn.mcc)
    hits = tuple(_hit(rule, txn, reason) for rule, reason in signals) if signals else ()
    barred = plan.barred.get(worker_ref) if worker_ref is not None else None
    if barred is not None and checks.household is not None:
        hits = (*hits, _household_hit(txn, barred, checks.household))
    return hits


# --- what is worked out once per plan and per rule set ---------------------------------

_Source = TypeVar("_Source")
_Derived = TypeVar("_Derived")


class _OncePer(Generic[_Source, _Derived]):
    """Data derived from a frozen input (a PlanContext, a RuleSet), built on first use and
    found again by identity: those records hold mappings, so they cannot be hashed. The
    entry keeps the record itself, so its id cannot be reused while the entry lives."""

    def __init__(self, build: Callable[[_Source], _Derived], size: int = 16) -> None:
        self._build = build
        self._size = size
        self._entries: dict[int, tuple[_Source, _Derived]] = {}
        self._lock = threading.Lock()

    def __call__(self, source: _Source) -> _Derived:
        entry = self._entries.get(id(source))
        if entry is not None and entry[0] is source:
            return entry[1]
        derived = self._build(source)
        with self._lock:  # web requests may classify on several threads
            if len(self._entries) >= self._size:
                del self._entries[next(iter(self._entries))]  # the oldest goes
            self._entries[id(source)] = (source, derived)
        return derived


class _PlanView:
    """What classification asks of one plan, worked out once, and the plan's answers for
    each descriptor remembered: a statement asks the same questions on every line.

    Remembered categories (`ctx.overrides`) are never folded in here: a caller may hand in
    a mapping it changes later, so they are looked up fresh on every line.
    """

    def __init__(self, ctx: PlanContext) -> None:
        self.ctx = ctx
        schedule = ctx.schedule or PaymentSchedule()
        self.schedule = schedule
        self.council_payers = _phrases(schedule.council_payers)
        self.contribution_payers = _phrases(schedule.contribution_payers)
        wage_line = _line_for(ctx.plan_lines, "pa_wages")
        self.wage_line_ref = wage_line.ref if wage_line else None
        # (line, payee key): bank text names the planned payee
        self.payee_lines = tuple((line, key_of(normalise_phrase(line.payee)))
                                 for line in ctx.plan_lines if line.payee)
        # (line, category pattern, keyword phrases): the plan line's kind of spending
        plan_patterns = lexicon().plan
        self.keyword_lines = tuple((line, plan_patterns.get(line.category), _phrases(line.keywords))
                                   for line in ctx.plan_lines)
        # sort codes and account numbers compare as digits; names compare as whole words
        accounts = [(_NOT_DIGIT.sub("", a), a) for a in ctx.own_accounts]
        self.account_digits = tuple(digits for digits, _ in accounts if len(digits) >= 6)
        self.account_names = _phrases(a for digits, a in accounts if len(digits) < 6)
        # the first worker with a ref is the one a payment goes to; keep those barred by law
        by_ref: dict[str, Worker] = {}
        for worker in ctx.workers:
            by_ref.setdefault(worker.ref, worker)
        self.barred = {ref: w for ref, w in by_ref.items() if is_barred(w)}
        self.outgoing = lru_cache(maxsize=_ANSWERS_KEPT)(self._outgoing)
        self.income = lru_cache(maxsize=_ANSWERS_KEPT)(self._income)

    def _outgoing(self, reading: Reading, reference: str | None) -> Classification:
        """Money out by what the text says (own-account moves are checked before this)."""
        text = reading.text
        if self.ctx.workers:
            paid = self._wages(reading, reference)
            if paid is not None:
                return paid
        named = self._plan_line_by_payee(reading.key)
        if named is not None:
            return _plan_match(named)
        employer = lexicon().always.search(text)
        if employer is not None:
            category = employer.lastgroup or "flexible_use"
            return Classification(category, _REASONS[category])
        if _is_repayment(text):
            return _REPAYMENT
        line = self._plan_line_by_keywords(text)
        if line is not None:
            return _plan_match(line)
        return _FLEXIBLE_USE

    def _wages(self, reading: Reading, reference: str | None) -> Classification | None:
        if lexicon().not_a_person.search(reading.text):
            return None
        words = list(reading.words)
        if reference:
            words += tokens(reference)
        worker, tied = match_worker(words, self.ctx.workers)
        if worker is not None:
            return Classification("pa_wages", f"Wages for {worker.name}, your personal assistant.",
                                  self.wage_line_ref, worker.ref)
        if tied > 1:
            return _SHARED_WAGES
        return None

    def _plan_line_by_payee(self, key: str) -> PlanLine | None:
        return next((line for line, planned in self.payee_lines if _same_payee(key, planned)),
                    None)

    def _plan_line_by_keywords(self, text: str) -> PlanLine | None:
        for line, pattern, phrases in self.keyword_lines:
            if pattern is not None and pattern.search(text):
                return line
            if any(_contains_words(text, phrase) for phrase in phrases):
                return line
        return None

    def _income(self, reading: Reading) -> tuple[bool, str | None]:
        """Money in by what the text says: whether it names the council's payer, and the
        category the words alone give (refund, council or contribution), if any."""
        text = reading.text
        council_payer = _names_payer(text, self.council_payers)
        if lexicon().refund.search(text):
            return council_payer, "refund"
        # who paid decides before what the words say: "M HALE DP CONTRIBUTION" is the
        # person's contribution although it says DP, and the council's payer is the council
        if council_payer:
            return council_payer, "council_payment"
        if _names_payer(text, self.contribution_payers) or lexicon().contribution.search(text):
            return council_payer, "client_contribution"
        if lexicon().council.search(text):
            return council_payer, "council_payment"
        return council_payer, None

    def is_own_account(self, txn: Txn) -> bool:
        if not (self.account_digits or self.account_names):
            return False
        haystack = f"{txn.description} {txn.reference or ''}"
        digits = _NOT_DIGIT.sub("", haystack)
        if any(account in digits for account in self.account_digits):
            return True
        if not self.account_names:
            return False
        text = normalise_phrase(haystack)
        return any(_contains_words(text, name) for name in self.account_names)


class _RuleView:
    """Which merchant rules fire on a descriptor and card code, remembered per rule set,
    with each rule's reason already worded."""

    def __init__(self, rules: RuleSet) -> None:
        self.rules = rules
        self.household = rules.rule(_HOUSEHOLD_RULE) if rules.is_on(_HOUSEHOLD_RULE) else None
        self.merchant_signals = lru_cache(maxsize=_ANSWERS_KEPT)(self._merchant_signals)

    def _merchant_signals(self, reading: Reading,
                          mcc: str | None) -> tuple[tuple[Rule, str], ...]:
        rules, text = self.rules, reading.text
        # One combined search clears almost every line; only a possible hit asks each rule.
        if mcc not in rules.merchant_mccs and not rules.merchant_gate.search(text):
            return ()
        signals = []
        for rule in rules.merchant_rules:
            payee = _merchant_signal(rule, mcc, text)
            if payee is not None:
                signals.append((rule, rule.reason.format(payee=payee)))
        return tuple(signals)


def _phrases(names: Iterable[str]) -> tuple[str, ...]:
    """Normalised names, without the ones that normalise to nothing (they match nothing)."""
    return tuple(phrase for phrase in map(normalise_phrase, names) if phrase)


def _remembered(reading: Reading, ctx: PlanContext) -> Classification | None:
    if not ctx.overrides:
        return None
    category = ctx.overrides.get(reading.key)
    if category is None:
        return None
    return Classification(category,
                          f"You told us payments to {reading.key} are: {LABELS[category]}.")


def _with_memory(engine: Classification, remembered: Classification | None) -> Classification:
    """The remembered category sets the category; a matched worker stays matched while the
    line is still wages (the household rule has already looked at that worker)."""
    if remembered is None:
        return engine
    if engine.worker_ref is None or remembered.category != "pa_wages":
        return remembered
    return Classification(remembered.category, remembered.reason, engine.plan_line_ref,
                          engine.worker_ref)


# --- money in -------------------------------------------------------------------------

def _money_in(txn: Txn, reading: Reading, plan: _PlanView) -> Classification:
    council_payer, said = plan.income(reading)
    if not council_payer:
        # the council's own money: no remembered category may turn it into something else
        remembered = _remembered(reading, plan.ctx)
        if remembered is not None and remembered.category in _MONEY_IN_CATEGORIES:
            return remembered
    return _income(txn, said, plan)


def _income(txn: Txn, said: str | None, plan: _PlanView) -> Classification:
    if said == "refund":
        return _REFUND
    if said == "council_payment":
        return Classification("council_payment", _council_reason(txn.amount, plan.schedule))
    if said == "client_contribution" or txn.amount == plan.schedule.contribution_amount:
        return _CONTRIBUTION
    if plan.is_own_account(txn):
        return _TRANSFER_IN
    return _OTHER_INCOME


def _council_reason(amount: Decimal, schedule: PaymentSchedule) -> str:
    expected = schedule.council_amount
    if expected is None or abs(amount - expected) <= expected * _SCHEDULE_TOLERANCE:
        return "Your direct payment from the council."
    return f"Money from the council; the usual payment is £{expected:,.2f}."


def _names_payer(text: str, payers: tuple[str, ...]) -> bool:
    return any(_contains_words(text, payer) for payer in payers)


def _contains_words(text: str, phrase: str) -> bool:
    """Whole-word containment: "KENT CC" is in "KENT CC DP", "KENT" is not in "KENTISH"."""
    return bool(phrase) and f" {phrase} " in f" {text} "


# --- money out ------------------------------------------------------------------------

def _outgoing(txn: Txn, reading: Reading, plan: _PlanView) -> Classification:
    if plan.is_own_account(txn):  # depends on the whole line, so never remembered
        return _TRANSFER_OUT
    return plan.outgoing(reading, txn.reference)


def _is_repayment(text: str) -> bool:
    lex = lexicon()
    return bool(lex.repay_to.search(text) and lex.repay_purpose.search(text))


def _line_for(lines: tuple[PlanLine, ...], category: str) -> PlanLine | None:
    return next((line for line in lines if line.category == category), None)


def _same_payee(seen: str, planned: str) -> bool:
    """The planned name appears in the bank's text, or the bank cut it short."""
    if not seen or not planned:
        return False
    return _contains_words(seen, planned) or (
        " " in seen and f"{planned} ".startswith(f"{seen} "))


def _plan_match(line: PlanLine) -> Classification:
    label = LABELS.get(line.category, line.category).lower()
    return Classification(line.category, f"Matches your support plan: {label}.", line.ref)


# --- rule hits on one transaction -------------------------------------------------------

def txn_subject(txn: Txn) -> str:
    """What a per-transaction flag is about: the stored id, else a fingerprint of the line."""
    if txn.id is not None:
        return f"txn:{txn.id}"
    line = f"{txn.date.isoformat()}|{txn.amount}|{txn.description}|{txn.reference or ''}"
    return "txn:" + hashlib.sha256(line.encode()).hexdigest()[:20]


def _merchant_signal(rule: Rule, mcc: str | None, text: str) -> str | None:
    """The evidence a merchant rule fired on (the name, or the card code), or None."""
    matcher = rule.matcher
    assert matcher is not None
    found = matcher.matches_name(text)
    if found is not None:
        return found.group(0).title()
    if mcc is not None and (mcc in matcher.mcc or _optional_mcc(rule, mcc)):
        return f"card code {mcc}"
    return None


def _optional_mcc(rule: Rule, mcc: str) -> bool:
    matcher = rule.matcher
    assert matcher is not None
    return any(rule.parameters.get(setting) and mcc in codes
               for setting, codes in matcher.optional_mcc.items())


def _household_hit(txn: Txn, worker: Worker, rule: Rule) -> Hit:
    code = relationship_code(worker.relationship) or "relative"
    household = " who lives with you" if worker.lives_in_household else ""
    reason = rule.reason.format(worker=worker.name, relationship=code.replace("_", " "),
                                household=household)
    return _hit(rule, txn, reason, (("worker", worker.ref), ("relationship", code)))


def _hit(rule: Rule, txn: Txn, reason: str,
         evidence: tuple[tuple[str, str], ...] = ()) -> Hit:
    base = (("date", txn.date.isoformat()), ("amount", str(txn.amount)),
            ("description", txn.description))
    return Hit(rule.id, rule.version, rule.severity, rule.title, reason, txn_subject(txn),
               base + evidence)


# Built last: they use the helpers above.
_plan_view = _OncePer(_PlanView)
_rule_view = _OncePer(_RuleView)
_NO_PLAN = _PlanView(PlanContext())
