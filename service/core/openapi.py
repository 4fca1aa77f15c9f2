"""The published OpenAPI document: errors per operation, clean names, an example everywhere.

FastAPI describes each route's parameters, body and success answer. This adds what it cannot
know: which problem+json answers a route can give (worked out from what the route depends on
and takes in), the two ways of sending an API key, readable schema names, and an example for
every request body and JSON answer (built from the fields' own examples where the route does
not give one).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute, iter_route_contexts

from service.core.deps import AUTHENTICATES
from service.core.errors import PROBLEM_BASE, PROBLEM_JSON
from service.core.idempotency import idempotency

JSON = "application/json"
SCHEMAS = "#/components/schemas/"
SECURITY: list[dict[str, list[str]]] = [{"bearer": []}, {"xApiKey": []}]
SECURITY_SCHEMES = {
    "bearer": {"type": "http", "scheme": "bearer",
               "description": "An API key: `Authorization: Bearer dpa_...`"},
    "xApiKey": {"type": "apiKey", "in": "header", "name": "X-API-Key",
                "description": "The same API key in its own header: `X-API-Key: dpa_...`"},
}

PROBLEM_ERROR = {
    "title": "ProblemError",
    "type": "object",
    "description": "One thing at fault. `line` (and `sheet`, for a workbook) place it in an "
    "uploaded file; `pointer` (RFC 6901) and `field` place it in the request.",
    "properties": {
        "pointer": {"type": "string", "examples": ["/lines/0/amount"]},
        "field": {"type": "string", "examples": ["lines.0.amount"]},
        "line": {"type": "integer", "minimum": 1, "examples": [12]},
        "sheet": {"type": "string", "examples": ["April"]},
        "reason": {"type": "string", "examples": ["must be a decimal string such as \"12.34\""]},
        "in": {"type": "string", "enum": ["body", "query", "path", "header"],
               "description": "Where a field of the request is."},
    },
    "required": ["reason"],
}
PROBLEM = {
    "title": "Problem",
    "type": "object",
    "description": "An RFC 9457 problem: what went wrong, in words, and each thing at fault.",
    "properties": {
        "type": {"type": "string", "format": "uri"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
        "errors": {"type": "array", "items": {"$ref": SCHEMAS + "ProblemError"}},
    },
    "required": ["type", "title", "status", "detail"],
}

# status: (slug, title, when, example detail)
PROBLEMS: dict[int, tuple[str, str, str, str]] = {
    400: ("bad-request", "Bad request", "A cursor we never gave out, a malformed upload or "
          "Idempotency-Key.", "That cursor is not one we gave out."),
    401: ("unauthorized", "Sign-in needed", "No API key, or one that is not valid or revoked.",
          "Send your API key as 'Authorization: Bearer <key>'."),
    403: ("forbidden", "Not allowed for your role", "You can see this, but your role may not do "
          "this.", "Only a finance officer or an admin can do this."),
    404: ("not-found", "Not found", "Nothing with that id that you can see (existence never "
          "leaks).", "No recipient 42."),
    409: ("conflict", "Conflict", "It clashes with what is recorded (a reference in use, a state "
          "already reached), or the same Idempotency-Key is still running.",
          "That conflicts with something already recorded."),
    413: ("too-large", "Too large", "The body or file is larger than this route accepts.",
          "The request is larger than this route accepts."),
    422: ("unprocessable", "Cannot be processed", "Input that cannot be used; `errors` names "
          "each field (or line) and why.", "amount: must be a decimal string such as \"12.34\""),
    503: ("unavailable", "Service unavailable", "The database cannot be reached just now: try "
          "again after `Retry-After` seconds.", "The service cannot reach its database just now."),
}
NEVER_PROBLEMS = {"/healthz", "/readyz"}


def build_openapi(app: FastAPI) -> dict[str, Any]:
    if app.openapi_schema:
        return app.openapi_schema
    schema = get_openapi(title=app.title, version=app.version, description=app.description,
                         routes=app.routes, tags=app.openapi_tags)
    components = schema.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    for unused in ("HTTPValidationError", "ValidationError"):
        schemas.pop(unused, None)
    schemas["Problem"], schemas["ProblemError"] = PROBLEM, PROBLEM_ERROR
    components["securitySchemes"] = SECURITY_SCHEMES
    for route in _api_routes(app):
        for method in route.methods:
            operation = schema["paths"][route.path_format].get(method.lower())
            if operation is not None:
                _document_errors(route, method, operation, schemas)
    _rename_schemas(schema, _clean_names(app, schemas))
    for operation in _operations(schema):
        _add_examples(operation, schema["components"]["schemas"])
    app.openapi_schema = schema
    return schema


def _api_routes(app: FastAPI) -> Iterator[Any]:
    """The routes in the document, as included (with their prefixes, tags and ids)."""
    for context in iter_route_contexts(app.routes):
        if isinstance(context.original_route, APIRoute) and context.include_in_schema:
            yield context


def _operations(schema: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for operations in schema["paths"].values():
        yield from operations.values()


# --- errors each route can give --------------------------------------------------------------

def _dependants(dependant: Dependant) -> Iterator[Dependant]:
    for dependency in dependant.dependencies:
        yield dependency
        yield from _dependants(dependency)


def _calls(dependant: Dependant) -> Iterator[Any]:
    return (dependency.call for dependency in _dependants(dependant))


def error_statuses(route: Any, method: str, body_names_ids: bool) -> list[int]:
    """The problem+json answers this route can give, from what it depends on and takes in.

    404 comes with an id to look up: in the path, a query filter or the body (``*_id``)."""
    if route.path_format in NEVER_PROBLEMS:
        return []
    calls = set(_calls(route.dependant))
    dependants = [route.dependant, *_dependants(route.dependant)]
    body = [param for d in dependants for param in d.body_params]
    path = [param for d in dependants for param in d.path_params]
    query = [param for d in dependants for param in d.query_params]
    headers = [param for d in dependants for param in d.header_params]
    has_body = bool(body)
    is_upload = any("multipart" in str(getattr(param.field_info, "media_type", "")) for param in body)
    takes_input = bool(body or path or query or headers)
    query_names = {param.alias for param in query}
    statuses = {503}
    if calls & AUTHENTICATES:
        statuses |= {401, 403}
    if path or body_names_ids or any(name.endswith("_id") for name in query_names):
        statuses.add(404)
    if method != "GET":
        statuses.add(409)
    if has_body:
        statuses.add(413)
    if takes_input or idempotency in calls:
        statuses.add(422)
    if "cursor" in query_names or idempotency in calls or is_upload:
        statuses.add(400)
    declared = {int(code) for code in route.responses if str(code).isdigit()}
    statuses |= declared.intersection(PROBLEMS)  # what only the route knows it can give
    return sorted(statuses)


def _names_ids(node: Any, schemas: dict[str, Any], seen: frozenset[str] = frozenset()) -> bool:
    if isinstance(node, list):
        return any(_names_ids(item, schemas, seen) for item in node)
    if not isinstance(node, dict):
        return False
    ref = node.get("$ref")
    if isinstance(ref, str):
        name = ref.removeprefix(SCHEMAS)
        return name not in seen and _names_ids(schemas.get(name, {}), schemas, seen | {name})
    if any(key.endswith("_id") for key in node.get("properties", {})):
        return True
    return any(_names_ids(value, schemas, seen) for value in node.values())


def _document_errors(route: Any, method: str, operation: dict[str, Any], schemas: dict[str, Any]) -> None:
    responses = operation.setdefault("responses", {})
    responses.pop("422", None)  # FastAPI's own validation answer: ours is a Problem
    body_names_ids = _names_ids(operation.get("requestBody", {}), schemas)
    for status in error_statuses(route, method, body_names_ids):
        slug, title, when, detail = PROBLEMS[status]
        example = {"type": PROBLEM_BASE + slug, "title": title, "status": status, "detail": detail,
                   "instance": route.path_format}
        existing = responses.get(str(status), {})
        responses[str(status)] = {
            "description": existing.get("description") or when,
            "content": {PROBLEM_JSON: {"schema": {"$ref": SCHEMAS + "Problem"}, "example": example}},
        }
        if status == 503:
            responses["503"]["headers"] = {"Retry-After": {
                "description": "Seconds to wait before trying again.", "schema": {"type": "integer"}}}
    if AUTHENTICATES.intersection(_calls(route.dependant)):
        operation["security"] = SECURITY


# --- schema names ------------------------------------------------------------------------------

_PAGE = re.compile(r"^Page_(\w+?)_$")


def _clean_names(app: FastAPI, schemas: dict[str, Any]) -> dict[str, str]:
    """``Page_AccountOut_`` becomes ``AccountPage``; an upload's form ``Body_<route>`` becomes
    ``<Route>Form``."""
    renames: dict[str, str] = {}
    for name in schemas:
        page = _PAGE.match(name)
        if page:
            item = page.group(1)
            if item.startswith("Union_"):  # a page of one of several shapes: named by the first
                item = item.removeprefix("Union_").split("__")[0]
            renames[name] = item.removesuffix("Out") + "Page"
    for route in _api_routes(app):
        body = "Body_" + route.unique_id
        if body in schemas:
            renames[body] = "".join(part.title() for part in route.name.split("_")) + "Form"
    clash = set(renames.values()) & (set(schemas) - set(renames))
    assert not clash, f"schema names clash: {clash}"
    return renames


def _rename_schemas(schema: dict[str, Any], renames: dict[str, str]) -> None:
    schemas = schema["components"]["schemas"]
    for old, new in renames.items():
        schemas[new] = schemas.pop(old)
        schemas[new]["title"] = new
    refs = {SCHEMAS + old: SCHEMAS + new for old, new in renames.items()}

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref in refs:
                node["$ref"] = refs[ref]
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(schema)
    schema["components"]["schemas"] = dict(sorted(schemas.items()))


# --- examples --------------------------------------------------------------------------------

_TEXT_BY_NAME = {
    "name": "Ann Example", "email": "officer@council.example.org", "reason": "Agreed at the review.",
    "description": "PA wages", "reference": "R-1001", "text": "Thank you, that is right.",
    "code": "loadshire", "detail": "Paid in cash for a day trip.", "token": "dpa_...",
}
_FORMATS = {"date": "2026-04-06", "date-time": "2026-04-06T09:30:00Z", "email": "officer@council.example.org",
            "binary": "(the file's bytes)", "uri": "https://council.example.org/"}


def example_for(node: dict[str, Any], schemas: dict[str, Any], name: str = "", depth: int = 0) -> Any:
    """An example value for a JSON Schema, from its own examples or its fields' (required ones
    and those that carry an example)."""
    if "$ref" in node:
        target = schemas[node["$ref"].removeprefix(SCHEMAS)]
        return example_for(target, schemas, name, depth + 1) if depth < 8 else {}
    for key in ("example", "const"):
        if key in node:
            return node[key]
    if node.get("examples"):
        return node["examples"][0]
    if node.get("default") is not None:
        return node["default"]
    if "enum" in node:
        return node["enum"][0]
    for key in ("anyOf", "oneOf", "allOf"):
        options = [option for option in node.get(key, []) if option.get("type") != "null"]
        if len(options) < len(node.get(key, [])) and depth > 0 and not _is_file(node):
            return None  # a field that may be empty: shown empty, as on a new record
        if options:
            return example_for(options[0], schemas, name, depth)
    kind = node.get("type")
    if kind == "object" or "properties" in node:
        required = set(node.get("required", []))
        return {
            field: example_for(sub, schemas, field, depth + 1)
            for field, sub in node.get("properties", {}).items()
            if field in required or "examples" in sub or "example" in sub or _is_file(sub)
        }
    if kind == "array":
        return [example_for(node.get("items", {}), schemas, name, depth + 1)]
    if kind == "integer":
        return max(1, int(node.get("minimum", 1)))
    if kind == "number":
        return 1
    if kind == "boolean":
        return False
    if kind == "null":
        return None
    if "contentMediaType" in node:
        return _FORMATS["binary"]
    if node.get("format") in _FORMATS:
        return _FORMATS[node["format"]]
    return _TEXT_BY_NAME.get(name.removesuffix("_reference"), "text")


def _is_file(node: dict[str, Any]) -> bool:
    options = [node, *node.get("anyOf", [])]
    return any("contentMediaType" in option or option.get("format") == "binary" for option in options)


def _add_examples(operation: dict[str, Any], schemas: dict[str, Any]) -> None:
    contents = [operation.get("requestBody", {}).get("content", {})]
    contents += [answer.get("content", {}) for code, answer in operation.get("responses", {}).items()
                 if code.startswith("2")]
    for content in contents:
        for media_type, body in content.items():
            if media_type != JSON and not body.get("schema"):  # a file: say it is one
                body["schema"] = {"type": "string", "format": "binary"}
                if media_type.startswith("text/"):
                    body["schema"] = {"type": "string", "contentMediaType": media_type}
            if "example" in body or "examples" in body or "schema" not in body:
                continue
            if media_type == JSON or media_type.startswith("multipart/"):
                body["example"] = example_for(body["schema"], schemas)
