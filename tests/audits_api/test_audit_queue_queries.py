"""The officer's queue reads the council's open audits and their flags all at once: the same
number of SQL statements for 3 open audits as for 12."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from decimal import Decimal as D
from typing import Any

from audits_api_setup import END, START, audit, make_person, upload, weeks
from sqlalchemy import event

from service.core.db import get_engine


@contextmanager
def statements() -> Iterator[list[str]]:
    seen: list[str] = []

    def count(_conn: Any, _cursor: Any, sql: str, *_: Any) -> None:
        if "api_keys" not in sql:  # the caller's key: looked up or not, as its cache has it
            seen.append(sql)

    engine = get_engine()
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", count)


def queue(client: Any, council: Any) -> tuple[list[tuple[int, str]], int]:
    with statements() as seen:
        response = client.get("/v1/audits/due?on=2026-07-01&limit=100", headers=council.auth())
    assert response.status_code == 200, response.text
    return [(d["audit_id"], d["action"]) for d in response.json()["items"]], len(seen)


def test_the_queue_takes_as_many_statements_for_12_open_audits_as_for_3(client: Any,
                                                                         council: Any) -> None:
    risky = make_person(client, council, "Risky")  # a bet: an open flag in every audit of theirs
    upload(client, risky, [*weeks(), (date(2026, 5, 16), "BET365", D("-20.00"))], D("2000.00"),
           START, END)
    clean = make_person(client, council, "Clean")
    upload(client, clean, weeks(), D("2000.00"), START, END)
    # each audit covers a different period ending on the same day, so each stays open
    starts = [START + timedelta(weeks=n) for n in range(6)]
    first = [audit(client, risky, starts[0]), audit(client, risky, starts[1]),
             audit(client, clean, starts[0])]
    small, small_count = queue(client, council)
    assert len(small) == 3 and {a["id"] for a in first} == {i for i, _ in small}
    assert {action for _, action in small} == {"decide_flags", "ready_to_close"}
    for day in starts[2:]:
        audit(client, risky, day)
    for day in starts[1:]:
        audit(client, clean, day)
    large, large_count = queue(client, council)
    assert len(large) == 12
    assert sorted(action for _, action in large) == ["decide_flags"] * 6 + ["ready_to_close"] * 6
    assert large_count == small_count, (small_count, large_count)
