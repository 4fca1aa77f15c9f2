"""GET /metrics: off (404) unless DPAUDIT_METRICS_TOKEN is set, then only with that token; the
counters follow what requests commit (an upload, its lines, an audit, the flags it raised)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from conftest import Council, post_ok, unique
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

TOKEN = "scrape-token-for-tests-only"
PLAN = {
    "effective_from": "2026-04-06", "period": "week", "actual_budget": "300.00",
    "lines": [{"category": "pa_wages", "description": "Personal assistant", "amount": "300.00",
               "amount_basis": "week", "expected_payee": "S CARTER"}],
}
STATEMENT = (
    "Date,Description,Amount,Balance\n"
    "06/04/2026,NORTHSHIRE COUNCIL DP,300.00,1300.00\n"
    "08/04/2026,S CARTER WAGES,-250.00,1050.00\n"
    "09/04/2026,BET365 ONLINE BETTING,-20.00,1030.00\n"
    "12/04/2026,S CARTER WAGES,-30.00,1000.00\n"
)


@pytest.fixture
def scraped(database_url: str) -> Iterator[TestClient]:
    """The app as an operator runs it with metrics on."""
    from service.app import create_app
    from service.core.config import get_settings

    settings = get_settings().model_copy(update={"metrics_token": TOKEN})
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        yield client


def samples(client: TestClient) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    response = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain")
    return {(sample.name, frozenset(sample.labels.items())): sample.value
            for family in text_string_to_metric_families(response.text) for sample in family.samples}


def value(table: dict[tuple[str, frozenset[tuple[str, str]]], float], name: str, **labels: str) -> float:
    return table.get((name, frozenset(labels.items())), 0.0)


def test_metrics_are_off_unless_a_token_is_set(client: Any) -> None:
    response = client.get("/metrics")
    assert response.status_code == 404
    assert "/metrics" not in client.get("/openapi.json").json()["paths"]


@pytest.mark.parametrize("authorization", [None, "Bearer wrong-token", f"Basic {TOKEN}", TOKEN])
def test_a_scrape_without_the_token_learns_nothing(scraped: TestClient, authorization: str | None) -> None:
    headers = {"Authorization": authorization} if authorization else {}
    response = scraped.get("/metrics", headers=headers)
    assert response.status_code == 401
    assert response.headers["content-type"].startswith("application/problem+json")
    assert "dpaudit_" not in response.text


def test_an_upload_and_an_audit_show_in_the_counters(scraped: TestClient, council: Council) -> None:
    h = council.auth()
    before = samples(scraped)
    rid = post_ok(scraped, "/v1/recipients", h, {"reference": unique("R"), "name": "Pat",
                                                 "dp_start_date": "2026-04-06"})["id"]
    account = post_ok(scraped, f"/v1/recipients/{rid}/accounts", h,
                      {"reference": unique("acct"), "kind": "bank"})["id"]
    plan = post_ok(scraped, f"/v1/recipients/{rid}/plans", h, PLAN)
    post_ok(scraped, f"/v1/plans/{plan['id']}/approve", h, {})
    upload = scraped.post(f"/v1/accounts/{account}/statements", headers=h,
                          files={"file": ("april.csv", STATEMENT.encode())})
    assert upload.status_code == 201, upload.text
    audit = post_ok(scraped, f"/v1/recipients/{rid}/audits", h,
                    {"period_start": "2026-04-06", "period_end": "2026-04-12", "kind": "on_demand"})
    scraped.get(f"/v1/audits/{audit['id']}", headers=h)
    scraped.get(f"/v1/audits/{audit['id']}0000", headers=h)  # nobody's: 404
    after = samples(scraped)

    def grew(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    statements = {"method": "POST", "route": "/v1/accounts/{account_id}/statements"}
    assert grew("dpaudit_http_requests_total", **statements, status="201") == 1
    assert grew("dpaudit_http_request_duration_seconds_count", **statements) == 1
    audits_route = {"method": "GET", "route": "/v1/audits/{audit_id}"}
    assert grew("dpaudit_http_requests_total", **audits_route, status="200") == 1
    assert grew("dpaudit_http_requests_total", **audits_route, status="404") == 1
    assert grew("dpaudit_uploads_total", kind="statement") == 1
    assert grew("dpaudit_lines_ingested_total", kind="statement") == 4
    assert grew("dpaudit_audits_total", tier=audit["tier"]) == 1
    assert grew("dpaudit_flags_total", rule="harmful.gambling") == 1
    assert grew("dpaudit_db_checkouts_total") > 0
    assert value(after, "dpaudit_db_connections_open") >= 1
    assert value(after, "dpaudit_db_pool_size") >= 1
    # the raw path, with its ids, is never a label
    routes = {dict(labels)["route"] for (_, labels) in after if "route" in dict(labels)}
    assert not any(part.isdigit() for route in routes for part in route.split("/"))


def test_a_refused_upload_counts_as_a_request_but_stores_nothing(scraped: TestClient,
                                                                 council: Council) -> None:
    h = council.auth()
    rid = post_ok(scraped, "/v1/recipients", h, {"reference": unique("R"), "name": "Pat"})["id"]
    account = post_ok(scraped, f"/v1/recipients/{rid}/accounts", h,
                      {"reference": unique("acct"), "kind": "bank"})["id"]
    before = samples(scraped)
    bad = scraped.post(f"/v1/accounts/{account}/statements", headers=h,
                       files={"file": ("bad.csv", b"Date,Description,Amount\n31/02/2026,X,1.00\n")})
    assert bad.status_code == 422, bad.text
    after = samples(scraped)
    route = {"method": "POST", "route": "/v1/accounts/{account_id}/statements"}
    assert value(after, "dpaudit_http_requests_total", **route, status="422") - value(
        before, "dpaudit_http_requests_total", **route, status="422") == 1
    assert value(after, "dpaudit_uploads_total", kind="statement") == value(
        before, "dpaudit_uploads_total", kind="statement")
