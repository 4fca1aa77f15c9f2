"""Keyset pagination with opaque cursors and an RFC 8288 ``Link: rel="next"`` header."""

from __future__ import annotations

import base64
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Depends, Query, Request, Response
from pydantic import BaseModel, Field
from sqlalchemy import Select
from sqlalchemy.orm import InstrumentedAttribute, Session

from service.core.errors import BadRequest, field_error

T = TypeVar("T")
MAX_LIMIT = 200
MAX_CURSOR_ID = 2**63 - 1


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None = Field(
        description="Pass as ?cursor= to get the next page; null on the last page."
    )


class PageParams(BaseModel):
    cursor: str | None = None
    limit: int = 50


async def page_params(
    cursor: Annotated[str | None, Query(description="Opaque cursor from the previous page.")] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Items per page.")] = 50,
) -> PageParams:
    return PageParams(cursor=cursor, limit=limit)


def encode_cursor(last_id: int) -> str:
    return base64.urlsafe_b64encode(f"id:{last_id}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        kind, _, value = base64.urlsafe_b64decode(padded).decode().partition(":")
        last_id = int(value)
        if kind != "id" or not 0 <= last_id <= MAX_CURSOR_ID:
            raise ValueError(kind)
        return last_id
    except (ValueError, UnicodeDecodeError) as exc:
        raise BadRequest(
            "That cursor is not one we gave out.",
            errors=[field_error("cursor", "not a cursor from a previous page")],
        ) from exc


def paginate(
    session: Session,
    stmt: Select[Any],
    id_column: InstrumentedAttribute[int],
    params: PageParams,
    request: Request,
    response: Response,
) -> tuple[Sequence[Any], str | None]:
    if params.cursor:
        stmt = stmt.where(id_column > decode_cursor(params.cursor))
    rows = session.scalars(stmt.order_by(id_column).limit(params.limit + 1)).all()
    next_cursor = None
    if len(rows) > params.limit:
        rows = rows[: params.limit]
        next_cursor = encode_cursor(rows[-1].id)
        url = request.url.include_query_params(cursor=next_cursor, limit=params.limit)
        response.headers["Link"] = f'<{url}>; rel="next"'
    return rows, next_cursor


@dataclass
class Pager:
    """The page a list request asked for, and where to put the ``Link`` header."""

    params: PageParams
    request: Request
    response: Response

    def page(self, session: Session, stmt: Select[Any], id_column: InstrumentedAttribute[int],
             convert: Callable[[Any], T]) -> Page[T]:
        return self.page_all(session, stmt, id_column, lambda rows: [convert(r) for r in rows])

    def page_all(self, session: Session, stmt: Select[Any], id_column: InstrumentedAttribute[int],
                 convert_all: Callable[[Sequence[Any]], list[T]]) -> Page[T]:
        rows, cursor = paginate(session, stmt, id_column, self.params, self.request, self.response)
        return Page(items=convert_all(rows), next_cursor=cursor)


async def pager(
    request: Request, response: Response,
    cursor: Annotated[str | None, Query(description="Opaque cursor from the previous page.")] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Items per page.")] = 50,
) -> Pager:
    """``page_params`` and where to put the ``Link`` header, as one dependency."""
    return Pager(PageParams(cursor=cursor, limit=limit), request, response)


PagerDep = Annotated[Pager, Depends(pager)]
