"""An Idempotency-Key held by a running request is a lease: live, it answers 409; lapsed, a
retry takes it over and runs once; renewed, it never lapses while its request runs."""

from __future__ import annotations

import threading
import time
from datetime import timedelta
from typing import Any

import pytest
from conftest import Council, unique
from pydantic import BaseModel
from sqlalchemy import func, select
from sqlalchemy.exc import NoResultFound

SCOPE = "POST /v1/recipients"


class Answer(BaseModel):
    id: int


def _me(client: Any, council: Council) -> int:
    return int(client.get("/v1/users/me", headers=council.auth()).json()["id"])


def _recipient_body() -> dict[str, str]:
    return {"reference": unique("R"), "name": "Pat Person"}


def _recipients(council: Council) -> int:
    from service.core.db import get_engine
    from service.models import Recipient

    with get_engine().connect() as conn:
        return int(conn.execute(select(func.count()).select_from(Recipient)
                                .where(Recipient.council_id == council.id)).scalar_one())


def _claim_row(user_id: int, key: str) -> Any:
    from service.core.db import get_engine
    from service.models import IdempotencyKey

    with get_engine().connect() as conn:
        return conn.execute(select(IdempotencyKey).where(
            IdempotencyKey.user_id == user_id, IdempotencyKey.scope == SCOPE,
            IdempotencyKey.key == key)).one()


def _running_claim(user_id: int, key: str, *, expires_in: timedelta | None,
                   made_ago: timedelta = timedelta(0)) -> None:
    """A claim left by a first request that is still running (or whose worker died)."""
    from service.core.db import get_engine
    from service.core.types import utcnow
    from service.models import IdempotencyKey

    now = utcnow()
    with get_engine().begin() as conn:
        conn.execute(IdempotencyKey.__table__.insert().values(
            user_id=user_id, scope=SCOPE, key=key, request_hash="first-request", state="running",
            created_at=now - made_ago, lease_token="dead-worker-token",
            lease_expires_at=None if expires_in is None else now + expires_in))


def test_a_live_lease_answers_409_and_runs_nothing(client: Any, council: Council) -> None:
    key = unique("live")
    _running_claim(_me(client, council), key, expires_in=timedelta(seconds=20))
    response = client.post("/v1/recipients", json=_recipient_body(),
                           headers={**council.auth(), "Idempotency-Key": key})
    assert response.status_code == 409, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert _recipients(council) == 0


def test_a_lapsed_lease_lets_the_retry_run_once(client: Any, council: Council) -> None:
    me, key = _me(client, council), unique("lapsed")
    _running_claim(me, key, expires_in=timedelta(seconds=-1), made_ago=timedelta(minutes=1))
    headers = {**council.auth(), "Idempotency-Key": key}
    body = _recipient_body()
    first = client.post("/v1/recipients", json=body, headers=headers)
    assert first.status_code == 201, first.text
    again = client.post("/v1/recipients", json=body, headers=headers)
    assert again.status_code == 201 and again.json() == first.json()
    assert again.headers.get("idempotent-replayed") == "true"
    other = client.post("/v1/recipients", json=_recipient_body(), headers=headers)
    assert other.status_code == 422
    assert _recipients(council) == 1
    row = _claim_row(me, key)
    assert row.state == "done" and row.lease_token is None and row.lease_expires_at is None


def test_a_claim_from_before_leases_lapses_after_ten_minutes(client: Any, council: Council) -> None:
    me, key = _me(client, council), unique("legacy")
    _running_claim(me, key, expires_in=None, made_ago=timedelta(minutes=11))
    response = client.post("/v1/recipients", json=_recipient_body(),
                           headers={**council.auth(), "Idempotency-Key": key})
    assert response.status_code == 201, response.text
    assert _recipients(council) == 1


def test_a_failed_request_frees_its_key_at_once(client: Any, council: Council) -> None:
    me, key = _me(client, council), unique("fails")
    headers = {**council.auth(), "Idempotency-Key": key}
    bad = client.post("/v1/recipients", json={"reference": unique("R")}, headers=headers)
    assert bad.status_code == 422  # refused before the key is claimed
    missing = client.post("/v1/recipients/999999999/workers", json={"name": "A"},
                          headers={**council.auth(), "Idempotency-Key": key})
    assert missing.status_code == 404
    ok = client.post("/v1/recipients", json=_recipient_body(), headers=headers)
    assert ok.status_code == 201, ok.text
    assert _claim_row(me, key).state == "done"


@pytest.fixture
def short_leases(monkeypatch: pytest.MonkeyPatch) -> timedelta:
    from service.core import idempotency

    length = timedelta(seconds=0.6)
    monkeypatch.setattr(idempotency, "lease_length", lambda: length)
    return length


def _wait_until_lapsed(user_id: int, key: str, bound: float = 10.0) -> None:
    from service.core.types import utcnow

    deadline = time.monotonic() + bound
    while _claim_row(user_id, key).lease_expires_at >= utcnow():
        assert time.monotonic() < deadline, "the lease never lapsed"
        time.sleep(0.05)


def test_a_running_request_renews_its_lease_and_a_dead_one_loses_it(
    client: Any, council: Council, short_leases: timedelta
) -> None:
    from service.core.db import session_scope
    from service.core.deps import Ctx
    from service.core.errors import Conflict
    from service.core.idempotency import Idempotency, _claim, _release, renew
    from service.core.principal import Principal
    from service.core.types import utcnow

    me, key = _me(client, council), unique("renewed")
    lease = _claim(me, SCOPE, key, "first").start()
    try:
        time.sleep(short_leases.total_seconds() * 3)  # three lease lengths: renewed all along
        assert _claim_row(me, key).lease_expires_at > utcnow()
        with pytest.raises(Conflict):
            _claim(me, SCOPE, key, "first")
    finally:
        lease.stop()  # the worker "dies": nobody renews any more
    _wait_until_lapsed(me, key)
    retry = _claim(me, SCOPE, key, "first").start()
    try:
        assert retry.claim_id == lease.claim_id and retry.token != lease.token
        assert renew(lease.claim_id, lease.token, short_leases) is False
        _release(lease)  # the first request cannot free the retry's claim
        assert _claim_row(me, key).lease_token == retry.token
        # and the first request, had it only been frozen, cannot bind its result any more
        with session_scope() as session:
            ctx = Ctx(session, Principal(me, council.id, "admin", None, None), None)
            with pytest.raises(Conflict):
                Idempotency(ctx, lease).respond(Answer(id=1))
            session.rollback()
    finally:
        retry.stop()
        _release(retry)
    with pytest.raises(NoResultFound):  # released: the key is free again
        _claim_row(me, key)


def test_two_retries_of_a_lapsed_lease_take_it_over_once(
    client: Any, council: Council, short_leases: timedelta
) -> None:
    from service.core.errors import Conflict
    from service.core.idempotency import Lease, _claim, _release

    me, key = _me(client, council), unique("race")
    _running_claim(me, key, expires_in=timedelta(seconds=-1))
    won: list[Lease] = []
    refused: list[Exception] = []
    start = threading.Barrier(4)

    def retry() -> None:
        start.wait(timeout=10)
        try:
            won.append(_claim(me, SCOPE, key, "retry"))
        except Conflict as exc:
            refused.append(exc)

    threads = [threading.Thread(target=retry) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads)
    assert len(won) == 1 and len(refused) == 3
    assert _claim_row(me, key).lease_token == won[0].token
    _release(won[0])
