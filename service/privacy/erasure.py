"""Erasing a person when their retention has run: personal values go, anonymous figures stay.

What goes: names, dates of birth, references, account numbers, workers' names, the raw
files, every free text (statement descriptions, notes, reasons, explanations), and the
personal values of their events (kept apart from the log for this). What stays: ids,
dates, amounts, hours, categories, tiers, statuses and counts, so the council's figures still
add up. The person is added to the list of erasures, which outlives them.
"""

from __future__ import annotations

import json
import re
from datetime import date
from typing import Any

from sqlalchemy import String, cast, delete, exists, literal, select, update
from sqlalchemy.orm import Session

from service.core.deps import Ctx
from service.core.events import is_plain, record
from service.core.idempotency import KEEP_FOR
from service.core.principal import Principal
from service.core.types import utcnow
from service.jobs import letter_zips
from service.models import (
    Account,
    ApiKey,
    Audit,
    AuditLines,
    Blob,
    Commitment,
    Erasure,
    EventPersonal,
    Flag,
    IdempotencyKey,
    Note,
    PayeeCategory,
    PaymentSchedule,
    PayrollLine,
    PlanLine,
    Recipient,
    Representative,
    SupportPlan,
    TimesheetEntry,
    Transaction,
    UnderspendReason,
    Upload,
    User,
    Worker,
)

ERASED = "Erased"
_FIGURE = re.compile(r"^-?\d+(\.\d+)?$|^\d{4}-\d{2}-\d{2}")


def erase(session: Session, recipient: Recipient, retention_years: int) -> Erasure:
    """Erase ``recipient``'s personal data and add them to the list of erasures."""
    rid = recipient.id
    users = _holders_only_of_erased(session, recipient)
    _forget_recent_replies(session, _identifying(session, recipient))
    _erase_person(recipient)
    _erase_people_around(session, rid)
    _erase_money_records(session, rid)
    _erase_conversation(session, rid)
    _erase_files(session, rid)
    letter_zips.forget_person(session, rid)  # a letter run's zip holding their letter goes
    _erase_users(session, users)
    session.execute(delete(EventPersonal).where(
        (EventPersonal.recipient_id == rid) | EventPersonal.user_id.in_(users or [-1])))
    erasure = session.scalar(select(Erasure).where(Erasure.recipient_id == rid))
    if erasure is None:
        erasure = Erasure(council_id=recipient.council_id, recipient_id=rid,
                          dp_end_date=recipient.dp_end_date, retention_years=retention_years)
        session.add(erasure)
    erasure.erased_at = utcnow()
    ctx = Ctx(session, Principal(0, recipient.council_id, "admin", None, None), None)
    record(ctx, "recipient.erased", recipient,
           after={"retention_years": retention_years, "dp_end_date": _day(recipient.dp_end_date)})
    session.flush()
    return erasure


def _day(day: date | None) -> str | None:
    return day.isoformat() if day else None


def scrub(value: Any, key: str = "") -> Any:
    """``value`` with every text that could name someone blanked; its shape, numbers, money,
    dates and codes kept (so an erased audit still adds up in the council's figures)."""
    if isinstance(value, dict):
        return {k: scrub(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [scrub(v, key) for v in value]
    if isinstance(value, str) and not (is_plain(key, value) or _FIGURE.match(value)):
        return ""
    return value


def _identifying(session: Session, recipient: Recipient) -> list[str]:
    """The names and references that would identify the person in a stored reply."""
    rid = recipient.id
    values = [recipient.name, recipient.reference]
    values += session.scalars(select(Account.reference).where(Account.recipient_id == rid))
    values += session.scalars(select(Worker.name).where(Worker.recipient_id == rid))
    values += session.scalars(select(Representative.name).where(Representative.recipient_id == rid))
    return [v for v in values if v and v != ERASED]


def _forget_recent_replies(session: Session, values: list[str]) -> None:
    """Replies kept for Idempotency-Key retries (24 hours) that name the person."""
    since = utcnow() - KEEP_FOR
    for key in session.scalars(select(IdempotencyKey).where(IdempotencyKey.created_at > since)):
        reply = json.dumps(key.response, ensure_ascii=False)
        if any(value in reply for value in values):
            session.delete(key)


def _erase_person(recipient: Recipient) -> None:
    recipient.name = ERASED
    recipient.reference = f"erased-{recipient.id}"
    recipient.date_of_birth = None


def _erase_people_around(session: Session, rid: int) -> None:
    session.execute(update(Representative).where(Representative.recipient_id == rid)
                    .values(name=ERASED, relationship=None))
    session.execute(update(Worker).where(Worker.recipient_id == rid).values(
        name=ERASED, reference=None, aliases=[], date_of_birth=None,
        necessary_decision_note=None))
    session.execute(update(Account).where(Account.recipient_id == rid).values(
        reference=literal("erased-account-") + cast(Account.id, String), institution=None,
        masked_number=None))
    session.execute(update(PaymentSchedule).where(PaymentSchedule.recipient_id == rid)
                    .values(payer_reference=None))
    plans = select(SupportPlan.id).where(SupportPlan.recipient_id == rid)
    session.execute(update(PlanLine).where(PlanLine.plan_id.in_(plans))
                    .values(description=PlanLine.category, expected_payee=None))


def _erase_money_records(session: Session, rid: int) -> None:
    accounts = select(Account.id).where(Account.recipient_id == rid)
    session.execute(update(Transaction).where(Transaction.account_id.in_(accounts)).values(
        description="", reference=None, payee_key="", category_reason=None,
        dedup_key=literal("erased-") + cast(Transaction.id, String)))
    session.execute(update(TimesheetEntry).where(TimesheetEntry.recipient_id == rid).values(
        worker_name="", sheet=None, dedup_key=literal("erased-") + cast(TimesheetEntry.id, String)))
    session.execute(update(PayrollLine).where(PayrollLine.recipient_id == rid).values(
        worker_name=literal("erased-") + cast(PayrollLine.id, String)))
    session.execute(delete(PayeeCategory).where(PayeeCategory.recipient_id == rid))
    session.execute(update(Commitment).where(Commitment.recipient_id == rid).values(description=""))
    for flag in session.scalars(select(Flag).where(Flag.recipient_id == rid)):
        flag.flag_key = f"{flag.rule_id}|erased-{flag.id}"
        flag.explanation = ""
        flag.evidence = scrub(flag.evidence)
        flag.holder_explanation = None
        flag.decision_reason = None
    for audit in session.scalars(select(Audit).where(Audit.recipient_id == rid)):
        audit.result = scrub(audit.result)
        audit.inputs = scrub(audit.inputs)
        audit.decision_reason = None
    # the reasons an audit gave its lines may name a payee; the codes and rules stay
    audits = select(Audit.id).where(Audit.recipient_id == rid)
    for kept in session.scalars(select(AuditLines).where(AuditLines.audit_id.in_(audits))):
        kept.decided = [[code, "", line, worker, rules]
                        for code, _reason, line, worker, rules in kept.decided]


def _erase_conversation(session: Session, rid: int) -> None:
    session.execute(update(Note).where(Note.recipient_id == rid).values(body=""))
    session.execute(update(UnderspendReason).where(UnderspendReason.recipient_id == rid)
                    .values(note=None))


def _erase_files(session: Session, rid: int) -> None:
    """The raw bytes go, unless a person not erased sent the same file (stored once for both)."""
    mine = select(Upload.sha256).where(Upload.recipient_id == rid)
    still_needed = exists().where(
        Upload.sha256 == Blob.sha256, Upload.recipient_id != rid,
        Upload.recipient_id.not_in(select(Erasure.recipient_id)))
    session.execute(update(Blob).where(Blob.sha256.in_(mine), ~still_needed).values(data=b""))
    for upload in session.scalars(select(Upload).where(Upload.recipient_id == rid)):
        upload.filename = None
        upload.summary = scrub(upload.summary)
        upload.void_reason = None


def _holders_only_of_erased(session: Session, recipient: Recipient) -> list[int]:
    """Holders who sign in for this person and nobody else still here: erased with them."""
    theirs = select(Representative.user_id).where(Representative.recipient_id == recipient.id,
                                                  Representative.user_id.is_not(None))
    others = select(Representative.user_id).where(
        Representative.recipient_id != recipient.id, Representative.user_id.is_not(None),
        Representative.recipient_id.not_in(select(Erasure.recipient_id)))
    return list(session.scalars(select(User.id).where(
        User.id.in_(theirs), User.id.not_in(others), User.role == "holder")))


def _erase_users(session: Session, user_ids: list[int]) -> None:
    if not user_ids:
        return
    session.execute(update(User).where(User.id.in_(user_ids)).values(
        name=ERASED, email=literal("erased-") + cast(User.id, String) + literal("@invalid"),
        active=False))
    session.execute(update(ApiKey).where(ApiKey.user_id.in_(user_ids), ApiKey.revoked_at.is_(None))
                    .values(revoked_at=utcnow(), name=ERASED))
