"""Pages for council officers and admins: the people, their audits, and flags."""

from __future__ import annotations

from fastapi import APIRouter

from service.core.deps import UnitOfWorkRoute
from service.web.officer import audit, flags, people, runs

router = APIRouter(include_in_schema=False, route_class=UnitOfWorkRoute)
for part in (people.router, audit.router, flags.router, runs.router):
    router.include_router(part)
