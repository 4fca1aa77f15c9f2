"""Request-scoped dependencies: the unit of work, the caller, and their context.

The session is committed once, when the endpoint returns and before the response is sent
(``scope="function"``); services only ever ``flush()``.

A request crosses to a worker thread as seldom as it can: these dependencies run on the event
loop and never wait on the database there. The session connects at its first statement (in the
endpoint's thread), and an endpoint on a ``UnitOfWorkRoute`` commits in that same thread as it
returns; what is still open after an endpoint fails is rolled back in one worker thread. A GET
opens no transaction on PostgreSQL unless it writes (``session_scope(reads=True)``). A key
checked less than half a second ago is not looked up again (``service.core.keycache``).
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
import inspect
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from contextvars import ContextVar
from datetime import timedelta
from functools import lru_cache
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.routing import APIRoute
from sqlalchemy import select
from sqlalchemy.orm import Session

from service.core import keycache
from service.core.config import get_settings
from service.core.context import Ctx as Ctx  # where it lives, kept importable from here
from service.core.db import session_scope
from service.core.errors import Unauthorized
from service.core.principal import Principal
from service.core.security import token_matches, token_prefix
from service.core.types import utcnow
from service.models import ApiKey, User

_READ_METHODS = frozenset({"GET", "HEAD"})
_request_session: ContextVar[Session | None] = ContextVar("dpaudit_request_session", default=None)


async def get_session(request: Request) -> AsyncIterator[Session]:
    """The request's unit of work: committed when the endpoint returns, else rolled back."""
    scope = session_scope(reads=request.method in _READ_METHODS)
    session = scope.__enter__()  # no connection yet: it is taken at the first statement
    _request_session.set(session)  # the endpoint's thread commits it (``UnitOfWorkRoute``)
    try:
        yield session
    except BaseException as exc:
        await _end(scope, session, exc)
        raise
    await _end(scope, session, None)


async def _end(scope: Any, session: Session, exc: BaseException | None) -> None:
    """Commit (or, after ``exc``, roll back) and close: in a worker thread if the database was
    used, since that waits on it."""

    def end() -> None:
        scope.__exit__(type(exc) if exc else None, exc, exc.__traceback__ if exc else None)

    if session.in_transaction():
        # not the threads endpoints run on: those may all be waiting for a connection that
        # only this commit gives back
        await asyncio.get_running_loop().run_in_executor(_ending_threads(), end)
    else:
        end()


@lru_cache(maxsize=1)
def _ending_threads() -> ThreadPoolExecutor:
    return ThreadPoolExecutor(max_workers=8, thread_name_prefix="dpaudit-commit")


SessionDep = Annotated[Session, Depends(get_session, scope="function")]


class UnitOfWorkRoute(APIRoute):
    """A route whose plain (``def``) endpoint runs in one of our worker threads and commits the
    request's session there as it returns, holding the connection no longer than the work.

    FastAPI would run a plain endpoint through anyio's thread pool, then cross to a thread
    again to check what it returned, and the commit would wait for the response to be written.
    Here the endpoint is wrapped in a coroutine that hands it, with the request's context
    variables, to a ``ThreadPoolExecutor``: one crossing, made the plain asyncio way, and the
    answer checked on the event loop."""

    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        if not inspect.iscoroutinefunction(inspect.unwrap(endpoint)):
            endpoint = _in_a_worker_thread(endpoint)
        super().__init__(path, endpoint, **kwargs)


ENDPOINT_THREADS = 40  # as many as anyio's default limiter gives FastAPI's own endpoints


@lru_cache(maxsize=1)
def _endpoint_threads() -> ThreadPoolExecutor:
    return ThreadPoolExecutor(max_workers=ENDPOINT_THREADS, thread_name_prefix="dpaudit-endpoint")


def _in_a_worker_thread(endpoint: Callable[..., Any]) -> Callable[..., Any]:
    def call_and_commit(kwargs: dict[str, Any]) -> Any:
        result = endpoint(**kwargs)
        session = _request_session.get()
        if session is not None and session.in_transaction():
            session.commit()
        return result

    @functools.wraps(endpoint)  # FastAPI reads the parameters through ``__wrapped__``
    async def run(**kwargs: Any) -> Any:
        context = contextvars.copy_context()
        return await asyncio.get_running_loop().run_in_executor(
            _endpoint_threads(), context.run, call_and_commit, kwargs)

    return run


_UNAUTHORIZED_HEADERS = {"WWW-Authenticate": 'Bearer realm="dpaudit"'}
_LAST_USED_GRANULARITY = timedelta(hours=1)


def _presented_token(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return request.headers.get("x-api-key") or None


def _required_token(request: Request) -> str:
    token = _presented_token(request)
    if token is None:
        raise Unauthorized("Send your API key as 'Authorization: Bearer <key>'.",
                           headers=_UNAUTHORIZED_HEADERS)
    return token


async def authenticate(request: Request) -> Principal:
    token = _required_token(request)
    token_digest = keycache.digest(token)
    principal = keycache.recall(token_digest)
    if principal is None:
        begun = keycache.begin()
        principal = await run_in_threadpool(_look_up_alone, token)
        keycache.remember(token_digest, principal, begun)
    request.state.principal = principal
    return principal


def _look_up_alone(token: str) -> Principal:
    """The key looked up in a session of its own, whose connection is given back at once."""
    with session_scope() as session:
        return _look_up(session, token)


def authenticate_here(request: Request, session: Session) -> Principal:
    """``authenticate`` for code already in a worker thread: asks the database now."""
    principal = _look_up(session, _required_token(request))
    request.state.principal = principal
    return principal


def _look_up(session: Session, token: str) -> Principal:
    prefix = token_prefix(token)
    row = None
    if prefix is not None:
        row = session.execute(
            select(ApiKey, User).join(User, User.id == ApiKey.user_id).where(ApiKey.prefix == prefix)
        ).first()
    secret_key = get_settings().secret_key
    if row is None or not token_matches(token, row.ApiKey.secret_hash, secret_key):
        raise Unauthorized("That API key is not valid.", headers=_UNAUTHORIZED_HEADERS)
    key, user = row.ApiKey, row.User
    if key.revoked_at is not None or not user.active:
        raise Unauthorized("That API key has been revoked.", headers=_UNAUTHORIZED_HEADERS)
    now = utcnow()
    if key.last_used_at is None or now - key.last_used_at > _LAST_USED_GRANULARITY:
        key.last_used_at = now
    return Principal(user.id, user.council_id, user.role, user.provider_id, key.id)


PrincipalDep = Annotated[Principal, Depends(authenticate)]


async def get_ctx(request: Request, session: SessionDep, principal: PrincipalDep) -> Ctx:
    return Ctx(session, principal, getattr(request.state, "request_id", None))


CtxDep = Annotated[Ctx, Depends(get_ctx)]
