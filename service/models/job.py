from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from service.core.types import UTCDateTime, utcnow
from service.models.base import Base, CouncilScoped, IdMixin, choice

JOB_KINDS = ("audit_run", "letter_run", "retention_run")
JOB_STATUSES = ("queued", "running", "succeeded", "failed")


class Job(IdMixin, CouncilScoped, Base):
    """Council-wide work done in the background: the product's record of it.

    One row per council and key: asking again for the same work returns this row (and a failed
    one is queued again). ``done`` of ``total`` is its progress; each person's part of an audit
    run is counted in the same transaction as that person's audit (``JobItem``).
    """

    __tablename__ = "jobs"
    __table_args__ = (UniqueConstraint("council_id", "key"),)

    kind: Mapped[str] = mapped_column(choice(*JOB_KINDS, name="kind"))
    key: Mapped[str] = mapped_column(String(255))
    status: Mapped[str] = mapped_column(choice(*JOB_STATUSES, name="status"), default="queued")
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    done: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int | None]
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # a letter run's zip of PDF letters, kept as a blob
    file_sha256: Mapped[str | None] = mapped_column(ForeignKey("blobs.sha256"))
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # who is running it: "host:pid" of the serving process on SQLite (a restart checks it)
    runner: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class JobItem(Base):
    """One person done by an audit run, written in the same transaction as their audit, so a
    retry skips them and never audits them twice."""

    __tablename__ = "job_items"

    job_id: Mapped[int] = mapped_column(ForeignKey("jobs.id"), primary_key=True)
    recipient_id: Mapped[int] = mapped_column(ForeignKey("recipients.id"), primary_key=True)
    audit_id: Mapped[int | None] = mapped_column(ForeignKey("audits.id"))
    # why they were not audited (their audit answered a problem), when they were not
    problem: Mapped[str | None] = mapped_column(String(500))
    done_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
