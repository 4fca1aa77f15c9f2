"""The role x council access matrix, over every route the API publishes.

Every operation in the OpenAPI document must have a case here, or the coverage test fails:
a new route cannot ship without saying who may call it.
For each case: allowed roles succeed; roles that can see the object but may not act get 403;
roles that cannot see it get 404; every role gets 404 for a second council's real ids; lists
never show another council's rows; no key, or a wrong key, gets 401.

Two providers serve the world's person (tests/api/world_50_providers.py): ``provider`` holds
their managed account, ``bureau`` runs their payroll and holds no account. The objects in the
world's ids are the managed account's; test_api_provider_scope.py proves the rest of what a
provider may not see (the person's own bank account, its flags, others' uploads).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from conftest import PLAN, World, build_world, post_ok, unique

ROLES = ("admin", "officer", "holder", "provider", "bureau")
PUBLIC = {("get", "/healthz"), ("get", "/readyz")}
OK = {200, 201}


@dataclass(frozen=True)
class Case:
    ok: frozenset[str]  # roles that may do it
    hidden: frozenset[str] = frozenset()  # roles that cannot see the object: 404
    body: Callable[[World], dict[str, Any]] | None = None
    also_ok: frozenset[int] = field(default_factory=frozenset)  # e.g. 409 when already done
    files: Callable[[World], dict[str, Any]] | None = None  # multipart uploads


def case(ok: str, hidden: str = "", body: Callable[[World], dict[str, Any]] | None = None,
         also_ok: tuple[int, ...] = (), files: Callable[[World], dict[str, Any]] | None = None) -> Case:
    return Case(frozenset(ok.split()), frozenset(hidden.split()), body, frozenset(also_ok), files)


ALL = "admin officer holder provider bureau"
STAFF = "admin officer"
HOLDER_AND_STAFF = "admin officer holder"
PROVIDERS = "provider bureau"  # the world's managed-account provider and payroll bureau
CASES: dict[tuple[str, str], Case] = {
    ("get", "/v1/councils"): case(ALL),
    ("get", "/v1/councils/{council_id}"): case(ALL),
    ("patch", "/v1/councils/{council_id}"): case("admin", body=lambda w: {"contingency_weeks": 8}),
    ("post", "/v1/providers"): case("admin", body=lambda w: {"reference": unique("p"), "name": "P"}),
    ("get", "/v1/providers"): case(ALL),
    ("get", "/v1/providers/{provider_id}"): case("admin officer provider", hidden="holder bureau"),
    ("post", "/v1/users"): case("admin", body=lambda w: {
        "email": f"{unique('u')}@example.org", "name": "U", "role": "officer"}),
    ("get", "/v1/users"): case(ALL),
    ("get", "/v1/users/me"): case(ALL),
    ("get", "/v1/users/{user_id}"): case(STAFF, hidden=f"holder {PROVIDERS}"),
    ("patch", "/v1/users/{user_id}"): case("admin", hidden=f"holder {PROVIDERS}",
                                            body=lambda w: {"name": "Admin"}),
    ("post", "/v1/api-keys"): case(ALL, body=lambda w: {"name": "another"}),
    ("get", "/v1/api-keys"): case(ALL),
    ("delete", "/v1/api-keys/{key_id}"): case("admin", hidden=f"officer holder {PROVIDERS}"),
    ("post", "/v1/recipients"): case(STAFF, body=lambda w: {"reference": unique("R"), "name": "N"}),
    # providers read a reduced record of the people they serve (no date of birth)
    ("get", "/v1/recipients"): case(ALL),
    ("get", "/v1/recipients/{recipient_id}"): case(ALL),
    ("patch", "/v1/recipients/{recipient_id}"): case(STAFF, body=lambda w: {"name": "Pat Person"}),
    ("post", "/v1/recipients/{recipient_id}/representatives"): case(
        STAFF, body=lambda w: {"kind": "nominee", "name": "Another Nominee"}),
    ("get", "/v1/recipients/{recipient_id}/representatives"): case(HOLDER_AND_STAFF),
    ("get", "/v1/representatives/{representative_id}"): case(HOLDER_AND_STAFF, hidden=PROVIDERS),
    ("post", "/v1/recipients/{recipient_id}/workers"): case(
        HOLDER_AND_STAFF, body=lambda w: {"name": "Another PA"}),
    ("get", "/v1/recipients/{recipient_id}/workers"): case(HOLDER_AND_STAFF),
    ("get", "/v1/workers/{worker_id}"): case(HOLDER_AND_STAFF, hidden=PROVIDERS),
    ("patch", "/v1/workers/{worker_id}"): case(HOLDER_AND_STAFF, hidden=PROVIDERS,
                                               body=lambda w: {"name": "Sam Carter"}),
    ("post", "/v1/recipients/{recipient_id}/plans"): case(STAFF, body=lambda w: PLAN),
    ("get", "/v1/recipients/{recipient_id}/plans"): case(HOLDER_AND_STAFF),
    ("get", "/v1/plans/{plan_id}"): case(HOLDER_AND_STAFF, hidden=PROVIDERS),
    ("post", "/v1/plans/{plan_id}/approve"): case(STAFF, hidden=PROVIDERS, also_ok=(409,)),
    ("post", "/v1/recipients/{recipient_id}/accounts"): case(
        STAFF, body=lambda w: {"reference": unique("a"), "kind": "bank"}),
    ("get", "/v1/accounts"): case(ALL),
    # the world's account is the managed one: its provider sees it, the bureau does not
    ("get", "/v1/accounts/{account_id}"): case("admin officer holder provider", hidden="bureau"),
    ("patch", "/v1/accounts/{account_id}"): case(STAFF, hidden="bureau",
                                                 body=lambda w: {"institution": "Bank"}),
    ("post", "/v1/recipients/{recipient_id}/payment-schedules"): case(STAFF, body=lambda w: {
        "funding_model": "gross", "frequency": "month", "council_amount": "100.00",
        "first_payment_on": "2026-02-01"}),
    ("get", "/v1/recipients/{recipient_id}/payment-schedules"): case(HOLDER_AND_STAFF),
    ("get", "/v1/payment-schedules/{schedule_id}"): case(HOLDER_AND_STAFF, hidden=PROVIDERS),
    ("get", "/v1/events"): case(HOLDER_AND_STAFF),
}


def _domain_cases() -> dict[tuple[str, str], Case]:
    """Each domain adds the cases for its own routes in tests/api/access_cases_<domain>.py."""
    import importlib
    from pathlib import Path

    found: dict[tuple[str, str], Case] = {}
    for path in sorted(Path(__file__).parent.glob("access_cases_*.py")):
        module = importlib.import_module(path.stem)
        found.update(module.CASES)
    return found


CASES.update(_domain_cases())


def operations(app: Any) -> list[tuple[str, str]]:
    spec = app.openapi()
    return [(method, path) for path, ops in spec["paths"].items() for method in ops
            if (method, path) not in PUBLIC]


def fill(path: str, ids: dict[str, int]) -> str:
    return path.format(**ids)


def call(client: Any, method: str, path: str, token: str | None, body: Any = None,
         files: dict[str, Any] | None = None) -> Any:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    if files is not None:
        return client.request(method.upper(), path, headers=headers, files=files, data=body)
    return client.request(method.upper(), path, headers=headers, json=body)


@pytest.fixture(scope="module")
def worlds(app: Any, database_url: str) -> tuple[World, World]:
    from fastapi.testclient import TestClient

    with TestClient(app) as client:
        return build_world(client, database_url), build_world(client, database_url)


def test_every_route_has_a_case(app: Any) -> None:
    missing = [op for op in operations(app) if op not in CASES]
    assert not missing, f"routes without an access case: {missing}"
    stale = [op for op in CASES if op not in operations(app)]
    assert not stale, f"cases for routes that no longer exist: {stale}"


def test_only_health_is_public(app: Any, client: Any) -> None:
    for method, path in operations(app):
        url = path.format_map(defaultdict(lambda: 1))
        for token in (None, "dpa_000000000000_not-a-real-key"):
            response = call(client, method, url, token, {})
            assert response.status_code == 401, (method, path, token, response.text)
            assert response.headers["content-type"].startswith("application/problem+json")
    assert client.get("/healthz").status_code == 200


@pytest.mark.parametrize("role", ROLES)
def test_own_council_matrix(app: Any, client: Any, worlds: tuple[World, World], role: str) -> None:
    world, _ = worlds
    token = world.council.tokens.get(role) if role != "admin" else world.council.admin_token
    failures = []
    for method, path in operations(app):
        spec = CASES[(method, path)]
        body = spec.body(world) if spec.body else None
        files = spec.files(world) if spec.files else None
        response = call(client, method, fill(path, world.ids), token, body, files)
        status = response.status_code
        if role in spec.ok:
            good = status in OK or status in spec.also_ok
        else:
            good = status == (404 if role in spec.hidden else 403)
        if not good:
            failures.append((method, path, status, response.text[:200]))
    assert not failures, failures


@pytest.mark.parametrize("role", ROLES)
def test_second_council_ids_are_not_found(
    app: Any, client: Any, worlds: tuple[World, World], role: str
) -> None:
    mine, theirs = worlds
    token = mine.council.tokens.get(role) if role != "admin" else mine.council.admin_token
    failures = []
    for method, path in operations(app):
        if "{" not in path:
            continue
        spec = CASES[(method, path)]
        body = spec.body(mine) if spec.body else None
        files = spec.files(mine) if spec.files else None
        response = call(client, method, fill(path, theirs.ids), token, body, files)
        if response.status_code != 404:
            failures.append((method, path, response.status_code))
    assert not failures, failures


@pytest.mark.parametrize("role", ROLES)
def test_lists_show_no_foreign_rows(
    app: Any, client: Any, worlds: tuple[World, World], role: str
) -> None:
    mine, theirs = worlds
    token = mine.council.tokens.get(role) if role != "admin" else mine.council.admin_token
    for method, path in operations(app):
        if method != "get":
            continue
        response = call(client, method, fill(path, mine.ids), token)
        is_json = response.headers.get("content-type", "").startswith("application/json")
        if response.status_code != 200 or not is_json or "items" not in response.json():
            continue
        for item in response.json()["items"]:
            assert item.get("council_id", mine.council.id) == mine.council.id, (path, item)
            assert item.get("recipient_id") != theirs.ids["recipient_id"], (path, item)


def test_foreign_ids_in_bodies_are_refused(client: Any, worlds: tuple[World, World]) -> None:
    mine, theirs = worlds
    h, rid = mine.council.auth(), mine.ids["recipient_id"]
    attempts = [
        ("/v1/api-keys", {"name": "x", "user_id": theirs.ids["user_id"]}),
        ("/v1/users", {"email": f"{unique('x')}@example.org", "name": "X", "role": "provider",
                       "provider_id": theirs.ids["provider_id"]}),
        (f"/v1/recipients/{rid}/accounts", {"reference": unique("a"), "kind": "managed",
                                            "provider_id": theirs.ids["provider_id"]}),
        (f"/v1/recipients/{rid}/payment-schedules", {
            "funding_model": "net", "frequency": "week", "council_amount": "1.00",
            "first_payment_on": "2026-01-01", "account_id": theirs.ids["account_id"]}),
    ]
    for url, body in attempts:
        response = client.post(url, headers=h, json=body)
        assert response.status_code in (404, 422), (url, response.status_code, response.text)


def test_holder_and_provider_see_only_their_people(
    client: Any, worlds: tuple[World, World]
) -> None:
    world, _ = worlds
    h = world.council.auth()
    other = post_ok(client, "/v1/recipients", h, {"reference": unique("R"), "name": "Someone Else"})
    for role in ("holder", "provider", "bureau"):
        auth = {"Authorization": f"Bearer {world.council.tokens[role]}"}
        listed = {r["id"] for r in client.get("/v1/recipients", headers=auth).json()["items"]}
        assert listed == {world.ids["recipient_id"]}, role
        assert client.get(f"/v1/recipients/{other['id']}", headers=auth).status_code == 404
        assert client.get(f"/v1/recipients/{other['id']}", headers=h).status_code == 200
