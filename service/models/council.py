from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from service.models.base import Base, IdMixin, TimestampsMixin


class Council(IdMixin, TimestampsMixin, Base):
    """A tenant. Its settings override the service defaults for its own audits."""

    __tablename__ = "councils"

    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    contingency_weeks: Mapped[int] = mapped_column(default=8)
    first_review_weeks: Mapped[int] = mapped_column(default=12)
    review_interval_months: Mapped[int] = mapped_column(default=12)
    # years after a person's direct payment ends that their personal data is kept (Care Act duties)
    retention_years: Mapped[int] = mapped_column(default=7, server_default="7")
    # how a person reaches the direct payments team: every letter carries these
    contact_phone: Mapped[str | None] = mapped_column(String(40))
    contact_email: Mapped[str | None] = mapped_column(String(254))
    contact_address: Mapped[str | None] = mapped_column(String(500))
    # ids of the default-off rules this council has switched on, with any parameter overrides
    optional_rules: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # overrides of the risk-score weights; empty means the documented defaults
    risk_weights: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
