"""Money moved between the person's own accounts: a bank-to-card top-up and the same money
arriving on the card. Both sides are a transfer, neither money in nor money out.

Two lines pair when they are equal and opposite, on two of the person's accounts, within a
few days, and at least one of them says so: it names the other account (its number, last
four digits or reference) or uses a word such as TOP UP or TRANSFER. A line that pairs with
nothing is never treated as a transfer, so a wage can never be hidden as one.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal

from service.audits.inputs import FLEXIBLE_USE, OWN_TRANSFER, Account, Transaction

PAIR_DAYS = 5
OTHER_INCOME = "other_income"
_WORDS = re.compile(r"\b(TOP[ -]?UP|TOPUP|TRANSFER|TFR|TRF|XFER|LOAD(?:ED)? CARD|CARD LOAD)\b")
_NOT_DIGIT = re.compile(r"\D")


@dataclass(frozen=True, slots=True)
class TransferPair:
    out_id: str
    in_id: str
    from_account: str
    to_account: str
    amount: Decimal  # positive: what moved


def _signals(account: Account) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(digit runs, words) that name an account in another account's line."""
    digits = _NOT_DIGIT.sub("", account.number)
    runs = tuple(dict.fromkeys(r for r in (digits, digits[-4:]) if len(r) >= 4))
    words = tuple(w for w in (account.reference.upper(),) if len(w) >= 4)
    return runs, words


def _says_transfer(line: Transaction, other: Account) -> bool:
    text = " ".join(line.description.upper().split())
    if _WORDS.search(text):
        return True
    runs, words = _signals(other)
    digits = _NOT_DIGIT.sub("", text)
    return any(r in digits for r in runs) or any(w in text for w in words)


def pair_transfers(
    transactions: Sequence[Transaction], accounts: Sequence[Account], days: int = PAIR_DAYS
) -> tuple[tuple[Transaction, ...], tuple[TransferPair, ...]]:
    """The lines with both sides of each pair marked as a transfer, and the pairs.

    A line an earlier step took for a transfer but which pairs with nothing goes back to
    ordinary money in or out.
    """
    by_ref = {a.reference: a for a in accounts}
    arrivals: dict[Decimal, list[Transaction]] = defaultdict(list)
    if len(accounts) > 1:
        for t in transactions:
            if t.amount > 0:
                arrivals[t.amount].append(t)
    taken: set[str] = set()
    pairs: list[TransferPair] = []
    for out in transactions:
        if out.amount >= 0 or out.id in taken:
            continue
        match = _partner(out, arrivals.get(-out.amount, ()), by_ref, taken, days)
        if match is not None:
            taken.update((out.id, match.id))
            pairs.append(TransferPair(out.id, match.id, out.account, match.account, -out.amount))
    return tuple(_marked(t, t.id in taken) for t in transactions), tuple(pairs)


def _partner(out: Transaction, candidates: Sequence[Transaction], by_ref: dict[str, Account],
             taken: set[str], days: int) -> Transaction | None:
    best: Transaction | None = None
    for arrival in candidates:
        if arrival.account == out.account or arrival.id in taken:
            continue
        apart = abs((arrival.date - out.date).days)
        if apart > days:
            continue
        said = _says_transfer(out, by_ref[arrival.account]) or _says_transfer(arrival, by_ref[out.account])
        if said and (best is None or apart < abs((best.date - out.date).days)):
            best = arrival
    return best


def _marked(t: Transaction, paired: bool) -> Transaction:
    if paired:
        return t if t.category == OWN_TRANSFER else replace(t, category=OWN_TRANSFER)
    if t.category == OWN_TRANSFER:
        return replace(t, category=OTHER_INCOME if t.amount > 0 else FLEXIBLE_USE)
    return t
