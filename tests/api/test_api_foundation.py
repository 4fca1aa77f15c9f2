"""Behaviour of the /v1 API through HTTP: idempotency, paging, errors, events, money."""

from __future__ import annotations

from typing import Any

from conftest import PLAN, Council, make_user, post_ok, unique


def _recipient_body() -> dict[str, Any]:
    return {"reference": unique("R"), "name": "Pat Person"}


def _count(client: Any, council: Council, url: str) -> int:
    total, cursor = 0, None
    while True:
        params = {"limit": 200, **({"cursor": cursor} if cursor else {})}
        page = client.get(url, headers=council.auth(), params=params).json()
        total += len(page["items"])
        cursor = page["next_cursor"]
        if not cursor:
            return total


# --- Idempotency-Key ---------------------------------------------------------------------

def test_same_key_same_body_replays_the_first_result(client: Any, council: Council) -> None:
    headers = {**council.auth(), "Idempotency-Key": "create-pat-1"}
    body = _recipient_body()
    first = client.post("/v1/recipients", headers=headers, json=body)
    again = client.post("/v1/recipients", headers=headers, json=body)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again.headers.get("idempotent-replayed") == "true"
    assert _count(client, council, "/v1/recipients") == 1


def test_same_key_other_body_is_refused(client: Any, council: Council) -> None:
    headers = {**council.auth(), "Idempotency-Key": "create-pat-2"}
    assert client.post("/v1/recipients", headers=headers, json=_recipient_body()).status_code == 201
    other = client.post("/v1/recipients", headers=headers, json=_recipient_body())
    assert other.status_code == 422
    assert other.json()["errors"][0]["field"] == "Idempotency-Key"
    assert _count(client, council, "/v1/recipients") == 1


def test_key_is_scoped_to_the_caller(client: Any, council: Council) -> None:
    officer = make_user(client, council, "officer")
    body = _recipient_body()
    first = client.post("/v1/recipients", json=body,
                        headers={**council.auth(), "Idempotency-Key": "shared"})
    second = client.post("/v1/recipients", json={**body, "reference": unique("R")},
                         headers={"Authorization": f"Bearer {officer['token']}",
                                  "Idempotency-Key": "shared"})
    assert first.status_code == second.status_code == 201
    assert first.json()["id"] != second.json()["id"]


def test_key_still_running_is_a_conflict(client: Any, council: Council) -> None:
    from service.core.db import get_engine
    from service.core.types import utcnow
    from service.models import IdempotencyKey

    me = client.get("/v1/users/me", headers=council.auth()).json()
    with get_engine().begin() as conn:  # a first request that has claimed the key and not finished
        conn.execute(IdempotencyKey.__table__.insert().values(
            user_id=me["id"], scope="POST /v1/recipients", key="in-flight", request_hash="x",
            state="running", created_at=utcnow()))
    response = client.post("/v1/recipients", json=_recipient_body(),
                           headers={**council.auth(), "Idempotency-Key": "in-flight"})
    assert response.status_code == 409
    assert response.headers["content-type"].startswith("application/problem+json")


def test_failed_request_frees_its_key(client: Any, council: Council) -> None:
    headers = {**council.auth(), "Idempotency-Key": "retry-after-fix"}
    bad = client.post("/v1/recipients/999999999/workers", headers=headers, json={"name": "A"})
    assert bad.status_code == 404
    recipient = post_ok(client, "/v1/recipients", council.auth(), _recipient_body())
    ok = client.post(f"/v1/recipients/{recipient['id']}/workers", json={"name": "A"},
                     headers={**council.auth(), "Idempotency-Key": "retry-after-fix-2"})
    assert ok.status_code == 201


def test_api_key_secret_is_never_replayed(client: Any, council: Council) -> None:
    headers = {**council.auth(), "Idempotency-Key": "key-once"}
    first = client.post("/v1/api-keys", headers=headers, json={"name": "payroll"})
    again = client.post("/v1/api-keys", headers=headers, json={"name": "payroll"})
    assert "token" in first.json()
    assert "token" not in again.json()
    assert again.json()["id"] == first.json()["id"]


# --- paging ------------------------------------------------------------------------------

def test_cursor_paging_walks_every_row_once(client: Any, council: Council) -> None:
    made = {post_ok(client, "/v1/recipients", council.auth(), _recipient_body())["id"] for _ in range(5)}
    seen: list[int] = []
    response = client.get("/v1/recipients?limit=2", headers=council.auth())
    while True:
        page = response.json()
        seen += [r["id"] for r in page["items"]]
        if not page["next_cursor"]:
            assert "link" not in response.headers
            break
        assert 'rel="next"' in response.headers["link"]
        response = client.get(f"/v1/recipients?limit=2&cursor={page['next_cursor']}",
                              headers=council.auth())
    assert sorted(seen) == sorted(made)


def test_bad_cursor_and_limit_are_explained(client: Any, council: Council) -> None:
    bad = client.get("/v1/recipients?cursor=not-ours", headers=council.auth())
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "cursor"
    too_many = client.get("/v1/recipients?limit=5000", headers=council.auth())
    assert too_many.status_code == 422 and too_many.json()["errors"][0]["field"] == "limit"


# --- bad input ---------------------------------------------------------------------------

def test_unknown_field_and_wrong_type_name_the_field(client: Any, council: Council) -> None:
    unknown = client.post("/v1/recipients", headers=council.auth(),
                          json={**_recipient_body(), "council_id": 1})
    assert unknown.status_code == 422
    assert unknown.json()["errors"][0]["field"] == "council_id"
    wrong = client.post("/v1/recipients", headers=council.auth(),
                        json={"reference": unique("R"), "name": ["not", "text"]})
    assert wrong.status_code == 422 and wrong.json()["errors"][0]["field"] == "name"
    assert _count(client, council, "/v1/recipients") == 0


def test_negative_hours_refused_and_nothing_written(client: Any, council: Council) -> None:
    recipient = post_ok(client, "/v1/recipients", council.auth(), _recipient_body())
    plan = {**PLAN, "lines": [{**PLAN["lines"][0], "planned_hours_per_week": "-3"}]}
    response = client.post(f"/v1/recipients/{recipient['id']}/plans", headers=council.auth(), json=plan)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "lines.0.planned_hours_per_week"
    assert _count(client, council, f"/v1/recipients/{recipient['id']}/plans") == 0


def test_money_with_three_places_refused(client: Any, council: Council) -> None:
    recipient = post_ok(client, "/v1/recipients", council.auth(), _recipient_body())
    plan = {**PLAN, "actual_budget": "1660.005"}
    response = client.post(f"/v1/recipients/{recipient['id']}/plans", headers=council.auth(), json=plan)
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "actual_budget"


def test_approving_twice_is_a_conflict_naming_status(client: Any, council: Council) -> None:
    recipient = post_ok(client, "/v1/recipients", council.auth(), _recipient_body())
    plan = post_ok(client, f"/v1/recipients/{recipient['id']}/plans", council.auth(), PLAN)
    assert client.post(f"/v1/plans/{plan['id']}/approve", headers=council.auth()).status_code == 200
    again = client.post(f"/v1/plans/{plan['id']}/approve", headers=council.auth())
    assert again.status_code == 409 and again.json()["errors"][0]["field"] == "status"


def test_new_version_ends_the_previous_one(client: Any, council: Council) -> None:
    rid = post_ok(client, "/v1/recipients", council.auth(), _recipient_body())["id"]
    first = post_ok(client, f"/v1/recipients/{rid}/plans", council.auth(), PLAN)
    client.post(f"/v1/plans/{first['id']}/approve", headers=council.auth())
    second = post_ok(client, f"/v1/recipients/{rid}/plans", council.auth(),
                     {**PLAN, "effective_from": "2026-06-01", "actual_budget": "1800.00"})
    assert second["version"] == 2 and second["status"] == "draft"
    client.post(f"/v1/plans/{second['id']}/approve", headers=council.auth())
    assert client.get(f"/v1/plans/{first['id']}", headers=council.auth()).json()["effective_to"] == "2026-05-31"


def test_money_round_trips_exactly(client: Any, council: Council) -> None:
    rid = post_ok(client, "/v1/recipients", council.auth(), _recipient_body())["id"]
    plan = post_ok(client, f"/v1/recipients/{rid}/plans", council.auth(),
                   {**PLAN, "actual_budget": "0.30", "indicative_budget": "1234567890.99"})
    read = client.get(f"/v1/plans/{plan['id']}", headers=council.auth()).json()
    assert read["actual_budget"] == "0.30" and read["indicative_budget"] == "1234567890.99"


def test_oversized_body_refused_with_and_without_length(client: Any, council: Council) -> None:
    big = b"{" + b" " * (2 * 1024 * 1024) + b"}"
    with_length = client.post("/v1/recipients", headers={**council.auth(), "content-type":
                              "application/json"}, content=big)
    chunked = client.post("/v1/recipients", headers={**council.auth(), "content-type":
                          "application/json"}, content=iter([big[:1024 * 1024], big[1024 * 1024:]]))
    for response in (with_length, chunked):
        assert response.status_code == 413
        assert response.headers["content-type"].startswith("application/problem+json")


# --- events ------------------------------------------------------------------------------

def test_every_change_is_an_event_with_before_and_after(client: Any, council: Council) -> None:
    rid = post_ok(client, "/v1/recipients", council.auth(), _recipient_body())["id"]
    client.patch(f"/v1/recipients/{rid}", headers=council.auth(), json={"name": "Pat Jones"})
    events = client.get(f"/v1/events?recipient_id={rid}", headers=council.auth()).json()["items"]
    assert [e["action"] for e in events] == ["recipient.created", "recipient.updated"]
    update = events[1]
    assert update["before"]["name"] == "Pat Person" and update["after"]["name"] == "Pat Jones"
    assert update["actor_user_id"] is not None
    assert client.delete(f"/v1/events/{update['id']}", headers=council.auth()).status_code in (404, 405)


def test_holder_cannot_record_the_council_decision(client: Any, council: Council) -> None:
    holder = make_user(client, council, "holder")
    rid = post_ok(client, "/v1/recipients", council.auth(), _recipient_body())["id"]
    post_ok(client, f"/v1/recipients/{rid}/representatives", council.auth(),
            {"kind": "self", "name": "Pat Person", "user_id": holder["id"]})
    auth = {"Authorization": f"Bearer {holder['token']}"}
    ok = client.post(f"/v1/recipients/{rid}/workers", headers=auth,
                     json={"name": "Chris Person", "relationship": "sibling", "lives_in_household": True})
    assert ok.status_code == 201
    refused = client.patch(f"/v1/workers/{ok.json()['id']}", headers=auth,
                           json={"necessary_decision_on": "2026-01-01"})
    assert refused.status_code == 403
    assert refused.json()["errors"][0]["field"] == "necessary_decision_on"


def test_revoked_key_stops_working(client: Any, council: Council) -> None:
    made = post_ok(client, "/v1/api-keys", council.auth(), {"name": "temp"})
    auth = {"Authorization": f"Bearer {made['token']}"}
    assert client.get("/v1/users/me", headers=auth).status_code == 200
    assert client.delete(f"/v1/api-keys/{made['id']}", headers=council.auth()).status_code == 200
    assert client.get("/v1/users/me", headers=auth).status_code == 401


def test_health_and_readiness(client: Any) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.json()["status"] == "ok"
    assert client.get("/healthz", headers={"X-Request-ID": "abc-123"}).headers["x-request-id"] == "abc-123"


def test_openapi_is_3_1_and_documents_problems(client: Any) -> None:
    spec = client.get("/openapi.json").json()
    assert spec["openapi"].startswith("3.1")
    create = spec["paths"]["/v1/recipients"]["post"]
    assert "application/problem+json" in create["responses"]["422"]["content"]
    assert create["summary"]


def test_nul_characters_are_refused_not_a_server_error(client: Any, council: Council) -> None:
    response = client.post("/v1/recipients", headers=council.auth(),
                           json={"reference": unique("R"), "name": "Pat\x00Person"})
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "name"


def test_forged_cursor_is_a_bad_request(client: Any, council: Council) -> None:
    import base64

    forged = base64.urlsafe_b64encode(b"id:99999999999999999999").decode()
    response = client.get("/v1/recipients", headers=council.auth(), params={"cursor": forged})
    assert response.status_code == 400


def test_null_in_a_patch_is_refused_unless_the_field_can_be_cleared(client: Any, council: Council) -> None:
    rid = post_ok(client, "/v1/recipients", council.auth(), _recipient_body())["id"]
    refused = client.patch(f"/v1/recipients/{rid}", headers=council.auth(), json={"name": None})
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "name"
    cleared = client.patch(f"/v1/recipients/{rid}", headers=council.auth(), json={"date_of_birth": None})
    assert cleared.status_code == 200
    settings = client.patch(f"/v1/councils/{council.id}", headers=council.auth(), json={"optional_rules": None})
    assert settings.status_code == 422


def test_risk_weights_must_be_known_names(client: Any, council: Council) -> None:
    bad = client.patch(f"/v1/councils/{council.id}", headers=council.auth(),
                       json={"risk_weights": {"bogus": 1}})
    assert bad.status_code == 422 and "bogus" in bad.json()["detail"]
    negative = client.patch(f"/v1/councils/{council.id}", headers=council.auth(),
                            json={"risk_weights": {"first_audit": -5}})
    assert negative.status_code == 422


def test_providers_do_not_read_the_event_log(client: Any, council: Council) -> None:
    provider = post_ok(client, "/v1/providers", council.auth(), {"reference": unique("p"), "name": "P"})
    prov_user = make_user(client, council, "provider", provider_id=provider["id"])
    rid = post_ok(client, "/v1/recipients", council.auth(), _recipient_body())["id"]
    post_ok(client, f"/v1/recipients/{rid}/accounts", council.auth(),
            {"reference": unique("a"), "kind": "managed", "provider_id": provider["id"]})
    post_ok(client, f"/v1/recipients/{rid}/underspend-reasons", council.auth(), {
        "period_start": "2026-01-01", "period_end": "2026-03-31", "reason": "hospital_stay",
        "note": "private medical details"})
    auth = {"Authorization": f"Bearer {prov_user['token']}"}
    refused = client.get("/v1/events", headers=auth, params={"recipient_id": rid})
    assert refused.status_code == 403
    assert "private medical" not in refused.text
    logged = client.get("/v1/events", headers=council.auth(), params={"recipient_id": rid})
    assert "private medical" in logged.text


def test_an_older_version_approved_late_ends_before_the_next(client: Any, council: Council) -> None:
    rid = post_ok(client, "/v1/recipients", council.auth(), _recipient_body())["id"]
    later = post_ok(client, f"/v1/recipients/{rid}/plans", council.auth(), {**PLAN, "effective_from": "2026-06-01"})
    earlier = post_ok(client, f"/v1/recipients/{rid}/plans", council.auth(), PLAN)
    client.post(f"/v1/plans/{later['id']}/approve", headers=council.auth())
    approved = client.post(f"/v1/plans/{earlier['id']}/approve", headers=council.auth()).json()
    assert approved["effective_to"] == "2026-05-31"


def test_money_must_be_written_plainly(client: Any, council: Council) -> None:
    rid = post_ok(client, "/v1/recipients", council.auth(), _recipient_body())["id"]
    for written in ("1e5", "NaN", "Infinity", "1,000.00"):
        response = client.post(f"/v1/recipients/{rid}/plans", headers=council.auth(),
                               json={**PLAN, "actual_budget": written})
        assert response.status_code == 422, written
        assert response.json()["errors"][0]["field"] == "actual_budget"
