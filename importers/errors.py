"""One small exception tree. Every public importer raises only these."""

from __future__ import annotations


class ImportFailure(Exception):
    """A file, or a line in it, could not be read. ``reason`` is plain English."""

    def __init__(self, reason: str, *, line: int | None = None, field: str | None = None):
        self.reason = reason
        self.line = line
        self.field = field
        super().__init__(str(self))

    def __str__(self) -> str:
        where = []
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.field:
            where.append(f"field {self.field}")
        prefix = f"{', '.join(where)}: " if where else ""
        return (prefix + self.reason).replace("\n", " ")


class UnreadableFile(ImportFailure):
    """The whole file is the wrong type, encoding or shape."""


class BadValue(ImportFailure):
    """One value (amount, date, time) cannot be trusted."""


class LimitExceeded(ImportFailure):
    """The file is bigger or deeper than the configured limits allow."""
