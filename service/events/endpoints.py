"""The event log, read-only. No endpoint edits or deletes an event."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from service.core.deps import CtxDep, UnitOfWorkRoute
from service.core.events import internal_note_event, readable
from service.core.ids import IdQuery
from service.core.pagination import Page, PagerDep
from service.core.principal import STAFF, visible_recipient_ids
from service.core.schemas import Out
from service.models import Event

router = APIRouter(prefix="/v1", tags=["events"], route_class=UnitOfWorkRoute)


class EventOut(Out):
    id: int
    at: datetime
    actor_user_id: int | None
    actor_key_id: int | None
    action: str
    subject_type: str
    subject_id: str
    recipient_id: int | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    request_id: str | None
    erased: bool = Field(default=False, description=(
        "The person this event is about was erased when their retention ended: its personal "
        "values (names, references, free text) read as null; ids, dates and amounts remain."))


def events_out(session: Session, events: Sequence[Event]) -> list[EventOut]:
    return [EventOut(id=r.event.id, at=r.event.at, actor_user_id=r.event.actor_user_id,
                     actor_key_id=r.event.actor_key_id, action=r.event.action,
                     subject_type=r.event.subject_type, subject_id=r.event.subject_id,
                     recipient_id=r.event.recipient_id, before=r.before, after=r.after,
                     request_id=r.event.request_id, erased=r.erased)
            for r in readable(session, events)]


@router.get("/events", summary="Read the log of changes and decisions you can see",
            description="The append-only log of every create, update and decision: who, what, when, with "
                        "the before and after values. Filter by person, or by subject (its kind and id); "
                        "nothing here can be edited or deleted.")
def list_events(
    ctx: CtxDep,
    pager: PagerDep,
    recipient_id: IdQuery = None,
    subject_type: Annotated[str | None, Query(max_length=32, pattern=r"^[a-z_]+$")] = None,
    subject_id: Annotated[str | None, Query(max_length=64, pattern=r"^[0-9]+$")] = None,
) -> Page[EventOut]:
    # a provider reads back what it sent through its own routes; the log of a person's
    # changes and decisions (their details, plans, audits) is not its to read
    ctx.principal.require(*STAFF, "holder")
    stmt = select(Event).where(Event.council_id == ctx.principal.council_id)
    if not ctx.principal.council_wide:
        stmt = stmt.where(Event.recipient_id.in_(visible_recipient_ids(ctx.principal)))
    if ctx.principal.role == "holder":
        stmt = stmt.where(~internal_note_event())
    if recipient_id is not None:
        stmt = stmt.where(Event.recipient_id == recipient_id)
    if subject_type is not None:
        stmt = stmt.where(Event.subject_type == subject_type)
    if subject_id is not None:
        stmt = stmt.where(Event.subject_id == subject_id)
    return pager.page_all(ctx.session, stmt, Event.id, lambda rows: events_out(ctx.session, rows))
