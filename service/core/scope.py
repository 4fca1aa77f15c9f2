"""Load-or-404 and list queries that only ever see what the caller may see."""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import Select, select

from service.core.deps import Ctx
from service.core.errors import NotFound
from service.core.principal import visible_recipient_ids
from service.models import Recipient

T = TypeVar("T")


def _recipient_column(model: Any) -> Any:
    return model.id if model is Recipient else model.recipient_id


def scoped_select(ctx: Ctx, model: type[T]) -> Select[T]:
    """``SELECT model`` limited to the caller's council and, for holders and providers, people."""
    m: Any = model
    stmt = select(model).where(m.council_id == ctx.principal.council_id)
    if not ctx.principal.council_wide:
        stmt = stmt.where(_recipient_column(model).in_(visible_recipient_ids(ctx.principal)))
    return stmt


def load(ctx: Ctx, model: type[T], object_id: int, what: str | None = None) -> T:
    """The object if the caller may see it; otherwise 404, whether or not it exists."""
    m: Any = model
    obj: T | None = ctx.session.scalars(scoped_select(ctx, model).where(m.id == object_id)).first()
    if obj is None:
        name = what or model.__name__.lower()
        raise NotFound(f"There is no {name} {object_id} that you can see.")
    return obj
