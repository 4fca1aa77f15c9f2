"""The append-only event log: every create, update and decision, with before and after.

An event row keeps only what names nobody: ids, dates, amounts, codes and statuses. Every
other value (names, references, free text, file names, evidence) is moved, as the event is
written, into ``event_personal_values``, tied to the person it is about. Erasing a person
deletes those rows, so the log stays append-only and the person becomes unreadable in it.
Each event row lists the keys it kept apart under ``"_personal"``; a reader puts them back
(:func:`readable`), or shows them as erased.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from weakref import WeakSet

from sqlalchemy import ColumnElement, String, cast, inspect, select
from sqlalchemy import event as sa_event
from sqlalchemy.orm import Session

from service.models import Event, EventPersonal, Note

if TYPE_CHECKING:
    from service.core.deps import Ctx

# columns that never belong in the log
_SECRET_COLUMNS = frozenset({"secret_hash", "data"})


def jsonable(value: Any) -> Any:
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
        attr.key: jsonable(getattr(obj, attr.key))
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


# --- personal values kept apart --------------------------------------------------------------

PERSONAL_MARK = "_personal"

# values that name nobody: codes, statuses, amounts and counts (dates and ids go by their key's
# ending). Any key not known here is treated as personal, so a new column is safe by default.
_PLAIN_KEYS = frozenset({
    "id", "status", "kind", "category", "tier", "severity", "rule_id", "rule_version", "role",
    "period", "amount_basis", "funding_model", "frequency", "age_band", "reason", "end_reason",
    "review", "dedup_rule", "format", "sha256", "size", "mcc", "period_evidence", "outcome",
    "amount", "balance", "gross", "paye", "employee_ni", "employer_ni", "employee_pension",
    "employer_pension", "net", "hours", "woken_hours", "rate", "hourly_rate",
    "planned_hours_per_week", "actual_budget", "indicative_budget", "council_amount",
    "contribution_amount", "proposed_recovery", "agreed_recovery", "opening_balance",
    "closing_balance", "contingency_weeks", "first_review_weeks", "review_interval_months",
    "retention_years", "version", "position", "occurrence", "source_line", "source_row",
    "start_time", "end_time", "frozen_digest", "active", "internal", "recovery_held",
})
_PERSONAL_KEYS = frozenset({"date_of_birth"})
_PLAIN_ENDINGS = ("_id", "_on", "_at", "_date", "_start", "_end", "_of")


def is_plain(key: str, value: Any) -> bool:
    """Whether ``key: value`` can stay in the immutable event row."""
    if key in _PERSONAL_KEYS:
        return value is None
    if value is None or isinstance(value, bool | int):
        return True
    if key in _PLAIN_KEYS:
        return not isinstance(value, dict | list)
    return key.endswith(_PLAIN_ENDINGS) and isinstance(value, str | int)


def split(values: dict[str, Any] | None) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """``values`` as (what the event row keeps, what is kept apart), or None for an empty part."""
    if values is None:
        return None, None
    plain = {k: v for k, v in values.items() if is_plain(k, v)}
    personal = {k: v for k, v in values.items() if not is_plain(k, v)}
    if personal:
        plain[PERSONAL_MARK] = sorted(personal)
    return plain, personal or None


_split_events: WeakSet[Event] = WeakSet()


@sa_event.listens_for(Session, "before_flush")
def _keep_personal_values_apart(session: Session, _context: Any, _instances: Any) -> None:
    for obj in list(session.new):
        if isinstance(obj, Event) and obj not in _split_events:
            _split_events.add(obj)
            kept = _kept_apart(obj)
            if kept is not None:
                session.add(kept)


def _kept_apart(evt: Event) -> EventPersonal | None:
    evt.before, before = split(evt.before)
    evt.after, after = split(evt.after)
    if before is None and after is None:
        return None
    user_id = int(evt.subject_id) if evt.subject_type == "users" and evt.subject_id.isdigit() else None
    return EventPersonal(event=evt, recipient_id=evt.recipient_id, user_id=user_id,
                         before=before, after=after)


@dataclass(frozen=True, slots=True)
class Readable:
    """An event as a reader sees it: its personal values back in place, or erased."""

    event: Event
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    erased: bool


def readable(session: Session, events: Sequence[Event]) -> list[Readable]:
    """``events`` with their personal values put back (None where erased)."""
    ids = [e.id for e in events if _marked(e.before) or _marked(e.after)]
    kept = {p.event_id: p for p in session.scalars(
        select(EventPersonal).where(EventPersonal.event_id.in_(ids)))} if ids else {}
    out = []
    for e in events:
        personal = kept.get(e.id)
        erased = e.id in ids and personal is None
        out.append(Readable(e, _merged(e.before, personal.before if personal else None),
                            _merged(e.after, personal.after if personal else None), erased))
    return out


def _marked(values: dict[str, Any] | None) -> bool:
    return bool(values and PERSONAL_MARK in values)


def _merged(plain: dict[str, Any] | None, personal: dict[str, Any] | None) -> dict[str, Any] | None:
    if plain is None:
        return None
    merged = {k: v for k, v in plain.items() if k != PERSONAL_MARK}
    for key in plain.get(PERSONAL_MARK, []):
        merged[key] = (personal or {}).get(key)
    return merged


def internal_note_event(recipient_id: int | None = None) -> ColumnElement[bool]:
    """Events about officers' internal notes, which a holder never sees."""
    internal = select(cast(Note.id, String)).where(Note.internal.is_(True))
    if recipient_id is not None:
        internal = internal.where(Note.recipient_id == recipient_id)
    return (Event.subject_type == Note.__tablename__) & Event.subject_id.in_(internal)
