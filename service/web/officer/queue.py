"""The officer's work queue: due and open audits, riskiest first, with the action each needs.

The queue is ``service.audits.service.due`` exactly as ``GET /v1/audits/due`` reads it; the
filters only narrow what it returns, so the order stays the service's.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from fastapi.responses import Response
from sqlalchemy import select

from service.audits import service as audits
from service.core.types import today_uk
from service.models import Flag
from service.review import service as review
from service.web.page import Page
from service.web.render import render

ACTION_WORDS = {
    "decide_flags": "Decide the flags",
    "agree_recovery": "Agree the recovery",
    "waiting_for_person": "Waiting for the person",
    "ready_to_close": "Ready to close",
    "start_review": "Start a review",
}
TIER_COLOURS = {"light": "green", "standard": "yellow", "full": "red"}
TIERS = ("light", "standard", "full")


@dataclass(frozen=True, slots=True)
class Filters:
    tier: str = ""
    rule: str = ""
    status: str = ""

    @classmethod
    def read(cls, page: Page, rule_ids: set[str]) -> Filters:
        """Only known values count: anything else in the address shows everything."""
        params = page.request.query_params
        tier, rule, status = (params.get(name, "") for name in ("tier", "rule", "status"))
        return cls(tier if tier in TIERS else "", rule if rule in rule_ids else "",
                   status if status in ACTION_WORDS else "")

    def keeps(self, item: audits.Due, rules_open: set[str]) -> bool:
        return ((not self.tier or item.tier == self.tier)
                and (not self.status or item.action == self.status)
                and (not self.rule or self.rule in rules_open))


def open_rules_by_person(page: Page) -> dict[int, set[str]]:
    """The rules each person has an open flag for, in one query."""
    found: dict[int, set[str]] = defaultdict(set)
    rows = page.db.execute(select(Flag.recipient_id, Flag.rule_id).where(
        Flag.council_id == page.council.id, Flag.status == "open"))
    for recipient_id, rule_id in rows:
        found[recipient_id].add(rule_id)
    return found


def rule_options(page: Page) -> list[tuple[str, str]]:
    """The council's rules in force, as (id, title)."""
    return [(rule.id, rule.title) for rule in review.rules_out(review.council_of(page.ctx)).rules]


def queue_page(page: Page) -> Response:
    rules = rule_options(page)
    filters = Filters.read(page, {rule_id for rule_id, _ in rules})
    day = today_uk()
    everything = audits.due(page.ctx, day)
    open_rules = open_rules_by_person(page)
    shown = [item for item in everything if filters.keeps(item, open_rules[item.recipient.id])]
    return render(page.request, "officer/queue.html.j2", queue=shown, total=len(everything),
                  filters=filters, day=day, action_words=ACTION_WORDS, tier_colours=TIER_COLOURS,
                  tier_options=[("", "Any tier"), *((t, t.capitalize()) for t in TIERS)],
                  rule_options=[("", "Any rule"), *rules],
                  status_options=[("", "Any action"), *ACTION_WORDS.items()])
