"""The holder's home: for each person they hold the direct payment for, the money now, what
it is for, and the things we have asked."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi.responses import Response

from service.models import Recipient
from service.web.holder.asks import Ask, asks_for, waiting
from service.web.holder.figures import Balance, PlanPeriod, accounts_of, balances, plan_this_period
from service.web.holder.routes import people_of
from service.web.page import Page
from service.web.render import render


@dataclass(frozen=True, slots=True)
class PersonView:
    recipient: Recipient
    balances: list[Balance]
    plan: PlanPeriod | None
    asks: list[Ask]
    waiting: int


def person_view(page: Page, recipient: Recipient) -> PersonView:
    money = balances(page.ctx, accounts_of(page.ctx, recipient))
    known = [b.on for b in money if b.on is not None]
    asks = asks_for(page.ctx, recipient)
    return PersonView(recipient, money, plan_this_period(page.ctx, recipient, max(known, default=None)),
                      asks, waiting(asks))


def home_page(page: Page) -> Response:
    people = [person_view(page, recipient) for recipient in people_of(page)]
    return render(page.request, "holder/home.html.j2", people=people)
