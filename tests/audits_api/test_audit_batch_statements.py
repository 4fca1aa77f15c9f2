"""A provider batch into the account of a person with an open audit: how many SQL statements
it takes, stored lines, flags, summary and the audit worked out again. The same number for the
first batch as for the tenth, and for a few lines as for many: nothing is asked of the
database line by line or upload by upload."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from decimal import Decimal as D
from typing import Any

from audits_api_setup import END, START, audit, make_person, upload, weeks
from sqlalchemy import event

from service.core.db import get_engine

# what a batch takes today: the account, the same-batch check, the person, the lines, their
# flags and summary, then the open audit held and worked out again
MOST = 60


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


def _send(client: Any, person: Any, number: int, lines: int) -> int:
    day = START + timedelta(days=number % 70)
    batch = {"transactions": [
        {"id": f"visit-{number}-{n}", "date": day.isoformat(), "amount": f"-{n + 1}.{number % 100:02d}",
         "description": f"HOME CARE LTD VISIT {number}"} for n in range(lines)]}
    with statements() as seen:
        response = client.post(f"/v1/accounts/{person.account_id}/transactions:batch",
                               headers=person.auth, json=batch)
    assert response.status_code == 201, response.text
    assert response.json()["rows"]["new"] == lines
    return len(seen)


def test_a_batch_takes_the_same_statements_however_many_lines_and_batches(client: Any,
                                                                          council: Any) -> None:
    person = make_person(client, council)
    upload(client, person, weeks(), D("2000.00"), START, END)
    opened = audit(client, person)
    first = _send(client, person, 0, 3)
    for number in range(1, 10):
        _send(client, person, number, 10)
    tenth = _send(client, person, 10, 10)
    many = _send(client, person, 11, 60)
    assert first == tenth == many, (first, tenth, many)
    assert first <= MOST, first
    check = client.get(f"/v1/audits/{opened['id']}/check", headers=person.auth).json()
    assert check["lines"] == len(weeks()) + 3 + 10 * 10 + 60
