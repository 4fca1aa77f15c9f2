"""Findings: what the audit noticed, returned as data for officers, letters and the tier."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

FindingSeverity = Literal["info", "question", "concern"]


@dataclass(frozen=True, slots=True)
class Finding:
    code: str  # stable machine name, e.g. "missed_council_payment"
    severity: FindingSeverity
    message: str  # plain English, shown to the holder and the officer alike
    amount: Decimal | None = None
    refs: tuple[str, ...] = ()  # transaction, statement, worker or account ids it is about
