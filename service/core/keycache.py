"""API keys checked recently, remembered for half a second by each server process.

Every request presents its key; looking it up in the database each time would cost a
connection and a round trip before the request does anything. So a process remembers who a
key belongs to for ``REMEMBER_SECONDS``, counted from the moment the database was asked, then
asks again. A key revoked (or a user deactivated, or a role changed) in any process therefore
stops working everywhere within that time; in the process that made the change, at once.

Keys are remembered by their keyed hash (the one stored with the key), never as given.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session, object_session

from service.core.config import get_settings
from service.core.principal import Principal
from service.core.security import hash_token
from service.models import ApiKey, User

REMEMBER_SECONDS = 0.5
MOST_KEYS = 10_000  # per process; past this the expired ones go, then all if need be
_CHANGED = "dpaudit.keys_changed"

_remembered: dict[str, tuple[float, Principal]] = {}
_generation = 0  # moves on whenever keys or users change here: a lookup begun before is not kept
_lock = threading.Lock()


def digest(token: str) -> str:
    return hash_token(token, get_settings().secret_key)


def recall(token_digest: str) -> Principal | None:
    """Who the key belongs to, if it was checked less than ``REMEMBER_SECONDS`` ago."""
    found = _remembered.get(token_digest)
    if found is None or found[0] <= time.monotonic():
        return None
    return found[1]


def begin() -> tuple[float, int]:
    """Taken before asking the database: when the answer must be asked for again, and the
    generation it belongs to."""
    return time.monotonic() + REMEMBER_SECONDS, _generation


def remember(token_digest: str, principal: Principal, begun: tuple[float, int]) -> None:
    expires, generation = begun
    with _lock:
        if generation != _generation:
            return  # a key or user changed here while the database was being asked
        if len(_remembered) >= MOST_KEYS:
            now = time.monotonic()
            for stale in [d for d, (until, _p) in _remembered.items() if until <= now]:
                del _remembered[stale]
            if len(_remembered) >= MOST_KEYS:
                _remembered.clear()
        _remembered[token_digest] = (expires, principal)


_asking: dict[str, asyncio.Future[Principal]] = {}  # keys being looked up now, by digest


async def look_up_once(token_digest: str, look_up: Callable[[], Awaitable[Principal]]) -> Principal:
    """``look_up()`` and remember its answer; requests that present the same key meanwhile wait
    for that answer instead of each asking the database (when a busy key's half second runs out,
    every request in flight would otherwise ask at once). A key that is not valid fails them all
    alike; if the lookup itself was cut short, the others ask for themselves."""
    loop = asyncio.get_running_loop()
    asking = _asking.get(token_digest)
    if asking is not None and asking.get_loop() is loop:
        try:
            return await asyncio.shield(asking)
        except asyncio.CancelledError:
            if not asking.cancelled():
                raise  # this request was cancelled, not the lookup it waited for
    future: asyncio.Future[Principal] = loop.create_future()
    _asking[token_digest] = future
    try:
        begun = begin()
        principal = await look_up()
        remember(token_digest, principal, begun)
        future.set_result(principal)
        return principal
    except asyncio.CancelledError:
        future.cancel()
        raise
    except BaseException as error:
        future.set_exception(error)
        future.exception()  # nobody need be waiting: the error is the caller's to raise
        raise
    finally:
        if _asking.get(token_digest) is future:
            del _asking[token_digest]


def forget_all() -> None:
    global _generation
    with _lock:
        _generation += 1
        _remembered.clear()


# ---------------------------------------------------------------------------- changes made here


def _changed(session: Session | None) -> None:
    if session is not None:
        session.info[_CHANGED] = True


def _row_changed(_mapper: Any, _connection: Any, target: Any) -> None:
    _changed(object_session(target))


def _statement_changes(state: ORMExecuteState) -> None:
    """``update(User)`` or ``delete(ApiKey)`` run as one statement (erasure does)."""
    if (state.is_update or state.is_delete) and state.bind_mapper is not None \
            and state.bind_mapper.class_ in (ApiKey, User):
        _changed(state.session)


def _committed(session: Session) -> None:
    if session.info.pop(_CHANGED, False):
        forget_all()


for _model in (ApiKey, User):
    for _name in ("after_update", "after_delete"):
        event.listen(_model, _name, _row_changed)
event.listen(Session, "do_orm_execute", _statement_changes)
event.listen(Session, "after_commit", _committed)
