"""One error hierarchy and one handler: every error leaves as RFC 9457 problem+json.

Services raise these; nothing else translates exceptions. Field-level detail travels in
``errors``: a list of ``{"pointer", "field", "line", "reason"}`` objects.
"""

from __future__ import annotations

from typing import Any

PROBLEM_JSON = "application/problem+json"
PROBLEM_BASE = "https://dpaudit.example/problems/"


class DpauditError(Exception):
    status = 400
    slug = "bad-request"
    title = "Bad request"

    def __init__(
        self,
        detail: str,
        *,
        errors: list[dict[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = errors or []
        self.headers = headers or {}
        self.extra = extra

    def to_problem(self, instance: str | None = None) -> dict[str, Any]:
        body: dict[str, Any] = {
            "type": PROBLEM_BASE + self.slug,
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
        }
        if instance:
            body["instance"] = instance
        if self.errors:
            body["errors"] = self.errors
        body.update(self.extra)
        return body


class BadRequest(DpauditError):
    status, slug, title = 400, "bad-request", "Bad request"


class Unauthorized(DpauditError):
    status, slug, title = 401, "unauthorized", "Sign-in needed"


class Forbidden(DpauditError):
    status, slug, title = 403, "forbidden", "Not allowed for your role"


class NotFound(DpauditError):
    status, slug, title = 404, "not-found", "Not found"


class Conflict(DpauditError):
    status, slug, title = 409, "conflict", "Conflict"


class PayloadTooLarge(DpauditError):
    status, slug, title = 413, "too-large", "Too large"


class Unprocessable(DpauditError):
    status, slug, title = 422, "unprocessable", "Cannot be processed"


def field_error(field: str, reason: str, *, line: int | None = None) -> dict[str, Any]:
    pointer = "/" + field.replace(".", "/") if field else ""
    error: dict[str, Any] = {"pointer": pointer, "field": field, "reason": reason}
    if line is not None:
        error["line"] = line
    return error
