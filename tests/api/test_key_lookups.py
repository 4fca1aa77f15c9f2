"""Requests that present the same key at the same moment ask the database for it once."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx2 as httpx
from sqlalchemy import event

from service.core.db import get_engine
from tests.conftest import Council, post_ok


def _key_lookups(statements: list[str]) -> int:
    return sum(1 for sql in statements if "FROM api_keys JOIN users" in " ".join(sql.split()))


async def _together(app: Any, headers: dict[str, str], requests: int) -> list[int]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        answers = await asyncio.gather(*(client.get("/v1/users/me", headers=headers)
                                         for _ in range(requests)))
    return [answer.status_code for answer in answers]


def test_a_key_presented_by_many_requests_at_once_is_looked_up_once(
        app: Any, client: Any, council: Council) -> None:
    made = post_ok(client, "/v1/api-keys", council.auth(), {"name": "busy"})
    statements: list[str] = []

    def seen(_conn: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
        statements.append(statement)

    engine = get_engine()
    event.listen(engine, "before_cursor_execute", seen)
    try:
        codes = asyncio.run(_together(app, {"Authorization": f"Bearer {made['token']}"}, 16))
        assert codes == [200] * 16
        assert _key_lookups(statements) == 1, statements
        statements.clear()
        refused = asyncio.run(_together(app, {"Authorization": "Bearer dpa_nosuchkey1_" + "x" * 40}, 8))
        assert refused == [401] * 8  # a key that is not valid fails every request alike
    finally:
        event.remove(engine, "before_cursor_execute", seen)
