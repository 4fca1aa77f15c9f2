"""Pages for council officers and admins: people, audits, flags."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from service.core.scope import scoped_select
from service.models import Recipient
from service.web.page import StaffPage
from service.web.render import render

router = APIRouter(include_in_schema=False)


@router.get("/people")
def people_page(page: StaffPage) -> Response:
    people = page.db.scalars(scoped_select(page.ctx, Recipient).order_by(Recipient.name)).all()
    return render(page.request, "officer/people.html.j2", people=people)
