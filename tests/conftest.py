"""Shared fixtures: a real database built by running the migrations, and an API client.

The database is SQLite (a fresh file) unless DPAUDIT_TEST_DATABASE_URL names another, e.g.
PostgreSQL. When it is named and cannot be reached the run fails; it never skips.
Tests keep out of each other's way by each making its own council (everything is scoped by
council), so they see real commits and real constraints.
"""

from __future__ import annotations

import os
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings as hypothesis_settings
from sqlalchemy import text

# CI runs the same examples every time (a red build always means a change broke something);
# locally each run explores new ones.
hypothesis_settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    hypothesis_settings.load_profile("ci")


def _test_database_url(tmp_root: Path) -> str:
    url = os.environ.get("DPAUDIT_TEST_DATABASE_URL")
    return url or f"sqlite:///{tmp_root / 'dpaudit-test.sqlite3'}"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    url = _test_database_url(tmp_path_factory.mktemp("db"))
    saved = {k: os.environ.get(k) for k in ("DPAUDIT_DATABASE_URL", "DPAUDIT_ENV", "DPAUDIT_SECRET_KEY")}
    os.environ.update(DPAUDIT_DATABASE_URL=url, DPAUDIT_ENV="test",
                      DPAUDIT_SECRET_KEY="test-secret-key-not-for-production")
    _clear_caches()
    from service.core.config import get_settings
    from service.core.db import get_engine
    from service.core.migrate import upgrade

    engine = get_engine()
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:  # a clean schema, then the real migrations
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    upgrade()
    yield get_settings().database_url
    engine.dispose()
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value
    _clear_caches()


def _clear_caches() -> None:
    from service.core.config import get_settings
    from service.core.db import get_engine, get_sessionmaker

    get_settings.cache_clear()
    get_engine.cache_clear()
    get_sessionmaker.cache_clear()


@pytest.fixture(scope="session")
def app(database_url: str) -> Any:
    from service.app import create_app

    return create_app()


@pytest.fixture
def client(app: Any) -> Iterator[Any]:
    from fastapi.testclient import TestClient

    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


@dataclass
class Council:
    """A council made for one test, with an admin's API key."""

    id: int
    code: str
    admin_token: str
    tokens: dict[str, str] = field(default_factory=dict)

    def auth(self, who: str = "admin") -> dict[str, str]:
        token = self.admin_token if who == "admin" else self.tokens[who]
        return {"Authorization": f"Bearer {token}"}


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def make_council(database_url: str) -> Council:
    """A new council and its first admin, made the way `dpaudit create-user` makes them."""
    from service.core.db import session_scope
    from service.onboarding.service import ensure_council, system_ctx
    from service.people import service as people
    from service.people.schemas import UserIn

    code = unique("council")
    with session_scope() as session:
        council = ensure_council(session, code, f"Council {code}")
        ctx = system_ctx(session, council.id)
        user = people.create_user(ctx, UserIn(email=f"admin@{code}.example.org", name="Admin",
                                              role="admin"))
        session.flush()
        _key, token = people.create_api_key(ctx, user, "test")
        council_id = council.id
    return Council(council_id, code, token)


@pytest.fixture
def council(database_url: str) -> Council:
    return make_council(database_url)


def post_ok(client: Any, url: str, headers: dict[str, str], body: dict[str, Any]) -> dict[str, Any]:
    response = client.post(url, headers=headers, json=body)
    assert response.status_code in (200, 201), (url, response.status_code, response.text)
    return dict(response.json())


def make_user(client: Any, council: Council, role: str, **extra: Any) -> dict[str, Any]:
    """A user of ``role`` in ``council`` with an API key stored under ``council.tokens``."""
    email = f"{unique(role)}@{council.code}.example.org"
    user = post_ok(client, "/v1/users", council.auth(), {"email": email, "name": role.title(),
                                                         "role": role, **extra})
    key = post_ok(client, "/v1/api-keys", council.auth(), {"name": "test", "user_id": user["id"]})
    council.tokens[role if role not in council.tokens else f"{role}-{user['id']}"] = key["token"]
    user["token"] = key["token"]
    return user


PLAN = {
    "effective_from": "2026-01-05",
    "period": "four_weeks",
    "indicative_budget": "1700.00",
    "actual_budget": "1660.00",
    "lines": [
        {"category": "pa_wages", "description": "PA wages", "amount": "312.00",
         "amount_basis": "week", "planned_hours_per_week": "24.00", "hourly_rate": "13.00"},
        {"category": "day_activities", "description": "Swimming", "amount": "80.00",
         "amount_basis": "week"},
    ],
}


@dataclass
class World:
    """One council with a full set of objects and a user of every role."""

    council: Council
    ids: dict[str, int]


def build_world(client: Any, database_url: str) -> World:
    council = make_council(database_url)
    h = council.auth()
    provider = post_ok(client, "/v1/providers", h, {"reference": unique("prov"), "name": "Payroll Ltd"})
    make_user(client, council, "officer")
    holder = make_user(client, council, "holder")
    make_user(client, council, "provider", provider_id=provider["id"])
    recipient = post_ok(client, "/v1/recipients", h, {"reference": unique("R"), "name": "Pat Person",
                                                      "dp_start_date": "2026-01-05"})
    rid = recipient["id"]
    rep = post_ok(client, f"/v1/recipients/{rid}/representatives", h,
                  {"kind": "nominee", "name": "Holder Person", "user_id": holder["id"]})
    account = post_ok(client, f"/v1/recipients/{rid}/accounts", h,
                      {"reference": unique("acct"), "kind": "managed", "provider_id": provider["id"],
                       "number_last4": "1234"})
    worker = post_ok(client, f"/v1/recipients/{rid}/workers", h, {"name": "Sam Carter"})
    plan = post_ok(client, f"/v1/recipients/{rid}/plans", h, PLAN)
    schedule = post_ok(client, f"/v1/recipients/{rid}/payment-schedules", h,
                       {"funding_model": "net", "frequency": "four_weeks", "council_amount": "1540.00",
                        "contribution_amount": "120.00", "first_payment_on": "2026-01-05",
                        "account_id": account["id"]})
    key = post_ok(client, "/v1/api-keys", h, {"name": "spare"})
    admin_id = client.get("/v1/users/me", headers=h).json()["id"]
    world = World(council, {
        "council_id": council.id, "provider_id": provider["id"], "recipient_id": rid,
        "representative_id": rep["id"], "account_id": account["id"], "worker_id": worker["id"],
        "plan_id": plan["id"], "schedule_id": schedule["id"], "key_id": key["id"],
        "user_id": admin_id,
    })
    for extend in _world_extensions():
        extend(client, world)
    return world


def _world_extensions() -> list[Any]:
    """Each domain adds its objects (and their ids) in tests/api/world_<NN>_<domain>.py,
    as ``extend(client, world)``; they run in file-name order."""
    import importlib

    folder = Path(__file__).parent / "api"
    return [importlib.import_module(p.stem).extend for p in sorted(folder.glob("world_*.py"))]


def run_queued_jobs() -> None:
    """Run every job task queued in PostgreSQL here, as a `dpaudit worker` would, and return when
    none is left. In a thread of its own: the worker runs its own event loop, and a browser test
    earlier in the session (Playwright) may hold one in this thread."""
    from service.jobs.queue import QUEUE, queue_app

    failed: list[BaseException] = []

    def work() -> None:
        try:
            queue_app().run_worker(queues=[QUEUE], wait=False, concurrency=1, install_signal_handlers=False)
        except BaseException as error:  # handed to the test's own thread
            failed.append(error)

    worker = threading.Thread(target=work)
    worker.start()
    worker.join(timeout=120)
    assert not worker.is_alive(), "the job queue did not drain"
    if failed:
        raise failed[0]
