"""Scratch databases for the benchmarks: a SQLite file and, when reachable, a PostgreSQL
database created for the run and dropped after it (never the database tests use)."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from typing import Any

Scratch = tuple[str, Any, Callable[[], None]]  # (name, engine, drop)


def scratch_engines(database: str, *, sqlite_only: bool = False) -> list[Scratch]:
    from sqlalchemy import text

    from service.core.db import make_engine

    folder = tempfile.mkdtemp()
    engines: list[Scratch] = [("sqlite", make_engine(f"sqlite:///{folder}/bench.sqlite3"), lambda: None)]
    if sqlite_only:
        return engines
    pg_url = os.environ.get("DPAUDIT_BENCH_PG", "postgresql://postgres@127.0.0.1:5432/test")
    admin = make_engine(pg_url.replace("postgresql://", "postgresql+psycopg://", 1)).execution_options(
        isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{database}"'))
            conn.execute(text(f'CREATE DATABASE "{database}"'))
    except Exception as exc:
        print(f"PostgreSQL skipped: {type(exc).__name__}")
        return engines
    engine = make_engine(admin.url.set(database=database).render_as_string(hide_password=False))

    def drop() -> None:
        engine.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{database}"'))

    engines.append(("postgresql", engine, drop))
    return engines
