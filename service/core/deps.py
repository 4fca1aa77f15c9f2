"""Request-scoped dependencies: the unit of work, the caller, and their context.

The session is committed once, when the endpoint returns and before the response is sent;
services only ever ``flush()``. The route (``UnitOfWorkRoute``) owns it: a plain dependency
makes it, and the route commits or rolls it back and closes it, which spares FastAPI's
machinery for dependencies with clean-up (an exit stack per request) on every request.

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
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from contextvars import ContextVar
from datetime import timedelta
from functools import lru_cache
from typing import Annotated, Any

from fastapi import Depends, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.routing import APIRoute
from sqlalchemy import select
from sqlalchemy.orm import Session

from service.core import keycache
from service.core.config import get_settings
from service.core.context import Ctx as Ctx  # where it lives, kept importable from here
from service.core.db import POOL_SIZE, get_sessionmaker, quietly, session_scope
from service.core.errors import Unauthorized
from service.core.principal import Principal
from service.core.security import token_matches, token_prefix
from service.core.types import utcnow
from service.models import ApiKey, User

_READ_METHODS = frozenset({"GET", "HEAD"})
_request_session: ContextVar[Session | None] = ContextVar("dpaudit_request_session", default=None)


async def get_session(request: Request) -> Session:
    """The request's unit of work. It connects at its first statement; the route it serves
    (``UnitOfWorkRoute``) commits it when the endpoint returns, or rolls it back, and closes it."""
    return _request_unit_of_work(request)


def _request_unit_of_work(request: Request) -> Session:
    session = _request_session.get()
    if session is None:
        if not isinstance(request.scope.get("route"), UnitOfWorkRoute):  # nobody would close it
            raise RuntimeError(f"{request.url.path}: a session needs a route_class=UnitOfWorkRoute router")
        session = get_sessionmaker(reads=request.method in _READ_METHODS)()
        _request_session.set(session)
    return session


def _finish(session: Session, exc: BaseException | None) -> None:
    """Commit the unit of work (or, after ``exc``, roll it back) and close it."""
    try:
        if exc is not None:
            quietly(session.rollback)  # a lost connection must not hide the first error
        elif session.in_transaction():
            try:
                session.commit()
            except BaseException:
                quietly(session.rollback)
                raise
    finally:
        quietly(session.close)


async def _finish_here_or_in_a_thread(session: Session, exc: BaseException | None) -> None:
    """``_finish``, in a worker thread if the database is still in use, since that waits on it."""
    if session.in_transaction():
        # not the threads endpoints run on: those may all be waiting for a connection that
        # only this commit gives back
        await asyncio.get_running_loop().run_in_executor(
            _ending_threads(), _finish, session, exc)
    else:
        _finish(session, exc)


@lru_cache(maxsize=1)
def _ending_threads() -> ThreadPoolExecutor:
    return ThreadPoolExecutor(max_workers=8, thread_name_prefix="dpaudit-commit")


SessionDep = Annotated[Session, Depends(get_session)]


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

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handle = super().get_route_handler()

        async def handle_and_finish(request: Request) -> Response:
            token = _request_session.set(None)
            try:
                response = await handle(request)
            except BaseException as exc:
                session = _request_session.get()
                if session is not None:
                    await _finish_here_or_in_a_thread(session, exc)
                raise
            else:
                session = _request_session.get()
                if session is not None:
                    await _finish_here_or_in_a_thread(session, None)
                return response
            finally:
                _request_session.reset(token)

        return handle_and_finish


# Endpoints at work at once in a process, each holding at most one pooled connection: as many
# as the pool keeps. More would only wait for a connection, or open one past the pool that is
# closed again as soon as it is given back (a new server process on PostgreSQL each time);
# requests beyond these wait their turn here instead.
ENDPOINT_THREADS = POOL_SIZE


@lru_cache(maxsize=1)
def _endpoint_threads() -> ThreadPoolExecutor:
    return ThreadPoolExecutor(max_workers=ENDPOINT_THREADS, thread_name_prefix="dpaudit-endpoint")


def _in_a_worker_thread(endpoint: Callable[..., Any]) -> Callable[..., Any]:
    def call_and_commit(kwargs: dict[str, Any]) -> Any:
        session = _request_session.get()
        try:
            result = endpoint(**kwargs)
        except BaseException as exc:
            if session is not None:
                _finish(session, exc)
            raise
        if session is not None:
            _finish(session, None)
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
        principal = await keycache.look_up_once(
            token_digest, functools.partial(run_in_threadpool, _look_up_alone, token))
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


async def get_ctx(request: Request) -> Ctx:
    """The caller and the request's unit of work (the same one ``SessionDep`` gives), made in
    one dependency: FastAPI's work for each dependency is a fair part of a quick request's."""
    principal = await authenticate(request)
    return Ctx(_request_unit_of_work(request), principal, getattr(request.state, "request_id", None))


CtxDep = Annotated[Ctx, Depends(get_ctx)]

# the dependencies that ask for an API key (the API description lists 401 and 403 for them)
AUTHENTICATES = frozenset({authenticate, get_ctx})
