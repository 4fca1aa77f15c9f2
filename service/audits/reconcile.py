"""Reconciliation: opening + money in - money out + difference = closing, per account and overall.

Balances come from the statements where printed; otherwise from running balances; as a
last resort they are computed from the transactions, and the source says so.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from itertools import pairwise
from operator import attrgetter
from typing import Any

from service.audits import balances
from service.audits.findings import Finding
from service.audits.inputs import OWN_TRANSFER, Account, AuditPeriod, Statement, Transaction
from service.audits.money import ZERO, gbp, total
from service.audits.words import day_words, range_words

_DATE = attrgetter("date")


@dataclass(frozen=True, slots=True)
class ChainBreak:
    """Where one balance does not follow from the one before it."""

    account: str
    kind: str  # "running_balance" or "statement"
    before_id: str  # transaction id (or statement upload id) just before the break
    after_id: str  # transaction id (or statement upload id) where the break shows
    expected: Decimal
    found: Decimal
    message: str

    @property
    def difference(self) -> Decimal:
        return self.found - self.expected


@dataclass(frozen=True, slots=True)
class StatementCheck:
    """One statement on its own: its opening plus its lines should give its closing."""

    account: str
    upload_id: str
    opening_balance: Decimal
    money_in: Decimal
    money_out: Decimal
    closing_balance: Decimal
    start: date | None = None
    end: date | None = None

    @property
    def difference(self) -> Decimal:
        return self.closing_balance - (self.opening_balance + self.money_in - self.money_out)


@dataclass(frozen=True, slots=True)
class AccountReconciliation:
    account: str
    opening_balance: Decimal
    opening_source: str
    money_in: Decimal  # includes transfers from the person's other DP accounts
    money_out: Decimal  # includes transfers to the person's other DP accounts
    transfers_in: Decimal
    transfers_out: Decimal
    closing_balance: Decimal
    closing_source: str

    @property
    def difference(self) -> Decimal:
        """What makes opening + in - out + difference = closing."""
        return self.closing_balance - (self.opening_balance + self.money_in - self.money_out)


@dataclass(frozen=True, slots=True)
class Reconciliation:
    """All the person's accounts as one pot; transfers between them are neither in nor out."""

    accounts: tuple[AccountReconciliation, ...]
    statement_checks: tuple[StatementCheck, ...]
    breaks: tuple[ChainBreak, ...]
    findings: tuple[Finding, ...]
    # breaks, and accounts' differences, that a missing statement accounts for in full
    explained: tuple[ChainBreak, ...] = ()
    explained_accounts: tuple[str, ...] = ()

    @property
    def unbalanced_accounts(self) -> tuple[str, ...]:
        """Accounts with a difference or break that no missing statement accounts for."""
        broken = {b.account for b in self.breaks}
        broken |= {a.account for a in self.accounts
                   if a.difference and a.account not in self.explained_accounts}
        return tuple(sorted(broken))

    @property
    def opening_balance(self) -> Decimal:
        return total(a.opening_balance for a in self.accounts)

    @property
    def closing_balance(self) -> Decimal:
        return total(a.closing_balance for a in self.accounts)

    @property
    def money_in(self) -> Decimal:
        return total(a.money_in - a.transfers_in for a in self.accounts)

    @property
    def money_out(self) -> Decimal:
        return total(a.money_out - a.transfers_out for a in self.accounts)

    @property
    def transfers_unmatched(self) -> Decimal:
        """Zero when every transfer was seen leaving one account and reaching another."""
        return total(a.transfers_in - a.transfers_out for a in self.accounts)

    @property
    def difference(self) -> Decimal:
        return self.closing_balance - (self.opening_balance + self.money_in - self.money_out)


def in_period(transactions: Sequence[Transaction], period: AuditPeriod) -> list[Transaction]:
    start, end = period.start, period.end
    return [t for t in transactions if start <= t.date <= end]


def money_in(transactions: Sequence[Transaction]) -> Decimal:
    return total(t.amount for t in transactions if t.amount > 0)


def money_out(transactions: Sequence[Transaction]) -> Decimal:
    """A positive total of what left the account(s)."""
    return -total(t.amount for t in transactions if t.amount < 0)


def _net_between(txns: Sequence[Transaction], first: date, last: date) -> Decimal:
    if first > last:
        return ZERO
    return total([t.amount for t in txns if first <= t.date <= last])


def _statements_of(statements: Sequence[Statement], account: str) -> list[Statement]:
    return sorted((s for s in statements if s.account == account), key=lambda s: s.start)


def opening_at(
    start: date, statements: Sequence[Statement], txns: Sequence[Transaction]
) -> tuple[Decimal | None, str]:
    """Balance at the start of ``start``, and where it came from."""
    for s in statements:
        if s.opening_balance is not None and s.start <= start <= s.end:
            before = _net_between(txns, s.start, date.fromordinal(start.toordinal() - 1))
            return s.opening_balance + before, _source(s)
    later = [s for s in statements if s.start > start and s.opening_balance is not None]
    if later:
        return later[0].opening_balance, f"{_source(later[0])} (starts later)"
    first = next((t for t in txns if t.date >= start and t.running_balance is not None), None)
    printed = first.running_balance if first is not None else None
    if first is not None and printed is not None:
        before = _net_between(txns, start, first.date) - _same_day_after(txns, first)
        return printed - before, f"running balance on {first.id}"
    return None, "unknown"


def _source(statement: Statement) -> str:
    """Where a balance came from, in words a person knows (never an internal id)."""
    return f"the statement for {range_words(statement.start, statement.end)}"


def _days(start: date | None, end: date | None) -> str:
    return f"for {range_words(start, end)} " if start and end else ""


def _same_day_after(txns: Sequence[Transaction], anchor: Transaction) -> Decimal:
    """Lines on the anchor's day listed after it: its running balance does not include them."""
    same_day = [t for t in txns if t.date == anchor.date]
    return total(t.amount for t in same_day[same_day.index(anchor) + 1 :])


def closing_at(
    end: date, statements: Sequence[Statement], txns: Sequence[Transaction]
) -> tuple[Decimal | None, str]:
    """Balance at the end of ``end``, and where it came from."""
    for s in reversed(statements):
        if s.closing_balance is not None and s.start <= end <= s.end:
            after = _net_between(txns, date.fromordinal(end.toordinal() + 1), s.end)
            return s.closing_balance - after, _source(s)
    earlier = [s for s in statements if s.end < end and s.closing_balance is not None]
    if earlier:
        return earlier[-1].closing_balance, f"{_source(earlier[-1])} (ends earlier)"
    known = [t for t in txns if t.date <= end and t.running_balance is not None]
    printed = known[-1].running_balance if known else None
    if printed is not None:
        last = known[-1]
        later = _net_between(txns, last.date, end) - _same_day_up_to(txns, last)
        return printed + later, f"running balance on {last.id}"
    return None, "unknown"


def _same_day_up_to(txns: Sequence[Transaction], anchor: Transaction) -> Decimal:
    same_day = [t for t in txns if t.date == anchor.date]
    return total(t.amount for t in same_day[: same_day.index(anchor) + 1])


def reconcile_account(
    account: Account,
    period: AuditPeriod,
    statements: Sequence[Statement],
    transactions: Sequence[Transaction],
) -> AccountReconciliation:
    """One account. A balance nobody printed is worked out from the others, and says so."""
    txns = _by_date(t for t in transactions if t.account == account.reference)
    return _reconcile_account(
        account, period, _statements_of(statements, account.reference), txns, in_period(txns, period)
    )


def _by_date(transactions: Iterable[Transaction]) -> list[Transaction]:
    return sorted(transactions, key=_DATE)


def _reconcile_account(
    account: Account,
    period: AuditPeriod,
    stmts: Sequence[Statement],
    txns: Sequence[Transaction],
    inside: Sequence[Transaction],
) -> AccountReconciliation:
    """``reconcile_account`` given the account's statements in order, its lines by date
    and those in the period."""
    paid_in, paid_out, transfers_in, transfers_out = _flows(inside)
    opening, opening_source = opening_at(period.start, stmts, txns)
    closing, closing_source = closing_at(period.end, stmts, txns)
    computed = "the transactions (no balance was printed)"
    if opening is None and closing is None:
        opening, opening_source = ZERO, "unknown: no balance was printed, so it is taken as £0.00"
    if closing is None:
        closing, closing_source = (opening or ZERO) + paid_in - paid_out, computed
    if opening is None:
        opening, opening_source = closing - paid_in + paid_out, computed
    return AccountReconciliation(
        account=account.reference,
        opening_balance=opening,
        opening_source=opening_source,
        money_in=paid_in,
        money_out=paid_out,
        transfers_in=transfers_in,
        transfers_out=transfers_out,
        closing_balance=closing,
        closing_source=closing_source,
    )


def _flows(txns: Iterable[Transaction]) -> tuple[Decimal, Decimal, Decimal, Decimal]:
    """``money_in`` and ``money_out`` of the lines, and of the transfers among them, in one
    pass (summed in the same order, so to the same figures)."""
    got = spent = transfers_got = transfers_spent = ZERO
    for t in txns:
        amount = t.amount
        if amount > 0:
            got += amount
            if t.category == OWN_TRANSFER:
                transfers_got += amount
        elif amount < 0:
            spent += amount
            if t.category == OWN_TRANSFER:
                transfers_spent += amount
    return got, -spent, transfers_got, -transfers_spent


def running_balance_breaks(account: str, transactions: Sequence[Transaction]) -> list[ChainBreak]:
    """Each line's running balance should be the last one plus its amount."""
    return _chain_breaks(account, _by_date(t for t in transactions if t.account == account))


def _chain_breaks(account: str, txns: Sequence[Transaction]) -> list[ChainBreak]:
    """``running_balance_breaks`` given the account's lines by date: the same reading of the
    chain as the import reply's (``service.audits.balances``)."""
    found = balances.breaks([t.amount for t in txns], [t.running_balance for t in txns])
    return [_running_break(account, txns[index - 1], txns[index], expected, printed)
            for index, expected, printed in found]


def _running_break(
    account: str, before: Transaction, after: Transaction, expected: Decimal, found: Decimal
) -> ChainBreak:
    message = (
        f"After {before.description or before.id} on {day_words(before.date)} the balance "
        f"should be {gbp(expected)} at {after.description or after.id} on "
        f"{day_words(after.date)}, but the statement shows {gbp(found)} "
        f"(a difference of {gbp(found - expected)}): a line may be missing or duplicated."
    )
    return ChainBreak(account, "running_balance", before.id, after.id, expected, found, message)


def statement_chain_breaks(account: str, statements: Sequence[Statement]) -> list[ChainBreak]:
    """A statement that follows straight on from another should open where it closed."""
    stmts = _statements_of(statements, account)
    breaks: list[ChainBreak] = []
    for before, after in pairwise(stmts):
        follows = after.start.toordinal() == before.end.toordinal() + 1
        if not follows or before.closing_balance is None or after.opening_balance is None:
            continue
        if before.closing_balance != after.opening_balance:
            message = (
                f"The statement ending {day_words(before.end)} closes at "
                f"{gbp(before.closing_balance)} but the next one opens at "
                f"{gbp(after.opening_balance)}."
            )
            breaks.append(
                ChainBreak(
                    account,
                    "statement",
                    before.upload_id,
                    after.upload_id,
                    before.closing_balance,
                    after.opening_balance,
                    message,
                )
            )
    return breaks


def check_statement(statement: Statement, transactions: Sequence[Transaction]) -> StatementCheck | None:
    if statement.opening_balance is None or statement.closing_balance is None:
        return None
    account, start, end = statement.account, statement.start, statement.end
    lines = [t for t in transactions if t.account == account and start <= t.date <= end]
    paid_in, paid_out, _, _ = _flows(lines)
    return StatementCheck(
        statement.account,
        statement.upload_id,
        statement.opening_balance,
        paid_in,
        paid_out,
        statement.closing_balance,
        statement.start,
        statement.end,
    )


def reconcile(
    accounts: Sequence[Account],
    period: AuditPeriod,
    statements: Sequence[Statement],
    transactions: Sequence[Transaction],
) -> Reconciliation:
    """Every account of the person, each on its own and then as one pot."""
    grouped: dict[str, list[Transaction]] = defaultdict(list)
    for t in transactions:
        grouped[t.account].append(t)
    per_account: list[AccountReconciliation] = []
    chain: list[ChainBreak] = []
    for a in accounts:
        txns = _by_date(grouped.get(a.reference, ()))
        inside = in_period(txns, period)
        per_account.append(
            _reconcile_account(a, period, _statements_of(statements, a.reference), txns, inside)
        )
        chain += [b for b in statement_chain_breaks(a.reference, statements)
                  if _joins_inside(b, statements, period)]
        chain += _chain_breaks(a.reference, inside)
    # only the statements this audit covers: earlier ones were read by earlier audits, and
    # their lines are not loaded here, so checking them would ask about lines that exist
    ours = [s for s in statements if s.end >= period.start and s.start <= period.end]
    checks = tuple(c for s in ours if (c := check_statement(s, grouped.get(s.account, ()))) is not None)
    partial = Reconciliation(tuple(per_account), checks, tuple(chain), ())
    return Reconciliation(tuple(per_account), checks, tuple(chain), tuple(_findings(partial)))


def _joins_inside(chain_break: ChainBreak, statements: Sequence[Statement], period: AuditPeriod) -> bool:
    """A break between two statements matters to this audit when the second one starts inside it."""
    after = next((s for s in statements if s.upload_id == chain_break.after_id), None)
    return after is None or period.start <= after.start <= period.end


def _findings(rec: Reconciliation) -> list[Finding]:
    found: list[Finding] = []
    for a in rec.accounts:
        if a.difference and a.account not in rec.explained_accounts:
            found.append(
                Finding(
                    "reconciliation_difference",
                    "question",
                    f"Account {a.account}: opening {gbp(a.opening_balance)} + money in "
                    f"{gbp(a.money_in)} - money out {gbp(a.money_out)} = "
                    f"{gbp(a.opening_balance + a.money_in - a.money_out)}, but the closing "
                    f"balance is {gbp(a.closing_balance)}: {gbp(a.difference)} is unexplained.",
                    a.difference,
                    (a.account,),
                )
            )
    for c in rec.statement_checks:
        if c.difference:
            found.append(
                Finding(
                    "statement_does_not_add_up",
                    "question",
                    f"The statement {_days(c.start, c.end)}does not add up by "
                    f"{gbp(c.difference)}: "
                    "some lines may be missing.",
                    c.difference,
                    (c.upload_id,),
                )
            )
    found.extend(
        Finding("balance_chain_break", "question", b.message, b.difference, (b.before_id, b.after_id))
        for b in rec.breaks
    )
    found.extend(
        Finding("balance_moved_during_gap", "info", gap_movement_words(b.difference),
                b.difference, (b.before_id, b.after_id))
        for b in rec.explained
    )
    if rec.transfers_unmatched:
        found.append(
            Finding(
                "transfer_unmatched",
                "question",
                f"Transfers between the person's own accounts do not net to zero "
                f"({gbp(rec.transfers_unmatched)}): one side has not been seen.",
                rec.transfers_unmatched,
            )
        )
    for a in rec.accounts:
        sources = a.opening_source + " " + a.closing_source
        if "unknown" in sources or "no balance was printed" in sources:
            found.append(
                Finding(
                    "balance_not_printed",
                    "info",
                    f"Account {a.account}: the opening balance comes from {a.opening_source}; "
                    f"the closing balance from {a.closing_source}.",
                    refs=(a.account,),
                )
            )
    return found


def gap_movement_words(difference: Decimal) -> str:
    """Money that moved while no statement came in, with its direction: a positive
    difference means more came in than went out in the days nobody has seen."""
    way = "went up" if difference > 0 else "went down"
    return (f"While no statement came in, the balance {way} by {gbp(abs(difference))}; "
            "the missing statement should show why.")


def explain_by_gaps(
    rec: Reconciliation, gaps: Sequence[Any], transactions: Sequence[Transaction]
) -> Reconciliation:
    """A missing statement explains a running-balance jump across it, and an account's
    difference when the jumps add up to it: one thing to ask about (the statement), not two."""
    when = {t.id: t.date for t in transactions}
    gaps_of: dict[str, list[Any]] = defaultdict(list)
    for gap in gaps:
        gaps_of[gap.account].append(gap)

    def across_a_gap(b: ChainBreak) -> bool:
        before, after = when.get(b.before_id), when.get(b.after_id)
        return b.kind == "running_balance" and before is not None and after is not None and any(
            before < g.start and g.end < after for g in gaps_of[b.account])

    explained = tuple(b for b in rec.breaks if across_a_gap(b))
    if not explained:
        return rec
    kept = tuple(b for b in rec.breaks if not across_a_gap(b))
    jumps: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for b in explained:
        jumps[b.account] += b.difference
    accounted = tuple(a.account for a in rec.accounts
                      if a.difference and a.difference == jumps.get(a.account))
    partial = Reconciliation(rec.accounts, rec.statement_checks, kept, (), explained, accounted)
    return Reconciliation(rec.accounts, rec.statement_checks, kept,
                          tuple(_findings(partial)), explained, accounted)
