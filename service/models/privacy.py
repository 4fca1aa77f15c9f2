from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from service.core.types import UTCDateTime, utcnow
from service.models.base import Base, BigId
from service.models.event import Event


class EventPersonal(Base):
    """The personal values of one event, kept out of the append-only log so they can be erased.

    An event row holds only ids, dates, amounts and codes; the names, references, free text and
    file details it was written with live here, tied to the person (and, for a user's own
    events, the user) they are about. Erasing a person deletes their rows; the event stays.
    """

    __tablename__ = "event_personal_values"

    event_id: Mapped[int] = mapped_column(BigId, ForeignKey("events.id"), primary_key=True)
    recipient_id: Mapped[int | None] = mapped_column(ForeignKey("recipients.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    event: Mapped[Event] = relationship(lazy="raise")


class Erasure(Base):
    """A person whose personal data was erased. This list survives the erasure, and is applied
    again after a restore so an old backup never brings the person back."""

    __tablename__ = "erasures"
    __table_args__ = (UniqueConstraint("recipient_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("councils.id"), index=True)
    # not a foreign key: the list must outlive any row it names
    recipient_id: Mapped[int]
    dp_end_date: Mapped[date | None]
    retention_years: Mapped[int]
    erased_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
