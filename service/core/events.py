"""The append-only event log: every create, update and decision, with before and after."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import inspect

from service.models import Event

if TYPE_CHECKING:
    from service.core.deps import Ctx

# columns that never belong in the log
_SECRET_COLUMNS = frozenset({"secret_hash", "data"})


def _jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, bytes):
        return None
    return value


def snapshot(obj: Any) -> dict[str, Any]:
    """The object's column values as JSON-ready data (money as decimal strings)."""
    mapper = inspect(obj).mapper
    return {
        attr.key: _jsonable(getattr(obj, attr.key))
        for attr in mapper.column_attrs
        if attr.key not in _SECRET_COLUMNS
    }


def record(
    ctx: Ctx,
    action: str,
    obj: Any,
    *,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    recipient_id: int | None = None,
) -> Event:
    """Append an event about ``obj``. ``after`` defaults to the object's current state."""
    ctx.session.flush()
    event = Event(
        council_id=getattr(obj, "council_id", None) or ctx.principal.council_id,
        recipient_id=recipient_id if recipient_id is not None else _recipient_of(obj),
        actor_user_id=ctx.principal.user_id or None,
        actor_key_id=ctx.principal.key_id,
        action=action,
        subject_type=type(obj).__tablename__,
        subject_id=str(inspect(obj).identity[0] if inspect(obj).identity else ""),
        before=before,
        after=after if after is not None else snapshot(obj),
        request_id=ctx.request_id,
    )
    ctx.session.add(event)
    return event


def _recipient_of(obj: Any) -> int | None:
    if type(obj).__tablename__ == "recipients":
        return int(obj.id)
    return getattr(obj, "recipient_id", None)
