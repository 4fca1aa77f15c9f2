"""Retention: who is past it, erasing them, and erasing them again after a restore.

The council's Care Act duties come first, so a person's data is kept while their direct
payment runs and for the council's retention (``retention_years``, 7 by default) after the
day it ended (``dp_end_date``), and erased then (UK GDPR art. 17(3)(b)). A person whose
direct payment has no end date is never due.

Every erasure is also written to a ledger file kept beside the backups, not inside them
(one JSON line per person: council id, recipient id, when). A restored backup predates some
erasures; ``reapply`` erases everyone in the ledger and in the erasures table again.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.models import Council, Erasure, Recipient
from service.privacy.erasure import erase


@dataclass(frozen=True, slots=True)
class Due:
    recipient_id: int
    council_code: str
    dp_end_date: date
    retention_years: int
    erase_from: date


def retention_ends(dp_end_date: date, years: int) -> date:
    """The first day the person's data is no longer kept (29 February ends on 1 March)."""
    try:
        return dp_end_date.replace(year=dp_end_date.year + years)
    except ValueError:
        return date(dp_end_date.year + years, 3, 1)


def due(session: Session, today: date, council_code: str | None = None) -> list[Due]:
    """People whose retention has run out on ``today`` and who are not yet erased."""
    stmt = (select(Recipient.id, Recipient.dp_end_date, Council.code, Council.retention_years)
            .join(Council, Council.id == Recipient.council_id)
            .where(Recipient.dp_end_date.is_not(None),
                   Recipient.id.not_in(select(Erasure.recipient_id)))
            .order_by(Council.code, Recipient.id))
    if council_code is not None:
        stmt = stmt.where(Council.code == council_code)
    found = []
    for row in session.execute(stmt):
        ends = retention_ends(row.dp_end_date, row.retention_years)
        if ends <= today:
            found.append(Due(row.id, row.code, row.dp_end_date, row.retention_years, ends))
    return found


def apply(session: Session, people: Sequence[Due], ledger: Path) -> list[Erasure]:
    """Erase ``people`` and write each to the ledger (after the database has them)."""
    erased = []
    for person in people:
        recipient = session.get_one(Recipient, person.recipient_id)
        erased.append(erase(session, recipient, person.retention_years))
    session.flush()
    return erased


def write_ledger(ledger: Path, erasures: Iterable[Erasure]) -> None:
    ledger.parent.mkdir(parents=True, exist_ok=True)
    with ledger.open("a", encoding="utf-8") as out:
        for e in erasures:
            out.write(json.dumps({"council_id": e.council_id, "recipient_id": e.recipient_id,
                                  "erased_at": e.erased_at.isoformat()}) + "\n")


def read_ledger(ledger: Path) -> set[int]:
    if not ledger.exists():
        return set()
    ids = set()
    for line in ledger.read_text(encoding="utf-8").splitlines():
        if line.strip():
            ids.add(int(json.loads(line)["recipient_id"]))
    return ids


def reapply(session: Session, ledger: Path) -> list[int]:
    """Erase again everyone the ledger or the erasures table names who is still readable."""
    listed = read_ledger(ledger) | set(session.scalars(select(Erasure.recipient_id)))
    again = []
    for recipient_id in sorted(listed):
        recipient = session.get(Recipient, recipient_id)
        if recipient is None:  # the backup predates the person
            continue
        if _still_readable(session, recipient):
            council = session.get_one(Council, recipient.council_id)
            erase(session, recipient, council.retention_years)
            again.append(recipient_id)
    session.flush()
    return again


def _still_readable(session: Session, recipient: Recipient) -> bool:
    erasure = session.scalar(select(Erasure).where(Erasure.recipient_id == recipient.id))
    return erasure is None or recipient.reference != f"erased-{recipient.id}"
