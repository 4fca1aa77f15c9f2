"""Engine and session factory. One unit of work per request: services flush, the caller commits.

The engine never shows statement parameters (``hide_parameters``): they are people's names,
account numbers and file bytes, and SQLAlchemy would otherwise put them into every error
message, and so into the logs.
"""

from __future__ import annotations

import logging
import select
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache, partial
from pathlib import Path
from typing import Any

from pydantic_core import from_json
from sqlalchemy import Engine, create_engine, event, exc
from sqlalchemy.orm import Session, sessionmaker

from service.core.config import get_settings

logger = logging.getLogger("dpaudit")

CONNECT_TIMEOUT_SECONDS = 5
POOL_TIMEOUT_SECONDS = 10
# connections each process keeps open on PostgreSQL: one per endpoint thread
# (``service.core.deps.ENDPOINT_THREADS``), and a few more for commits, key lookups and jobs
POOL_SIZE = 20
POOL_OVERFLOW = 10


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def make_engine(url: str) -> Engine:
    # JSON columns (an audit's figures) are read with pydantic's parser: the same values as the
    # standard library's, in less than half the time
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False}, hide_parameters=True,
                               json_deserializer=from_json)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    engine = create_engine(url, pool_size=POOL_SIZE, max_overflow=POOL_OVERFLOW,
                           pool_timeout=POOL_TIMEOUT_SECONDS, hide_parameters=True,
                           connect_args={"connect_timeout": CONNECT_TIMEOUT_SECONDS},
                           json_deserializer=from_json)
    event.listen(engine, "checkin", _returned)
    event.listen(engine, "checkout", partial(_still_there, engine))
    event.listen(engine, "before_cursor_execute", _write_in_a_transaction)
    return engine


# A request that only reads asks PostgreSQL for no transaction: each SELECT runs on its own
# (the server's autocommit), which spares the BEGIN and COMMIT round trips around it. Under
# PostgreSQL's READ COMMITTED every statement takes its own snapshot anyway, so a read sees
# the same as it would inside a transaction. A request that turns out to write (anything but a
# plain SELECT, or a SELECT that locks rows) is put back into a transaction before that
# statement, so its writes commit or roll back together as always; so is a read streamed
# through a server-side cursor, which lives only inside a transaction.
_READS = "dpaudit_reads"


def _write_in_a_transaction(connection: Any, cursor: Any, statement: str, _parameters: Any,
                            context: Any, _executemany: bool) -> None:
    if not connection.get_execution_options().get(_READS):
        return
    dbapi_connection = cursor.connection
    if dbapi_connection.autocommit and (
            statement.lstrip()[:6].upper() != "SELECT" or " FOR " in statement
            or context.execution_options.get("stream_results")):
        dbapi_connection.autocommit = False


# A pooled connection is checked before each use, as ``pool_pre_ping`` would, but without a
# round trip while it is busy: a server that ended the connection (terminated, restarted,
# timed out) has sent a last message and closed it, so its socket has something to read. Only
# then, or after the connection sat unused for ``QUIET_SECONDS``, is the server asked with a
# ping. A connection that fails it is replaced before the request sees it, and so is every
# other connection opened before then (a restart ends them all), as with ``pool_pre_ping``.
QUIET_SECONDS = 10.0
_RETURNED = "dpaudit.returned_at"


def _returned(_dbapi_connection: Any, record: Any) -> None:
    record.info[_RETURNED] = time.monotonic()


def _still_there(engine: Engine, dbapi_connection: Any, record: Any, _proxy: Any) -> None:
    returned = record.info.get(_RETURNED)
    if returned is None:
        return  # just opened
    if getattr(dbapi_connection, "closed", False) or getattr(dbapi_connection, "broken", False):
        raise exc.InvalidatePoolError("the database closed this connection")
    if time.monotonic() - returned < QUIET_SECONDS and not _has_news(dbapi_connection):
        return
    try:
        engine.dialect.do_ping(dbapi_connection)
    except Exception as error:
        raise exc.InvalidatePoolError("the connection failed its ping") from error


def _has_news(dbapi_connection: Any) -> bool:
    """Whether the server sent anything to this idle connection (or we cannot tell)."""
    try:
        poller = select.poll()
        poller.register(dbapi_connection.fileno(), select.POLLIN | select.POLLPRI)
        return bool(poller.poll(0))
    except (AttributeError, OSError, ValueError):
        return True


def is_unavailable(error: BaseException) -> bool:
    """Whether ``error`` (or what caused it) means the database cannot be used just now:
    the connection was lost, refused, terminated or timed out, or no pooled connection came."""
    seen: set[int] = set()
    pending: list[BaseException] = [error]
    while pending:
        current = pending.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        if _unavailable_itself(current):
            return True
        pending.extend(e for e in (current.__cause__, current.__context__) if e is not None)
        if isinstance(current, BaseExceptionGroup):
            pending.extend(current.exceptions)
    return False


_SQLITE_UNAVAILABLE = ("database is locked", "unable to open", "disk i/o error", "readonly")


def _unavailable_itself(error: BaseException) -> bool:
    if isinstance(error, sqlite3.OperationalError):  # also a mistyped statement: only some
        return any(words in str(error).lower() for words in _SQLITE_UNAVAILABLE)
    if isinstance(error, exc.DBAPIError) and isinstance(error.orig, sqlite3.Error):
        return _unavailable_itself(error.orig) or error.connection_invalidated
    if isinstance(error, exc.TimeoutError | exc.OperationalError | exc.InterfaceError):
        return True
    if isinstance(error, exc.DBAPIError) and error.connection_invalidated:
        return True
    try:
        import psycopg
    except ImportError:  # pragma: no cover - psycopg is a dependency
        return False
    return isinstance(error, psycopg.OperationalError | psycopg.InterfaceError)


@lru_cache
def get_engine() -> Engine:
    return make_engine(get_settings().database_url)


@lru_cache
def get_sessionmaker(reads: bool = False) -> sessionmaker[Session]:
    """Sessions on the engine; with ``reads``, sessions for requests expected only to read,
    which on PostgreSQL open no transaction until they write (see ``_READS``)."""
    engine = get_engine()
    if reads and engine.dialect.name == "postgresql":
        return sessionmaker(bind=engine.execution_options(isolation_level="AUTOCOMMIT", **{_READS: True}),
                            expire_on_commit=False)
    return sessionmaker(bind=engine, expire_on_commit=False)


@contextmanager
def session_scope(reads: bool = False) -> Iterator[Session]:
    """A unit of work: commit on success, roll back on any error. ``reads``: see
    ``get_sessionmaker``."""
    session = get_sessionmaker(reads)()
    try:
        yield session
        session.commit()
    except BaseException:
        quietly(session.rollback)  # a lost connection must not hide the first error
        raise
    finally:
        quietly(session.close)


def quietly(step: Any) -> None:
    """Run a clean-up step; a failure is logged, not raised."""
    try:
        step()
    except Exception:
        logger.warning("session cleanup failed", exc_info=True)
