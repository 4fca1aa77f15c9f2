"""``/``: the officer's work queue, or the holder's own page."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from service.core.deps import UnitOfWorkRoute
from service.web.holder.home import home_page
from service.web.officer.queue import queue_page
from service.web.page import PageDep

router = APIRouter(include_in_schema=False, route_class=UnitOfWorkRoute)


@router.get("/")
def home(page: PageDep) -> Response:
    return queue_page(page) if page.is_staff else home_page(page)
