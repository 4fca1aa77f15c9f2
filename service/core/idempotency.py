"""``Idempotency-Key`` on creating POSTs (draft-ietf-httpapi-idempotency-key-header).

Policy (published in the OpenAPI description): keys are scoped to the calling user and the
method and path; they are kept 24 hours. The same key with the same request replays the first
response; with a different request it is refused (422); while the first request is still
running it is refused (409). The response is stored in the same transaction as the effect, so
a key is either unused or bound to a committed result: a retry never creates a second row.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from datetime import timedelta
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Request
from pydantic import BaseModel
from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from service.core.db import get_engine
from service.core.deps import CtxDep
from service.core.errors import BadRequest, Conflict, Unprocessable, field_error
from service.core.types import utcnow
from service.models import IdempotencyKey

HEADER = "Idempotency-Key"
KEEP_FOR = timedelta(hours=24)
# a claim still "running" after this long never committed (the result is stored atomically)
ABANDONED_AFTER = timedelta(minutes=10)

M = TypeVar("M", bound=BaseModel)


class Replay(Exception):
    """The request was already done with this key: send the stored response again."""

    def __init__(self, status_code: int, body: Any) -> None:
        super().__init__(status_code)
        self.status_code = status_code
        self.body = body


async def request_fingerprint(request: Request) -> str:
    """A hash of what was asked: method, path, query and the parsed body."""
    digest = hashlib.sha256(f"{request.method} {request.url.path}?{request.url.query}".encode())
    content_type = request.headers.get("content-type", "")
    if content_type.startswith(("multipart/form-data", "application/x-www-form-urlencoded")):
        form = await request.form()
        for name, value in sorted(form.multi_items(), key=lambda item: item[0]):
            digest.update(name.encode())
            if isinstance(value, str):
                digest.update(value.encode())
            else:
                digest.update(hashlib.sha256(await value.read()).digest())
                await value.seek(0)
    else:
        body = await request.body()
        try:
            digest.update(json.dumps(json.loads(body or b"null"), sort_keys=True).encode())
        except ValueError:
            digest.update(body)
    return digest.hexdigest()


class Idempotency:
    def __init__(self, ctx: Any, claim_id: int | None) -> None:
        self._ctx = ctx
        self._claim_id = claim_id

    def respond(self, model: M, status_code: int = 201) -> M:
        """Bind the key to this response, in the same transaction as the effect."""
        if self._claim_id is not None:
            self._ctx.session.execute(
                update(IdempotencyKey)
                .where(IdempotencyKey.id == self._claim_id)
                .values(state="done", status_code=status_code, response=model.model_dump(mode="json"))
            )
        return model


def _claim(user_id: int, scope: str, key: str, fingerprint: str) -> int:
    """Claim the key in its own short transaction, so a parallel retry sees it at once."""
    now = utcnow()
    with get_engine().begin() as conn:
        existing = conn.execute(
            select(IdempotencyKey).where(
                IdempotencyKey.user_id == user_id,
                IdempotencyKey.scope == scope,
                IdempotencyKey.key == key,
            )
        ).first()
        if existing is not None:
            _check_existing(conn, existing, fingerprint, now)
        try:
            return int(
                conn.execute(
                    insert(IdempotencyKey)
                    .values(user_id=user_id, scope=scope, key=key, request_hash=fingerprint,
                            state="running", created_at=now)
                    .returning(IdempotencyKey.id)
                ).scalar_one()
            )
        except IntegrityError as exc:
            raise Conflict("A request with this Idempotency-Key is still being processed.") from exc


def _check_existing(conn: Any, row: Any, fingerprint: str, now: Any) -> None:
    created_at = row.created_at if row.created_at.tzinfo else row.created_at.replace(tzinfo=now.tzinfo)
    expired = now - created_at > KEEP_FOR
    abandoned = row.state == "running" and now - created_at > ABANDONED_AFTER
    if expired or abandoned:
        conn.execute(delete(IdempotencyKey).where(IdempotencyKey.id == row.id))
        return
    if row.state == "running":
        raise Conflict("A request with this Idempotency-Key is still being processed.")
    if row.request_hash != fingerprint:
        raise Unprocessable(
            "This Idempotency-Key was already used with a different request.",
            errors=[field_error("Idempotency-Key", "reused with a different request body")],
        )
    raise Replay(row.status_code, row.response)


def _release(claim_id: int) -> None:
    with get_engine().begin() as conn:
        conn.execute(delete(IdempotencyKey).where(IdempotencyKey.id == claim_id))


def idempotency(
    request: Request,
    ctx: CtxDep,
    fingerprint: Annotated[str, Depends(request_fingerprint)],
) -> Iterator[Idempotency]:
    key = request.headers.get(HEADER)
    if key is None:
        yield Idempotency(ctx, None)
        return
    key = key.strip().strip('"')
    if not key or len(key) > 255:
        raise BadRequest(
            "An Idempotency-Key must be 1 to 255 characters.",
            errors=[field_error(HEADER, "must be 1 to 255 characters")],
        )
    # end the read transaction first: on SQLite a second connection is about to write
    ctx.session.commit()
    claim_id = _claim(ctx.principal.user_id, f"{request.method} {request.url.path}", key, fingerprint)
    try:
        yield Idempotency(ctx, claim_id)
        ctx.session.flush()  # surface constraint errors while the claim can still be released
    except BaseException:
        ctx.session.rollback()
        _release(claim_id)
        raise


IdempotencyDep = Annotated[Idempotency, Depends(idempotency, scope="function")]


