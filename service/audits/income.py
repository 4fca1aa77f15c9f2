"""Income: what the payment schedules say should have come in, against what did.

A person may have several schedules (the council four-weekly, a contribution weekly or
monthly, a one-off top-up). Each payment in is given to one schedule, by who paid it, then
by amount. A schedule's time is cut into cycles, one per due date, each starting a few days
early so a payment that lands before its date still counts; the instalments that land in a
cycle add up to what the cycle received.

We say something is outstanding only for complete cycles that the statements show in full:
a payment due while no statement came in is "not seen", never "missed". Money that arrived
inside the audit period for a cycle that starts after it is paid in advance: not surplus.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from service.audits.coverage import Gap
from service.audits.findings import Finding
from service.audits.inputs import (
    CONTRIBUTION,
    COUNCIL_PAYMENT,
    AuditPeriod,
    PaymentFrequency,
    PaymentSchedule,
    Transaction,
)
from service.audits.money import ZERO, gbp, total
from service.audits.words import day_words, list_words


def add_months(day: date, months: int) -> date:
    """Same day of the month, or the month's last day when it is shorter."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def due_dates(first: date, frequency: PaymentFrequency, until: date) -> Iterator[date]:
    """Due dates from the first payment up to and including ``until``."""
    count = 0
    while True:
        if frequency == "month":
            due = add_months(first, count)
        else:
            due = first + timedelta(days=count * (7 if frequency == "week" else 28))
        if due > until:
            return
        yield due
        count += 1


def match_window(frequency: PaymentFrequency, setting_days: int) -> int:
    """Never so wide that one payment could be taken for the next week's."""
    return min(setting_days, 3) if frequency == "week" else setting_days


@dataclass(frozen=True, slots=True)
class PaymentMatch:
    due: date
    amount_due: Decimal
    transaction_id: str | None  # the first payment seen in the cycle; None: none seen
    received: Decimal  # everything that landed in the cycle
    seen: bool = True  # False: the cycle's days are not all on a statement


@dataclass(frozen=True, slots=True)
class IncomeStream:
    """Council payments, or contributions, over the audit period, from every schedule."""

    kind: str  # COUNCIL_PAYMENT or CONTRIBUTION
    expected: Decimal  # due inside the period
    received: Decimal  # arrived inside the period, whatever it was for
    paid_in_advance: Decimal  # arrived inside the period for a cycle starting after it
    matches: tuple[PaymentMatch, ...]  # one per due date inside the period
    unexpected: tuple[str, ...]  # transaction ids given to no cycle
    # what complete cycles, shown in full, were due and received
    due_when_seen: Decimal = ZERO
    received_when_seen: Decimal = ZERO

    @property
    def missed(self) -> tuple[PaymentMatch, ...]:
        """Cycles shown in full on the statements in which nothing arrived."""
        return tuple(m for m in self.matches if m.transaction_id is None and m.seen)

    @property
    def not_seen(self) -> tuple[PaymentMatch, ...]:
        """Due while no statement came in: nobody can say whether they arrived."""
        return tuple(m for m in self.matches if m.transaction_id is None and not m.seen)

    @property
    def shortfall(self) -> Decimal:
        """What complete cycles shown in full were due and did not get (never negative)."""
        return max(ZERO, self.due_when_seen - self.received_when_seen)


@dataclass(frozen=True, slots=True)
class Income:
    council: IncomeStream
    contribution: IncomeStream
    funding_model: str
    findings: tuple[Finding, ...]

    @property
    def paid_in_advance(self) -> Decimal:
        return self.council.paid_in_advance + self.contribution.paid_in_advance


@dataclass(frozen=True, slots=True)
class _Cycle:
    due: date
    closes: date  # inclusive: the day before the next due date


def _next_due(due: date, frequency: PaymentFrequency) -> date:
    if frequency == "month":
        return add_months(due, 1)
    return due + timedelta(days=7 if frequency == "week" else 28)


def cycles(schedule: PaymentSchedule, window: int, first: date, last: date) -> list[_Cycle]:
    """The schedule's cycles that touch the days from ``first`` to ``last``, each widened by
    the days a payment may come early, oldest first."""
    found: list[_Cycle] = []
    until = last + timedelta(days=window + 62)
    if schedule.ends_on is not None:
        until = min(until, schedule.ends_on)
    for due in due_dates(schedule.first_payment_date, schedule.frequency, until):
        cycle = _Cycle(due, _next_due(due, schedule.frequency) - timedelta(days=1))
        if cycle.closes >= first - timedelta(days=window) and cycle.due <= last + timedelta(days=window):
            found.append(cycle)
    return found


def _cycle_of(day: date, found: Sequence[_Cycle], window: int) -> int | None:
    """The cycle a payment landed in; one a few days before the first due date is early for it."""
    for index, cycle in enumerate(found):
        if cycle.due <= day <= cycle.closes:
            return index
    if found and found[0].due - timedelta(days=window) <= day < found[0].due:
        return 0
    return None


@dataclass(frozen=True, slots=True)
class _Stream:
    kind: str
    amount: Decimal
    schedule: PaymentSchedule


def _streams(schedules: Sequence[PaymentSchedule]) -> list[_Stream]:
    found = []
    for s in schedules:
        if s.council_amount > 0:
            found.append(_Stream(COUNCIL_PAYMENT, s.council_amount, s))
        if s.contribution_amount > 0 and s.funding_model == "net":
            found.append(_Stream(CONTRIBUTION, s.contribution_amount, s))
    return found


def _owner(t: Transaction, streams: Sequence[_Stream]) -> _Stream:
    """Who paid it first, then the amount, then the schedule running on the day."""
    text = " ".join(t.description.upper().split())
    named = [s for s in streams if s.schedule.payer and _names(text, s.schedule.payer)]
    if len(named) == 1:
        return named[0]
    pool = named or list(streams)
    same = [s for s in pool if s.amount == t.amount]
    if same:
        return same[0]
    running = [s for s in pool if s.schedule.first_payment_date <= t.date
               and (s.schedule.ends_on is None or t.date <= s.schedule.ends_on)]
    return (running or pool)[-1]


def _names(text: str, payer: str) -> bool:
    phrase = " ".join(payer.upper().split())
    return bool(phrase) and f" {phrase} " in f" {text} "


def _uncovered(day_from: date, day_to: date, gaps: Sequence[Gap], account: str | None) -> bool:
    return any(g.start <= day_to and day_from <= g.end and (account is None or g.account == account)
               for g in gaps)


@dataclass(frozen=True, slots=True)
class _Matched:
    """One schedule's cycles and the payments that landed in each."""

    stream: _Stream
    cycles: tuple[_Cycle, ...]
    landed: tuple[tuple[Transaction, ...], ...]


@dataclass(frozen=True, slots=True)
class MatchedIncome:
    """Payments in given to the cycles of the schedules they belong to. It rests on the
    statement lines alone, so it is worked out once, before the gaps in the statements are
    known, and judged against them by ``judge_income``."""

    schedules: tuple[PaymentSchedule, ...]
    period: AuditPeriod
    council: tuple[_Matched, ...]
    contribution: tuple[_Matched, ...]
    council_paid: tuple[Transaction, ...]
    contribution_paid: tuple[Transaction, ...]

    def unpaid_dues(self) -> list[date]:
        """Due dates in the period whose cycle no payment landed in, earliest first."""
        return sorted({c.due for m in (*self.council, *self.contribution)
                       for c, lines in zip(m.cycles, m.landed, strict=True)
                       if self.period.contains(c.due) and not lines})


def _match_stream(streams: Sequence[_Stream], period: AuditPeriod, paid: Sequence[Transaction],
                  window_days: int) -> tuple[_Matched, ...]:
    mine: dict[int, list[Transaction]] = {id(s): [] for s in streams}
    if streams:
        for t in paid:
            mine[id(_owner(t, streams))].append(t)
    matched = []
    for s in streams:
        window = match_window(s.schedule.frequency, window_days)
        found = cycles(s.schedule, window, period.start, period.end)
        landed = _landed(s, found, mine[id(s)], window, period)
        matched.append(_Matched(s, tuple(found), tuple(tuple(lines) for lines in landed)))
    return tuple(matched)


def _stream(kind: str, matched: Sequence[_Matched], period: AuditPeriod, paid: Sequence[Transaction],
            gaps: Sequence[Gap]) -> IncomeStream:
    matches: list[PaymentMatch] = []
    advance = due_seen = received_seen = ZERO
    used: set[str] = set()
    for m in matched:
        for cycle, lines in zip(m.cycles, m.landed, strict=True):
            used.update(t.id for t in lines)
            got = total(t.amount for t in lines)
            if cycle.due > period.end:
                advance += got
                continue
            if cycle.due < period.start:
                continue
            seen = not _uncovered(cycle.due, min(cycle.closes, period.end), gaps, None)
            first = lines[0].id if lines else None
            matches.append(PaymentMatch(cycle.due, m.stream.amount, first, got, seen))
            if cycle.closes <= period.end and seen:  # complete, and shown in full
                due_seen += m.stream.amount
                received_seen += got
    in_period = tuple(sorted(matches, key=lambda x: x.due))
    return IncomeStream(
        kind,
        total(x.amount_due for x in in_period),
        total(t.amount for t in paid if period.contains(t.date)),
        advance,
        in_period,
        tuple(t.id for t in paid if t.id not in used and period.contains(t.date)),
        due_seen,
        received_seen,
    )


def _landed(stream: _Stream, found: Sequence[_Cycle], paid: Sequence[Transaction], window: int,
            period: AuditPeriod) -> list[list[Transaction]]:
    """Each cycle's payments. A payment in the last few days of a cycle that already has
    what it was due (or that lies before the audit) is early for the next one; an
    instalment still owed to its own cycle stays there."""
    landed: list[list[Transaction]] = [[] for _ in found]
    got = [ZERO for _ in found]
    for t in sorted(paid, key=lambda x: x.date):
        index = _cycle_of(t.date, found, window)
        if index is None:
            continue
        following = index + 1
        if following < len(found) and t.date >= found[following].due - timedelta(days=window):
            settled = found[index].due < period.start or got[index] >= stream.amount
            if settled:
                index = following
        landed[index].append(t)
        got[index] += t.amount
    return landed


def check_income(
    schedule: PaymentSchedule | Sequence[PaymentSchedule] | None,
    period: AuditPeriod,
    transactions: Sequence[Transaction],
    window_days: int = 7,
    gaps: Sequence[Gap] = (),
) -> Income | None:
    """None when there is no schedule to check against."""
    matched = match_income(schedule, period, transactions, window_days)
    return judge_income(matched, gaps) if matched is not None else None


def match_income(
    schedule: PaymentSchedule | Sequence[PaymentSchedule] | None,
    period: AuditPeriod,
    transactions: Sequence[Transaction],
    window_days: int = 7,
) -> MatchedIncome | None:
    """The payments in, given to their schedules' cycles; None when there is no schedule."""
    schedules = (schedule,) if isinstance(schedule, PaymentSchedule) else tuple(schedule or ())
    if not schedules:
        return None
    streams = _streams(schedules)
    paid: dict[str, list[Transaction]] = {COUNCIL_PAYMENT: [], CONTRIBUTION: []}
    # a payment may land a few days before the period for a cycle due inside it
    start, end = period.start - timedelta(days=window_days), period.end
    for t in transactions:  # one pass for both streams
        if t.category in paid and t.amount > 0 and start <= t.date <= end:
            paid[t.category].append(t)
    council, contrib = paid[COUNCIL_PAYMENT], paid[CONTRIBUTION]
    return MatchedIncome(
        schedules,
        period,
        _match_stream([s for s in streams if s.kind == COUNCIL_PAYMENT], period, council, window_days),
        _match_stream([s for s in streams if s.kind == CONTRIBUTION], period, contrib, window_days),
        tuple(council),
        tuple(contrib),
    )


def judge_income(matched: MatchedIncome, gaps: Sequence[Gap] = ()) -> Income:
    """What came in against what was due, knowing which days no statement shows."""
    period = matched.period
    council = _stream(COUNCIL_PAYMENT, matched.council, period, matched.council_paid, gaps)
    contrib = _stream(CONTRIBUTION, matched.contribution, period, matched.contribution_paid, gaps)
    findings = [
        *_council_findings(council),
        *_contribution_findings(contrib),
        *_not_seen_findings(council, contrib),
        *_advance_findings(council, contrib),
    ]
    return Income(council, contrib, matched.schedules[-1].funding_model, tuple(findings))


def _council_findings(stream: IncomeStream) -> list[Finding]:
    missed = stream.missed
    if not missed:
        return []
    days = list_words([day_words(m.due) for m in missed])
    amount = total(m.amount_due for m in missed)
    one = len(missed) == 1
    return [
        Finding(
            "missed_council_payment",
            "info",
            f"The council payment{'' if one else 's'} due on {days} ({gbp(amount)}) "
            f"{'has' if one else 'have'} not been seen on the statements. This is for the "
            "council to check, not the person.",
            amount,
        )
    ]


def _contribution_findings(stream: IncomeStream) -> list[Finding]:
    if not stream.shortfall:
        return []
    return [
        Finding(
            "contribution_arrears",
            "question",
            f"Contributions due in the weeks the statements show in full: "
            f"{gbp(stream.due_when_seen)}; paid in: {gbp(stream.received_when_seen)}; "
            f"{gbp(stream.shortfall)} is outstanding.",
            stream.shortfall,
        )
    ]


def _not_seen_findings(*streams: IncomeStream) -> list[Finding]:
    unseen = [m for s in streams for m in s.not_seen]
    if not unseen:
        return []
    days = list_words([day_words(due) for due in sorted({m.due for m in unseen})])
    return [
        Finding(
            "payment_not_seen",
            "info",
            f"Payments due on {days} fell while no statement came in, so we have not seen them.",
            total(m.amount_due for m in unseen),
        )
    ]


def _advance_findings(*streams: IncomeStream) -> list[Finding]:
    advance = total(s.paid_in_advance for s in streams)
    if not advance:
        return []
    return [
        Finding(
            "paid_in_advance",
            "info",
            f"{gbp(advance)} arrived before the period ended for payments due after it; "
            "it belongs to the next period and is not counted as surplus.",
            advance,
        )
    ]
