"""What signing in to the web pages keeps: sessions, one-time links, and failed-attempt counts.

Only keyed hashes of session tokens and one-time links are stored, as for API keys.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from service.core.types import UTCDateTime
from service.models.base import Base, CreatedMixin, IdMixin, choice

LINK_PURPOSES = ("invitation", "reset")


class WebSession(IdMixin, CreatedMixin, Base):
    """A signed-in browser. The cookie holds the token; this row holds its hash."""

    __tablename__ = "web_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())


class OneTimeLink(IdMixin, CreatedMixin, Base):
    """An invitation or password-reset link: used once, valid until it expires."""

    __tablename__ = "one_time_links"

    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str] = mapped_column(choice(*LINK_PURPOSES, name="link_purpose"))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class SignInThrottle(IdMixin, Base):
    """Failed sign-ins for one account or one address, and when the next try is allowed.

    Delays grow with each failure but never become a lock-out: waiting always lets the
    person try again.
    """

    __tablename__ = "sign_in_throttles"

    key: Mapped[str] = mapped_column(String(80), unique=True)  # "account:<hash>" or "address:<hash>"
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_failure_at: Mapped[datetime] = mapped_column(UTCDateTime())
    next_allowed_at: Mapped[datetime] = mapped_column(UTCDateTime())
