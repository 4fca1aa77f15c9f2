from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from service.core.schemas import Day, In, Money, MoneyIn, example


class Period(BaseModel):
    start: date | None
    end: date | None


class RowCounts(BaseModel):
    total: int = Field(description="Lines in the file for this account.")
    new: int = Field(description="Lines stored now.")
    duplicate: int = Field(description="Lines already stored from an earlier upload (not stored again).")
    possible_duplicate: int = Field(
        description="Stored, but like a line from another upload (same amount and payee within "
        "3 days): listed for a person to look at, never merged.")
    id_collision: int = Field(
        description="Stored, but the bank's id was already used for a different amount or date.")


class ChainBreak(BaseModel):
    line: int
    expected_balance: Money
    balance: Money


class Gap(BaseModel):
    start: date
    end: date
    words: str


class Decision(BaseModel):
    line: int
    outcome: str = Field(description="duplicate, possible_duplicate or id_collision")
    key: str = Field(description="Which dedup layer decided: bank_id, balance_chain or content.")
    transaction_id: int | None = Field(description="The stored line it matched.")


class StatementResult(BaseModel):
    upload_id: int | None = Field(description="Null on a dry run.")
    duplicate_file: bool = Field(description="True when these exact bytes were already uploaded "
                                 "to this account; nothing changed and this is the first upload.")
    dry_run: bool
    format: str | None
    filename: str | None
    period: Period
    rows: RowCounts
    opening_balance: Money | None
    closing_balance: Money | None
    balances_reconcile: bool | None = Field(
        description="opening + lines = closing; null when a balance is unknown.")
    reconciliation_difference: Money | None
    balance_chain_breaks: list[ChainBreak] = Field(
        description="Lines whose running balance does not follow from the one before.")
    gaps: list[Gap] = Field(description="Days between this account's statements that no statement covers.")
    decisions: list[Decision]
    flags_raised: list[dict[str, Any]]
    warnings: list[str]


class BatchLine(In):
    id: str = Field(min_length=1, max_length=255, description="Your own id for the transaction.")
    date: Day
    amount: MoneyIn = Field(description="Signed: negative is money out of the account.")
    description: str = Field(min_length=1, max_length=500)
    balance: MoneyIn | None = None
    mcc: str | None = Field(default=None, pattern=r"^\d{4}$")


class BatchIn(In):
    model_config = example({
        "transactions": [{"id": "tx-20260406-1", "date": "2026-04-06", "amount": "-312.00",
                          "description": "PAYMENT TO W WORKER", "balance": "1348.00"}],
        "period_start": "2026-04-01",
        "period_end": "2026-04-30",
    })
    transactions: list[BatchLine] = Field(min_length=1, max_length=20_000)
    period_start: Day | None = None
    period_end: Day | None = None
    opening_balance: MoneyIn | None = None
    closing_balance: MoneyIn | None = None


class UploadSummaryOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    kind: str
    filename: str | None
    format: str | None
    status: str
    period_start: date | None
    period_end: date | None
    opening_balance: Money | None
    closing_balance: Money | None
    created_at: Any
