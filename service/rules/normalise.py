"""Bank descriptor clean-up: take the noise banks add away, keep the merchant or payee.

Banks wrap the same payee in card prefixes, transaction-type codes, card numbers, dates,
times, store numbers, PayPal wrappers and towns. Matching on the cleaned text is what lets
rules use word boundaries instead of loose substrings. The original text is never changed:
callers keep it and show it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from service.rules._data import read_lines

_MONTHS = frozenset(
    ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "SEPT", "OCT", "NOV", "DEC"]
)
_DAY_MONTH = re.compile(r"\d{1,2}(?:" + "|".join(sorted(_MONTHS)) + r")(?:\d{2}){0,2}")

# Most noise is removed word by word (cheap); only what spans punctuation needs a regex,
# and each regex runs only when its tell-tale character is present.
_PAYPAL = re.compile(r"\bPAYPAL ?\*|\bPP\*|\bPAYPAL PAYMENT TO\b")
_PREFIX = re.compile(
    r"\s*(?:CARD PAYMENT|DEBIT CARD PAYMENT|CONTACTLESS PAYMENT|VISA PURCHASE|CARD PURCHASE"
    r"|BILL PAYMENT|DIRECT DEBIT(?: PAYMENT)?|STANDING ORDER|FASTER PAYMENTS?(?: RECEIPT)?"
    r"|BANK TRANSFER|PAYMENT|TRANSFER)(?: (?:TO|FROM|AT))?\b"
)
_DOTTED = re.compile(
    r"\bWWW\.|\.(?:CO\.UK|ORG\.UK|GOV\.UK|COM|NET|ORG|UK|EU)\b"
    r"|\b\d+\.\d\d ?(?:GBP|EUR|USD)\b|\bRATE \d+(?:\.\d+)?(?:/GBP)?"
)
# Brands that banks print with a space inside a number ("BET 365"): glue them back so the
# trailing-number clean-up below does not eat half the name.
_GLUE = re.compile(r"\bBET 365\b")
_PUNCTUATION = "!\"#$%()*+,./:;<=>?@[\\]^_`{|}~-"
_PUNCT = str.maketrans({c: " " for c in _PUNCTUATION} | {"'": None, "\u2019": None})
# The same mapping as a byte table: almost every descriptor is plain ASCII, and a byte
# table translates several times faster than a str table, which looks up each character.
_ASCII_PUNCT = bytes.maketrans(_PUNCTUATION.encode(), b" " * len(_PUNCTUATION))
# Transaction-type codes banks put around the payee (HSBC "VIS", "DD"; Barclays "FPO").
_TYPE_CODES = frozenset(
    [
        "VIS", "VISA", "DD", "DDR", "STO", "SO", "FPO", "FPI", "BGC", "CPM", "DEB", "TFR",
        "BACS", "BAC", "CHQ", "POS", "SBT", "CONTACTLESS",
    ]
)
_TRAILING_ONLY = frozenset(
    [
        "CR", "DR", "ON", "AT", "CD", "CARD", "GB", "GBR", "UK", "IE", "IRL", "US", "USA", "LU", "NL", "DE",
        "FR", "ES", "MT", "GI", "IM",
    ]
)
_COMPANY_WORDS = frozenset(["LTD", "LIMITED", "PLC", "LLP", "LLC", "INC", "CO", "THE"])


@lru_cache(maxsize=1)
def _places() -> dict[str, tuple[tuple[str, ...], ...]]:
    """Places by their last word, longest first, so "STOKE ON TRENT" beats "TRENT"."""
    by_last: dict[str, list[tuple[str, ...]]] = {}
    for place in read_lines("places.txt"):
        words = tuple(place.split())
        by_last.setdefault(words[-1], []).append(words)
    return {k: tuple(sorted(v, key=len, reverse=True)) for k, v in by_last.items()}


def _digit_count(token: str) -> int:
    return sum(ch.isdigit() for ch in token)


def _without_noise(words: list[str]) -> list[str]:
    """Drop type codes, references (4+ digits: card, store, phone numbers) and the parts of
    dates and times ("01 SEP 24", "01 09 2024", "12 34"), keeping short brand numbers."""
    kept: list[str] = []
    in_date = False
    last = len(words) - 1
    for i, word in enumerate(words):
        if word in _TYPE_CODES:
            continue
        if word.isdigit():
            nxt = words[i + 1] if i < last else ""
            is_date_part = len(word) <= 2 and (in_date or nxt.isdigit() or nxt in _MONTHS)
            in_date = len(word) >= 4 or is_date_part
            if in_date:
                continue
        elif word in _MONTHS and in_date:
            continue
        elif not word.isalpha() and (_digit_count(word) >= 4 or _DAY_MONTH.fullmatch(word)):
            in_date = False
            continue
        else:
            in_date = False
        kept.append(word)
    return kept


def _pop_trailing(words: list[str]) -> list[str]:
    while len(words) > 1 and (words[-1] in _TRAILING_ONLY or words[-1].isdigit()):
        words.pop()
    return words


def _spaced(text: str) -> str:
    """Punctuation to spaces, apostrophes dropped ("O'NEILL'S" -> "ONEILLS")."""
    if text.isascii():
        return text.encode().translate(_ASCII_PUNCT, b"'").decode()
    return text.translate(_PUNCT)


def tokens(description: str) -> list[str]:
    """Upper-case words of a descriptor without bank noise; towns are kept."""
    text = description.upper()
    if "PAYPAL" in text or "PP*" in text:
        text = _PAYPAL.sub(" ", text)
    prefix = _PREFIX.match(text)
    if prefix is not None:
        text = text[prefix.end():]
    if "." in text:
        text = _DOTTED.sub(" ", text)
    if "BET 365" in text:
        text = _GLUE.sub("BET365", text)
    return _pop_trailing(_without_noise(_spaced(text).split()))


def _strip_place(words: list[str]) -> list[str]:
    candidates = _places().get(words[-1]) if words else None
    for place in candidates or ():
        n = len(place)
        if len(words) > n and tuple(words[-n:]) == place and words[-n - 1] not in ("OF", "IN"):
            return words[:-n]
    return words


def finish(words: list[str]) -> str:
    """Normalised text from `tokens()`: trailing town and country codes gone."""
    return " ".join(_pop_trailing(_strip_place(words)))


@dataclass(frozen=True, slots=True, eq=False)
class Reading:
    """A descriptor as matching sees it: its words, the normalised text and the payee key.

    There is one object per distinct word list, so later steps can remember their answers
    keyed on it; equality and hashing are by identity, which makes those look-ups cheap.
    """

    words: tuple[str, ...]  # `tokens()`: towns still in, used to find people's names
    text: str  # `normalise()`
    key: str  # `payee_key()`


# Statements repeat the same payees on line after line, with only the dates and card
# numbers around them changing: remember the reading of each descriptor, and share one
# Reading between descriptors that differ only by noise.
@lru_cache(maxsize=16384)
def read(description: str) -> Reading:
    """The memoised reading of a descriptor."""
    return _reading(tuple(tokens(description)))


@lru_cache(maxsize=8192)
def _reading(words: tuple[str, ...]) -> Reading:
    text = finish(list(words))
    return Reading(words, text, key_of(text))


def normalise(description: str) -> str:
    """The descriptor as matching sees it: "CARD PAYMENT TO TESCO STORES 3217 ON 01 SEP"
    becomes "TESCO STORES"."""
    return read(description).text


def normalise_phrase(phrase: str) -> str:
    """`normalise` for the few names a plan holds (payers, payees)."""
    return read(phrase).text


def key_of(text: str) -> str:
    """`payee_key` from already normalised text."""
    words = text.split()
    for marker in ("REF", "REFERENCE"):
        if marker in words[1:]:
            words = words[: words.index(marker, 1)]
    kept = [w for w in words if w not in _COMPANY_WORDS]
    return " ".join(kept or words)


def payee_key(description: str) -> str:
    """A stable key for "the same payee" across statements, used to remember categories.

    Drops a payment reference ("REF ..."), company suffixes and leading "THE".
    """
    return read(description).key
