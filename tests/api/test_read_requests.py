"""A request that only reads opens no transaction on PostgreSQL; one that writes still commits
or rolls back its writes together (the unit of work of ``service.core.db``)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select, text

from service.core.db import get_engine, session_scope
from service.models import Council
from tests.conftest import unique


def _postgres_only(database_url: str) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite has no server-side transaction to spare")


def _transaction_status(session: Any) -> str:
    return str(session.connection().connection.dbapi_connection.info.transaction_status.name)


def test_a_read_leaves_no_transaction_open_on_the_server(app: Any, database_url: str) -> None:
    _postgres_only(database_url)
    with session_scope(reads=True) as session:
        assert session.scalar(select(func.count()).select_from(Council)) is not None
        assert _transaction_status(session) == "IDLE"
    with session_scope() as session:  # a unit of work that may write: the usual transaction
        session.scalar(select(func.count()).select_from(Council))
        assert _transaction_status(session) == "INTRANS"


def test_a_read_request_that_writes_commits_or_rolls_back_its_writes_together(
        app: Any, database_url: str) -> None:
    _postgres_only(database_url)
    first, second = unique("read-writes"), unique("read-writes")
    with pytest.raises(RuntimeError), session_scope(reads=True) as session:
        session.scalar(select(func.count()).select_from(Council))
        session.add(Council(code=first, name="First"))
        session.flush()  # the write starts a transaction on the server
        assert _transaction_status(session) == "INTRANS"
        raise RuntimeError("the request fails after writing")
    with session_scope(reads=True) as session:
        session.scalar(select(func.count()).select_from(Council))
        session.add(Council(code=second, name="Second"))
    with get_engine().connect() as connection:
        codes = set(connection.scalars(text("SELECT code FROM councils WHERE code IN (:a, :b)"),
                                       {"a": first, "b": second}))
    assert codes == {second}


def test_a_streamed_read_runs_inside_a_transaction(app: Any, database_url: str) -> None:
    _postgres_only(database_url)
    with session_scope(reads=True) as session:
        rows = session.execute(select(Council.id).execution_options(yield_per=10)).all()
        assert rows


def test_a_locking_read_holds_its_lock_in_a_transaction(app: Any, database_url: str) -> None:
    _postgres_only(database_url)
    with session_scope(reads=True) as session:
        session.execute(select(Council.id).limit(1).with_for_update())
        assert _transaction_status(session) == "INTRANS"  # the lock lasts until the commit
