"""Coverage: every day of the audit period should be on a statement, for every account."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from service.audits.findings import Finding
from service.audits.inputs import Account, AuditPeriod, Statement
from service.audits.money import gbp
from service.audits.words import range_words

ONE_DAY = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class Gap:
    account: str
    start: date
    end: date  # inclusive
    words: str

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def uncovered_ranges(period: AuditPeriod, covered: Sequence[tuple[date, date]]) -> list[tuple[date, date]]:
    """The runs of days in the period that no (start, end) range covers."""
    gaps: list[tuple[date, date]] = []
    cursor = period.start  # first day not yet known to be covered
    for start, end in sorted(covered):
        if start > cursor and cursor <= period.end:
            gaps.append((cursor, min(start - ONE_DAY, period.end)))
        cursor = max(cursor, end + ONE_DAY)
    if cursor <= period.end:
        gaps.append((cursor, period.end))
    return gaps


def gap_words(start: date, end: date, account: str | None) -> str:
    where = f" for account {account}" if account else ""
    if start == end:
        return f"no statement{where} for {range_words(start, end)}"
    return f"no statement{where} from {range_words(start, end)}"


@dataclass(frozen=True, slots=True)
class Coverage:
    gaps: tuple[Gap, ...]
    notes: tuple[Finding, ...]  # days between statements that the balances account for


# A junction or an edge this short, with no payment due in it, is a weekend or a quiet spell.
QUIET_DAYS = 7


def coverage(period: AuditPeriod, accounts: Sequence[Account], statements: Sequence[Statement],
             dues: Sequence[tuple[date, str | None]] = ()) -> Coverage:
    """Which days of the period no statement accounts for, per account.

    A statement covers the days it declares (its own period, its name's, the uploader's),
    else its first to its last line. Days between two statements of one account are covered
    when the earlier closes at the balance the later opens at, they are few, and no scheduled
    payment fell due in them: matching balances prove only that the *net* movement was zero,
    so a longer stretch, or one where money was due, stays a gap. Days before the first
    statement or after the last are a gap only when a payment fell due in them or they are
    more than a week. ``dues`` are (due date, account or None for any account).
    """
    named = len(accounts) > 1
    gaps: list[Gap] = []
    notes: list[Finding] = []
    for account in accounts:
        mine = sorted((s for s in statements if s.account == account.reference),
                      key=lambda s: (s.start, s.end))
        due_days = [d for d, where in dues if where in (None, account.reference)]
        for start, end in uncovered_ranges(period, [(s.start, s.end) for s in mine]):
            before = [s for s in mine if s.end < start]
            after = [s for s in mine if s.start > end]
            quiet = (end - start).days + 1 <= QUIET_DAYS and not any(start <= d <= end for d in due_days)
            where = account.reference if named else None
            if before and after:
                closed, opened = _closing(before), after[0].opening_balance
                if quiet and closed is not None and closed == opened:
                    notes.append(Finding(
                        "statements_meet", "info",
                        f"No statement{_for(where)} shows {range_words(start, end)}, but the "
                        f"balance was {gbp(closed)} on both sides and no payment was due.",
                        refs=(account.reference,)))
                    continue
            elif mine and quiet:
                continue
            gaps.append(Gap(account.reference, start, end, gap_words(start, end, where)))
    return Coverage(tuple(gaps), tuple(notes))


def _closing(before: Sequence[Statement]) -> Decimal | None:
    latest = max(before, key=lambda s: (s.end, s.start))
    return latest.closing_balance


def _for(account: str | None) -> str:
    return f" for account {account}" if account else ""


def coverage_gaps(
    period: AuditPeriod, accounts: Sequence[Account], statements: Sequence[Statement],
    dues: Sequence[tuple[date, str | None]] = (),
) -> list[Gap]:
    """Gaps per account; the account is named only when the person has more than one."""
    return list(coverage(period, accounts, statements, dues).gaps)
