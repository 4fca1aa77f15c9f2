"""The officer's and the person's pages read the big tables by index, never by a full scan.

The statements are the ones the API itself runs: each request below is made through the API
while every SELECT it sends is recorded, and each recorded SELECT is then planned by
PostgreSQL (EXPLAIN, same parameters). A test database holds a few thousand lines, where a
sequential scan is cheapest whatever the indexes. So another account of the council holds
10,000 lines (the planner then weighs a person's few dozen lines against a big table), and the
plans are made with ``enable_seqscan = off``: the planner takes an index wherever one can
answer the query, and the test asks which index and how.
What must hold is what decides speed at national size (bench/national.py measures it):

- every read of ``transactions`` finds its rows through an index condition, not by walking the
  whole table or a whole index (the pages' other tables hold a few rows per person, read by
  their person's or account's index at national size: see docs/scale.md);
- an account's transactions, listed a page at a time in id order, come from an index already
  in that order: no sort of all of the account's lines to hand back 51 of them.

PostgreSQL only: the plans are PostgreSQL's planner's.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

import pytest
from audits_api.audits_api_setup import END, START, Person, audit, make_person, upload, weeks
from conftest import make_council
from sqlalchemy import event, text

BIG_TABLES = {"transactions"}


@contextmanager
def recorded_selects() -> Iterator[list[tuple[str, Any]]]:
    """Every SELECT sent to the database while the block runs, with its parameters."""
    from service.core.db import get_engine

    engine = get_engine()
    seen: list[tuple[str, Any]] = []

    def keep(_conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any,
             executemany: bool) -> None:
        if statement.lstrip().upper().startswith(("SELECT", "WITH")) and not executemany:
            seen.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", keep)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", keep)


def plan_of(statement: str, parameters: Any) -> dict[str, Any]:
    from service.core.db import get_engine

    with get_engine().connect() as conn:
        conn.execute(text("SET LOCAL enable_seqscan = off"))
        raw = conn.exec_driver_sql(f"EXPLAIN (FORMAT JSON) {statement}", parameters).scalar_one()
        conn.rollback()
    found = raw if isinstance(raw, list) else json.loads(raw)
    return dict(found[0]["Plan"])


def nodes(plan: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield plan
    for child in plan.get("Plans", []):
        yield from nodes(child)


def full_reads(plan: dict[str, Any]) -> list[str]:
    """Scans of a big table that find their rows without an index condition."""
    bad = []
    for node in nodes(plan):
        table = node.get("Relation Name")
        if table not in BIG_TABLES:
            continue
        searched = node.get("Index Cond") or node.get("Recheck Cond")
        if node["Node Type"] == "Seq Scan" or not searched:
            bad.append(f"{node['Node Type']} on {table} ({node.get('Index Name', 'no index')}, "
                       f"filter {node.get('Filter')})")
    return bad


FILLER_LINES = 10_000


@pytest.fixture(scope="module")
def person(app: Any, database_url: str) -> Iterator[tuple[Any, Person]]:
    """A person with a statement of 12 weeks and an open audit of them, beside another account
    of the council holding ``FILLER_LINES`` lines, so the planner weighs the person's few
    dozen lines against a table where reading everything costs what it costs at scale."""
    from fastapi.testclient import TestClient

    from service.core.db import get_engine

    if not database_url.startswith("postgresql"):
        pytest.skip("the plans are PostgreSQL's planner's")
    with TestClient(app) as client:
        someone = make_person(client, make_council(database_url))
        upload(client, someone, weeks(), Decimal("500.00"), START, END)
        audit(client, someone)
        other = make_person(client, someone.council, "Other Person")
        with get_engine().begin() as conn:  # lines as the importer stores them, in bulk
            upload_id = conn.execute(text("SELECT max(id) FROM uploads WHERE account_id = :a"),
                                     {"a": someone.account_id}).scalar_one()
            conn.execute(text(
                "INSERT INTO transactions (council_id, account_id, upload_id, posted_on, amount, "
                "description, dedup_key, dedup_rule, payee_key, occurrence, created_at) "
                "SELECT :c, :a, :u, DATE '2026-01-01' + g % 300, -100 - g % 5000, 'FILLER', "
                "'fill:' || g, 'content', 'FILLER', 0, now() FROM generate_series(1, :n) AS g"),
                {"c": someone.council.id, "a": other.account_id, "u": upload_id, "n": FILLER_LINES})
            conn.execute(text("ANALYZE transactions, uploads, flags, audits"))
        yield client, someone


def test_the_pages_read_transactions_by_index(person: tuple[Any, Person]) -> None:
    client, person = person
    account, recipient = person.account_id, person.recipient_id
    audit_id = client.get(f"/v1/recipients/{recipient}/audits", headers=person.auth).json()["items"][0]["id"]
    pages = [
        "/v1/audits/due",
        f"/v1/recipients/{recipient}",
        f"/v1/accounts?recipient_id={recipient}",
        f"/v1/recipients/{recipient}/audits",
        f"/v1/accounts/{account}/uploads",
        f"/v1/accounts/{account}/transactions",
        f"/v1/accounts/{account}/transactions?from={START}&to={END}",
        f"/v1/audits/{audit_id}",
    ]
    checked, faults = 0, []
    for page in pages:
        with recorded_selects() as selects:
            assert client.get(page, headers=person.auth).status_code == 200, page
        for statement, parameters in selects:
            if not any(f" {table}" in statement for table in BIG_TABLES):
                continue
            checked += 1
            faults += [f"{page}: {fault}\n  {statement}" for fault in full_reads(plan_of(statement, parameters))]
    assert checked >= 2, "the two listings of transactions ran no query on transactions"
    assert not faults, "\n".join(faults)


def test_a_page_of_transactions_comes_from_an_index_in_id_order(person: tuple[Any, Person]) -> None:
    client, person = person
    with recorded_selects() as selects:
        response = client.get(f"/v1/accounts/{person.account_id}/transactions?limit=5", headers=person.auth)
    assert response.status_code == 200 and len(response.json()["items"]) == 5
    listing = [(s, p) for s, p in selects if "FROM transactions" in s and "ORDER BY transactions.id" in s]
    assert len(listing) == 1, selects
    plan = plan_of(*listing[0])
    kinds = [node["Node Type"] for node in nodes(plan)]
    reads = [node for node in nodes(plan) if node.get("Relation Name") == "transactions"]
    assert "Sort" not in kinds, json.dumps(plan, indent=1)
    assert [node["Node Type"] for node in reads] in (["Index Scan"], ["Index Only Scan"]), kinds
    assert "account_id" in reads[0]["Index Cond"], reads[0]
