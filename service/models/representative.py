from __future__ import annotations

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from service.models.base import Base, CouncilScoped, IdMixin, TimestampsMixin, choice

# "self": the recipient holds their own direct payment; the others act for them (Care Act s.31-32)
KINDS = ("self", "nominee", "authorised_person")


class Representative(IdMixin, TimestampsMixin, CouncilScoped, Base):
    """Who holds the direct payment for a recipient; with ``user_id`` set, that user may sign in."""

    __tablename__ = "representatives"

    recipient_id: Mapped[int] = mapped_column(ForeignKey("recipients.id"), index=True)
    kind: Mapped[str] = mapped_column(choice(*KINDS, name="kind"))
    name: Mapped[str] = mapped_column(String(200))
    relationship: Mapped[str | None] = mapped_column(String(100))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
