"""From the database to ``AuditInputs``: everything one person's audit is computed from.

Rows are read with plain column queries (no ORM objects per transaction), because a
council-wide run reads millions of lines. Alongside the inputs we keep what the outputs
need to show later (reasons, flag wording) and, for the statement lines, a reference to
each with the decision made on it (``service.audits.storage``): lines are never deleted,
so an audit can be re-read years later exactly as decided.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from itertools import chain
from typing import Any

from sqlalchemy import BigInteger, func, or_, select, type_coerce
from sqlalchemy.orm import Session
from sqlalchemy.types import NullType

from service.audits import inputs as ai
from service.audits.storage import KeptLines
from service.core.types import from_hundredths
from service.models import (
    Audit,
    Commitment,
    Council,
    Flag,
    PayrollLine,
    Recipient,
    TimesheetEntry,
    Transaction,
    UnderspendReason,
    Upload,
    Worker,
)
from service.models.live import live
from service.people.context import PersonContext, load_person
from service.rules.categories import LABELS
from service.rules.ruleset import RuleSet

# The rules engine's category codes that the audit arithmetic names differently.
CATEGORY_FOR_AUDIT = {"client_contribution": ai.CONTRIBUTION, "transfer": ai.OWN_TRANSFER}
SEVERITY_FOR_AUDIT = {"unlawful": "unlawful", "harmful": "harmful", "local": "local_policy"}
# Wage payments and shifts from before the period tell us what the first payment paid for.
LOOKBACK = timedelta(days=62)
ZERO = Decimal("0.00")


@dataclass(frozen=True, slots=True)
class Loaded:
    """The engine's inputs, and what the outputs show beside them."""

    inputs: ai.AuditInputs
    record: dict[str, Any] = field(default_factory=dict)  # stored as Audit.inputs
    lines: KeptLines = field(default_factory=KeptLines)  # stored as the audit's AuditLines


def audit_category(code: str | None) -> str:
    return CATEGORY_FOR_AUDIT.get(code or "", code or "")


# --- council settings and rules ------------------------------------------------------------

def council_settings(council: Council) -> ai.CouncilSettings:
    """The council's own settings, read as every audit reads them."""
    from service.people.context import council_settings as settings_of

    return settings_of(council)


# --- statements and transactions -----------------------------------------------------------

def load_statements(session: Session, refs: dict[int, str], end: date) -> list[ai.Statement]:
    rows = session.execute(
        select(Upload.id, Upload.account_id, Upload.period_start, Upload.period_end,
               Upload.opening_balance, Upload.closing_balance, Upload.period_evidence)
        .where(Upload.account_id.in_(list(refs)), Upload.kind == "statement",
               Upload.status == "imported", Upload.period_start.is_not(None),
               Upload.period_end.is_not(None), Upload.period_start <= end + timedelta(days=1))
        .order_by(Upload.period_start, Upload.id)
    )
    return [ai.Statement(refs[r.account_id], r.period_start, r.period_end,
                         r.opening_balance, r.closing_balance, str(r.id),
                         r.period_evidence or "lines") for r in rows]


def transaction_window(period: ai.AuditPeriod, statements: Sequence[ai.Statement]) -> tuple[date, date]:
    """The period, widened to whole statements: balances are carried across their lines."""
    first, last = period.start - LOOKBACK, period.end
    for s in statements:
        if s.start <= period.start <= s.end:
            first = min(first, s.start)
        if s.start <= period.end <= s.end:
            last = max(last, s.end)
    return first, last


def flag_rules_by_transaction(session: Session, recipient_id: int) -> dict[int, list[str]]:
    found: dict[int, list[str]] = defaultdict(list)
    rows = session.execute(select(Flag.transaction_id, Flag.rule_id).where(
        Flag.recipient_id == recipient_id, Flag.transaction_id.is_not(None),
        Flag.status != "cleared"))
    for txn_id, rule_id in rows:
        if txn_id is not None:  # filtered in SQL; this tells the type checker
            found[txn_id].append(rule_id)
    return found


def load_transactions(
    session: Session, refs: dict[int, str], window: tuple[date, date],
    line_ids: dict[int, str], flagged: dict[int, list[str]],
) -> tuple[list[ai.Transaction], KeptLines]:
    """Engine transactions in statement order, and what the audit keeps of each line: its
    id, its content's hash, and the category, reason, plan line and rules decided for it.

    Money and dates are read raw (integer hundredths, the stored date) and converted here,
    once per distinct value: a year of statements repeats the same few amounts and days.
    """
    result = session.connection().execute(  # Core rows: no ORM row processing per line
        select(Transaction.id, Transaction.account_id, type_coerce(Transaction.posted_on, _RAW),
               type_coerce(Transaction.amount, _RAW), Transaction.description, Transaction.category,
               Transaction.category_reason, type_coerce(Transaction.balance, _RAW),
               Transaction.plan_line_id, Transaction.worker_id)
        .where(Transaction.account_id.in_(list(refs)), live(Transaction),
               Transaction.posted_on.between(window[0], window[1]))
        # within a day, the order the bank printed the lines in (counted oldest-first)
        .order_by(Transaction.account_id, Transaction.posted_on, Transaction.upload_id,
                  Transaction.position, Transaction.id)
        # streamed (a server-side cursor on PostgreSQL): a long history never sits in memory
        # as raw rows beside what is built from them
        .execution_options(stream_results=True, yield_per=_BATCH)
    )
    rows = chain.from_iterable(result.partitions())
    texts: dict[str, str] = {}  # a payee's words repeat: kept once
    days: dict[Any, tuple[date, str]] = {}
    money: dict[Any, tuple[Decimal, str]] = {}
    categories: dict[str | None, tuple[str, str]] = {}
    new_txn = ai.Transaction
    txns: list[ai.Transaction] = []
    kept = KeptLines()
    decisions: dict[tuple[Any, ...], tuple[str, str, int | None, int | None, tuple[str, ...]]] = {}
    for tid, account_id, raw_day, raw_amount, description, code, reason, raw_balance, line, worker in rows:
        day = days.get(raw_day)
        if day is None:
            day = days[raw_day] = _day(raw_day)
        amount = money.get(raw_amount)
        if amount is None:
            amount = money[raw_amount] = _money(raw_amount)
        if raw_balance is None:
            balance, balance_text = None, None
        else:
            known = money.get(raw_balance)
            if known is None:
                known = money[raw_balance] = _money(raw_balance)
            balance, balance_text = known
        category = categories.get(code)
        if category is None:
            category = categories[code] = (audit_category(code), code or "")
        rules = flagged.get(tid)
        rule_ids = tuple(rules) if rules else ()
        account = refs[account_id]
        description = texts.setdefault(description, description)
        txns.append(new_txn(
            str(tid), account, day[0], amount[0], description, category[0], balance, rule_ids,
            line_ids.get(line) if line else None, str(worker) if worker else None))
        choice = (code, reason, line, worker, rule_ids)
        decided = decisions.get(choice)
        if decided is None:
            decided = decisions[choice] = (category[1], reason or "", line, worker, rule_ids)
        kept.add(tid, account_id, day[0], day[1], amount[1], balance_text, description, decided)
    return txns, kept


# Columns read as the driver returns them; converted below, once per distinct value.
_RAW = NullType()
_BATCH = 2000  # rows fetched at a time


def _day(raw: Any) -> tuple[date, str]:
    """A stored date (SQLite keeps ISO text, PostgreSQL a date) and its ISO form."""
    day = date.fromisoformat(raw) if isinstance(raw, str) else raw
    return day, day.isoformat()


def _money(hundredths: Any) -> tuple[Decimal, str]:
    """Integer hundredths as a two-place Decimal (exactly as the Money column reads) and text."""
    amount = from_hundredths(int(hundredths))
    return amount, str(amount)


# --- the plan, the schedule, the people ----------------------------------------------------

def wage_line(versions: Sequence[ai.PlanVersion]) -> ai.PlanLine | None:
    lines = [line for v in versions for line in v.lines if line.category == ai.PA_WAGES]
    return lines[-1] if lines else None


def with_timesheets(workers: Sequence[Worker], entries: Sequence[ai.TimesheetEntry]) -> list[Worker]:
    """Only workers with timesheets are checked against them: with none uploaded there is
    nothing to compare wages with, and asking about every wage payment would be a false alarm."""
    seen = {e.worker_id for e in entries}
    return [w for w in workers if str(w.id) in seen]


def engine_workers(workers: Sequence[Worker], rates: dict[int, Decimal],
                   versions: Sequence[ai.PlanVersion]) -> tuple[ai.Worker, ...]:
    """A worker's rate: their timesheets' usual rate, else the plan's PA rate."""
    line = wage_line(versions)
    plan_rate = line.hourly_rate if line and line.hourly_rate is not None else ZERO
    return tuple(ai.Worker(str(w.id), w.name, rates.get(w.id, plan_rate),
                           line.id if line else None) for w in workers)


def load_timesheets(session: Session, recipient_id: int, first: date, last: date
                    ) -> tuple[list[ai.TimesheetEntry], dict[int, Decimal]]:
    rows = session.execute(
        select(TimesheetEntry.worker_id, TimesheetEntry.worked_on, TimesheetEntry.hours,
               TimesheetEntry.rate)
        .where(TimesheetEntry.recipient_id == recipient_id, live(TimesheetEntry),
               TimesheetEntry.worker_id.is_not(None), TimesheetEntry.worked_on.between(first, last))
        .order_by(TimesheetEntry.worked_on, TimesheetEntry.id)
    ).all()
    entries = [ai.TimesheetEntry(str(r.worker_id), r.worked_on, r.hours, r.rate) for r in rows]
    rates: dict[int, Decimal] = {}
    for r in rows:
        if r.rate is not None:
            rates[r.worker_id] = r.rate  # the latest rate written on a timesheet
    return entries, rates


def load_payroll_runs(session: Session, recipient_id: int, first: date, last: date) -> list[ai.PayrollRun]:
    """The pay periods of the workers' runs that began by ``last`` and ended from ``first``:
    they say which work a wage payment paid for."""
    rows = session.execute(
        select(PayrollLine.worker_id, PayrollLine.period_start, PayrollLine.period_end, PayrollLine.net)
        .where(PayrollLine.recipient_id == recipient_id, live(PayrollLine),
               PayrollLine.worker_id.is_not(None),
               PayrollLine.period_start <= last, PayrollLine.period_end >= first)
        .order_by(PayrollLine.period_end, PayrollLine.id)
    )
    return [ai.PayrollRun(str(r.worker_id), r.period_start, r.period_end, r.net) for r in rows]


# --- what is owed, what was flagged, what came before --------------------------------------

def load_commitments(session: Session, recipient_id: int, end: date) -> list[ai.Commitment]:
    rows = session.scalars(
        select(Commitment).where(
            Commitment.recipient_id == recipient_id,
            or_(Commitment.settled_on.is_(None), Commitment.settled_on > end))
        .order_by(Commitment.id)
    )
    return [ai.Commitment(c.kind, c.description, c.amount, c.due_on) for c in rows  # type: ignore[arg-type]
            if c.due_on is None or c.due_on >= end - timedelta(days=366)]


def payroll_commitments(session: Session, recipient_id: int, account_ids: list[int],
                        end: date) -> list[ai.Commitment]:
    """HMRC and pension the payroll says are due, less what the statements show was paid."""
    due = session.execute(
        select(func.min(PayrollLine.period_start),
               func.coalesce(func.sum(_raw(PayrollLine.paye) + _raw(PayrollLine.employee_ni)
                                      + _raw(PayrollLine.employer_ni)), 0),
               func.coalesce(func.sum(_raw(PayrollLine.employee_pension)
                                      + _raw(PayrollLine.employer_pension)), 0))
        .where(PayrollLine.recipient_id == recipient_id, live(PayrollLine),
               PayrollLine.period_end <= end)
    ).one()
    since = due[0]
    if since is None:
        return []
    owed = []
    for kind, total_due, words in (("hmrc", due[1], "Tax and National Insurance due to HMRC"),
                                   ("pension", due[2], "Pension contributions due")):
        outstanding = _hundredths(total_due) - paid_since(session, account_ids, kind, since, end)
        if outstanding > 0:
            owed.append(ai.Commitment(kind, f"{words} from payroll, not yet seen paid",  # type: ignore[arg-type]
                                      outstanding))
    return owed


def _raw(column: Any) -> Any:
    """A money column as stored (integer hundredths), so a SQL sum stays in hundredths."""
    return type_coerce(column, BigInteger)


def _hundredths(value: Any) -> Decimal:
    """SQL sums over exact-hundredths columns come back as integers of hundredths."""
    return (Decimal(int(value)) / 100).quantize(Decimal("0.01"))


def paid_since(session: Session, account_ids: list[int], category: str, since: date, end: date) -> Decimal:
    paid = session.scalar(
        # summed as stored (integer hundredths), converted once below
        select(func.coalesce(func.sum(type_coerce(Transaction.amount, BigInteger)), 0))
        .select_from(Transaction.__table__)
        .where(Transaction.account_id.in_(account_ids), live(Transaction),
               Transaction.category == category,
               Transaction.amount < 0, Transaction.posted_on.between(since, end))
    )
    return -_hundredths(paid or 0)


def load_flags(session: Session, recipient_id: int, period: ai.AuditPeriod, rules: RuleSet
               ) -> tuple[list[ai.Flag], list[dict[str, Any]]]:
    rows = session.execute(
        select(Flag, Transaction.posted_on, Transaction.amount, Transaction.description)
        .outerjoin(Transaction, Transaction.id == Flag.transaction_id)
        # an earlier period's flag nobody has decided (carried at a close) is still asked about
        .where(Flag.recipient_id == recipient_id,
               or_(Flag.occurred_on.is_(None), Flag.occurred_on.between(period.start, period.end),
                   (Flag.occurred_on < period.start) & (Flag.status == "open")))
        .order_by(Flag.id)
    ).all()
    flags, shown = [], []
    for flag, posted_on, amount, description in rows:
        title = rules.rules[flag.rule_id].title if flag.rule_id in rules.rules else flag.rule_id
        severity = SEVERITY_FOR_AUDIT.get(flag.severity, "info")
        flags.append(ai.Flag(str(flag.id), flag.rule_id, severity, flag.status, title,  # type: ignore[arg-type]
                             _str_or_none(flag.transaction_id), _str_or_none(flag.worker_id)))
        shown.append({"id": flag.id, "rule_id": flag.rule_id, "title": title, "severity": severity,
                      "status": flag.status, "explanation": flag.explanation,
                      "transaction_date": posted_on.isoformat() if posted_on else None,
                      "transaction_amount": str(amount) if amount is not None else None,
                      "transaction_description": description or ""})
    return flags, shown


def _str_or_none(value: int | None) -> str | None:
    return str(value) if value is not None else None


def load_prior_audits(session: Session, recipient_id: int, before: date) -> ai.PriorAudits:
    rows = session.execute(
        select(Audit.period_end, Audit.tier).where(
            Audit.recipient_id == recipient_id, Audit.period_end < before)
    ).all()
    if not rows:
        return ai.PriorAudits()
    had_findings = any(r.tier in ("standard", "full") for r in rows)
    return ai.PriorAudits(len(rows), had_findings, max(r.period_end for r in rows))


def load_underspend(session: Session, recipient_id: int, period: ai.AuditPeriod) -> list[ai.UnderspendReason]:
    rows = session.scalars(
        select(UnderspendReason).where(
            UnderspendReason.recipient_id == recipient_id,
            UnderspendReason.period_start <= period.end,
            UnderspendReason.period_end >= period.start)
        .order_by(UnderspendReason.id)
    )
    return [ai.UnderspendReason(r.reason, r.note or "", r.hold_recovery,  # type: ignore[arg-type]
                                r.period_start, r.period_end) for r in rows]


# --- all of it -----------------------------------------------------------------------------

def load_audit_inputs(session: Session, recipient: Recipient, period: ai.AuditPeriod,
                      *, final_audit: bool = False, person: PersonContext | None = None) -> Loaded:
    """The audit's inputs; ``person`` is the person's context when the caller has loaded it."""
    if person is None:
        person = load_person(session, recipient.id)
    council, rules = person.council, person.ruleset
    refs = {a.id: a.reference for a in person.accounts}
    statements = load_statements(session, refs, period.end)
    versions, line_ids = person.audit_plans()
    window = transaction_window(period, statements)
    txns, kept = load_transactions(session, refs, window, line_ids,
                                   flag_rules_by_transaction(session, recipient.id))
    entries, rates = load_timesheets(session, recipient.id, period.start - LOOKBACK, period.end)
    # only workers with timesheets are checked: with none in the window there is nobody to load
    workers = with_timesheets(person.workers, entries) if entries else []
    payroll = load_payroll_runs(session, recipient.id, period.start - LOOKBACK, period.end) if workers else []
    flags, flag_rows = load_flags(session, recipient.id, period, rules)
    commitments = [*load_commitments(session, recipient.id, period.end),
                   *payroll_commitments(session, recipient.id, list(refs), period.end)]
    inputs = ai.AuditInputs(
        recipient_id=str(recipient.id), period=period, accounts=person.audit_accounts(),
        statements=tuple(statements), transactions=tuple(txns), plan_versions=tuple(versions),
        schedules=person.audit_schedules(period), commitments=tuple(commitments),
        workers=engine_workers(workers, rates, versions), timesheets=tuple(entries),
        payroll=tuple(payroll),
        flags=tuple(flags), prior_audits=load_prior_audits(session, recipient.id, period.start),
        final_audit=final_audit, settings=person.audit_settings(),
        underspend_reasons=tuple(load_underspend(session, recipient.id, period)),
    )
    record = {
        "council_name": council.name,
        "recipient": {"id": recipient.id, "reference": recipient.reference, "name": recipient.name},
        "accounts": [{"id": a.id, "reference": a.reference, "kind": a.kind} for a in person.accounts],
        "rules": rules.describe(),
        "rates": wage_rates_in_force(period),
        "workers": worker_rows(workers, inputs.workers),
        "flags": flag_rows,
    }
    return Loaded(inputs, record, kept)


def worker_rows(workers: Iterable[Worker], engine: Sequence[ai.Worker]) -> list[dict[str, Any]]:
    rates = {w.id: w.hourly_rate for w in engine}
    return [{"id": w.id, "name": w.name, "age_band": w.age_band,
             "date_of_birth": w.date_of_birth.isoformat() if w.date_of_birth else None,
             "hourly_rate": str(rates.get(str(w.id), ZERO))} for w in workers]


def wage_rates_in_force(period: ai.AuditPeriod) -> list[dict[str, Any]]:
    """The minimum-wage tables that cover the period, as the audit used them."""
    from service.rules.wages import rate_tables

    tables = rate_tables()
    used = [t for i, t in enumerate(tables)
            if t.starts <= period.end and (i + 1 == len(tables) or tables[i + 1].starts > period.start)]
    return [{"from": t.starts.isoformat(), "hourly": {k: str(v) for k, v in t.hourly.items()},
             "accommodation_offset_per_day": str(t.accommodation_offset)} for t in used]


def category_label(code: str) -> str:
    return LABELS.get(code, code.replace("_", " ").capitalize() if code else "Not yet categorised")
