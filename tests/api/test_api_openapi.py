"""The published OpenAPI document: complete, honest about errors, and unchanged unless meant.

The document is compared with tests/api/openapi.snapshot.json. After a deliberate change to
the API, refresh the snapshot and review its diff:

    DPAUDIT_REFRESH_OPENAPI_SNAPSHOT=1 .venv/bin/python -m pytest tests/api/test_api_openapi.py -k snapshot
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest
from conftest import Council, post_ok, unique

SNAPSHOT = Path(__file__).with_name("openapi.snapshot.json")
JSON = "application/json"


@pytest.fixture(scope="module")
def document(app: Any) -> dict[str, Any]:
    from fastapi.testclient import TestClient

    with TestClient(app) as client:
        response = client.get("/openapi.json")
    assert response.status_code == 200
    return dict(response.json())


def _operations(document: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            yield method.upper(), path, operation


def _operation(document: dict[str, Any], method: str, path: str) -> dict[str, Any]:
    return dict(document["paths"][path][method.lower()])


def _errors(document: dict[str, Any], method: str, path: str) -> set[int]:
    return {int(code) for code in _operation(document, method, path)["responses"]
            if int(code) >= 400}


def test_published_schema_matches_the_snapshot(document: dict[str, Any]) -> None:
    published = json.dumps(document, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
    if os.environ.get("DPAUDIT_REFRESH_OPENAPI_SNAPSHOT"):
        SNAPSHOT.write_text(published, encoding="utf-8")
    assert published == SNAPSHOT.read_text(encoding="utf-8"), (
        "The API's published schema changed. If that was meant, refresh the snapshot (see this "
        "module's docstring) and review the diff.")


def test_every_operation_is_described_with_examples(document: dict[str, Any]) -> None:
    missing = []
    for method, path, operation in _operations(document):
        where = f"{method} {path}"
        if not operation.get("summary") or not operation.get("description"):
            missing.append(f"{where}: summary or description")
        for media_type, body in operation.get("requestBody", {}).get("content", {}).items():
            if "example" not in body:
                missing.append(f"{where}: request example ({media_type})")
        examples = [body for answer in operation["responses"].values()
                    for body in answer.get("content", {}).values() if "example" in body]
        if not examples:
            missing.append(f"{where}: response example")
        for code, answer in operation["responses"].items():
            json_body = answer.get("content", {}).get(JSON)
            if code.startswith("2") and json_body is not None and "example" not in json_body:
                missing.append(f"{where}: {code} example")
    assert missing == []


def test_examples_are_valid_against_their_schemas(document: dict[str, Any]) -> None:
    components = document["components"]
    invalid = []
    for method, path, operation in _operations(document):
        bodies = [("request", operation.get("requestBody", {}).get("content", {}))]
        bodies += [(code, answer.get("content", {})) for code, answer in operation["responses"].items()]
        for label, content in bodies:
            body = content.get(JSON) or content.get("application/problem+json")
            if body is None or "example" not in body:
                continue
            validator = jsonschema_rs.validator_for({**body["schema"], "components": components})
            errors = [error.message for error in validator.iter_errors(body["example"])]
            if errors:
                invalid.append((method, path, label, errors[:2]))
    assert invalid == []


def test_operation_ids_are_unique_and_readable(document: dict[str, Any]) -> None:
    ids = [operation["operationId"] for _method, _path, operation in _operations(document)]
    assert len(ids) == len(set(ids))
    assert all(op_id.replace("_", "").isalnum() for op_id in ids)


def test_schema_names_are_clean(document: dict[str, Any]) -> None:
    names = list(document["components"]["schemas"])
    assert [name for name in names if "__" in name or name.startswith(("Body_", "Page_"))] == []
    assert {"AuditDecisionIn", "FlagDecisionIn", "AuditNotePage", "FlagNotePage",
            "UploadStatementForm"} <= set(names)


def test_problem_errors_are_typed(document: dict[str, Any]) -> None:
    schemas = document["components"]["schemas"]
    items = schemas["Problem"]["properties"]["errors"]["items"]
    assert items == {"$ref": "#/components/schemas/ProblemError"}
    error = schemas["ProblemError"]["properties"]
    assert {name: error[name]["type"] for name in ("pointer", "field", "line", "sheet", "reason")} == {
        "pointer": "string", "field": "string", "line": "integer", "sheet": "string", "reason": "string"}


def test_api_key_is_declared_both_ways(document: dict[str, Any]) -> None:
    schemes = document["components"]["securitySchemes"]
    assert schemes["bearer"] == {**schemes["bearer"], "type": "http", "scheme": "bearer"}
    assert schemes["xApiKey"] == {**schemes["xApiKey"], "type": "apiKey", "in": "header",
                                  "name": "X-API-Key"}
    for method, path, operation in _operations(document):
        if path.startswith("/v1/"):
            assert operation["security"] == [{"bearer": []}, {"xApiKey": []}], (method, path)
            assert {401, 403} <= _errors(document, method, path), (method, path)


def test_each_operation_lists_only_the_errors_it_can_give(document: dict[str, Any]) -> None:
    assert _errors(document, "GET", "/healthz") == set()
    assert _errors(document, "GET", "/v1/users/me") == {401, 403, 503}
    assert _errors(document, "GET", "/v1/recipients") == {400, 401, 403, 422, 503}  # a cursor
    assert _errors(document, "GET", "/v1/recipients/{recipient_id}") == {401, 403, 404, 422, 503}
    upload = _errors(document, "POST", "/v1/accounts/{account_id}/statements")
    assert {400, 404, 409, 413, 422} <= upload
    for method, path, _ in _operations(document):
        errors = _errors(document, method, path)
        if method == "GET":
            assert not errors & {409, 413}, (method, path)
        if "{" not in path and method == "GET":
            assert 404 not in errors or "_id" in json.dumps(_operation(document, method, path)), path


def test_money_is_published_as_a_decimal_string(document: dict[str, Any]) -> None:
    amount = document["components"]["schemas"]["CommitmentIn"]["properties"]["amount"]
    assert amount["type"] == "string"
    assert "anyOf" not in amount


# --- money arrives as a string, never a JSON number -------------------------------------------

@pytest.fixture
def recipient_id(client: Any, council: Council) -> int:
    return int(post_ok(client, "/v1/recipients", council.auth(),
                       {"reference": unique("R"), "name": "Pat Person"})["id"])


@pytest.mark.parametrize("amount", ["12.34", "1e-9999", "0", "1250"])
def test_money_as_a_json_number_is_refused(client: Any, council: Council, recipient_id: int,
                                           amount: str) -> None:
    url = f"/v1/recipients/{recipient_id}/commitments"
    raw = '{"kind": "invoice", "description": "Care agency", "amount": ' + amount + "}"
    response = client.post(url, headers={**council.auth(), "Content-Type": JSON}, content=raw)
    assert response.status_code == 422, response.text
    problem = response.json()
    assert problem["errors"][0]["field"] == "amount"
    assert '"12.34"' in problem["errors"][0]["reason"]
    listed = client.get(url, headers=council.auth()).json()["items"]
    assert listed == []


def test_money_as_a_decimal_string_is_taken_exactly(client: Any, council: Council,
                                                    recipient_id: int) -> None:
    created = post_ok(client, f"/v1/recipients/{recipient_id}/commitments", council.auth(),
                      {"kind": "invoice", "description": "Care agency", "amount": "12.34"})
    assert created["amount"] == "12.34"


@pytest.mark.parametrize("amount", ["1e5", "NaN", "12.345", "12,34"])
def test_money_strings_that_are_not_plain_amounts_are_refused(client: Any, council: Council,
                                                              recipient_id: int, amount: str) -> None:
    response = client.post(f"/v1/recipients/{recipient_id}/commitments", headers=council.auth(),
                           json={"kind": "invoice", "description": "Care agency", "amount": amount})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "amount"


@pytest.mark.parametrize("amount", ["1e-9999", "300.0"])
def test_a_rule_limit_as_a_json_number_is_refused(client: Any, council: Council, amount: str) -> None:
    url = f"/v1/councils/{council.id}/rules/local.cash_over_limit"
    raw = '{"on": true, "parameters": {"monthly_limit": ' + amount + "}}"
    response = client.put(url, headers={**council.auth(), "Content-Type": JSON}, content=raw)
    assert response.status_code == 422, response.text
    error = response.json()["errors"][0]
    assert error["field"] == "parameters.monthly_limit"
    assert '"12.34"' in error["reason"]
    rule = next(r for r in client.get("/v1/rules", headers=council.auth()).json()["rules"]
                if r["id"] == "local.cash_over_limit")
    assert rule["on"] is False
