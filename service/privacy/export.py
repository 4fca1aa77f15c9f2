"""Subject access: everything held about a person, as a zip written while it is sent.

Nothing is gathered first: rows are read from the database a few hundred at a time, each
original file and each letter is written in pieces, and every piece of the zip leaves as soon
as it is made. A year of statements never sits in memory, let alone twice.
"""

from __future__ import annotations

import json
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from reports import render_letter_html
from service.audits.report_model import PdfUnavailable, build_report, letter_pdf
from service.audits.storage import KeptLine, read_lines
from service.core.db import session_scope
from service.core.deps import Ctx
from service.core.events import internal_note_event, jsonable, readable, record
from service.core.principal import STAFF
from service.core.types import utcnow
from service.models import (
    Account,
    Audit,
    AuditLines,
    Blob,
    Commitment,
    Event,
    Flag,
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
from service.models.live import live

Pack = Literal["officer", "holder"]
Query = Select[*tuple[Any, ...]]
_ROWS_AT_A_TIME = 500
_FILE_PIECE = 64 * 1024


@dataclass(frozen=True, slots=True)
class ExportRequest:
    council_id: int
    recipient_id: int
    pack: Pack


class _Outbox:
    """Where the zip writes: pieces wait here only until the response takes them."""

    def __init__(self) -> None:
        self._pieces: list[bytes] = []

    def write(self, data: bytes, /) -> int:
        self._pieces.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def close(self) -> None:
        pass

    def size(self) -> int:
        return sum(len(p) for p in self._pieces)

    def take(self) -> bytes:
        data = b"".join(self._pieces)
        self._pieces.clear()
        return data


def start_export(ctx: Ctx, recipient: Recipient) -> ExportRequest:
    """What the caller may have, recorded as an event before a byte leaves: the council's full
    pack for staff, what they can already see for a holder."""
    ctx.principal.require(*STAFF, "holder")
    pack: Pack = "officer" if ctx.principal.role in STAFF else "holder"
    record(ctx, "recipient.exported", recipient, after={"kind": pack})
    return ExportRequest(recipient.council_id, recipient.id, pack)


def stream_export(request: ExportRequest) -> Iterator[bytes]:
    """The zip's bytes, piece by piece, read in a session of its own (the request's has closed)."""
    outbox = _Outbox()
    with session_scope() as session, zipfile.ZipFile(outbox, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, pieces in _entries(session, request):
            with archive.open(zipfile.ZipInfo(name, _now_for_zip()), "w") as member:
                for piece in pieces:
                    member.write(piece)
                    if len(piece) >= _FILE_PIECE or outbox.size() >= _FILE_PIECE:
                        yield outbox.take()
            yield outbox.take()
    yield outbox.take()


def _now_for_zip() -> tuple[int, int, int, int, int, int]:
    now = utcnow()
    return (now.year, now.month, now.day, now.hour, now.minute, now.second)


def _entries(session: Session, req: ExportRequest) -> Iterator[tuple[str, Iterable[bytes]]]:
    yield "README.txt", [readme(req).encode()]
    for name, stmt in _record_queries(req):
        yield f"records/{name}.json", _json_array(session, stmt)
    yield "records/audit_lines.json", _audit_lines(session, req)
    yield "records/events.json", _events(session, req)
    yield from _original_files(session, req)
    yield from _letters(session, req)


# --- records ---------------------------------------------------------------------------------

def _record_queries(req: ExportRequest) -> list[tuple[str, Query]]:
    rid, council = req.recipient_id, req.council_id

    def of(model: Any) -> Query:
        return select(model.__table__).where(model.council_id == council,
                                             model.recipient_id == rid).order_by(model.id)

    def lines_of(model: Any) -> Query:
        """Live lines only, as every figure counts them: a voided upload's lines are not the
        person's record (the upload itself, and why it was voided, are)."""
        shown = [c for c in model.__table__.c if c.name != "voided"]
        return select(*shown).where(live(model))

    accounts = select(Account.id).where(Account.recipient_id == rid, Account.council_id == council)
    plans = select(SupportPlan.id).where(SupportPlan.recipient_id == rid)
    notes = of(Note)
    if req.pack == "holder":
        notes = notes.where(Note.internal.is_(False))
    queries: list[tuple[str, Query]] = [
        ("recipient", select(Recipient.__table__).where(Recipient.id == rid,
                                                       Recipient.council_id == council)),
        ("representatives", of(Representative)),
        ("accounts", of(Account)),
        ("workers", of(Worker)),
        ("plans", of(SupportPlan)),
        ("plan_lines", select(PlanLine.__table__).where(PlanLine.plan_id.in_(plans))
         .order_by(PlanLine.id)),
        ("payment_schedules", of(PaymentSchedule)),
        ("uploads", of(Upload)),
        ("transactions", lines_of(Transaction).where(Transaction.account_id.in_(accounts))
         .order_by(Transaction.id)),
        ("timesheet_entries", lines_of(TimesheetEntry).where(
            TimesheetEntry.council_id == council, TimesheetEntry.recipient_id == rid)
         .order_by(TimesheetEntry.id)),
        ("payroll_lines", lines_of(PayrollLine).where(
            PayrollLine.council_id == council, PayrollLine.recipient_id == rid)
         .order_by(PayrollLine.id)),
        ("flags", of(Flag)),
        ("audits", of(Audit)),
        ("notes", notes),
        ("underspend_reasons", of(UnderspendReason)),
        ("commitments", of(Commitment)),
        ("payee_categories", of(PayeeCategory)),
    ]
    if req.pack == "officer":  # the people who sign in for this person, as the council holds them
        holders = select(Representative.user_id).where(Representative.recipient_id == rid)
        shown = [User.id, User.email, User.name, User.role, User.active, User.created_at]
        users: Query = select(*shown).where(User.id.in_(holders)).order_by(User.id)
        queries.append(("holder_users", users))
    return queries


def _json_array(session: Session, stmt: Query) -> Iterator[bytes]:
    yield b"["
    first = True
    result = session.execute(stmt.execution_options(yield_per=_ROWS_AT_A_TIME))
    for rows in result.mappings().partitions():
        text = ",".join(_json({k: jsonable(v) for k, v in row.items()}) for row in rows)
        yield (("\n" if first else ",\n") + text).encode()
        first = False
    yield b"\n]\n"


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _events(session: Session, req: ExportRequest) -> Iterator[bytes]:
    stmt = select(Event).where(Event.council_id == req.council_id,
                               Event.recipient_id == req.recipient_id).order_by(Event.id)
    if req.pack == "holder":  # what GET /v1/events shows a holder
        stmt = stmt.where(~internal_note_event(req.recipient_id))
    yield b"["
    first = True
    last = 0
    while True:
        batch = session.scalars(stmt.where(Event.id > last).limit(_ROWS_AT_A_TIME)).all()
        if not batch:
            break
        text = ",".join(_json(_event_json(r.event, r.before, r.after, r.erased))
                        for r in readable(session, batch))
        yield (("\n" if first else ",\n") + text).encode()
        first = False
        last = batch[-1].id
        session.expunge_all()
    yield b"\n]\n"


def _audit_lines(session: Session, req: ExportRequest) -> Iterator[bytes]:
    """What each audit decided on each line it used, one audit at a time: the line (id, date,
    amount, what the statement said) beside the category, reason, plan line, worker and rules
    the audit gave it. A voided upload's line is here, marked ``"voided": true``, when an
    audit used it before the void: that audit's decision on it is held about the person."""
    audits = session.execute(
        select(Audit.id, Audit.period_start, Audit.period_end, Audit.status)
        .where(Audit.council_id == req.council_id, Audit.recipient_id == req.recipient_id)
        .order_by(Audit.id)).all()
    plans = select(SupportPlan.id).where(SupportPlan.recipient_id == req.recipient_id)
    plan_lines = dict(session.execute(select(PlanLine.id, PlanLine.description)
                                      .where(PlanLine.plan_id.in_(plans))).all())
    workers = dict(session.execute(select(Worker.id, Worker.name).where(
        Worker.council_id == req.council_id, Worker.recipient_id == req.recipient_id)).all())
    accounts = select(Account.id).where(Account.recipient_id == req.recipient_id,
                                        Account.council_id == req.council_id)
    voided = set(session.scalars(select(Transaction.id).where(
        Transaction.account_id.in_(accounts), Transaction.voided.is_(True))))
    yield b"["
    for n, audit in enumerate(audits):
        kept = session.get(AuditLines, audit.id)
        lines = read_lines(session, kept)[0] if kept is not None else []
        body = {"audit_id": audit.id, "period_start": jsonable(audit.period_start),
                "period_end": jsonable(audit.period_end), "status": audit.status,
                "lines": [_decided_json(line, plan_lines, workers, line.id in voided)
                          for line in lines]}
        yield (("\n" if n == 0 else ",\n") + _json(body)).encode()
        session.expunge_all()
    yield b"\n]\n"


def _decided_json(line: KeptLine, plan_lines: dict[int, str], workers: dict[int, str],
                  voided: bool) -> dict[str, Any]:
    return {"id": line.id, "account_id": line.account_id, "date": line.date.isoformat(),
            "amount": str(line.amount), "description": line.description,
            "category": line.category, "reason": line.reason,
            "plan_line_id": line.plan_line_id,
            "plan_line": plan_lines.get(line.plan_line_id) if line.plan_line_id else None,
            "worker_id": line.worker_id,
            "worker": workers.get(line.worker_id) if line.worker_id else None,
            "flagged_rules": list(line.rule_ids), "voided": voided}


def _event_json(e: Event, before: Any, after: Any, erased: bool) -> dict[str, Any]:
    return {"id": e.id, "at": jsonable(e.at), "action": e.action, "subject_type": e.subject_type,
            "subject_id": e.subject_id, "actor_user_id": e.actor_user_id, "before": before,
            "after": after, "erased": erased}


# --- files and letters -----------------------------------------------------------------------

def _original_files(session: Session, req: ExportRequest) -> Iterator[tuple[str, Iterable[bytes]]]:
    uploads = session.execute(
        select(Upload.id, Upload.sha256, Upload.filename).where(
            Upload.council_id == req.council_id, Upload.recipient_id == req.recipient_id,
            Upload.kind != "batch").order_by(Upload.id)).all()
    for upload in uploads:
        yield f"files/upload-{upload.id}-{_safe(upload.filename)}", _blob_pieces(session, upload.sha256)


def _blob_pieces(session: Session, sha256: str) -> Iterator[bytes]:
    data = session.scalar(select(Blob.data).where(Blob.sha256 == sha256)) or b""
    for start in range(0, len(data), _FILE_PIECE):
        yield data[start:start + _FILE_PIECE]


def _safe(filename: str | None) -> str:
    name = re.sub(r"[^A-Za-z0-9._-]+", "_", (filename or "file").rsplit("/", 1)[-1]).strip("._")
    return name[:100] or "file"


def _letters(session: Session, req: ExportRequest) -> Iterator[tuple[str, Iterable[bytes]]]:
    ids = session.scalars(select(Audit.id).where(Audit.council_id == req.council_id,
                                                 Audit.recipient_id == req.recipient_id)
                          .order_by(Audit.id)).all()
    for audit_id in ids:
        audit = session.get_one(Audit, audit_id)
        try:
            pdf = letter_pdf(audit)
        except PdfUnavailable:  # no Pango here: the letter as a web page instead
            html = render_letter_html(build_report(audit))
            yield f"letters/audit-{audit_id}-letter.html", [html.encode()]
            continue
        yield f"letters/audit-{audit_id}-letter.pdf", [pdf]
        session.expunge_all()


# --- the README ------------------------------------------------------------------------------

_README_COMMON = """\
Everything {held} about this person, made on {made}.

What is in this file
--------------------
README.txt      this note.
records/        every record, one file for each kind of record, in JSON (a plain text
                format that any spreadsheet or text editor can open):
                  recipient.json          the person: name, date of birth, dates of the
                                          direct payment
                  representatives.json    who holds the direct payment for them
                  accounts.json           the accounts the direct payment is paid into
                                          (only the last four digits of a number are kept)
                  workers.json            the personal assistants they employ
                  plans.json, plan_lines.json   the support plan, each version
                  payment_schedules.json  what the council pays in and the person adds
                  uploads.json            each file sent to us, who sent it and when
                  transactions.json       every line of every bank statement
                  timesheet_entries.json, payroll_lines.json   hours worked and pay
                  flags.json              anything the checks asked about, and what was decided
                  audits.json             each audit: the figures and the decision
                  audit_lines.json        each audit's statement lines and what it
                                          decided on each: the category, the reason,
                                          the plan line and the worker it counted
                                          the line against, and any rule it flagged
                                          ("voided": true marks a line of a file
                                          withdrawn after the audit used it)
                  notes.json              the conversation on each audit
                  underspend_reasons.json, commitments.json   why money was not spent,
                                          and money already owed
                  payee_categories.json   how payees were sorted, as people chose
                  events.json             the history of every change: who, what and when
files/          each file as it was sent to us, byte for byte (statements, timesheets,
                payroll).
letters/        every letter about an audit, as a PDF.

Dates are written year-month-day. Money is in pounds, as written ("-12.34" is money out).
Ids (numbers) link records: a transaction's "account_id" is the "id" of an account.
"""

_README_OFFICER = """
This is the council's full pack, for a subject access request (UK GDPR article 15).
Review it before you release it. It holds officers' internal notes and the names and email
addresses of the people who sign in for this person ({holder_users}), and statements can
name other people (a worker, a shop, a friend paid back): take out what the person may not
receive before you send it.
"""

_README_HOLDER = """
This is what you can already see in dpaudit, in one place. It leaves out other people's
details and the council's internal notes. To ask for everything the council holds about
you, contact the council: it will check the full pack and send it to you.
"""


def readme(req: ExportRequest) -> str:
    made = utcnow().strftime("%d %B %Y at %H:%M UTC")
    if req.pack == "officer":
        held = "dpaudit holds"
        tail = _README_OFFICER.format(holder_users="records/holder_users.json")
    else:
        held = "you can see in dpaudit"
        tail = _README_HOLDER
    return _README_COMMON.format(held=held, made=made) + tail


def filename(recipient_id: int, when: datetime) -> str:
    return f"person-{recipient_id}-export-{when:%Y-%m-%d}.zip"
