from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import JSON, ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from service.models.base import Base


class AuditLines(Base):
    """The statement lines an audit used, by reference, and what it decided for each.

    Not a copy of the lines: their ids (``line_ids``: varint deltas, in statement order),
    the accounts and dates they lie in, a SHA-256 over their content (id, account, date,
    amount, running balance, description) that proves them unchanged, and for each line an
    index (``decisions``: varints) into ``decided``, the audit's own short table of the
    category, reason, plan line, worker and flagged rules it gave. Lines stay in the
    database for good (voiding marks them void), so the audit reads them back years later.
    """

    __tablename__ = "audit_lines"

    audit_id: Mapped[int] = mapped_column(ForeignKey("audits.id"), primary_key=True)
    line_count: Mapped[int]
    first_day: Mapped[date | None]
    last_day: Mapped[date | None]
    account_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    line_ids: Mapped[bytes] = mapped_column(LargeBinary)
    decisions: Mapped[bytes] = mapped_column(LargeBinary)
    # [[category, reason, plan_line_id, worker_id, [rule ids]], ...]: few rows per audit
    decided: Mapped[list[list[Any]]] = mapped_column(JSON, default=list)
    lines_sha256: Mapped[str] = mapped_column(String(64))
