"""Classify stored transactions, raise flags for rule hits, and re-run the rules.

The statement importer classifies lines before storing them and raises flags through
`sync_flags` inside the upload's transaction; officers re-run everything for a person
with `rerun_rules`; audits call `run_period_rules` for the
rules that look at a whole period (minimum wage, cash each month, care home stays).
Services flush, never commit. Flags are keyed per recipient (`Hit.key`), so running the
rules again never raises the same flag twice, and decided flags are never touched.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeVar

from sqlalchemy import Table, bindparam, func, select, update

from service import rules
from service.core.context import Ctx
from service.core.events import record, snapshot
from service.core.types import utcnow
from service.models import (
    Account,
    Council,
    Event,
    Flag,
    PayrollLine,
    Recipient,
    TimesheetEntry,
    Transaction,
)
from service.models.live import live
from service.people.context import PersonContext, RecipientContext, load_person
from service.rules.local import CARE_HOME_RULE, check_care_home_stays, check_cash_over_limit
from service.rules.model import WageQuestion, ref_id
from service.rules.wages import RULE_ID as WAGE_RULE
from service.rules.wages import check_minimum_wage, wage_payment_periods, wage_questions

K = TypeVar("K", int, str)
NO_LONGER_APPLIES = "rule no longer applies"
# keep IN (...) lists well inside SQLite's limit on bound parameters
_CHUNK = 500
_TXN_COLUMNS = (Transaction.id, Transaction.account_id, Transaction.posted_on,
                Transaction.amount, Transaction.description, Transaction.mcc,
                Transaction.reference)


_TABLE: Table = Transaction.__table__  # type: ignore[assignment]  # mapped to a Table
_UPDATE_CATEGORY = (
    update(_TABLE).where(_TABLE.c.id == bindparam("row_id"))
    .values({name: bindparam(name) for name in
             ("category", "category_reason", "worker_id", "plan_line_id", "payee_key")}))


@dataclass(frozen=True, slots=True)
class Found:
    """A rule hit with where it belongs: the flag's account, transaction, worker and date."""

    hit: rules.Hit
    account_id: int | None = None
    transaction_id: int | None = None
    occurred_on: dt.date | None = None

    @property
    def worker_id(self) -> int | None:
        ref = dict(self.hit.evidence).get("worker")
        return int(ref) if ref and ref.isdigit() else None


def _chunks(ids: Sequence[K]) -> Iterator[Sequence[K]]:
    for start in range(0, len(ids), _CHUNK):
        yield ids[start:start + _CHUNK]


def _council(ctx: Ctx, council_id: int) -> Council:
    council = ctx.session.get(Council, council_id)
    assert council is not None  # every scoped row belongs to a council
    return council


# --- per-transaction classification ------------------------------------------------------

def _classify_rows(rows: Iterable[Any], context: RecipientContext,
                   ruleset: rules.RuleSet) -> list[tuple[Any, rules.Classification]]:
    return [(row, rules.classify(_txn(row), context.on(row.posted_on), ruleset)) for row in rows]


def _txn(row: Any) -> rules.Txn:
    return rules.Txn(date=row.posted_on, amount=row.amount, description=row.description,
                     mcc=row.mcc, reference=row.reference, id=str(row.id))


def _write_categories(ctx: Ctx, classified: list[tuple[Any, rules.Classification]]) -> None:
    """One executemany UPDATE by primary key: fast for files of thousands of lines."""
    params = [
        {"row_id": row.id, "category": found.category, "category_reason": found.reason,
         "worker_id": ref_id(found.worker_ref), "plan_line_id": ref_id(found.plan_line_ref),
         "payee_key": rules.payee_key(row.description)[:200]}
        for row, found in classified
    ]
    if params:
        ctx.session.execute(_UPDATE_CATEGORY, params)


def _found_hits(classified: list[tuple[Any, rules.Classification]]) -> list[Found]:
    return [Found(hit, row.account_id, row.id, row.posted_on)
            for row, found in classified for hit in found.hits]


def _categories(classified: list[tuple[Any, rules.Classification]]) -> dict[str, int]:
    return dict(Counter(found.category for _, found in classified))


def _raised(flags: Iterable[Flag]) -> list[dict[str, Any]]:
    return [{"rule": f.rule_id, "reason": f.explanation, "transaction_id": f.transaction_id}
            for f in flags]


# --- flags from hits ---------------------------------------------------------------------

def _existing(ctx: Ctx, recipient_id: int, keys: Sequence[str]) -> dict[str, Flag]:
    found: dict[str, Flag] = {}
    for chunk in _chunks(keys):
        for flag in ctx.session.scalars(select(Flag).where(Flag.recipient_id == recipient_id,
                                                           Flag.flag_key.in_(chunk))):
            found[flag.flag_key] = flag
    return found


def _new_flag(council_id: int, recipient_id: int, found: Found) -> Flag:
    hit = found.hit
    return Flag(council_id=council_id, recipient_id=recipient_id, account_id=found.account_id,
                transaction_id=found.transaction_id, worker_id=found.worker_id,
                flag_key=hit.key[:200], rule_id=hit.rule_id, rule_version=hit.rule_version,
                severity=hit.severity, status="open", explanation=hit.reason,
                evidence=dict(hit.evidence), occurred_on=found.occurred_on)


def _refresh_open(ctx: Ctx, flag: Flag, hit: rules.Hit) -> None:
    """A changed rule version or wording updates an open flag; decided ones keep history."""
    if flag.status != "open":
        return
    if (flag.rule_version, flag.explanation, flag.evidence) == (
            hit.rule_version, hit.reason, dict(hit.evidence)):
        return
    before = snapshot(flag)
    flag.rule_version, flag.explanation = hit.rule_version, hit.reason
    flag.severity, flag.evidence = hit.severity, dict(hit.evidence)
    record(ctx, "flag.updated", flag, before=before)


def sync_flags(ctx: Ctx, council_id: int, recipient_id: int,
               found: Sequence[Found]) -> tuple[list[Flag], list[Flag]]:
    """Raise a flag for each new hit; return (new flags, flags that already existed)."""
    unique = {f.hit.key[:200]: f for f in found}
    existing = _existing(ctx, recipient_id, list(unique))
    new: list[Flag] = []
    for key, item in unique.items():
        if key in existing:
            _refresh_open(ctx, existing[key], item.hit)
            continue
        new.append(_new_flag(council_id, recipient_id, item))
    ctx.session.add_all(new)
    _record_raised(ctx, new)
    return new, list(existing.values())


def _record_raised(ctx: Ctx, flags: Sequence[Flag]) -> None:
    """The "flag.raised" events `record` would write, in one flush rather than one per flag
    (a long statement can raise thousands)."""
    if not flags:
        return
    ctx.session.flush()
    ctx.session.add_all([
        Event(council_id=f.council_id, recipient_id=f.recipient_id,
              actor_user_id=ctx.principal.user_id or None, actor_key_id=ctx.principal.key_id,
              action="flag.raised", subject_type=Flag.__tablename__, subject_id=str(f.id),
              before=None, after=snapshot(f), request_id=ctx.request_id)
        for f in flags])


def clear_automatically(ctx: Ctx, flag: Flag) -> None:
    before = snapshot(flag)
    flag.status = "cleared"
    flag.decision_reason = NO_LONGER_APPLIES
    flag.decided_at = utcnow()
    flag.decided_by_id = None
    record(ctx, "flag.cleared", flag, before=before)


# --- whole-person re-run -------------------------------------------------------------------

def rerun_rules(ctx: Ctx, recipient: Recipient) -> dict[str, Any]:
    """Classify all of a person's transactions again and bring their flags up to date.

    New hits raise flags; open flags that no rule raises any more are cleared with the
    reason "rule no longer applies"; cleared and upheld flags are left as decided.
    Returns {"classified", "categories", "flags_raised", "flags_cleared"}.
    """
    person = load_person(ctx.session, recipient.id)
    classified: list[tuple[Any, rules.Classification]] = []
    for account in person.accounts:
        rows = ctx.session.execute(select(*_TXN_COLUMNS).where(
            Transaction.account_id == account.id, live(Transaction)).order_by(Transaction.id)).all()
        classified += _classify_rows(rows, person.classification(account.id), person.ruleset)
    _write_categories(ctx, classified)
    found = _found_hits(classified) + _period_hits(ctx, person, None, None)
    new, _ = sync_flags(ctx, recipient.council_id, recipient.id, found)
    cleared = _clear_stale(ctx, recipient.id, {f.hit.key[:200] for f in found})
    return {"classified": len(classified), "categories": _categories(classified),
            "flags_raised": _raised(new), "flags_cleared": [f.id for f in cleared]}


def _clear_stale(ctx: Ctx, recipient_id: int, still_hit: set[str]) -> list[Flag]:
    # care home stays are not stored, so a re-run cannot tell whether those still apply
    open_flags = ctx.session.scalars(select(Flag).where(
        Flag.recipient_id == recipient_id, Flag.status == "open",
        Flag.rule_id != CARE_HOME_RULE).order_by(Flag.id)).all()
    stale = [f for f in open_flags if f.flag_key not in still_hit and not _released(f)]
    for flag in stale:
        clear_automatically(ctx, flag)
    return stale


# --- period rules --------------------------------------------------------------------------

# the workers, their timesheet entries and their pay records, as the minimum wage rule reads them
WageInputs = tuple[Sequence[rules.Worker], list[rules.TimesheetEntry], list[rules.PayRecord]]


def run_period_rules(ctx: Ctx, recipient: Recipient, start: dt.date, end: dt.date,
                     stays: Sequence[rules.CareStay] = (), *,
                     person: PersonContext | None = None,
                     wages: WageInputs | None = None) -> list[Flag]:
    """Run the rules that look at a whole period and return their flags (new or not).

    Minimum wage for each pay period overlapping start..end (payroll gross, else wage
    payments that must be gross, against payroll or timesheet hours; see
    `service.rules.wages`), cash over the council's monthly limit, and - given the stays,
    which we do not store - care home stays. Local rules fire only where the council
    switched them on. Uploads of timesheets and payroll runs call this for the dates
    they cover; `wage_questions_for` gives what the minimum wage rule asks instead.
    A caller that has already loaded the person's context (`load_person`) passes it, and
    the wage inputs for start..end (`wage_inputs`) when it has read them.
    """
    if person is None:
        person = load_person(ctx.session, recipient.id)
    found = _period_hits(ctx, person, start, end, wages)
    found += [Found(h, occurred_on=dt.date.fromisoformat(dict(h.evidence)["start"]))
              for h in check_care_home_stays(stays, person.ruleset)]
    new, existing = sync_flags(ctx, recipient.council_id, recipient.id, found)
    if person.ruleset.is_on(WAGE_RULE):
        _clear_stale_pay_periods(ctx, recipient.id, start, end, {f.hit.key[:200] for f in found})
    return sorted(new + existing, key=lambda f: f.id)


def _clear_stale_pay_periods(ctx: Ctx, recipient_id: int, start: dt.date, end: dt.date,
                             still_hit: set[str]) -> None:
    """Open minimum-wage flags for pay periods overlapping start..end that the rule no longer
    raises are cleared: every pay period overlapping them was just checked again. A payroll
    run sent after the timesheets says what a bank payment paid for better than its date did."""
    flags = ctx.session.scalars(select(Flag).where(
        Flag.recipient_id == recipient_id, Flag.rule_id == WAGE_RULE, Flag.status == "open")
        .order_by(Flag.id)).all()
    for flag in flags:
        period = _pay_period(flag.flag_key)
        if period and period[0] <= end and start <= period[1] and flag.flag_key not in still_hit:
            clear_automatically(ctx, flag)


def _pay_period(key: str) -> tuple[dt.date, dt.date] | None:
    """The pay period a minimum-wage flag's key names (``...|worker:REF:START:END``)."""
    try:
        first, last = key.rsplit(":", 2)[1:]
        return dt.date.fromisoformat(first), dt.date.fromisoformat(last)
    except ValueError:
        return None


def _period_hits(ctx: Ctx, person: PersonContext, start: dt.date | None, end: dt.date | None,
                 wages: WageInputs | None = None) -> list[Found]:
    return (_wage_hits(ctx, person, start, end, wages)
            + _cash_hits(ctx, person.recipient_id, person.ruleset, start, end))


def _wage_hits(ctx: Ctx, person: PersonContext, start: dt.date | None, end: dt.date | None,
               wages: WageInputs | None = None) -> list[Found]:
    if not person.ruleset.is_on(WAGE_RULE):
        return []
    workers, entries, pay = wages if wages is not None else wage_inputs(ctx, person, start, end)
    hits = check_minimum_wage(workers, entries, pay, person.ruleset)
    return [Found(h, occurred_on=dt.date.fromisoformat(h.subject.rsplit(":", 1)[1]))
            for h in hits]


def wage_questions_for(ctx: Ctx, recipient: Recipient, start: dt.date, end: dt.date, *,
                       person: PersonContext | None = None,
                       wages: WageInputs | None = None) -> list[WageQuestion]:
    """What to ask (never flag) about workers whose bank payments look low for their hours
    in pay periods overlapping start..end, but whose pay is high enough that tax, National
    Insurance or pension may have been taken off: one question per worker, asking for
    payslips. Reads only; writes nothing. Empty when the minimum wage rule is off. ``wages``:
    as `run_period_rules` takes them."""
    if person is None:
        person = load_person(ctx.session, recipient.id)
    if not person.ruleset.is_on(WAGE_RULE):
        return []
    workers, entries, pay = wages if wages is not None else wage_inputs(ctx, person, start, end)
    return wage_questions(workers, entries, pay, person.ruleset)


def wage_inputs(ctx: Ctx, person: PersonContext, start: dt.date | None,
                end: dt.date | None) -> WageInputs:
    """Workers, their hours, and the pay periods overlapping start..end (all when None): what
    the minimum wage rule and its questions read. Raising or clearing flags changes none of
    it, so one read serves both for the same dates. Nothing is read when the rule is off."""
    recipient_id = person.recipient_id
    workers = person.rule_workers()
    if not workers or not person.ruleset.is_on(WAGE_RULE):
        return [], [], []
    pay = [p for p in _payroll_records(ctx, recipient_id)
           + _wage_payment_records(ctx, recipient_id, _first_worked(ctx, recipient_id))
           if _overlaps(p, start, end)]
    if not pay:
        return workers, [], []
    first = min(p.period_start for p in pay)
    last = max(p.period_end for p in pay)
    return workers, _timesheet_entries(ctx, recipient_id, first, last), pay


def _overlaps(pay: rules.PayRecord, start: dt.date | None, end: dt.date | None) -> bool:
    return (start is None or pay.period_end >= start) and (end is None or pay.period_start <= end)


def _timesheet_entries(ctx: Ctx, recipient_id: int, first: dt.date | None = None,
                       last: dt.date | None = None) -> list[rules.TimesheetEntry]:
    stmt = (select(TimesheetEntry.worker_id, TimesheetEntry.worked_on, TimesheetEntry.hours,
                   TimesheetEntry.sleep_in, TimesheetEntry.woken_hours)
            .where(TimesheetEntry.recipient_id == recipient_id, live(TimesheetEntry),
                   TimesheetEntry.worker_id.is_not(None)))
    if first is not None:
        stmt = stmt.where(TimesheetEntry.worked_on >= first)
    if last is not None:
        stmt = stmt.where(TimesheetEntry.worked_on <= last)
    return [rules.TimesheetEntry(str(r.worker_id), r.worked_on, r.hours, bool(r.sleep_in),
                                 r.woken_hours or Decimal(0)) for r in ctx.session.execute(stmt)]


def _first_worked(ctx: Ctx, recipient_id: int) -> dict[str, dt.date]:
    rows = ctx.session.execute(
        select(TimesheetEntry.worker_id, func.min(TimesheetEntry.worked_on))
        .where(TimesheetEntry.recipient_id == recipient_id, live(TimesheetEntry),
               TimesheetEntry.worker_id.is_not(None))
        .group_by(TimesheetEntry.worker_id)).all()
    return {str(worker_id): day for worker_id, day in rows}


def _payroll_records(ctx: Ctx, recipient_id: int) -> list[rules.PayRecord]:
    """Payroll lines as gross pay, with the hours the line carries (None when it does not)."""
    rows = ctx.session.execute(
        select(PayrollLine.worker_id, PayrollLine.period_start, PayrollLine.period_end,
               PayrollLine.gross, PayrollLine.hours)
        .where(PayrollLine.recipient_id == recipient_id, live(PayrollLine),
               PayrollLine.worker_id.is_not(None))
    ).all()
    return [rules.PayRecord(str(r.worker_id), r.period_start, r.period_end, r.gross, "payroll",
                            hours=r.hours) for r in rows]


def _wage_payment_records(ctx: Ctx, recipient_id: int,
                          first_worked: Mapping[str, dt.date]) -> list[rules.PayRecord]:
    """Wage payments from the person's accounts, each given the pay period it pays for
    (`wage_payment_periods`: weekly, fortnightly, four-weekly or monthly in arrears)."""
    rows = ctx.session.execute(
        select(Transaction.worker_id, Transaction.posted_on, Transaction.amount)
        .join(Account, Account.id == Transaction.account_id)
        .where(Account.recipient_id == recipient_id, live(Transaction),
               Transaction.category == "pa_wages",
               Transaction.worker_id.is_not(None), Transaction.amount < 0)
        .order_by(Transaction.worker_id, Transaction.posted_on)).all()
    return wage_payment_periods(((str(r.worker_id), r.posted_on, -r.amount) for r in rows),
                                first_worked)


def _month_bounds(start: dt.date | None, end: dt.date | None) -> tuple[dt.date | None, dt.date | None]:
    """Whole calendar months, so a monthly total is never judged on part of a month."""
    first = start.replace(day=1) if start else None
    last = None
    if end is not None:
        following = (end.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        last = following - dt.timedelta(days=1)
    return first, last


def _cash_hits(ctx: Ctx, recipient_id: int, ruleset: rules.RuleSet,
               start: dt.date | None, end: dt.date | None) -> list[Found]:
    if not ruleset.is_on("local.cash_over_limit"):
        return []
    first, last = _month_bounds(start, end)
    stmt = (select(*_TXN_COLUMNS, Transaction.category)
            .join(Account, Account.id == Transaction.account_id)
            .where(Account.recipient_id == recipient_id, live(Transaction),
                   Transaction.category == "cash"))
    if first is not None:
        stmt = stmt.where(Transaction.posted_on >= first)
    if last is not None:
        stmt = stmt.where(Transaction.posted_on <= last)
    pairs = [(_txn(r), rules.Classification(r.category, "")) for r in ctx.session.execute(stmt)]
    return [Found(h, occurred_on=dt.date.fromisoformat(f"{dict(h.evidence)['month']}-01"))
            for h in check_cash_over_limit(pairs, ruleset)]


# --- transactions leaving the figures --------------------------------------------------------

VOIDED = "the statement line was voided"


def release_transactions(ctx: Ctx, transaction_ids: Sequence[int], *, clear_open: bool) -> int:
    """Let flags go of transactions about to leave the figures (an upload being voided).

    Every flag keeps its evidence and history but no longer points at the row (event
    "flag.released"). With `clear_open` (council staff voiding) open flags are cleared
    ("the statement line was voided"); without it (a holder or provider voiding their own
    upload) they stay open for an officer to decide: voiding a file must not be a way to
    clear a flag. Returns how many flags were touched.
    """
    touched = 0
    for chunk in _chunks(sorted(set(transaction_ids))):
        for flag in ctx.session.scalars(select(Flag).where(Flag.transaction_id.in_(chunk))
                                        .order_by(Flag.id)):
            before = snapshot(flag)
            if clear_open and flag.status == "open":
                flag.status, flag.decision_reason = "cleared", VOIDED
                flag.decided_at, flag.decided_by_id = utcnow(), None
            flag.transaction_id = None
            record(ctx, "flag.released", flag, before=before)
            touched += 1
    return touched


def _released(flag: Flag) -> bool:
    """A flag on a statement line that was voided and left open for an officer: no re-run
    can find its line again, so only a person may decide it."""
    return flag.transaction_id is None and "|txn:" in flag.flag_key
