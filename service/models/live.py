"""Lines of a voided upload stay in the database, marked void, and count nowhere.

Every read of statement lines, timesheet entries or payroll lines says ``live(Model)``; the
uniqueness that stops a line counting twice holds among live lines only, so the same file
can be sent again after its first upload was voided.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Index, false, text
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.sql.elements import ColumnElement

# The partial index's condition as each database writes it; ``live`` renders the same text,
# so SQLite and PostgreSQL both see the query's condition imply the index's.
LIVE_SQL = {"sqlite": "voided = 0", "postgresql": "voided = false"}


class Voidable:
    # set when the upload that brought the line is voided (the "upload.voided" event says
    # who and why); the row stays, for the record and for audits that used it
    voided: Mapped[bool] = mapped_column(default=False, server_default=false())


def live(model: Any) -> ColumnElement[bool]:
    """The condition every read of lines carries: not voided."""
    return model.voided == false()  # type: ignore[no-any-return]


def live_unique(name: str, *columns: str) -> Index:
    """A unique index over live lines only."""
    return Index(name, *columns, unique=True, sqlite_where=text(LIVE_SQL["sqlite"]),
                 postgresql_where=text(LIVE_SQL["postgresql"]))
