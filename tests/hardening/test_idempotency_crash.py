"""A worker killed mid-upload: the retry with the same Idempotency-Key runs once, soon after.

Real servers (``dpaudit serve``) on 127.0.0.1 against the suite's database. The first upload
pauses once its rows are written and before they are committed (a hook honoured only in
tests), and its worker is killed there with SIGKILL.
"""

from __future__ import annotations

import hashlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx2
import pytest
from conftest import Council, post_ok, unique
from sqlalchemy import func, select

LEASE_SECONDS = 4
ROWS = 400
REPO = Path(__file__).resolve().parents[2]


def statement(rows: int) -> bytes:
    """A Lloyds-layout statement, one line a day, newest first, with running balances."""
    start, opening, lines = date(2025, 1, 1), Decimal("5000.00"), []
    for n in range(rows):
        day = start + timedelta(days=n)
        balance = opening - Decimal("3.10") * (n + 1)
        lines.append(f"{day:%d/%m/%Y},DEB,'30-91-74,12345678,CORNER SHOP {n % 11},3.10,,{balance}")
    header = ("Transaction Date,Transaction Type,Sort Code,Account Number,Transaction Description,"
              "Debit Amount,Credit Amount,Balance,")
    return "\n".join([header, *reversed(lines)]).encode()


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    url: str
    log: Path

    def tail(self) -> str:
        return self.log.read_text(errors="replace")[-3000:] if self.log.exists() else ""


def start_server(log: Path, **env: str) -> Server:
    port = _free_port()
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "service.cli.main", "serve", "--host", "127.0.0.1", "--port", str(port)],
            cwd=REPO, stdout=out, stderr=subprocess.STDOUT,
            env={**os.environ, "DPAUDIT_IDEMPOTENCY_LEASE_SECONDS": str(LEASE_SECONDS), **env},
        )
    server = Server(process, f"http://127.0.0.1:{port}", log)
    deadline = time.monotonic() + 120  # a guard against a hang, generous for a loaded machine
    while time.monotonic() < deadline:
        assert process.poll() is None, f"the server stopped:\n{server.tail()}"
        try:
            if httpx2.get(f"{server.url}/healthz", timeout=1).status_code == 200:
                return server
        except httpx2.TransportError:
            pass
        time.sleep(0.1)
    stop(server)
    raise AssertionError(f"the server never answered:\n{server.tail()}")


def stop(server: Server) -> None:
    if server.process.poll() is None:
        server.process.terminate()
        try:
            server.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait(timeout=10)


@pytest.fixture
def servers() -> Iterator[list[Server]]:
    started: list[Server] = []
    yield started
    for server in started:
        stop(server)


def _stored(account_id: int, sha256: str) -> dict[str, int]:
    """What the database holds of the upload, counted from outside the servers."""
    from service.core.db import get_engine
    from service.models import Blob, Transaction, Upload

    def count(stmt: Any) -> int:
        return int(conn.execute(stmt).scalar_one())

    with get_engine().connect() as conn:
        return {
            "uploads": count(select(func.count()).select_from(Upload).where(Upload.account_id == account_id)),
            "transactions": count(select(func.count()).select_from(Transaction)
                                  .where(Transaction.account_id == account_id)),
            "blobs": count(select(func.count()).select_from(Blob).where(Blob.sha256 == sha256)),
        }


@pytest.mark.slow
def test_a_retry_after_the_worker_is_killed_mid_upload_runs_once(
    client: Any, council: Council, database_url: str, servers: list[Server], tmp_path: Path
) -> None:
    rid = post_ok(client, "/v1/recipients", council.auth(), {"reference": unique("R"), "name": "Pat"})["id"]
    account = post_ok(client, f"/v1/recipients/{rid}/accounts", council.auth(),
                      {"reference": unique("acct"), "kind": "bank", "number_last4": "5678"})
    data = statement(ROWS)
    sha256 = hashlib.sha256(data).hexdigest()
    path = f"/v1/accounts/{account['id']}/statements"
    headers = {**council.auth(), "Idempotency-Key": unique("crash")}

    def send(server: Server) -> httpx2.Response:
        return httpx2.post(server.url + path, headers=headers, files={"file": ("statement.csv", data)},
                           timeout=30)

    # 1. the first upload writes its rows, then pauses before committing
    paused = tmp_path / "paused"
    first = start_server(tmp_path / "first.log",
                         DPAUDIT_TEST_IDEMPOTENCY_PAUSE_FILE=str(paused))
    servers.append(first)
    outcome: list[object] = []
    sender = threading.Thread(target=lambda: outcome.append(_try(send, first)), daemon=True)
    sender.start()
    deadline = time.monotonic() + 30
    while not paused.exists():
        assert time.monotonic() < deadline and sender.is_alive(), (outcome, first.tail())
        time.sleep(0.05)

    # 2. while it runs, the same key is refused, even after its first lease would have lapsed
    assert send(first).status_code == 409
    if _is_postgres(database_url):
        # (on SQLite the running upload holds the only write lock, so the lease cannot be
        # renewed there, and nobody else can write to take it over either)
        time.sleep(LEASE_SECONDS * 2)
        assert send(first).status_code == 409

    # 3. the worker dies mid-upload: nothing of it is kept
    from service.core.types import utcnow

    first.process.send_signal(signal.SIGKILL)
    first.process.wait(timeout=10)
    killed_at = utcnow()
    sender.join(timeout=30)
    assert not sender.is_alive()
    assert isinstance(outcome[0], httpx2.TransportError), outcome
    assert _stored(account["id"], sha256) == {"uploads": 0, "transactions": 0, "blobs": 0}
    assert _claim_states(headers["Idempotency-Key"]) == ["running"]  # held by the dead worker
    # the lease the dead worker last renewed lapses at most one lease length after its death
    # (read from the claim itself: how fast the machine runs does not come into it)
    assert _lease_expiry(headers["Idempotency-Key"]) <= killed_at + timedelta(seconds=LEASE_SECONDS)

    # 4. a new worker: the retry is refused only until the dead worker's lease lapses, then runs
    second = start_server(tmp_path / "second.log")
    servers.append(second)
    answers: list[int] = []
    while True:
        response = send(second)
        answers.append(response.status_code)
        if response.status_code != 409:
            break
        # refused only while the lease runs; the guard against waiting for ever is generous
        # because a loaded machine may be slow to answer, which is not what this test is about
        assert utcnow() - killed_at < timedelta(seconds=LEASE_SECONDS + 120), (answers, second.tail())
        time.sleep(0.25)
    assert response.status_code == 201, (response.text, second.tail())
    assert all(code == 409 for code in answers[:-1])
    assert response.json()["rows"]["new"] == ROWS
    assert _stored(account["id"], sha256) == {"uploads": 1, "transactions": ROWS, "blobs": 1}
    assert _claim_states(headers["Idempotency-Key"]) == ["done"]

    # 5. and once more: the stored answer, nothing new
    again = send(second)
    assert again.status_code == 201 and again.headers.get("idempotent-replayed") == "true"
    assert again.json() == response.json()
    assert _stored(account["id"], sha256) == {"uploads": 1, "transactions": ROWS, "blobs": 1}


def _claim_states(key: str) -> list[str]:
    from service.core.db import get_engine
    from service.models import IdempotencyKey

    with get_engine().connect() as conn:
        return list(conn.execute(select(IdempotencyKey.state).where(IdempotencyKey.key == key)).scalars())


def _lease_expiry(key: str) -> Any:
    from service.core.db import get_engine
    from service.models import IdempotencyKey

    with get_engine().connect() as conn:
        return conn.execute(select(IdempotencyKey.lease_expires_at)
                            .where(IdempotencyKey.key == key)).scalar_one()


def _try(send: Any, server: Server) -> object:
    try:
        return send(server)
    except httpx2.TransportError as exc:
        return exc


def _is_postgres(url: str) -> bool:
    return url.startswith("postgresql")
