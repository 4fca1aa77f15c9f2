"""``Idempotency-Key`` on creating POSTs (draft-ietf-httpapi-idempotency-key-header).

Policy (published in the OpenAPI description): keys are scoped to the calling user and the
method and path; they are kept 24 hours. The same key with the same request replays the first
response; with a different request it is refused (422); while the first request is still
running it is refused (409). The response is stored in the same transaction as the effect, so
a key is either unused or bound to a committed result: a retry never creates a second row.

A running request holds its key by a lease, not a lock. The key is claimed in its own short
committed transaction (so a parallel retry sees it at once) with a random lease token and an
expiry ``DPAUDIT_IDEMPOTENCY_LEASE_SECONDS`` ahead; a background thread renews the expiry every
third of that while the request runs, so a long upload is never run twice. When the worker
dies the renewals stop and the lease lapses; the next retry then takes the claim over (a
conditional update, so only one retry can) and runs once. Binding the response checks the
token in the effect's own transaction: a request whose lease was taken over can never commit,
so even a worker that was only frozen, not dead, cannot add a second effect.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import secrets
import threading
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Request
from pydantic import BaseModel
from sqlalchemy import ColumnElement, and_, delete, insert, or_, select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from service.core.config import get_settings
from service.core.db import get_engine
from service.core.deps import CtxDep
from service.core.errors import BadRequest, Conflict, Unprocessable, field_error
from service.core.types import utcnow
from service.models import IdempotencyKey

HEADER = "Idempotency-Key"
KEEP_FOR = timedelta(hours=24)
# claims made before leases existed carry none: they lapse this long after they were made
ABANDONED_AFTER = timedelta(minutes=10)
RENEWALS_PER_LEASE = 3
CLAIM_ATTEMPTS = 3
# test-only: the path of a file the request creates once its effect is written, then waits
# while it exists (honoured only when DPAUDIT_ENV=test), so a test can kill the worker there
PAUSE_ENV = "DPAUDIT_TEST_IDEMPOTENCY_PAUSE_FILE"
PAUSE_AT_MOST = 120.0

STILL_RUNNING = "A request with this Idempotency-Key is still being processed."

log = logging.getLogger(__name__)

M = TypeVar("M", bound=BaseModel)


class Replay(Exception):
    """The request was already done with this key: send the stored response again."""

    def __init__(self, status_code: int, body: Any) -> None:
        super().__init__(status_code)
        self.status_code = status_code
        self.body = body


def lease_length() -> timedelta:
    return timedelta(seconds=get_settings().idempotency_lease_seconds)


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


class Lease:
    """This request's hold on a claimed key, renewed by a daemon thread until stopped.

    Renewals never wait for the request and the request never waits for them: ``stop`` only
    sets an event. A renewal already under way when the response is bound may block on the
    row (PostgreSQL) until the request commits; it then finds the claim done and changes
    nothing, because every renewal is conditional on the token and the ``running`` state.
    """

    def __init__(self, claim_id: int, token: str, length: timedelta) -> None:
        self.claim_id = claim_id
        self.token = token
        self.length = length
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"idempotency-lease-{claim_id}",
                                        daemon=True)

    def start(self) -> Lease:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()

    def _run(self) -> None:
        interval = self.length.total_seconds() / RENEWALS_PER_LEASE
        while not self._stop.wait(interval):
            try:
                renewed = renew(self.claim_id, self.token, self.length)
            except SQLAlchemyError:  # the database is busy or away: try again next time
                log.warning("could not renew an idempotency lease",
                            extra={"idempotency_claim_id": self.claim_id})
                continue
            if not renewed:  # done, released, or (after a long stall) taken over by a retry
                return


def renew(claim_id: int, token: str, length: timedelta) -> bool:
    """Push the lease's expiry on, if this token still holds the running claim."""
    with get_engine().begin() as conn:
        result = conn.execute(
            update(IdempotencyKey)
            .where(IdempotencyKey.id == claim_id, IdempotencyKey.lease_token == token,
                   IdempotencyKey.state == "running")
            .values(lease_expires_at=utcnow() + length)
        )
        return result.rowcount == 1


class Idempotency:
    def __init__(self, ctx: Any, lease: Lease | None) -> None:
        self._ctx = ctx
        self._lease = lease

    def respond(self, model: M, status_code: int = 201) -> M:
        """Bind the key to this response, in the same transaction as the effect.

        Refused (409) if the lease was lost to a retry: the effect is then rolled back.
        """
        lease = self._lease
        if lease is None:
            return model
        _pause_for_tests(self._ctx.session)
        lease.stop()
        result: CursorResult[Any] = self._ctx.session.execute(
            update(IdempotencyKey)
            .where(IdempotencyKey.id == lease.claim_id, IdempotencyKey.lease_token == lease.token,
                   IdempotencyKey.state == "running")
            .values(state="done", status_code=status_code, response=model.model_dump(mode="json"),
                    lease_token=None, lease_expires_at=None)
        )
        if result.rowcount != 1:
            raise Conflict("This request ran past its hold on the Idempotency-Key and a retry "
                           "took the key over; this request's result was not kept.")
        return model


def _pause_for_tests(session: Any) -> None:
    """In tests only: write the effect, then wait while the named file exists."""
    marker = os.environ.get(PAUSE_ENV)
    if not marker or get_settings().env != "test":
        return
    session.flush()
    path = Path(marker)
    path.write_text(str(os.getpid()))
    deadline = time.monotonic() + PAUSE_AT_MOST
    while path.exists() and time.monotonic() < deadline:
        time.sleep(0.05)


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=utcnow().tzinfo)


def _lapsed_at(row: Any) -> datetime:
    if row.lease_expires_at is not None:
        return _aware(row.lease_expires_at)
    return _aware(row.created_at) + ABANDONED_AFTER


def _lapsed(now: datetime) -> ColumnElement[bool]:
    """SQL for "the lease on this running claim has lapsed", as ``_lapsed_at`` reckons it."""
    return or_(
        IdempotencyKey.lease_expires_at < now,
        and_(IdempotencyKey.lease_expires_at.is_(None), IdempotencyKey.created_at < now - ABANDONED_AFTER),
    )


def _claim(user_id: int, scope: str, key: str, fingerprint: str) -> Lease:
    """Claim the key in its own short transaction, so a parallel retry sees it at once.

    A key that is free is claimed; a running claim whose lease has lapsed, or a result older
    than ``KEEP_FOR``, is taken over by a conditional update that only one caller can win.
    """
    token = secrets.token_hex(16)
    length = lease_length()
    for _attempt in range(CLAIM_ATTEMPTS):
        now = utcnow()
        fresh = {"request_hash": fingerprint, "state": "running", "status_code": None,
                 "response": None, "created_at": now, "lease_token": token,
                 "lease_expires_at": now + length}
        with get_engine().begin() as conn:
            row = conn.execute(
                select(IdempotencyKey).where(
                    IdempotencyKey.user_id == user_id,
                    IdempotencyKey.scope == scope,
                    IdempotencyKey.key == key,
                )
            ).first()
            if row is None:
                try:
                    claim_id = conn.execute(
                        insert(IdempotencyKey)
                        .values(user_id=user_id, scope=scope, key=key, **fresh)
                        .returning(IdempotencyKey.id)
                    ).scalar_one()
                except IntegrityError as exc:  # a parallel request claimed it first
                    raise Conflict(STILL_RUNNING) from exc
                return Lease(int(claim_id), token, length)
            if row.state == "running":
                if _lapsed_at(row) >= now:
                    raise Conflict(STILL_RUNNING)
                free: ColumnElement[bool] = and_(IdempotencyKey.state == "running", _lapsed(now))
            else:
                if now - _aware(row.created_at) <= KEEP_FOR:
                    _check_done(row, fingerprint)
                free = and_(IdempotencyKey.state == "done",
                            IdempotencyKey.created_at < now - KEEP_FOR)
            taken: CursorResult[Any] = conn.execute(
                update(IdempotencyKey).where(IdempotencyKey.id == row.id, free).values(**fresh)
            )
            if taken.rowcount == 1:
                return Lease(int(row.id), token, length)
        # another retry changed the claim between our read and our update: look again
    raise Conflict(STILL_RUNNING)


def _check_done(row: Any, fingerprint: str) -> None:
    if row.request_hash != fingerprint:
        raise Unprocessable(
            "This Idempotency-Key was already used with a different request.",
            errors=[field_error("Idempotency-Key", "reused with a different request body")],
        )
    raise Replay(row.status_code, row.response)


def _release(lease: Lease) -> None:
    """Free the key after a failed request, unless a retry has already taken it over."""
    try:
        with get_engine().begin() as conn:
            conn.execute(
                delete(IdempotencyKey)
                .where(IdempotencyKey.id == lease.claim_id, IdempotencyKey.lease_token == lease.token,
                       IdempotencyKey.state == "running")
            )
    except SQLAlchemyError:  # the database is away: the lease lapses by itself
        log.warning("could not release an idempotency claim",
                    extra={"idempotency_claim_id": lease.claim_id})


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
    lease = _claim(ctx.principal.user_id, f"{request.method} {request.url.path}", key,
                   fingerprint).start()
    try:
        yield Idempotency(ctx, lease)
        ctx.session.flush()  # surface constraint errors while the claim can still be released
    except BaseException:
        lease.stop()
        ctx.session.rollback()
        _release(lease)
        raise
    finally:
        lease.stop()


IdempotencyDep = Annotated[Idempotency, Depends(idempotency, scope="function")]


