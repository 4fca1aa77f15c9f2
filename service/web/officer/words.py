"""What the officer pages share: a flag with the line behind it, and service errors in words."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from service.core.errors import DpauditError
from service.models import Account, Audit, Flag, Transaction, User
from service.models.live import live
from service.rules.ruleset import load_default_rules
from service.web.page import Page, PageNotFound

SEVERITY_WORDS = {"unlawful": "Unlawful", "harmful": "Harmful", "local_policy": "Local policy",
                  "info": "For information"}
STATUS_COLOURS = {"open": "orange", "cleared": "green", "upheld": "red"}


@dataclass(frozen=True, slots=True)
class FlagRow:
    """A flag as the pages show it: its rule's title, the statement line behind it, and the
    audit it belongs to (an open one covering its date, else the latest that covers it)."""

    flag: Flag
    title: str
    line: Transaction | None
    account: str
    audit: Audit | None
    decided_by: str

    @property
    def severity(self) -> str:
        return SEVERITY_WORDS.get(self.flag.severity, self.flag.severity)

    @property
    def colour(self) -> str:
        return STATUS_COLOURS.get(self.flag.status, "grey")


def page_id(text: str) -> int:
    """An id from a page's address or form; anything that is not one is a page not found."""
    if not text.isdigit() or not 0 < int(text) < 2**31:
        raise PageNotFound()
    return int(text)


def rule_titles() -> dict[str, str]:
    return {rule_id: rule.title for rule_id, rule in load_default_rules().rules.items()}


def flag_rows(page: Page, flags: Sequence[Flag], audits: Sequence[Audit]) -> list[FlagRow]:
    titles = rule_titles()
    lines = {t.id: t for t in page.db.scalars(select(Transaction).where(
        Transaction.id.in_([f.transaction_id for f in flags if f.transaction_id]), live(Transaction)))}
    accounts = dict(page.db.execute(select(Account.id, Account.reference).where(
        Account.id.in_([t.account_id for t in lines.values()]))).all())
    deciders = dict(page.db.execute(select(User.id, User.name).where(
        User.id.in_([f.decided_by_id for f in flags if f.decided_by_id]))).all())
    rows = []
    for flag in flags:
        line = lines.get(flag.transaction_id or 0)
        rows.append(FlagRow(flag, titles.get(flag.rule_id, flag.rule_id), line,
                            accounts.get(line.account_id, "") if line else "",
                            audit_for(flag, audits), deciders.get(flag.decided_by_id or 0, "")))
    return rows


def audit_for(flag: Flag, audits: Sequence[Audit]) -> Audit | None:
    """The audit to decide a flag in: an open audit of the person that reaches its date."""
    mine = [a for a in audits if a.recipient_id == flag.recipient_id]
    day = flag.occurred_on
    reaching = [a for a in mine if day is None or day <= a.period_end]
    open_ones = [a for a in reaching if a.status == "open"]
    covering = [a for a in reaching if day is None or a.period_start <= day]
    found = open_ones or covering
    return max(found, key=lambda a: (a.status == "open", a.period_end, a.id)) if found else None


def problem_words(exc: DpauditError) -> str:
    """A service refusal as one sentence for a person: its detail, never its pointers."""
    return re.sub(r"\s*POST /v1/\S+", "", exc.detail).strip()


def missing_words(missing: Sequence[dict[str, Any]], titles: dict[int, str]) -> list[tuple[str, str]]:
    """What ``still_missing`` names, as (anchor, sentence) for an error summary or a list."""
    words = []
    for entry in missing:
        if entry.get("field") == "flags":
            found = re.search(r"flag (\d+)", str(entry.get("reason", "")))
            flag_id = int(found.group(1)) if found else 0
            title = titles.get(flag_id, "A flag")
            words.append((f"flag-{flag_id}" if flag_id else "flags",
                          f"{title} (flag {flag_id}) is still open: clear it, uphold it, or carry "
                          "it to the next audit with a reason"))
        elif entry.get("field") == "decision":
            words.append(("outcome", "Record a decision about the money, with a reason"))
        else:
            words.append(("close", str(entry.get("reason", "Something is still missing"))))
    return words
