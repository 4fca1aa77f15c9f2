"""Audits: compute and keep one, decide and close it, correct it, talk about it; what is due.

The arithmetic is ``service.audits.engine.run_audit``; this module loads its inputs, keeps
its result with the rules, settings and rates it used, and runs the decision workflow.
Services flush, never commit. A closed audit never changes: a correction is a new audit.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, and_, func, or_, select, update
from sqlalchemy.orm import Session

import reports
from service.audits.cadence import next_review_for
from service.audits.engine import AuditResult, run_audit, to_plain
from service.audits.inputs import AuditPeriod
from service.audits.kept import asks_in, inputs_of, result_of
from service.audits.loading import council_settings, load_audit_inputs
from service.audits.schemas import CommitmentIn, UnderspendReasonIn
from service.audits.storage import KeptLines, LinesCheck, check_lines, keep, kept_of, read_lines
from service.audits.storage import frozen_digest as frozen_digest
from service.audits.tier import TIER_RANK
from service.core.deps import Ctx
from service.core.errors import Conflict, Forbidden, Unprocessable, field_error
from service.core.events import record
from service.core.principal import STAFF
from service.core.types import today_uk, utcnow
from service.models import (
    Audit,
    AuditRefresh,
    Commitment,
    Council,
    Erasure,
    Flag,
    Note,
    PaymentSchedule,
    Recipient,
    SupportPlan,
    UnderspendReason,
)
from service.people.context import PersonContext, load_person
from service.review.flags import (
    rerun_rules,
    run_period_rules,
    wage_inputs,
    wage_questions_for,
)
from service.rules.ruleset import load_default_rules

HEADLINE_MONEY = ("opening_balance", "closing_balance", "money_in", "money_out",
                  "reconciliation_difference", "contingency", "commitments", "surplus",
                  "proposed_recovery", "weekly_plan_value", "council_share", "contribution_share")


# --- creating an audit ---------------------------------------------------------------------

def create_audit(ctx: Ctx, recipient: Recipient, start: date, end: date,
                 kind: str = "scheduled", *, corrects: Audit | None = None,
                 note: str | None = None) -> Audit:
    """Audit all the person's accounts for the period (inclusive) and keep the result.

    The rules that judge a whole period (minimum wage, cash each month) run first, so no
    separate re-run is needed. Auditing the same person and period again refreshes the
    open audit of that kind rather than opening a second one beside it.
    """
    if ctx.session.scalar(select(Erasure.id).where(Erasure.recipient_id == recipient.id)) is not None:
        raise Unprocessable(
            f"Person {recipient.id} has been erased (their retention ran out), so there is nothing "
            "left to audit.", errors=[field_error("recipient_id", "erased")])
    final = kind == "final" or (corrects is not None and corrects.kind == "final")
    # the open audit this refreshes, held before anything is read (see refresh_open_audits)
    existing = None if corrects is not None else _open_audit(ctx, recipient, start, end, kind)
    result, used, lines = _work_out(ctx, recipient, start, end, kind, final)
    if note:
        used["correction_reason"] = note
    if existing is not None:
        return _refresh(ctx, existing, result.tier, result.to_dict(), used, result.proposed_recovery,
                        lines)
    audit = Audit(
        council_id=recipient.council_id, recipient_id=recipient.id, period_start=start,
        period_end=end, kind=kind, status="open", tier=result.tier, result=result.to_dict(),
        inputs=used, proposed_recovery=result.proposed_recovery,
        corrects_audit_id=corrects.id if corrects is not None else None,
    )
    ctx.session.add(audit)
    ctx.session.flush()  # its id, which its lines refer to
    keep(ctx.session, audit, lines)
    record(ctx, "audit.created", audit, after=audit_state(audit))
    return audit


def _work_out(ctx: Ctx, recipient: Recipient, start: date, end: date, kind: str,
              final: bool, person: PersonContext | None = None,
              ) -> tuple[AuditResult, dict[str, Any], KeptLines]:
    """The period rules, then the audit's figures from today's data, what they used, and the
    lines they read with what was decided on each. ``person``: the person's context, when the
    caller has loaded it since taking hold of the audit."""
    if person is None:
        person = load_person(ctx.session, recipient.id)  # once, for the rules and the audit
    wages = wage_inputs(ctx, person, start, end)  # once, for the wage flags and the questions
    run_period_rules(ctx, recipient, start, end, person=person, wages=wages)
    loaded = load_audit_inputs(ctx.session, recipient, AuditPeriod(start, end), final_audit=final,
                               person=person)
    if not loaded.inputs.accounts:
        raise Unprocessable(
            f"{recipient.reference} has no account recorded, so there is nothing to audit yet. "
            "Add the account that holds the direct payment first.",
            errors=[field_error("recipient_id", "no account recorded")])
    asked = tuple(q.question for q in wage_questions_for(ctx, recipient, start, end, person=person,
                                                        wages=wages))
    inputs = replace(loaded.inputs, rule_questions=asked)
    result = run_audit(inputs)
    used = {**loaded.record, "kind": kind, "final_audit": final,
            "settings": to_plain(inputs.settings),
            "underspend_reasons": to_plain(inputs.underspend_reasons)}
    return result, used, loaded.lines


def _open_audit(ctx: Ctx, recipient: Recipient, start: date, end: date, kind: str) -> Audit | None:
    return ctx.session.scalars(_held(
        select(Audit).where(Audit.recipient_id == recipient.id, Audit.period_start == start,
                            Audit.period_end == end, Audit.kind == kind, Audit.status == "open")
        .order_by(Audit.id.desc()).limit(1))).first()


def _held(stmt: Select[Audit]) -> Select[Audit]:
    """Open audits, held until the request commits (PostgreSQL; SQLite has one writer at a
    time anyway), and read as they are once held, not as this session last saw them.

    Whoever works an open audit out again holds it first and reads the person's data only
    then: two uploads for one person at once would otherwise each work the audit out from
    data without the other's lines, and the one committing last would leave the audit
    without the lines of the first. Held, the second waits, then reads both."""
    return stmt.with_for_update().execution_options(populate_existing=True)


def _refresh(ctx: Ctx, audit: Audit, tier: str, result: dict[str, Any], used: dict[str, Any],
             proposed: Decimal, lines: KeptLines) -> Audit:
    """Today's figures for an open audit; a decision on a recovery that changed is cleared."""
    before = audit_state(audit)
    audit.tier, audit.result, audit.inputs = tier, result, used
    keep(ctx.session, audit, lines)
    if proposed != audit.proposed_recovery:
        audit.agreed_recovery = None
        audit.decision_reason = None
        audit.recovery_held = False
        audit.decided_at = None
        audit.decided_by_id = None
    audit.proposed_recovery = proposed
    record(ctx, "audit.refreshed", audit, before=before, after=audit_state(audit))
    return audit


def audit_state(audit: Audit) -> dict[str, Any]:
    """What the event log keeps of an audit: its decision, not its whole working."""
    return {
        "id": audit.id, "recipient_id": audit.recipient_id, "kind": audit.kind,
        "period_start": audit.period_start.isoformat(), "period_end": audit.period_end.isoformat(),
        "status": audit.status, "tier": audit.tier,
        "proposed_recovery": _money(audit.proposed_recovery),
        "agreed_recovery": _money(audit.agreed_recovery),
        "decision_reason": audit.decision_reason, "recovery_held": bool(audit.recovery_held),
        "decided_at": audit.decided_at.isoformat() if audit.decided_at else None,
        "corrects_audit_id": audit.corrects_audit_id,
        "closed_at": audit.closed_at.isoformat() if audit.closed_at else None,
        "frozen_digest": audit.frozen_digest,
    }


def _money(value: Decimal | None) -> str | None:
    return f"{value:.2f}" if value is not None else None


def headline(audit: Audit) -> dict[str, Any]:
    """The figures a person or an acceptance check reads first, money as decimal strings."""
    result, used = result_of(audit), inputs_of(audit)
    body: dict[str, Any] = {
        "audit_id": audit.id, "recipient_id": audit.recipient_id,
        "recipient_reference": used.recipient_reference,
        "accounts": [a.reference for a in used.accounts],
        "period_start": audit.period_start.isoformat(), "period_end": audit.period_end.isoformat(),
        "kind": audit.kind, "status": audit.status,
    }
    body.update({name: str(result.money(name)) for name in HEADLINE_MONEY})
    body.update({
        "contingency_weeks": 0 if result.final_audit else result.contingency_weeks,
        "recovery_held": result.recovery_held, "tier": result.tier, "score": result.score,
        "tier_reasons": [x.to_json() for x in result.tier_reasons], "gaps": list(result.gaps),
        "flags": list(used.flags_json),
        "findings": [{"code": f.code, "severity": f.severity, "message": f.message}
                     for f in result.findings],
        "agreed_recovery": _money(audit.agreed_recovery),
    })
    return body


# --- the decision workflow -----------------------------------------------------------------

def _still_open(audit: Audit) -> None:
    if audit.status == "closed":
        raise Conflict(
            "This audit is closed and cannot change. Make a correction instead.",
            errors=[field_error("status", "closed; POST /v1/audits/{audit_id}/corrections")],
        )


def decide(ctx: Ctx, audit: Audit, agreed_recovery: Decimal | None, reason: str,
           *, hold: bool = False) -> Audit:
    """The officer's decision, always with a reason: the recovery agreed (which may be
    £0.00), or recovery put on hold."""
    _still_open(audit)
    if not hold and agreed_recovery is None:
        raise Unprocessable(
            "Give the recovery you agree (it may be 0.00), or put recovery on hold.",
            errors=[field_error("agreed_recovery", "required unless hold is true")])
    before = audit_state(audit)
    audit.recovery_held = hold
    audit.agreed_recovery = Decimal("0.00") if hold else agreed_recovery
    audit.decision_reason = reason
    audit.decided_at = utcnow()
    audit.decided_by_id = ctx.principal.user_id or None
    record(ctx, "audit.decided", audit, before=before, after=audit_state(audit))
    return audit


@dataclass(frozen=True, slots=True)
class Carried:
    flag_id: int
    reason: str


def still_missing(ctx: Ctx, audit: Audit, carried: Sequence[Carried] = (),
                  flags: Sequence[Flag] | None = None) -> list[dict[str, Any]]:
    """What must happen before the audit can close, each as a problem+json error entry.

    A light audit with nothing to ask closes as it is. Any other needs a decision with a
    reason, and every open flag decided or carried to the next audit with a reason.
    Questions the person has not answered yet do not hold a close up. ``flags`` are the
    audit's open flags when the caller has just read them.
    """
    missing: list[dict[str, Any]] = []
    carried_ids = {c.flag_id for c in carried}
    for flag in open_flags(ctx, audit) if flags is None else flags:
        if flag.id not in carried_ids:
            missing.append(field_error(
                "flags", f"flag {flag.id} ({flag.rule_id}) is open: clear or uphold it, or carry it "
                "to the next audit with a reason"))
    nothing_to_ask = _closes_undecided(audit.tier, result_of(audit).asks) and not missing and not carried
    if audit.decided_at is None and not nothing_to_ask:
        missing.append(field_error(
            "decision", "record a decision first: POST /v1/audits/{audit_id}/decision with the "
            "agreed recovery (or hold) and a reason"))
    return missing


def open_flags(ctx: Ctx, audit: Audit) -> list[Flag]:
    """The person's flags up to the audit's end that nobody has decided yet: an earlier
    audit may have carried one forward."""
    return list(ctx.session.scalars(select(Flag).where(
        Flag.recipient_id == audit.recipient_id, Flag.status == "open",
        or_(Flag.occurred_on.is_(None), Flag.occurred_on <= audit.period_end)).order_by(Flag.id)))


def close(ctx: Ctx, audit: Audit, carried: Sequence[Carried] = ()) -> Audit:
    """Close: the audit never changes again. Refused (409) while anything is missing."""
    _still_open(audit)
    known = {f.id for f in open_flags(ctx, audit)}
    strangers = [c.flag_id for c in carried if c.flag_id not in known]
    if strangers:
        raise Unprocessable("Only this audit's open flags can be carried to the next audit.",
                            errors=[field_error("carry_flags", f"flag {i} is not open in this audit")
                                    for i in strangers])
    missing = still_missing(ctx, audit, carried)
    if missing:
        raise Conflict("This audit cannot close yet: " + "; ".join(e["reason"] for e in missing) + ".",
                       errors=missing)
    before = audit_state(audit)
    if audit.agreed_recovery is None:
        audit.agreed_recovery = audit.proposed_recovery or Decimal("0.00")
    if carried:
        audit.inputs = {**audit.inputs, "carried_flags": [
            {"flag_id": c.flag_id, "reason": c.reason} for c in carried]}
    audit.status = "closed"
    audit.closed_at = utcnow()
    audit.closed_by_id = ctx.principal.user_id or None
    audit.frozen_digest = frozen_digest(audit)
    record(ctx, "audit.closed", audit, before=before, after=audit_state(audit))
    return audit


@dataclass(frozen=True)
class Verification:
    """What ``verify`` found: the audit's lines against the hash it kept, and a closed audit's
    result, inputs and lines against the digest it froze."""

    lines: LinesCheck
    digest_matches: bool | None  # None while the audit is open: nothing is frozen yet

    @property
    def unchanged(self) -> bool:
        return self.lines.unchanged and self.digest_matches is not False

    @property
    def message(self) -> str:
        if self.digest_matches is None:
            return f"{self.lines.message} The audit is open, so nothing is frozen yet."
        if self.digest_matches:
            return f"{self.lines.message} What it was closed on matches its frozen digest."
        return f"{self.lines.message} What it was closed on no longer matches its frozen digest."


def verify(session: Session, audit: Audit) -> Verification:
    """Read the audit's lines as stored today and hash them, and for a closed audit work its
    frozen digest out again from the same read: proof, years later, that what it decided on
    is unchanged."""
    kept = kept_of(audit, session)
    read = read_lines(session, kept) if kept is not None else None
    lines = check_lines(session, audit, read)
    if audit.status != "closed" or audit.frozen_digest is None:
        return Verification(lines, None)
    return Verification(lines, frozen_digest(audit, read) == audit.frozen_digest)


# --- keeping open audits in step with the person's data -----------------------------------

def refresh_open_audits(ctx: Ctx, recipient_id: int, *, unless_done: int | None = None) -> list[Audit]:
    """Work every open audit of the person out again from today's data: a decided flag, an
    explanation, an underspend reason, a note, a commitment, an upload or a void. Each is an
    "audit.refreshed" event; a decision on a recovery that changed is cleared.

    ``unless_done``: the number a committed batch was given (``AuditRefresh``); nothing is
    done when a refresh since it committed has already read its lines."""
    ctx.session.flush()
    audits = list(ctx.session.scalars(_held(select(Audit).where(
        Audit.recipient_id == recipient_id, Audit.status == "open").order_by(Audit.id))))
    if not audits:
        return []
    # read once they are held, before anything else: every batch counted here is committed
    progress = ctx.session.execute(select(AuditRefresh.asked, AuditRefresh.done)
                                   .where(AuditRefresh.recipient_id == recipient_id)).first()
    if unless_done is not None and progress is not None and progress.done >= unless_done:
        return []
    recipient = ctx.session.get(Recipient, recipient_id, populate_existing=True)
    if recipient is None:
        return []
    person = load_person(ctx.session, recipient_id)  # once for all of them, read while held
    refreshed = [recompute(ctx, recipient, audit, person) for audit in audits]
    if progress is not None and progress.done < progress.asked:
        ctx.session.execute(update(AuditRefresh).where(
            AuditRefresh.recipient_id == recipient_id, AuditRefresh.done < progress.asked)
            .values(done=progress.asked))
    return refreshed


def person_changed(ctx: Ctx, recipient: Recipient) -> None:
    """Something the rules and audits read about the person changed: a worker, an approved
    plan, a payment schedule, their own details. When council staff made the change, the
    person's transactions are classified again and their flags brought up to date, as
    ``POST /v1/recipients/{id}/rules/rerun`` does (so recording that paying a relative is
    necessary clears the open flag that asked about it); then their open audits are worked
    out again, so nobody is asked about what the council has already settled. A holder's own
    change reaches the open audits, but never clears a flag by itself."""
    ctx.session.flush()
    if ctx.principal.role in STAFF:
        rerun_rules(ctx, recipient)
    refresh_open_audits(ctx, recipient.id)


def recompute(ctx: Ctx, recipient: Recipient, audit: Audit,
              person: PersonContext | None = None) -> Audit:
    final = audit.kind == "final" or inputs_of(audit).final_audit
    result, used, lines = _work_out(ctx, recipient, audit.period_start, audit.period_end, audit.kind,
                                    final, person)
    reason = inputs_of(audit).correction_reason
    used = {**used, **({"correction_reason": reason} if reason is not None else {})}
    return _refresh(ctx, audit, result.tier, result.to_dict(), used, result.proposed_recovery, lines)


def correct(ctx: Ctx, audit: Audit, reason: str) -> Audit:
    """A new audit of the same person and period, from today's data, that names the original."""
    recipient = ctx.session.get(Recipient, audit.recipient_id)
    assert recipient is not None
    return create_audit(ctx, recipient, audit.period_start, audit.period_end, "correction",
                        corrects=audit, note=reason)


# --- the conversation, unmet need and money owed -------------------------------------------

def add_note(ctx: Ctx, audit: Audit, body: str, internal: bool = False) -> Note:
    if internal and ctx.principal.role not in STAFF:
        raise Forbidden("Only council staff can write an internal note.",
                        errors=[field_error("internal", "council staff only")])
    note = Note(council_id=audit.council_id, recipient_id=audit.recipient_id,
                subject_type="audit", subject_id=audit.id, author_id=ctx.principal.user_id,
                body=body, internal=internal)
    ctx.session.add(note)
    record(ctx, "note.created", note)
    refresh_open_audits(ctx, audit.recipient_id)
    return note


def notes_of(audit: Audit, staff: bool = True) -> Select[Note]:
    stmt = select(Note).where(Note.subject_type == "audit", Note.subject_id == audit.id,
                              Note.council_id == audit.council_id)
    return stmt if staff else stmt.where(Note.internal.is_(False))


def add_underspend_reason(ctx: Ctx, recipient: Recipient, body: UnderspendReasonIn) -> UnderspendReason:
    """Why money was not spent. Only council staff can hold a recovery on it."""
    if body.hold_recovery and ctx.principal.role not in STAFF:
        raise Forbidden("Only council staff can hold a recovery.",
                        errors=[field_error("hold_recovery", "council staff only")])
    if body.audit_id is not None:
        _audit_of(ctx, recipient, body.audit_id)
    reason = UnderspendReason(council_id=recipient.council_id, recipient_id=recipient.id,
                              recorded_by_id=ctx.principal.user_id or None, **body.model_dump())
    ctx.session.add(reason)
    record(ctx, "underspend_reason.created", reason)
    refresh_open_audits(ctx, recipient.id)
    return reason


def _audit_of(ctx: Ctx, recipient: Recipient, audit_id: int) -> Audit:
    audit = ctx.session.get(Audit, audit_id)
    if audit is None or audit.recipient_id != recipient.id:
        raise Unprocessable("audit_id must be an audit of this person.",
                            errors=[field_error("audit_id", "not an audit of this person")])
    return audit


def add_commitment(ctx: Ctx, recipient: Recipient, body: CommitmentIn) -> Commitment:
    commitment = Commitment(council_id=recipient.council_id, recipient_id=recipient.id,
                            **body.model_dump())
    ctx.session.add(commitment)
    record(ctx, "commitment.created", commitment)
    refresh_open_audits(ctx, recipient.id)
    return commitment


# --- what is due ---------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class LastClosed:
    """What the queue needs of a person's last closed audit (its stored result stays unread)."""

    id: int
    period_end: date
    tier: str | None
    score: int


@dataclass(frozen=True, slots=True)
class OpenAudit:
    """What the queue shows of an open audit (its stored result and inputs stay unread)."""

    id: int
    period_start: date
    period_end: date
    created_at: datetime
    tier: str | None
    score: int


@dataclass(frozen=True, slots=True)
class Due:
    """One line of the officer's queue: a review that is due, or an open audit to act on."""

    recipient: Recipient
    due_on: date | None
    last_audit: LastClosed | None  # the last closed audit
    open_audit: OpenAudit | None = None
    action: str = "start_review"
    next_period: tuple[date, date] | None = None

    @property
    def tier(self) -> str:
        if self.open_audit is not None:
            return self.open_audit.tier or "light"
        return (self.last_audit.tier or "light") if self.last_audit else "light"

    @property
    def score(self) -> int:
        if self.open_audit is not None:
            return self.open_audit.score
        return self.last_audit.score if self.last_audit else 0


def action_for(ctx: Ctx, audit: Audit, flags: Sequence[Flag] | None = None) -> str:
    """What an open audit is waiting for (``flags``: its open flags, when already read)."""
    flags = open_flags(ctx, audit) if flags is None else flags
    return _waiting_for(bool(flags), audit.tier, result_of(audit).asks, audit.decided_at is not None,
                        audit.proposed_recovery)


def _waiting_for(flagged: bool, tier: str | None, asks: bool, decided: bool,
                 proposed: Decimal | None) -> str:
    """The action ``still_missing`` leads to when nothing is carried: open flags first, then
    a decision (a light audit that asks nothing needs none), then the person's answers."""
    if flagged:
        return "decide_flags"
    if decided or _closes_undecided(tier, asks):
        return "ready_to_close"
    if asks and not proposed:
        return "waiting_for_person"
    return "agree_recovery"


def _closes_undecided(tier: str | None, asks: bool) -> bool:
    """A light audit that asks the person nothing closes without a decision."""
    return tier == "light" and not asks


def due(ctx: Ctx, on: date | None = None) -> list[Due]:
    """The officer's queue by ``on`` (default today): open audits needing action beside
    reviews that are due, riskiest first (tier, then score, then the longest waiting).

    A review's due date counts from the end of the last closed audit; its suggested period
    runs from the day after that audit (else the first payment) to the due date. The same
    few queries whatever the council's size: its open audits and their open flags are read
    for the whole council at once.
    """
    on = on or today_uk()
    council = ctx.session.get(Council, ctx.principal.council_id)
    assert council is not None
    settings = council_settings(council)
    found: list[Due] = []
    last_closed = _last_closed_by_person(ctx)
    open_by_person = _open_by_person(ctx)
    for recipient, first_payment in _people_paid(ctx):
        last = last_closed.get(recipient.id)
        opened = open_by_person.get(recipient.id, [])
        for audit, action in opened:
            found.append(Due(recipient, None, last, audit, action))
        if opened or (recipient.dp_end_date is not None and recipient.dp_end_date < on):
            continue  # a review under way, or an ended payment (a final audit, not a review)
        due_on = next_review_for(settings, first_payment, last.period_end if last else None)
        if due_on <= on:
            begins = last.period_end + timedelta(days=1) if last else first_payment
            found.append(Due(recipient, due_on, last, next_period=(begins, due_on - timedelta(days=1))))
    return sorted(found, key=_riskiest)


def _open_by_person(ctx: Ctx) -> dict[int, list[tuple[OpenAudit, str]]]:
    """Each person's open audits with the action each waits for, in two queries for the whole
    council: the audits' small columns (score and findings by JSON path), and the number of
    open flags each audit sees (a flag up to its end, as ``open_flags`` reads them)."""
    council_id = ctx.principal.council_id
    flagged: dict[int, int] = {audit_id: n for audit_id, n in ctx.session.execute(
        select(Audit.id, func.count(Flag.id))
        .join(Flag, and_(Flag.recipient_id == Audit.recipient_id, Flag.status == "open",
                         or_(Flag.occurred_on.is_(None), Flag.occurred_on <= Audit.period_end)))
        .where(Audit.council_id == council_id, Audit.status == "open")
        .group_by(Audit.id))}
    rows = ctx.session.execute(
        select(Audit.id, Audit.recipient_id, Audit.period_start, Audit.period_end, Audit.created_at,
               Audit.tier, Audit.decided_at, Audit.proposed_recovery,
               Audit.result["score"].as_integer().label("score"),
               Audit.result["findings"].label("findings"))
        .where(Audit.council_id == council_id, Audit.status == "open").order_by(Audit.id)).all()
    found: dict[int, list[tuple[OpenAudit, str]]] = defaultdict(list)
    for row in rows:
        audit = OpenAudit(row.id, row.period_start, row.period_end, row.created_at, row.tier,
                          int(row.score or 0))
        action = _waiting_for(flagged.get(row.id, 0) > 0, row.tier, asks_in(row.findings),
                              row.decided_at is not None, row.proposed_recovery)
        found[row.recipient_id].append((audit, action))
    return found


def _riskiest(d: Due) -> tuple[int, int, date, int, int]:
    waiting = d.open_audit.created_at.date() if d.open_audit else d.due_on or date.max
    return (-TIER_RANK[d.tier], -d.score, waiting, d.recipient.id, d.open_audit.id if d.open_audit else 0)


def _people_paid(ctx: Ctx) -> list[tuple[Recipient, date]]:
    """Each person with the date of their first payment (schedule, else the DP start)."""
    first = (select(PaymentSchedule.recipient_id, func.min(PaymentSchedule.first_payment_on).label("first"))
             .group_by(PaymentSchedule.recipient_id).subquery())
    rows = ctx.session.execute(
        select(Recipient, first.c.first).outerjoin(first, first.c.recipient_id == Recipient.id)
        .where(Recipient.council_id == ctx.principal.council_id).order_by(Recipient.id)
    ).all()
    return [(r, f or r.dp_start_date) for r, f in rows if (f or r.dp_start_date) is not None]


def _last_closed_by_person(ctx: Ctx) -> dict[int, LastClosed]:
    """Each person's latest closed audit, for the whole council in one query."""
    rank = func.row_number().over(partition_by=Audit.recipient_id,
                                  order_by=(Audit.period_end.desc(), Audit.id.desc())).label("rank")
    ranked = (select(Audit.recipient_id, Audit.id, Audit.period_end, Audit.tier,
                     Audit.result["score"].as_integer().label("score"), rank)
              .where(Audit.council_id == ctx.principal.council_id, Audit.status == "closed")
              .subquery())
    rows = ctx.session.execute(select(ranked).where(ranked.c.rank == 1)).all()
    return {row.recipient_id: LastClosed(row.id, row.period_end, row.tier, int(row.score or 0))
            for row in rows}


# --- the council view ----------------------------------------------------------------------

YEAR_OF = {"week": 52, "four_weeks": 13, "month": 12, "year": 1}
UNMET_WORDS = {"could_not_recruit": "Could not recruit a personal assistant",
               "hospital_stay": "Hospital stay", "provider_let_down": "Provider let the person down",
               "other": "Other"}


def council_summary(ctx: Ctx, start: date, end: date) -> reports.CouncilSummary:
    """Council-wide figures for audits whose period ends between ``start`` and ``end``."""
    council = ctx.session.get(Council, ctx.principal.council_id)
    assert council is not None
    audits = _audits_ending(ctx, start, end)
    agreed = [a.agreed_recovery for a in audits if a.status == "closed" and a.agreed_recovery]
    return reports.CouncilSummary(
        council_name=council.name, period_from=start, period_to=end,
        audits_by_tier=_tier_counts(ctx, audits, end),
        surplus_proposed=_sum(a.proposed_recovery for a in audits),
        surplus_agreed=_sum(agreed),
        # held by an underspend reason, or by the officer's decision
        surplus_held=_sum(result_of(a).council_share for a in audits
                          if result_of(a).recovery_held or a.recovery_held),
        flags_by_rule=_flag_counts(ctx, start, end),
        unmet_need=_unmet_need(ctx, audits, start, end),
        budgets=_budgets(ctx, end),
    )


def _sum(amounts: Any) -> Decimal:
    return sum((a for a in amounts if a is not None), Decimal("0.00"))


def _audits_ending(ctx: Ctx, start: date, end: date) -> list[Audit]:
    """Each person's audits in the range; a corrected audit counts once, as corrected."""
    rows = list(ctx.session.scalars(
        select(Audit).where(Audit.council_id == ctx.principal.council_id,
                            Audit.period_end.between(start, end)).order_by(Audit.id)))
    corrected = {a.corrects_audit_id for a in rows if a.corrects_audit_id}
    return [a for a in rows if a.id not in corrected]


def _tier_counts(ctx: Ctx, audits: list[Audit], end: date) -> tuple[reports.TierCount, ...]:
    done = Counter(a.tier for a in audits)
    waiting = Counter(item.tier for item in due(ctx, end))
    return tuple(reports.TierCount(reports.Tier(t), waiting[t], done[t])
                 for t in ("light", "standard", "full"))


def _flag_counts(ctx: Ctx, start: date, end: date) -> tuple[reports.FlagCount, ...]:
    rows = ctx.session.execute(
        select(Flag.rule_id, Flag.status, func.count()).where(
            Flag.council_id == ctx.principal.council_id,
            func.coalesce(Flag.occurred_on, func.date(Flag.created_at)).between(start, end))
        .group_by(Flag.rule_id, Flag.status)).all()
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for rule_id, status, n in rows:
        counts[rule_id][status] += n
    rules = load_default_rules().rules
    return tuple(reports.FlagCount(rule_id, rules[rule_id].title if rule_id in rules else rule_id,
                                   c["open"], c["cleared"], c["upheld"])
                 for rule_id, c in sorted(counts.items()))


def _unmet_need(ctx: Ctx, audits: list[Audit], start: date, end: date) -> tuple[reports.UnmetNeed, ...]:
    """Per reason: the people who gave it, and the surplus of their latest audit."""
    rows = ctx.session.scalars(select(UnderspendReason).where(
        UnderspendReason.council_id == ctx.principal.council_id,
        UnderspendReason.period_start <= end, UnderspendReason.period_end >= start)).all()
    latest = {a.recipient_id: a for a in sorted(audits, key=lambda a: (a.period_end, a.id))}
    people: dict[str, set[int]] = defaultdict(set)
    for row in rows:
        people[row.reason].add(row.recipient_id)
    return tuple(
        reports.UnmetNeed(UNMET_WORDS[reason], len(ids), _sum(
            max(result_of(latest[i]).surplus, Decimal("0.00")) for i in ids if i in latest))
        for reason, ids in sorted(people.items()))


def _budgets(ctx: Ctx, on: date) -> tuple[reports.BudgetComparison, ...]:
    """Yearly indicative and actual budgets of the plan in force for each person."""
    rows = ctx.session.execute(
        select(Recipient.reference, SupportPlan).join(SupportPlan, SupportPlan.recipient_id == Recipient.id)
        .where(Recipient.council_id == ctx.principal.council_id, SupportPlan.status == "approved",
               SupportPlan.effective_from <= on)
        .order_by(Recipient.reference, SupportPlan.effective_from, SupportPlan.id)).all()
    current = {ref: plan for ref, plan in rows}  # the latest to start wins
    return tuple(
        reports.BudgetComparison(ref, plan.indicative_budget * YEAR_OF[plan.period],
                                 plan.actual_budget * YEAR_OF[plan.period])
        for ref, plan in current.items() if plan.indicative_budget is not None)
