from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from service.core.types import UTCDateTime, utcnow
from service.models.base import Base, IdMixin, choice


class IdempotencyKey(IdMixin, Base):
    """An ``Idempotency-Key`` claimed by a caller on a route, and the response it produced."""

    __tablename__ = "idempotency_keys"
    __table_args__ = (UniqueConstraint("user_id", "scope", "key"),)

    user_id: Mapped[int]
    scope: Mapped[str] = mapped_column(String(300))  # method and path
    key: Mapped[str] = mapped_column(String(255))
    request_hash: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(choice("running", "done", name="state"), default="running")
    status_code: Mapped[int | None]
    response: Mapped[Any | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
