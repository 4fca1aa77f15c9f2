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
from decimal import Decimal

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
from service.rules.normalise import finish, key_of, normalise_phrase, tokens
from service.rules.people import is_barred, match_worker, relationship_code
from service.rules.ruleset import Rule, RuleSet

FLEXIBLE = "Not in the support plan; not something we check."
_EMPTY_CONTEXT = PlanContext()
_NOT_DIGIT = re.compile(r"\D")
_ZERO = Decimal(0)
# A council payment within this share of the scheduled amount counts as "the usual".
_SCHEDULE_TOLERANCE = Decimal("0.10")
# The categories a remembered payee may give money in; spending categories never apply.
_MONEY_IN_CATEGORIES = frozenset({*INCOME, "transfer"})

_REASONS = {
    "hmrc": "Tax and National Insurance for your personal assistants, paid to HMRC.",
    "pension": "Workplace pension for your personal assistants.",
    "insurance": "Insurance, such as employer's liability cover for your personal assistants.",
    "payroll_service": "A payroll service.",
    "dbs_training": "A DBS check or training.",
    "dp_support_fees": "Fees for direct payment support or a managed account.",
    "cash": "Cash taken out.",
}


def classify(txn: Txn, ctx: PlanContext | None, rules: RuleSet) -> Classification:
    """Category, a one-sentence reason for the holder, and any rule hits."""
    ctx = ctx or _EMPTY_CONTEXT
    words = tokens(txn.description)
    text = finish(words[:])
    if txn.amount > _ZERO:
        return _money_in(txn, text, ctx)  # money in never raises a merchant flag
    # the engine's own reading first: who is paid must not depend on what was remembered
    engine = _outgoing(txn, words, text, ctx)
    worker = _worker(engine.worker_ref, ctx)
    found = _with_memory(engine, _remembered(text, ctx))
    hits = _merchant_hits(txn, text, rules)
    if worker is not None and rules.is_on("unlawful.household_relative") and is_barred(worker):
        hits = (*hits, _household_hit(txn, worker, rules.rule("unlawful.household_relative")))
    if not hits:
        return found
    return Classification(found.category, found.reason, found.plan_line_ref,
                          found.worker_ref, hits)


def _remembered(text: str, ctx: PlanContext) -> Classification | None:
    if not ctx.overrides:
        return None
    key = key_of(text)
    category = ctx.overrides.get(key)
    if category is None:
        return None
    return Classification(category, f"You told us payments to {key} are: {LABELS[category]}.")


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

def _money_in(txn: Txn, text: str, ctx: PlanContext) -> Classification:
    schedule = ctx.schedule or PaymentSchedule()
    if _names_payer(text, schedule.council_payers):
        # the council's own money: no remembered category may turn it into something else
        return _income(txn, text, ctx)
    remembered = _remembered(text, ctx)
    if remembered is not None and remembered.category in _MONEY_IN_CATEGORIES:
        return remembered
    return _income(txn, text, ctx)


def _income(txn: Txn, text: str, ctx: PlanContext) -> Classification:
    lex = lexicon()
    schedule = ctx.schedule or PaymentSchedule()
    if lex.refund.search(text):
        return Classification("refund", "Money refunded to the account.")
    if _names_payer(text, schedule.council_payers) or lex.council.search(text):
        return Classification("council_payment", _council_reason(txn.amount, schedule))
    if (_names_payer(text, schedule.contribution_payers) or lex.contribution.search(text)
            or txn.amount == schedule.contribution_amount):
        return Classification("client_contribution", "Your contribution paid in.")
    if _is_own_account(txn, ctx):
        return Classification("transfer", "Moved from your other direct payment account.")
    return Classification("other_income", "Money paid in.")


def _council_reason(amount: Decimal, schedule: PaymentSchedule) -> str:
    expected = schedule.council_amount
    if expected is None or abs(amount - expected) <= expected * _SCHEDULE_TOLERANCE:
        return "Your direct payment from the council."
    return f"Money from the council; the usual payment is £{expected:,.2f}."


def _names_payer(text: str, payers: tuple[str, ...]) -> bool:
    return any(_contains_words(text, normalise_phrase(p)) for p in payers)


def _contains_words(text: str, phrase: str) -> bool:
    """Whole-word containment: "KENT CC" is in "KENT CC DP", "KENT" is not in "KENTISH"."""
    return bool(phrase) and f" {phrase} " in f" {text} "


# --- money out ------------------------------------------------------------------------

def _outgoing(txn: Txn, words: list[str], text: str, ctx: PlanContext) -> Classification:
    if ctx.own_accounts and _is_own_account(txn, ctx):
        return Classification("transfer", "Moved to your other direct payment account.")
    if ctx.workers:
        paid = _wages(txn, words, text, ctx)
        if paid is not None:
            return paid
    named = _plan_line_by_payee(text, ctx.plan_lines) if ctx.plan_lines else None
    if named is not None:
        return _plan_match(named)
    employer = lexicon().always.search(text)
    if employer is not None:
        category = employer.lastgroup or "flexible_use"
        return Classification(category, _REASONS[category])
    if _is_repayment(text):
        return Classification("repayment_to_council", "Money paid back to the council.")
    line = _plan_line_by_keywords(text, ctx.plan_lines) if ctx.plan_lines else None
    if line is not None:
        return _plan_match(line)
    return Classification("flexible_use", FLEXIBLE)


def _is_repayment(text: str) -> bool:
    lex = lexicon()
    return bool(lex.repay_to.search(text) and lex.repay_purpose.search(text))


def _is_own_account(txn: Txn, ctx: PlanContext) -> bool:
    """Sort codes and account numbers compare as digits; names compare as whole words."""
    haystack = f"{txn.description} {txn.reference or ''}"
    digits = _NOT_DIGIT.sub("", haystack)
    text = ""
    for account in ctx.own_accounts:
        account_digits = _NOT_DIGIT.sub("", account)
        if len(account_digits) >= 6:
            if account_digits in digits:
                return True
            continue
        text = text or normalise_phrase(haystack)
        if _contains_words(text, normalise_phrase(account)):
            return True
    return False


def _wages(txn: Txn, words: list[str], text: str, ctx: PlanContext) -> Classification | None:
    if lexicon().not_a_person.search(text):
        return None
    if txn.reference:
        words = words + tokens(txn.reference)
    worker, tied = match_worker(words, ctx.workers)
    if worker is not None:
        line = _line_for(ctx.plan_lines, "pa_wages")
        return Classification("pa_wages", f"Wages for {worker.name}, your personal assistant.",
                              line.ref if line else None, worker.ref)
    if tied > 1:
        return Classification(
            "pa_wages", "Wages for a personal assistant; the name fits more than one of them.")
    return None


def _worker(ref: str | None, ctx: PlanContext) -> Worker | None:
    if ref is None:
        return None
    return next((w for w in ctx.workers if w.ref == ref), None)


def _line_for(lines: tuple[PlanLine, ...], category: str) -> PlanLine | None:
    return next((line for line in lines if line.category == category), None)


def _plan_line_by_payee(text: str, lines: tuple[PlanLine, ...]) -> PlanLine | None:
    key = key_of(text)
    for line in lines:
        if line.payee and _same_payee(key, key_of(normalise_phrase(line.payee))):
            return line
    return None


def _same_payee(seen: str, planned: str) -> bool:
    """The planned name appears in the bank's text, or the bank cut it short."""
    if not seen or not planned:
        return False
    return _contains_words(seen, planned) or (
        " " in seen and f"{planned} ".startswith(f"{seen} "))


def _plan_line_by_keywords(text: str, lines: tuple[PlanLine, ...]) -> PlanLine | None:
    plan = lexicon().plan
    for line in lines:
        pattern = plan.get(line.category)
        if pattern is not None and pattern.search(text):
            return line
        if any(_contains_words(text, normalise_phrase(k)) for k in line.keywords):
            return line
    return None


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


def _merchant_hits(txn: Txn, text: str, rules: RuleSet) -> tuple[Hit, ...]:
    # One combined search clears almost every line; only a possible hit asks each rule.
    if txn.mcc not in rules.merchant_mccs and not rules.merchant_gate.search(text):
        return ()
    hits: tuple[Hit, ...] = ()
    for rule in rules.merchant_rules:
        payee = _merchant_signal(rule, txn.mcc, text)
        if payee is not None:
            hits = (*hits, _hit(rule, txn, rule.reason.format(payee=payee)))
    return hits


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
