from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from service.core.types import UTCDateTime, utcnow
from service.models.base import Base, IdMixin, choice


class IdempotencyKey(IdMixin, Base):
    """An ``Idempotency-Key`` claimed by a caller on a route, and the response it produced.

    A running claim is a lease: its holder renews ``lease_expires_at`` while the request runs,
    and only the holder of ``lease_token`` may bind a response to it. A claim whose lease has
    lapsed (its worker died) may be taken over by a retry, which gets a new token.
    """

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
    # null on claims made before leases (they lapse 10 minutes after created_at) and once done
    lease_token: Mapped[str | None] = mapped_column(String(32))
    lease_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
