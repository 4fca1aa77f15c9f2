"""What an audit keeps of the statement lines it used: references, not copies.

An audit stores the ids of its lines (varint deltas in statement order: about one byte a
line), a SHA-256 over the lines' content, and for each line a small index into its own
table of decisions (category, reason, plan line, worker, flagged rules). Lines are never
deleted (voiding marks them void), so reading an audit back joins its ids to the lines
as they are stored, and the hash proves they are the lines it was decided on.
"""

from __future__ import annotations

import hashlib
import json
from array import array
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, select, type_coerce
from sqlalchemy.orm import Session, object_session
from sqlalchemy.types import NullType

from service.audits.kept import inputs_of
from service.core.types import from_hundredths
from service.models import Audit, Transaction
from service.models.audit_lines import AuditLines

Decided = tuple[str, str, int | None, int | None, tuple[str, ...]]  # code, reason, plan line, worker, rules
_RAW = NullType()


# --- varints -----------------------------------------------------------------------------

def pack(values: Iterable[int]) -> bytes:
    """Unsigned integers as LEB128 varints: 0-127 take one byte."""
    out = bytearray()
    append = out.append
    for value in values:
        while value > 0x7F:
            append((value & 0x7F) | 0x80)
            value >>= 7
        append(value)
    return bytes(out)


def unpack(data: bytes) -> Iterator[int]:
    value = shift = 0
    for byte in data:
        value |= (byte & 0x7F) << shift
        if byte & 0x80:
            shift += 7
            continue
        yield value
        value = shift = 0


def pack_ids(ids: Iterable[int]) -> bytes:
    """Ids in statement order as zigzag deltas: +1 or -1 from the line before is one byte."""
    def deltas() -> Iterator[int]:
        previous = 0
        for tid in ids:
            step = tid - previous
            previous = tid
            yield (step << 1) if step >= 0 else ((-step << 1) - 1)
    return pack(deltas())


def unpack_ids(data: bytes) -> list[int]:
    ids, previous = [], 0
    for code in unpack(data):
        previous += (code >> 1) if not code & 1 else -((code + 1) >> 1)
        ids.append(previous)
    return ids


# --- the content hash --------------------------------------------------------------------

def line_bytes(tid: int, account_id: int, day: date | str, amount: Decimal | str,
               balance: Decimal | str | None, description: str) -> bytes:
    """One line's canonical form: id, account, date, amount, running balance, then the
    description with its length in front, so no text can run into the next field."""
    text = description or ""
    return (f"{tid}\t{account_id}\t{day}\t{amount}\t{'' if balance is None else balance}\t"
            f"{len(text)}:{text}\n").encode()


# --- keeping the lines while the audit reads them ---------------------------------------

class KeptLines:
    """Built line by line as the audit reads its statements, then stored in one row."""

    def __init__(self) -> None:
        self.ids = array("q")
        self.choices = array("q")
        self.table: dict[Decided, int] = {}
        self.accounts: set[int] = set()
        self.first: date | None = None
        self.last: date | None = None
        self._hash = hashlib.sha256()

    def add(self, tid: int, account_id: int, day: date, iso_day: str, amount: str,
            balance: str | None, description: str, decided: Decided) -> None:
        self.ids.append(tid)
        choice = self.table.get(decided)
        if choice is None:
            choice = self.table[decided] = len(self.table)
        self.choices.append(choice)
        self.accounts.add(account_id)
        if self.first is None or day < self.first:
            self.first = day
        if self.last is None or day > self.last:
            self.last = day
        self._hash.update(line_bytes(tid, account_id, iso_day, amount, balance, description))

    def __len__(self) -> int:
        return len(self.ids)

    def stored(self) -> dict[str, Any]:
        """The ``audit_lines`` row, less its audit id."""
        return {"line_count": len(self.ids), "first_day": self.first, "last_day": self.last,
                "account_ids": sorted(self.accounts), "line_ids": pack_ids(self.ids),
                "decisions": pack(self.choices),
                "decided": [[c, r, p, w, list(rules)] for c, r, p, w, rules in self.table],
                "lines_sha256": self._hash.hexdigest()}


def keep(session: Session, audit: Audit, lines: KeptLines) -> None:
    """Store (or replace) what the audit keeps of its lines. The audit must have its id."""
    row = session.get(AuditLines, audit.id)
    values = lines.stored()
    if row is None:
        session.add(AuditLines(audit_id=audit.id, **values))
        return
    for name, value in values.items():
        setattr(row, name, value)


# --- reading them back -------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class KeptLine:
    """One line as the audit used it: the stored line beside the decision it made."""

    id: int
    account_id: int
    date: date
    amount: Decimal
    balance: Decimal | None
    description: str
    category: str
    reason: str
    plan_line_id: int | None
    worker_id: int | None
    rule_ids: tuple[str, ...]


def kept_of(audit: Audit, session: Session | None = None) -> AuditLines | None:
    session = session or object_session(audit)
    if session is None or audit.id is None:
        return None
    return session.get(AuditLines, audit.id)


def read_lines(session: Session, kept: AuditLines) -> tuple[list[KeptLine], int]:
    """The audit's lines in statement order, and how many of its ids no longer match a row.

    One query over the accounts and days the lines lie in (voided lines included: they
    were live when the audit used them), joined to the ids in memory.
    """
    ids = unpack_ids(kept.line_ids)
    if not ids:
        return [], 0
    wanted = set(ids)
    rows = session.connection().execute(
        select(Transaction.id, Transaction.account_id, type_coerce(Transaction.posted_on, _RAW),
               type_coerce(Transaction.amount, BigInteger), type_coerce(Transaction.balance, BigInteger),
               Transaction.description)
        .where(Transaction.account_id.in_(kept.account_ids),
               Transaction.posted_on.between(kept.first_day, kept.last_day))
        .execution_options(stream_results=True, yield_per=2000))
    found: dict[int, tuple[Any, ...]] = {}
    for row in rows.partitions():
        for tid, *rest in row:
            if tid in wanted:
                found[tid] = tuple(rest)
    decided = [(str(c), str(r), p, w, tuple(rules)) for c, r, p, w, rules in kept.decided]
    days: dict[Any, date] = {}
    out: list[KeptLine] = []
    missing = 0
    for tid, choice in zip(ids, unpack(kept.decisions), strict=True):
        stored = found.get(tid)
        if stored is None:
            missing += 1
            continue
        account_id, raw_day, amount, balance, description = stored
        day = days.get(raw_day)
        if day is None:
            day = days[raw_day] = date.fromisoformat(raw_day) if isinstance(raw_day, str) else raw_day
        code, reason, plan_line, worker, rules = decided[choice]
        out.append(KeptLine(tid, account_id, day, from_hundredths(int(amount)),
                            None if balance is None else from_hundredths(int(balance)),
                            description or "", code, reason, plan_line, worker, rules))
    return out, missing


@dataclass(frozen=True, slots=True)
class LinesCheck:
    """Whether the lines an audit used are still exactly as they were when it was decided."""

    unchanged: bool
    lines: int
    missing: int
    message: str


Read = tuple[list[KeptLine], int]  # what ``read_lines`` returns


def check_lines(session: Session, audit: Audit, read: Read | None = None) -> LinesCheck:
    """Hash the audit's lines as stored today (``read``, when the caller has read them
    already) and compare with the hash it kept."""
    kept = kept_of(audit, session)
    if kept is None:
        return LinesCheck(True, 0, 0, "This audit keeps its lines as a copy; there is nothing to compare.")
    lines, missing = read if read is not None else read_lines(session, kept)
    digest = hashlib.sha256()
    for line in lines:
        digest.update(line_bytes(line.id, line.account_id, line.date.isoformat(), str(line.amount),
                                 None if line.balance is None else str(line.balance), line.description))
    if missing:
        return LinesCheck(False, kept.line_count, missing,
                          f"{missing} of the {kept.line_count} lines this audit used are no longer stored.")
    if digest.hexdigest() != kept.lines_sha256:
        return LinesCheck(False, kept.line_count, 0,
                          f"The {kept.line_count} lines this audit used have changed since it was decided.")
    return LinesCheck(True, kept.line_count, 0,
                      f"The {kept.line_count} lines this audit used are unchanged.")


# --- the shape the reports and the frozen digest read -------------------------------------

Shown = tuple[int, str, str, str, str, str, str, list[str]]


def shown_lines(audit: Audit, read: Read | None = None) -> Sequence[Sequence[Any]]:
    """The period's lines as the audit shows them: id, account reference, day, amount,
    description, category, reason and flagged rules, in statement order (from ``read``,
    when the caller has read them already)."""
    copied = audit.inputs.get("transactions")
    if copied is not None:  # kept as a copy before audits referred to their lines
        return list(copied)
    session = object_session(audit)
    kept = kept_of(audit, session)
    if kept is None or session is None:
        return []
    refs = {a.id: a.reference for a in inputs_of(audit).accounts}
    lines, _missing = read if read is not None else read_lines(session, kept)
    start, end = audit.period_start, audit.period_end
    return [(line.id, refs.get(line.account_id, ""), line.date.isoformat(), str(line.amount),
             line.description, line.category, line.reason, list(line.rule_ids))
            for line in lines if start <= line.date <= end]


_MARK = "\x00lines\x00"


def frozen_digest(audit: Audit, read: Read | None = None) -> str:
    """SHA-256 over the figures and inputs the audit was decided on, its lines included
    (``read``: as in ``shown_lines``).

    The lines are hashed in the form they were once copied into the audit (see
    ``shown_lines``), read from the stored lines, so a digest taken before audits
    referred to their lines still verifies, and any change to a line shows.
    """
    inputs = dict(audit.inputs)
    if "transactions" in inputs:
        body = json.dumps({"result": audit.result, "inputs": inputs}, sort_keys=True, default=str)
        return hashlib.sha256(body.encode()).hexdigest()
    inputs["transactions"] = _MARK
    body = json.dumps({"result": audit.result, "inputs": inputs}, sort_keys=True, default=str)
    head, tail = body.split(json.dumps(_MARK), 1)
    digest = hashlib.sha256(head.encode())
    digest.update(b"[")
    for n, row in enumerate(shown_lines(audit, read)):
        if n:
            digest.update(b", ")
        digest.update(json.dumps(list(row), default=str).encode())
    digest.update(b"]")
    digest.update(tail.encode())
    return digest.hexdigest()
