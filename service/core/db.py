"""Engine and session factory. One unit of work per request: services flush, the caller commits.

The engine never shows statement parameters (``hide_parameters``): they are people's names,
account numbers and file bytes, and SQLAlchemy would otherwise put them into every error
message, and so into the logs.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, exc
from sqlalchemy.orm import Session, sessionmaker

from service.core.config import get_settings

logger = logging.getLogger("dpaudit")

CONNECT_TIMEOUT_SECONDS = 5
POOL_TIMEOUT_SECONDS = 10


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False}, hide_parameters=True)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=10,
                         pool_timeout=POOL_TIMEOUT_SECONDS, hide_parameters=True,
                         connect_args={"connect_timeout": CONNECT_TIMEOUT_SECONDS})


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
def get_sessionmaker() -> sessionmaker[Session]:
    return sessionmaker(bind=get_engine(), expire_on_commit=False)


@contextmanager
def session_scope() -> Iterator[Session]:
    """A session for CLI commands: commit on success, roll back on any error."""
    session = get_sessionmaker()()
    try:
        yield session
        session.commit()
    except BaseException:
        _quietly(session.rollback)  # a lost connection must not hide the first error
        raise
    finally:
        _quietly(session.close)


def _quietly(step: Any) -> None:
    try:
        step()
    except Exception:
        logger.warning("session cleanup failed", exc_info=True)
