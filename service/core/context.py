"""The caller's context for services: the unit of work, who acts, and the request it serves.

It lives apart from ``service.core.deps`` (which builds it for a request, with FastAPI) so
that the command line and job workers can act through the same services without loading
the web framework.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from service.core.principal import Principal


@dataclass(frozen=True, slots=True)
class Ctx:
    """Everything a service needs to act for the caller and record what it did."""

    session: Session
    principal: Principal
    request_id: str | None


def system_ctx(session: Session, council_id: int) -> Ctx:
    """Acting as the council's system administrator (events record no user)."""
    from service.core.principal import Principal

    return Ctx(session, Principal(0, council_id, "admin", None, None), None)
