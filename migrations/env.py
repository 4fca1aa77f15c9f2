"""Alembic environment: one set of migrations for SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

from alembic import context
from sqlalchemy import types as sa_types

from service.core.config import get_settings
from service.core.db import make_engine
from service.models import Base

target_metadata = Base.metadata


def render_item(type_: str, obj: Any, autogen_context: Any) -> str | bool:
    """Write our TypeDecorators as their storage type, so migrations never import app code."""
    if type_ == "type" and isinstance(obj, sa_types.TypeDecorator):
        impl = obj.impl_instance if hasattr(obj, "impl_instance") else obj.impl
        autogen_context.imports.add("import sqlalchemy as sa")
        return f"sa.{impl!r}"
    return False


def include_object(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
    """The job queue's own tables (procrastinate's, PostgreSQL only) are not our models: their
    schema comes from the SQL the library ships, applied by migration 0011."""
    return not (reflected and name is not None and name.startswith("procrastinate_"))


def run_migrations() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = context.config.get_main_option("sqlalchemy.url") or get_settings().database_url
    engine = make_engine(url)
    with engine.connect() as conn:
        _run(conn)
    engine.dispose()


def _run(connection: Any) -> None:
    sqlite = connection.dialect.name == "sqlite"
    ours = not connection.in_transaction()  # then alembic commits its own transaction below
    if sqlite:
        # SQLite changes a table by building a new one and dropping the old, which its foreign
        # keys refuse while other rows point at it. Off for the migration (the pragma works
        # until the first write of a transaction, so before any), checked, then on again.
        connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
        if ours:
            connection.commit()
    try:
        _migrate(connection)
    finally:
        if sqlite:
            broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            connection.exec_driver_sql("PRAGMA foreign_keys=ON")
            if ours:
                connection.commit()
            if broken:
                raise RuntimeError(f"the migration left {len(broken)} rows pointing nowhere")


def _migrate(connection: Any) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        render_item=render_item,
        compare_type=True,
        include_object=include_object,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations()
