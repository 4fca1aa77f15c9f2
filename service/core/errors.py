"""One error hierarchy and one handler: every error leaves as RFC 9457 problem+json.

Services raise these; nothing else translates exceptions. Field-level detail travels in
``errors``: a list of ``{"pointer", "field", "line", "reason"}`` objects.
"""

from __future__ import annotations

from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

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


class ServiceUnavailable(DpauditError):
    """The database cannot be reached just now; a retry may succeed."""

    status, slug, title = 503, "unavailable", "Service unavailable"
    retry_after = 5

    def __init__(self, detail: str = "The service cannot reach its database just now. Please "
                 "try again shortly (with the same Idempotency-Key, if you sent one).",
                 **kwargs: Any) -> None:
        super().__init__(detail, **kwargs)
        self.headers.setdefault("Retry-After", str(self.retry_after))


def field_error(field: str, reason: str, *, line: int | None = None) -> dict[str, Any]:
    pointer = "/" + field.replace(".", "/") if field else ""
    error: dict[str, Any] = {"pointer": pointer, "field": field, "reason": reason}
    if line is not None:
        error["line"] = line
    return error


class KeepConnection:
    """Keeps the connection when a request failed after its answer was sent in full.

    Starlette's outermost error middleware sends our 500 (or 503) answer and then raises the
    error again, and uvicorn answers that by closing the connection, so a client reusing it
    loses its next request. The error has been logged by then; a complete answer ends here.
    An answer cut short is still raised, so the server closes a connection it cannot finish.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        complete = False

        async def watch(message: Message) -> None:
            nonlocal complete
            await send(message)
            if message["type"] == "http.response.body" and not message.get("more_body", False):
                complete = True

        try:
            await self.app(scope, receive, watch)
        except Exception:
            if not complete:
                raise
