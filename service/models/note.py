from __future__ import annotations

from sqlalchemy import ForeignKey, Index, Text, false
from sqlalchemy.orm import Mapped, mapped_column

from service.models.base import Base, CouncilScoped, CreatedMixin, IdMixin, choice

SUBJECTS = ("audit", "flag")


class Note(IdMixin, CreatedMixin, CouncilScoped, Base):
    """A message in the thread on an audit or a flag, from an officer or the holder."""

    __tablename__ = "notes"
    __table_args__ = (Index("ix_notes_subject", "subject_type", "subject_id"),)

    recipient_id: Mapped[int] = mapped_column(ForeignKey("recipients.id"), index=True)
    subject_type: Mapped[str] = mapped_column(choice(*SUBJECTS, name="subject_type"))
    subject_id: Mapped[int]
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(Text)
    # an officer's note for council staff only: the holder never sees it
    internal: Mapped[bool] = mapped_column(default=False, server_default=false())
