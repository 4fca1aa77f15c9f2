"""Least privilege for providers: each sees only what it serves of the person.

The world's person has a bank account of their own and a managed account. ``provider`` holds
the managed account; ``bureau`` is named as their payroll provider and holds no account
(tests/api/world_50_providers.py). test_api_access.py holds the matrix over the world's
managed-account objects; this proves the other cells: the person's own bank account, its
transactions and flags, other senders' uploads, and what each list and record holds.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import World, build_world, post_ok, unique
from test_api_access import CASES, call, operations

PROVIDERS = ("provider", "bureau")
SERVED_RECORD = {"id", "council_id", "reference", "name"}
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def world(app: Any, database_url: str) -> World:
    from fastapi.testclient import TestClient

    with TestClient(app) as client:
        return build_world(client, database_url)


def bearer(world: World, role: str) -> dict[str, str]:
    token = world.council.admin_token if role == "admin" else world.council.tokens[role]
    return {"Authorization": f"Bearer {token}"}


def items(client: Any, world: World, role: str, url: str, **params: Any) -> list[dict[str, Any]]:
    response = client.get(url, headers=bearer(world, role), params={"limit": 200, **params})
    assert response.status_code == 200, (role, url, response.text)
    return list(response.json()["items"])


# --- every route, pointed at what the provider does not serve -------------------------------

def _elsewhere(world: World, role: str) -> dict[str, int]:
    """The world's ids with each served object swapped for the one next to it it must not see:
    the person's own bank account, its line and flag, and an upload someone else sent."""
    other_upload = "bureau_upload_id" if role == "provider" else "provider_upload_id"
    return {**world.ids, "account_id": world.ids["bank_account_id"],
            "transaction_id": world.ids["bank_transaction_id"],
            "flag_id": world.ids["bank_flag_id"], "upload_id": world.ids[other_upload]}


SWAPPED = ("{account_id}", "{transaction_id}", "{flag_id}", "{upload_id}")


@pytest.mark.parametrize("role", PROVIDERS)
def test_what_a_provider_does_not_serve_is_not_found(
    app: Any, client: Any, world: World, role: str
) -> None:
    ids, failures, tried = _elsewhere(world, role), [], 0
    for method, path in operations(app):
        if not any(name in path for name in SWAPPED):
            continue
        spec = CASES[(method, path)]
        body = spec.body(world) if spec.body else None
        files = spec.files(world) if spec.files else None
        response = call(client, method, path.format(**ids), world.council.tokens[role], body, files)
        tried += 1
        if response.status_code != 404:
            failures.append((method, path, response.status_code, response.text[:200]))
    assert tried >= 15 and not failures, failures
    # the same objects are real: the council and the holder see them
    for who in ("admin", "holder"):
        for url in (f"/v1/accounts/{ids['account_id']}", f"/v1/flags/{ids['flag_id']}"):
            assert client.get(url, headers=bearer(world, who)).status_code == 200, (who, url)


@pytest.mark.parametrize(("role", "own", "theirs"), [
    ("provider", "provider_upload_id", "bureau_upload_id"),
    ("bureau", "bureau_upload_id", "provider_upload_id"),
])
def test_a_provider_reads_its_own_uploads_only(
    client: Any, world: World, role: str, own: str, theirs: str
) -> None:
    h = bearer(world, role)
    for suffix in ("", "/file"):
        assert client.get(f"/v1/uploads/{world.ids[own]}{suffix}", headers=h).status_code == 200
        assert client.get(f"/v1/uploads/{world.ids[theirs]}{suffix}", headers=h).status_code == 404
        council_sent = f"/v1/uploads/{world.ids['statement_upload_id']}{suffix}"
        assert client.get(council_sent, headers=h).status_code == 404
    # its own, but voiding is for the council
    void = client.post(f"/v1/uploads/{world.ids[own]}/void", headers=h, json={"reason": "oops"})
    assert void.status_code == 403, void.text


# --- what each list and record holds --------------------------------------------------------

@pytest.mark.parametrize("role", PROVIDERS)
def test_the_person_record_has_no_birth_date(client: Any, world: World, role: str) -> None:
    rid = world.ids["recipient_id"]
    full = client.get(f"/v1/recipients/{rid}", headers=bearer(world, "admin")).json()
    assert full["date_of_birth"] == "1950-03-04" and full["payroll_provider_id"] == world.ids["bureau_id"]
    record = client.get(f"/v1/recipients/{rid}", headers=bearer(world, role))
    assert record.status_code == 200
    assert set(record.json()) == SERVED_RECORD
    assert [set(r) for r in items(client, world, role, "/v1/recipients")] == [SERVED_RECORD]


def test_the_managed_account_provider_lists_only_its_account(client: Any, world: World) -> None:
    managed, bank = world.ids["account_id"], world.ids["bank_account_id"]
    rid = world.ids["recipient_id"]
    for params in ({}, {"recipient_id": rid}):
        assert {a["id"] for a in items(client, world, "admin", "/v1/accounts", **params)} >= {managed, bank}
        assert [a["id"] for a in items(client, world, "provider", "/v1/accounts", **params)] == [managed]
        flags = items(client, world, "provider", "/v1/flags", **params)
        assert world.ids["flag_id"] in {f["id"] for f in flags}
        assert all(f["account_id"] == managed and f["transaction_id"] for f in flags), flags
    assert items(client, world, "provider", "/v1/flags", account_id=bank) == []
    lines = items(client, world, "provider", f"/v1/accounts/{managed}/transactions")
    assert lines and {t["account_id"] for t in lines} == {managed}
    uploads = items(client, world, "provider", f"/v1/accounts/{managed}/uploads")
    assert [u["id"] for u in uploads] == [world.ids["provider_upload_id"]]
    assert len(items(client, world, "admin", f"/v1/accounts/{managed}/uploads")) > 1


def test_the_payroll_bureau_lists_no_account_and_no_flag(client: Any, world: World) -> None:
    rid = world.ids["recipient_id"]
    for params in ({}, {"recipient_id": rid}):
        assert items(client, world, "bureau", "/v1/accounts", **params) == []
        assert items(client, world, "bureau", "/v1/flags", **params) == []
    assert items(client, world, "admin", "/v1/flags", recipient_id=rid)


@pytest.mark.parametrize("role", PROVIDERS)
def test_both_providers_read_the_payroll_and_timesheets_of_the_person(
    client: Any, world: World, role: str
) -> None:
    rid = world.ids["recipient_id"]
    for kind in ("payroll-lines", "timesheet-entries"):
        url = f"/v1/recipients/{rid}/{kind}"
        everything = items(client, world, "admin", url)
        assert everything and items(client, world, role, url) == everything, kind


def _walk(value: Any) -> Any:
    if isinstance(value, dict):
        yield value
        for inner in value.values():
            yield from _walk(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _walk(inner)


@pytest.mark.parametrize("role", PROVIDERS)
def test_no_answer_to_a_provider_carries_a_birth_date_or_the_other_account(
    app: Any, client: Any, world: World, role: str
) -> None:
    bank = {"account_id": world.ids["bank_account_id"],
            "transaction_id": world.ids["bank_transaction_id"]}
    read = 0
    for method, path in operations(app):
        if method != "get":
            continue
        url = path.format(**world.ids)
        for params in ({}, {"recipient_id": world.ids["recipient_id"]}):
            response = client.get(url, headers=bearer(world, role), params=params)
            if not response.headers.get("content-type", "").startswith("application/json"):
                continue
            read += response.status_code == 200
            for row in _walk(response.json()):
                assert "date_of_birth" not in row, (path, row)
                assert all(row.get(key) != value for key, value in bank.items()), (path, row)
    assert read >= 10


# --- how a payroll bureau comes to serve a person -------------------------------------------

def test_a_payroll_provider_named_on_the_person_is_refused_from_another_council(
    client: Any, world: World, council: Any
) -> None:
    elsewhere = post_ok(client, "/v1/providers", council.auth(), {"reference": unique("p"), "name": "X"})
    response = client.post("/v1/recipients", headers=bearer(world, "admin"), json={
        "reference": unique("R"), "name": "N", "payroll_provider_id": elsewhere["id"]})
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["field"] == "payroll_provider_id"


def dpaudit(*args: str, database_url: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DPAUDIT_ENV": "test", "DPAUDIT_DATABASE_URL": database_url,
           "DPAUDIT_SECRET_KEY": "test-secret-key-not-for-production"}
    return subprocess.run([sys.executable, "-m", "service.cli.main", *args], capture_output=True,
                          text=True, env=env, cwd=ROOT, timeout=120, check=False)


def test_the_onboarding_document_names_the_payroll_bureau(
    client: Any, database_url: str, tmp_path: Path
) -> None:
    code = unique("scope")
    person = {"reference": "R1", "name": "Ann One", "date_of_birth": "1948-05-06",
              "payroll_provider": "bureau",
              "accounts": [{"reference": f"{code}-bank", "kind": "bank"}]}
    doc = {"council": {"code": code, "name": "Scope Council"},
           "providers": [{"reference": "bureau", "name": "Bureau Ltd"},
                         {"reference": "other", "name": "Other Bureau"}],
           "recipients": [person, {"reference": "R2", "name": "Bo Two"}]}
    (tmp_path / "onboard.json").write_text(json.dumps(doc))
    loaded = dpaudit("load", str(tmp_path / "onboard.json"), database_url=database_url)
    assert loaded.returncode == 0, loaded.stderr

    def key_for(provider: str) -> dict[str, str]:
        made = dpaudit("create-user", f"{unique(provider)}@{code}.example.org", "--council", code,
                       "--role", "provider", "--provider", provider, database_url=database_url)
        assert made.returncode == 0, made.stderr
        return {"Authorization": f"Bearer {made.stdout.split('shown once): ')[1].strip()}"}

    bureau, other = key_for("bureau"), key_for("other")
    (seen,) = client.get("/v1/recipients", headers=bureau).json()["items"]
    assert seen["reference"] == "R1" and set(seen) == SERVED_RECORD
    assert client.get("/v1/accounts", headers=bureau).json()["items"] == []
    run = {"lines": [{"worker": "Wyn Worker", "period_start": "2026-02-02", "period_end": "2026-02-08",
                      "gross": "120.00", "net": "120.00", "hours": "9.00"}]}
    pushed = client.post(f"/v1/recipients/{seen['id']}/payroll-runs", headers=bureau, json=run)
    assert pushed.status_code == 201, pushed.text
    assert client.get("/v1/recipients", headers=other).json()["items"] == []
    refused = client.post(f"/v1/recipients/{seen['id']}/payroll-runs", headers=other, json=run)
    assert refused.status_code == 404


def test_a_providers_upload_reply_names_no_flag_of_the_persons_elsewhere(
    client: Any, council: Any
) -> None:
    """Sending lines runs the person-wide period rules; the reply tells the provider of the
    flags on its own lines only."""
    h = council.auth()
    provider = post_ok(client, "/v1/providers", h, {"reference": unique("p"), "name": "Managed Ltd"})
    user = post_ok(client, "/v1/users", h, {"email": f"{unique('m')}@{council.code}.example.org",
                                            "name": "M", "role": "provider", "provider_id": provider["id"]})
    key = post_ok(client, "/v1/api-keys", h, {"name": "k", "user_id": user["id"]})
    ph = {"Authorization": f"Bearer {key['token']}"}
    rid = post_ok(client, "/v1/recipients", h, {"reference": unique("R"), "name": "Pat"})["id"]
    bank = post_ok(client, f"/v1/recipients/{rid}/accounts", h, {"reference": unique("b"), "kind": "bank"})
    managed = post_ok(client, f"/v1/recipients/{rid}/accounts", h,
                      {"reference": unique("m"), "kind": "managed", "provider_id": provider["id"]})
    cash = b"Date,Description,Amount\n03/02/2026,CASH WITHDRAWAL ATM,-250.00\n"
    sent = client.post(f"/v1/accounts/{bank['id']}/statements", headers=h,
                       files={"file": ("feb.csv", cash)})
    assert sent.status_code == 201, sent.text
    switched = client.put(f"/v1/councils/{council.id}/rules/local.cash_over_limit", headers=h,
                          json={"on": True, "parameters": {"monthly_limit": "100"}})
    assert switched.status_code == 200, switched.text
    batch = {"transactions": [{"id": "b-1", "date": "2026-02-10", "amount": "-12.00",
                               "description": "CARE SUPPLIES LTD"},
                              {"id": "b-2", "date": "2026-02-11", "amount": "-5.00",
                               "description": "BET365"}]}
    reply = client.post(f"/v1/accounts/{managed['id']}/transactions:batch", headers=ph, json=batch)
    assert reply.status_code == 201, reply.text
    told = {f["rule"] for f in reply.json()["flags_raised"]}
    assert told == {"harmful.gambling"}, reply.json()["flags_raised"]
    flags = client.get("/v1/flags", headers=h, params={"recipient_id": rid}).json()["items"]
    everyone = {f["rule_id"] for f in flags}
    assert "local.cash_over_limit" in everyone
    seen = {f["rule_id"] for f in client.get("/v1/flags", headers=ph).json()["items"]}
    assert seen == {"harmful.gambling"}
