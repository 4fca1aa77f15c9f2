from __future__ import annotations

from sqlalchemy import BigInteger, ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from service.models.base import Base


class AuditRefresh(Base):
    """How far a person's open audits have been worked out again after their provider batches.

    A batch stores its lines and counts itself in ``asked`` as it commits (numbered in the order
    the batches commit), then gets hold of the open audits to work them out again. Whoever works
    them out, holding them, first reads ``asked`` and afterwards records it in ``done``: every
    batch counted by then was committed, so in what they read. A batch whose number is already
    ``done`` when it gets hold of the audits finds its lines in them and has nothing left to do.
    """

    __tablename__ = "audit_refreshes"

    recipient_id: Mapped[int] = mapped_column(ForeignKey("recipients.id"), primary_key=True)
    asked: Mapped[int] = mapped_column(BigInteger, default=0)
    done: Mapped[int] = mapped_column(BigInteger, default=0)
