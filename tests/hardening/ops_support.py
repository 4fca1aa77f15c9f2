"""Helpers for the operations tests: known personal data, captured log output, a real server.

The logs are captured where they are written: the stream of the JSON handler that
``configure_logging`` puts on the root logger, so a test reads exactly the lines an operator
would. Every other logger must hand its records to that one handler.
"""

from __future__ import annotations

import io
import json
import logging
import os
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from conftest import Council, post_ok, unique


@dataclass
class Secrets:
    """Personal data seeded through the API; none of it may ever appear in a log line."""

    name: str
    worker: str
    email: str
    account_number: str
    sort_code: str
    recipient_id: int = 0
    account_id: int = 0
    council: Council | None = None

    def values(self) -> list[str]:
        return [self.name, self.worker, self.email, self.account_number, self.sort_code,
                self.name.split()[0], self.name.split()[-1]]


def make_secrets() -> Secrets:
    tag = uuid.uuid4().hex[:6]
    number = str(70_000_000 + int(tag, 16) % 9_999_999)
    return Secrets(name=f"Zebedee Quillfeather{tag}", worker=f"Ottoline Marchbank{tag}",
                   email=f"zq.{tag}@private-mail.example", account_number=number,
                   sort_code=f"{int(tag[:2], 16) % 90 + 10}-47-{int(tag[2:4], 16) % 90 + 10}")


def seed(client: Any, council: Council) -> Secrets:
    """A person, their worker, a user and an account, with a statement naming them."""
    secrets = make_secrets()
    h = council.auth()
    post_ok(client, "/v1/users", h, {"email": secrets.email, "name": secrets.name, "role": "officer"})
    recipient = post_ok(client, "/v1/recipients", h, {"reference": unique("R"), "name": secrets.name,
                                                      "dp_start_date": "2026-01-05"})
    secrets.recipient_id = recipient["id"]
    post_ok(client, f"/v1/recipients/{recipient['id']}/workers", h, {"name": secrets.worker})
    account = post_ok(client, f"/v1/recipients/{recipient['id']}/accounts", h,
                      {"reference": unique("acct"), "kind": "bank",
                       "number_last4": secrets.account_number[-4:]})
    secrets.account_id = account["id"]
    secrets.council = council
    response = client.post(f"/v1/accounts/{account['id']}/statements", headers=h,
                           files={"file": ("statement.csv", statement_csv(secrets))})
    assert response.status_code == 201, response.text
    return secrets


def statement_csv(secrets: Secrets, days: int = 5) -> bytes:
    header = ("Transaction Date,Transaction Type,Sort Code,Account Number,Transaction Description,"
              "Debit Amount,Credit Amount,Balance,")
    rows = [f"{day:02d}/01/2026,DEB,'{secrets.sort_code},{secrets.account_number},"
            f"PAY {secrets.worker.upper()},10.00,,{1000 - 10 * day}.00" for day in range(days, 0, -1)]
    return "\n".join([header, *rows]).encode()


@dataclass
class CapturedLogs:
    streams: list[io.StringIO] = field(default_factory=list)

    path: Path | None = None

    def text(self) -> str:
        written = self.path.read_text() if self.path else ""
        return written + "".join(stream.getvalue() for stream in self.streams)

    def lines(self) -> list[dict[str, Any]]:
        """Every line, parsed: a line that is not a JSON object fails the test."""
        parsed = []
        for line in self.text().splitlines():
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except ValueError:
                pytest.fail(f"a log line is not JSON: {line[:200]!r}")
            assert isinstance(record, dict), line
            parsed.append(record)
        return parsed

    def assert_clean(self, secrets: Secrets) -> list[dict[str, Any]]:
        """Every line is JSON and none carries a seeded value (in any case, in any field)."""
        lines = self.lines()
        text = self.text().lower()
        decoded = json.dumps(lines, ensure_ascii=False).lower()
        for value in secrets.values():
            for form in {value.lower(), value.lower().replace("-", ""), value.upper().lower()}:
                assert form not in text and form not in decoded, f"a log line carries {form!r}"
        return lines


@contextmanager
def captured_logs() -> Iterator[CapturedLogs]:
    """Point our JSON handler(s) at a buffer; check no other handler writes plain text."""
    from service.core.logs import JsonFormatter, JsonHandler

    root = logging.getLogger()
    ours = [h for h in root.handlers if isinstance(h, JsonHandler)]
    assert ours, "configure_logging installs a JSON handler on the root logger"
    for name, named in [("root", root), *logging.root.manager.loggerDict.items()]:
        if not isinstance(named, logging.Logger):
            continue
        for handler in named.handlers:
            if type(handler).__module__.startswith("_pytest") or isinstance(handler, logging.NullHandler):
                continue  # pytest's own capture, or a library's silence: not an output
            assert isinstance(handler.formatter, JsonFormatter), f"{name} writes plain text"
    captured = CapturedLogs()
    previous = []
    for handler in ours:
        stream = io.StringIO()
        captured.streams.append(stream)
        previous.append(handler.setStream(stream))
    try:
        yield captured
    finally:
        for handler, old in zip(ours, previous, strict=True):
            handler.setStream(old)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serving(factory: Callable[[], Any]) -> Iterator[str]:
    """A real uvicorn on loopback (httptools, as ``dpaudit serve`` runs it), for one test."""
    import uvicorn

    port = free_port()
    config = uvicorn.Config(factory, factory=True, host="127.0.0.1", port=port, http="httptools",
                            log_level="warning", access_log=False, lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 120  # a hang guard, generous for a loaded machine
    while not server.started:
        assert time.monotonic() < deadline, "the server did not start"
        assert thread.is_alive(), "the server stopped while starting"
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=20)


@contextmanager
def server_process(database_url: str, stderr_path: Path) -> Iterator[str]:
    """``dpaudit serve`` in its own process on loopback, its standard error kept in a file."""
    import httpx2 as httpx

    port = free_port()
    env = {**os.environ, "DPAUDIT_DATABASE_URL": database_url, "DPAUDIT_ENV": "test",
           "DPAUDIT_SECRET_KEY": "test-secret-key-not-for-production"}
    root = Path(__file__).resolve().parents[2]
    with stderr_path.open("wb") as stderr:
        process = subprocess.Popen(
            [sys.executable, "-m", "service.cli.main", "serve", "--host", "127.0.0.1", "--port", str(port)],
            cwd=root, env=env, stdout=subprocess.DEVNULL, stderr=stderr)
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 120  # a hang guard, generous for a loaded machine
            while True:
                assert process.poll() is None, stderr_path.read_text()
                try:
                    if httpx.get(base + "/healthz", timeout=2).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                assert time.monotonic() < deadline, "the server did not start"
                time.sleep(0.1)
            yield base
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=20)


def assert_unavailable(response: Any) -> None:
    """A 503 problem+json that says when to come back."""
    assert response.status_code == 503, (response.status_code, response.text)
    assert response.headers["content-type"].startswith("application/problem+json"), response.headers
    assert int(response.headers["retry-after"]) > 0
    body = response.json()
    assert body["status"] == 503 and body["type"].endswith("/unavailable"), body
