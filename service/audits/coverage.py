"""Coverage: every day of the audit period should be on a statement, for every account."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from service.audits.inputs import Account, AuditPeriod, Statement
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


def coverage_gaps(
    period: AuditPeriod, accounts: Sequence[Account], statements: Sequence[Statement]
) -> list[Gap]:
    """Gaps per account; the account is named only when the person has more than one."""
    named = len(accounts) > 1
    gaps: list[Gap] = []
    for account in accounts:
        covered = [(s.start, s.end) for s in statements if s.account == account.reference]
        for start, end in uncovered_ranges(period, covered):
            words = gap_words(start, end, account.reference if named else None)
            gaps.append(Gap(account.reference, start, end, words))
    return gaps
