from __future__ import annotations

from datetime import date

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from service.models.base import Base, CouncilScoped, IdMixin, TimestampsMixin, choice

AGE_BANDS = ("21_plus", "18_20", "16_17", "apprentice")
RELATIONSHIPS = (
    "none",
    "spouse_partner",
    "parent",
    "parent_in_law",
    "child",
    "child_in_law",
    "step_child",
    "sibling",
    "aunt_uncle",
    "grandparent",
    "relative_partner",
    "other_relative",
    "friend",
)


class Worker(IdMixin, TimestampsMixin, CouncilScoped, Base):
    """A personal assistant the DP holder employs."""

    __tablename__ = "workers"

    recipient_id: Mapped[int] = mapped_column(ForeignKey("recipients.id"), index=True)
    reference: Mapped[str | None] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    # other spellings seen on bank statements and timesheets ("J SMITH")
    aliases: Mapped[list[str]] = mapped_column(JSON, default=list)
    date_of_birth: Mapped[date | None]
    age_band: Mapped[str | None] = mapped_column(choice(*AGE_BANDS, name="age_band"))
    relationship: Mapped[str] = mapped_column(
        choice(*RELATIONSHIPS, name="relationship"), default="none"
    )
    lives_in_household: Mapped[bool] = mapped_column(default=False)
    # Direct Payments Regulations 2014 reg 3: the council's recorded decision that paying is necessary
    necessary_decision_on: Mapped[date | None]
    necessary_decision_note: Mapped[str | None] = mapped_column(Text)
    started_on: Mapped[date | None]
    ended_on: Mapped[date | None]
