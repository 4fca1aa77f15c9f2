"""Backups: a dump restores and audits, and an old dump never brings an erased person back."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

from conftest import Council
from sqlalchemy import text
from sqlalchemy.engine import make_url

from privacy.people import dump_text, found_in, make_person, pg_args, sqlite_file, years_ago
from privacy.test_retention import dpaudit


def backup(database_url: str, into: Path) -> Path:
    """What README says to run: pg_dump's custom format, or a copy of the SQLite file."""
    if make_url(database_url).get_backend_name() == "postgresql":
        target = into / "dpaudit.dump"
        subprocess.run(["pg_dump", "--format=custom", "--no-owner", "--file", str(target),
                        *pg_args(database_url)], check=True, timeout=300)
        return target
    target = into / "dpaudit-backup.sqlite3"
    source, copy = sqlite3.connect(sqlite_file(database_url)), sqlite3.connect(target)
    try:
        source.backup(copy)
    finally:
        source.close()
        copy.close()
    return target


@contextmanager
def restored(database_url: str, dump: Path, tmp_path: Path) -> Iterator[str]:
    """A fresh database holding ``dump``, dropped afterwards; its URL."""
    url = make_url(database_url)
    if url.get_backend_name() != "postgresql":
        target = tmp_path / f"restored-{uuid.uuid4().hex[:6]}.sqlite3"
        shutil.copyfile(dump, target)
        yield f"sqlite:///{target}"
        return
    from service.core.db import make_engine

    name = f"dpaudit_restore_{uuid.uuid4().hex[:8]}"
    admin = make_engine(database_url).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    fresh = url.set(database=name).render_as_string(hide_password=False)
    try:
        subprocess.run(["pg_restore", "--no-owner", "--exit-on-error", *pg_args(fresh), str(dump)],
                       check=True, timeout=300)
        yield fresh
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def audit_json(person_account: str, council: Council, start: str, end: str, url: str) -> dict[str, Any]:
    done = dpaudit("audit", "--account", person_account, "--council", council.code, "--from", start,
                   "--to", end, "--json", database_url=url)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert isinstance(result, dict)
    return result


def test_a_restored_dump_migrates_and_audits_as_the_original(
        client: Any, council: Council, database_url: str, tmp_path: Path) -> None:
    person = make_person(client, council, ended=years_ago(1))
    start = (person.dp_end_date - timedelta(days=90)).isoformat()
    end = person.dp_end_date.isoformat()
    here = audit_json(person.account_reference, council, start, end, database_url)
    with restored(database_url, backup(database_url, tmp_path), tmp_path) as url:
        migrated = dpaudit("migrate", database_url=url)
        assert migrated.returncode == 0, migrated.stderr
        there = audit_json(person.account_reference, council, start, end, url)
    assert there == here and here["money_out"] != "0.00"


def test_an_old_backup_never_brings_an_erased_person_back(
        client: Any, council: Council, database_url: str, tmp_path: Path) -> None:
    old = make_person(client, council, ended=years_ago(8))
    recent = make_person(client, council, ended=years_ago(6))
    ledger = tmp_path / "erasures.jsonl"
    dump = backup(database_url, tmp_path)  # last night's backup, before the erasure

    done = dpaudit("retention", "--apply", "--council", council.code, "--ledger", str(ledger),
                   database_url=database_url)
    assert done.returncode == 0, done.stderr
    assert not found_in(dump_text(database_url), old.name)

    with restored(database_url, dump, tmp_path) as url:
        assert found_in(dump_text(url), old.name)  # the backup holds them, as backups do
        again = dpaudit("retention", "--reapply", "--ledger", str(ledger), database_url=url)
        assert again.returncode == 0, again.stderr
        assert f"person {old.id}\terased again" in again.stdout
        after = dump_text(url)
        for value in old.personal_values():
            assert not found_in(after, value), value
        assert found_in(after, recent.name)
        twice = dpaudit("retention", "--reapply", "--ledger", str(ledger), database_url=url)
        assert twice.returncode == 0 and twice.stdout == ""  # nothing left to erase
