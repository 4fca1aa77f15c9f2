from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import BigInteger, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from service.core.types import Money
from service.models.base import Base, BigId, CouncilScoped, CreatedMixin
from service.models.live import Voidable, live_unique


class Transaction(Voidable, CreatedMixin, CouncilScoped, Base):
    """One line of a statement. Amounts in pence; positive = money into the account."""

    __tablename__ = "transactions"
    __table_args__ = (
        # the last line of defence against counting a line twice, whatever the code above does
        # (among live lines: a voided upload's lines do not stop the same file coming again)
        live_unique("uq_transactions_live_line", "account_id", "dedup_key", "occurrence"),
        Index("ix_transactions_account_posted", "account_id", "posted_on"),
        # an account's lines a page at a time in id order (GET /v1/accounts/{id}/transactions):
        # read straight from the index, never all of the account's lines sorted for one page
        Index("ix_transactions_account_listing", "account_id", "id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    upload_id: Mapped[int] = mapped_column(ForeignKey("uploads.id"), index=True)
    posted_on: Mapped[date]
    amount: Mapped[Decimal] = mapped_column(Money())
    description: Mapped[str] = mapped_column(Text)
    reference: Mapped[str | None] = mapped_column(String(255))
    balance: Mapped[Decimal | None] = mapped_column(Money())
    mcc: Mapped[str | None] = mapped_column(String(4))
    source_line: Mapped[int | None]
    # the line's place in its file counted oldest-first, so lines of one day keep the
    # order the bank printed them in whether the file ran newest-first or oldest-first
    position: Mapped[int | None]
    dedup_key: Mapped[str] = mapped_column(String(80))
    # which layer made the key: "bank_id", "balance_chain" or "content" (see service/ingest)
    dedup_rule: Mapped[str] = mapped_column(String(16), default="content")
    payee_key: Mapped[str] = mapped_column(String(200), default="")
    # set when a person should look: "possible_duplicate" or "id_collision"
    review: Mapped[str | None] = mapped_column(String(32))
    occurrence: Mapped[int] = mapped_column(default=0)
    category: Mapped[str | None] = mapped_column(String(32))
    category_reason: Mapped[str | None] = mapped_column(Text)
    worker_id: Mapped[int | None] = mapped_column(ForeignKey("workers.id"))
    plan_line_id: Mapped[int | None] = mapped_column(ForeignKey("plan_lines.id"))
    possible_duplicate_of: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("transactions.id")
    )
