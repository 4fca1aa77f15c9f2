"""Bank descriptor clean-up: take the noise banks add away, keep the merchant or payee.

Banks wrap the same payee in card prefixes, transaction-type codes, card numbers, dates,
times, store numbers, PayPal wrappers and towns. Matching on the cleaned text is what lets
rules use word boundaries instead of loose substrings. The original text is never changed:
callers keep it and show it.
"""

from __future__ import annotations

import re
from functools import lru_cache

from service.rules._data import read_lines

_MONTH = r"(?:JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|SEPT|OCT|NOV|DEC)"

# One pass removes every kind of noise; each alternative is anchored on word edges so that
# no merchant name is cut in half.
_NOISE = re.compile(
    "|".join(
        [
            r"\bPAYPAL ?\*|\bPP\*|\bPAYPAL PAYMENT TO\b",
            r"\b(?:CARD PAYMENT|DEBIT CARD PAYMENT|CONTACTLESS PAYMENT|VISA PURCHASE"
            r"|CARD PURCHASE|BILL PAYMENT|DIRECT DEBIT(?: PAYMENT)?|STANDING ORDER"
            r"|FASTER PAYMENTS?(?: RECEIPT)?|PAYMENT|TRANSFER)(?: (?:TO|FROM|AT))?\b",
            r"\bCONTACTLESS\b|\){2,}",
            r"\bWWW\.|\.(?:CO\.UK|ORG\.UK|GOV\.UK|COM|NET|ORG|UK|EU)\b",
            r"\b\d+\.\d\d ?(?:GBP|EUR|USD)\b|\bRATE \d+(?:\.\d+)?(?:/GBP)?",
            rf"\b(?:ON )?\d{{1,2}} {_MONTH}(?: \d{{2,4}})?\b|\b\d{{1,2}}{_MONTH}(?:\d{{2}}){{0,2}}\b",
            r"\b(?:ON )?\d{1,4}[/.-]\d{1,2}[/.-]\d{2,4}\b|\b\d{1,2}:\d{2}(?::\d{2})?\b",
            r"\b(?:CD|CARD|CARD NO)\.? ?\d{4}\b|[X*]{4,}\d{4}\b|\*\d{4}\b",
        ]
    )
)
# Brands that banks print with a space inside a number ("BET 365"): glue them back so the
# trailing-number clean-up below does not eat half the name.
_GLUE = re.compile(r"\bBET 365\b")
_PUNCT = str.maketrans(
    {c: " " for c in "!\"#$%()*+,./:;<=>?@[\\]^_`{|}~-"} | {"'": None, "\u2019": None}
)
# Transaction-type codes banks put around the payee (HSBC "VIS", "DD"; Barclays "FPO").
_TYPE_CODES = frozenset(
    [
        "VIS", "VISA", "DD", "DDR", "STO", "SO", "FPO", "FPI", "BGC", "CPM", "DEB", "TFR",
        "BACS", "BAC", "CHQ", "POS", "SBT",
    ]
)
_TRAILING_ONLY = frozenset(
    [
        "CR", "DR", "ON", "AT", "GB", "GBR", "UK", "IE", "IRL", "US", "USA", "LU", "NL", "DE",
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


def _is_reference(token: str) -> bool:
    """Card numbers, store numbers, phone numbers and order ids carry 4+ digits."""
    digits = 0
    for ch in token:
        if ch.isdigit():
            digits += 1
            if digits >= 4:
                return True
    return False


def tokens(description: str) -> list[str]:
    """Upper-case words of a descriptor without bank noise; towns are kept."""
    text = _NOISE.sub(" ", description.upper()).translate(_PUNCT)
    if "BET 365" in text:
        text = _GLUE.sub("BET365", text)
    words = [w for w in text.split() if w not in _TYPE_CODES and not _is_reference(w)]
    while len(words) > 1 and (words[-1] in _TRAILING_ONLY or words[-1].isdigit()):
        words.pop()
    return words


def _strip_place(words: list[str]) -> list[str]:
    candidates = _places().get(words[-1]) if words else None
    for place in candidates or ():
        n = len(place)
        if len(words) > n and tuple(words[-n:]) == place and words[-n - 1] not in ("OF", "IN"):
            return words[:-n]
    return words


def normalise(description: str) -> str:
    """The descriptor as matching sees it: "CARD PAYMENT TO TESCO STORES 3217 ON 01 SEP"
    becomes "TESCO STORES"."""
    words = _strip_place(tokens(description))
    while len(words) > 1 and (words[-1] in _TRAILING_ONLY or words[-1].isdigit()):
        words.pop()
    return " ".join(words)


def payee_key(description: str) -> str:
    """A stable key for "the same payee" across statements, used to remember categories.

    Drops a payment reference ("REF ..."), company suffixes and leading "THE".
    """
    words = normalise(description).split()
    for marker in ("REF", "REFERENCE"):
        if marker in words[1:]:
            words = words[: words.index(marker, 1)]
    kept = [w for w in words if w not in _COMPANY_WORDS]
    return " ".join(kept or words)
