"""A revoked API key, or the key of a user made inactive, stops working within a second in every
server process, though each process remembers recently checked keys for a moment.

Two `dpaudit serve` processes share the test database. Each has just accepted the key when the
change is made through the first; the first refuses the key at once, and the second from one
second after the change was committed at the latest.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from pathlib import Path

import httpx2 as httpx
from conftest import Council
from ops_support import server_process

WITHIN_SECONDS = 1.0


@contextmanager
def two_servers(database_url: str, folder: Path) -> Iterator[tuple[str, str]]:
    """Two server processes on the same database, started side by side."""
    with ExitStack() as stack:
        managers = [server_process(database_url, folder / f"{name}.log") for name in ("first", "second")]
        with ThreadPoolExecutor(2) as pool:
            started = [pool.submit(manager.__enter__) for manager in managers]
        for manager, future in zip(managers, started, strict=True):
            if future.exception() is None:
                stack.push(manager.__exit__)
        first, second = (future.result() for future in started)
        yield first, second


def me(base: str, token: str) -> int:
    with httpx.Client(base_url=base, timeout=30) as http:
        return http.get("/v1/users/me", headers={"Authorization": f"Bearer {token}"}).status_code


def refused_everywhere_by(deadline: float, bases: tuple[str, str], token: str) -> None:
    """From ``deadline`` on, both servers refuse ``token``."""
    time.sleep(max(0.0, deadline - time.monotonic()))
    for _ in range(3):
        for base in bases:
            assert me(base, token) == 401, base


def new_key(http: httpx.Client, council: Council, user_id: int | None = None) -> tuple[int, str]:
    made = http.post("/v1/api-keys", headers=council.auth(), json={"name": "short-lived", "user_id": user_id})
    assert made.status_code == 201, made.text
    return made.json()["id"], made.json()["token"]


def test_revoked_keys_and_inactive_users_stop_working_in_every_process_within_a_second(
    database_url: str, council: Council, tmp_path: Path,
) -> None:
    with two_servers(database_url, tmp_path) as servers, \
            httpx.Client(base_url=servers[0], timeout=30) as http:
        first, second = servers
        key_id, token = new_key(http, council)
        assert me(first, token) == 200 and me(second, token) == 200  # both now remember it

        revoked = http.delete(f"/v1/api-keys/{key_id}", headers=council.auth())
        assert revoked.status_code == 200 and revoked.json()["revoked_at"], revoked.text
        committed = time.monotonic()
        assert me(first, token) == 401  # where it was revoked: at once
        refused_everywhere_by(committed + WITHIN_SECONDS, servers, token)

        user = http.post("/v1/users", headers=council.auth(), json={
            "email": f"leaver@{council.code}.example.org", "name": "Sam Leaver", "role": "officer"})
        assert user.status_code == 201, user.text
        _key_id, token = new_key(http, council, user.json()["id"])
        assert me(first, token) == 200 and me(second, token) == 200

        gone = http.patch(f"/v1/users/{user.json()['id']}", headers=council.auth(), json={"active": False})
        assert gone.status_code == 200 and gone.json()["active"] is False, gone.text
        committed = time.monotonic()
        assert me(first, token) == 401
        refused_everywhere_by(committed + WITHIN_SECONDS, servers, token)
