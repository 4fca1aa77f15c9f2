"""Matching payments to workers by name, and who the law says a direct payment cannot pay.

Bank lines show a payee as "J SMITH", "SMITH JANE", "MS J SMITH" or "JANE SMITH WAGES";
we match on whole words and initials, never on substrings.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import lru_cache

from service.rules.model import Worker

# Regulation 3 of the Direct Payments Regulations 2014 [S5, S6, S7].
PARTNERS = frozenset({"spouse", "civil_partner", "partner"})
CLOSE_RELATIVES = frozenset(
    {
        "parent", "parent_in_law", "child", "child_in_law", "step_child", "sibling",
        "aunt", "uncle", "grandparent", "relative_partner",
    }
)

_SYNONYMS = {
    "wife": "spouse", "husband": "spouse", "spouse": "spouse", "civil partner": "civil_partner",
    "partner": "partner", "cohabitee": "partner", "boyfriend": "partner",
    "girlfriend": "partner", "fiance": "partner", "fiancee": "partner",
    "living as spouse": "partner",
    "mother": "parent", "father": "parent", "mum": "parent", "dad": "parent",
    "parent": "parent",
    "mother in law": "parent_in_law", "father in law": "parent_in_law",
    "parent in law": "parent_in_law",
    "son": "child", "daughter": "child", "child": "child",
    "son in law": "child_in_law", "daughter in law": "child_in_law",
    "child in law": "child_in_law",
    "stepson": "step_child", "stepdaughter": "step_child", "step son": "step_child",
    "step daughter": "step_child", "step child": "step_child", "stepchild": "step_child",
    "brother": "sibling", "sister": "sibling", "sibling": "sibling",
    "aunt": "aunt", "auntie": "aunt", "aunty": "aunt", "uncle": "uncle",
    "grandmother": "grandparent", "grandfather": "grandparent", "grandma": "grandparent",
    "grandad": "grandparent", "granddad": "grandparent", "nan": "grandparent",
    "grandparent": "grandparent",
    "relative partner": "relative_partner", "partner of relative": "relative_partner",
    "relatives partner": "relative_partner", "relative spouse": "relative_partner",
}
_WAGE_WORDS = frozenset({"WAGES", "WAGE", "SALARY", "PAY", "MR", "MRS", "MS", "MISS", "DR"})


def relationship_code(text: str | None) -> str | None:
    """A fixed code for free-text relationships ("Mother-in-law" -> "parent_in_law").

    Unknown words give None: we never guess a relationship into a flag.
    """
    if not text:
        return None
    key = " ".join(text.lower().replace("-", " ").replace("_", " ").replace("'", "").split())
    return _SYNONYMS.get(key)


def is_barred(worker: Worker) -> bool:
    """True when regulation 3 stops a direct payment paying this worker."""
    if worker.necessary_decision:
        return False
    code = relationship_code(worker.relationship)
    if code in PARTNERS:
        return True
    return code in CLOSE_RELATIVES and worker.lives_in_household


@lru_cache(maxsize=4096)
def _name_words(name: str) -> tuple[str, ...]:
    cleaned = name.upper().replace("-", " ").replace("'", "").replace(".", " ")
    return tuple(w for w in cleaned.split() if w not in _WAGE_WORDS)


def _score(name: str, words: set[str]) -> int:
    """3: every word of the name appears; 2: initial and surname; 0: no match."""
    parts = _name_words(name)
    if len(parts) < 2:
        return 3 if parts and len(parts[0]) > 2 and parts[0] in words else 0
    first, last = parts[0], parts[-1]
    if all(p in words for p in parts):
        return 3
    if (last in words and first[0] in words) or f"{first[0]}{last}" in words:
        return 2
    return 0


_last_index: list[tuple[tuple[Worker, ...], frozenset[str]]] = []


def _surnames(workers: tuple[Worker, ...]) -> frozenset[str]:
    """Words any match needs (surnames, "JSMITH" forms, one-word names), kept for the
    last worker list seen: classification asks for the same list on every line."""
    if _last_index and _last_index[0][0] is workers:
        return _last_index[0][1]
    needed: set[str] = set()
    for worker in workers:
        for name in (worker.name, *worker.aliases):
            parts = _name_words(name)
            if parts:
                needed.update((parts[-1], f"{parts[0][0]}{parts[-1]}"))
    index = frozenset(needed)
    _last_index[:] = [(workers, index)]
    return index


def match_worker(words: Sequence[str], workers: Iterable[Worker]) -> tuple[Worker | None, int]:
    """The worker a payee names, and how many workers tied for the best match.

    Returns (worker, 1) for one clear match, (None, n>1) when several fit equally
    (two relatives sharing initial and surname), and (None, 0) when none fits.
    """
    present = set(words)
    workers = tuple(workers)
    if present.isdisjoint(_surnames(workers)):
        return None, 0  # the usual case: no worker's surname is on the line at all
    best, tied, top = None, 0, 0
    for worker in workers:
        score = max(_score(n, present) for n in (worker.name, *worker.aliases))
        if score > top:
            best, tied, top = worker, 1, score
        elif score and score == top and worker is not best:
            tied += 1
    return (best, 1) if tied == 1 else (None, tied)
