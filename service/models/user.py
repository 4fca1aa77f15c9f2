from __future__ import annotations

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from service.models.base import Base, CouncilScoped, IdMixin, TimestampsMixin, choice

ROLES = ("admin", "officer", "holder", "provider")


class User(IdMixin, TimestampsMixin, CouncilScoped, Base):
    """Someone who signs in: a council admin or officer, a DP holder, or a provider's staff."""

    __tablename__ = "users"

    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(choice(*ROLES, name="role"))
    provider_id: Mapped[int | None] = mapped_column(ForeignKey("providers.id"), index=True)
    active: Mapped[bool] = mapped_column(default=True)
    # argon2id hash of the web password; None until an invitation or reset sets one
    password_hash: Mapped[str | None] = mapped_column(String(200))
