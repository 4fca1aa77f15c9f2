"""Builds the FastAPI application. Nothing else lives here."""

from __future__ import annotations

import gc
import logging
import os
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import psycopg
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute, APIRouter
from fastapi.telemetry import TelemetryConfig
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import BaseRoute, Match
from starlette.types import ASGIApp, Scope

from service.accounts.endpoints import router as accounts_router
from service.audits.endpoints import router as audits_router
from service.core import metrics
from service.core.bodylimit import ProblemTooLarge
from service.core.config import Settings, get_settings
from service.core.db import is_unavailable
from service.core.docs import ASSETS_URL
from service.core.docs import assets as docs_assets
from service.core.docs import router as docs_router
from service.core.errors import (
    PROBLEM_BASE,
    PROBLEM_JSON,
    Conflict,
    DpauditError,
    KeepConnection,
    ServiceUnavailable,
    Unprocessable,
    field_error,
)
from service.core.headers import Network, SecurityHeaders
from service.core.idempotency import Replay
from service.core.logs import RequestLogMiddleware, configure_logging
from service.core.openapi import build_openapi
from service.councils.endpoints import router as councils_router
from service.events.endpoints import router as events_router
from service.health import router as health_router
from service.ingest.endpoints import router as statements_router
from service.ingest.people_endpoints import router as timesheets_router
from service.jobs.endpoints import router as jobs_router
from service.people.endpoints import router as people_router
from service.plans.endpoints import router as plans_router
from service.review.endpoints import router as review_router

logger = logging.getLogger("dpaudit")

DESCRIPTION = """
dpaudit checks that direct payments are used for what the support plan says, proportionately.

**Authentication.** Every route except `/healthz` and `/readyz` needs an API key:
`Authorization: Bearer dpa_...` (or `X-API-Key`). `dpaudit create-user` and `dpaudit demo`
print one; `POST /v1/api-keys` makes more.

**Who sees what.** Admins and officers see their own council. Holders see the people they
hold the direct payment for. A provider sees only what it serves. A managed-account provider
(or card platform) serves a person by holding one of their accounts: it sees those accounts,
their transactions and the flags on their lines. A payroll bureau serves a person named with
it as their payroll provider (`payroll_provider_id`). Both see the payroll lines and timesheet
entries of the people they serve and may push them, and see the uploads they sent themselves.
Of the person, a provider reads only `id`, `council_id`, `reference` and `name`, enough to match
its records: never a date of birth. A provider never sees a person's other accounts, flags
elsewhere, plans, workers, representatives, payment schedules, audits (with their letters and
workbooks), notes, or the event log. Anything you cannot see answers 404, so existence never
leaks; something you can see but your role may not do answers 403 (a provider listing the
audits or plans of a person it serves, or voiding its own upload).

**Errors** are RFC 9457 `application/problem+json`, with `errors: [{pointer, field, line,
sheet, reason}]` naming what is at fault; each operation lists the errors it can give. While
the database cannot be reached, any route answers 503 with `Retry-After` (seconds): try again
then.

**Money** is a decimal string in pounds with at most two places (`"-12.34"`); a JSON number
is refused with 422 naming the field. Dates are `YYYY-MM-DD`.

**Lists** are paged with an opaque `cursor` (`next_cursor` in the body and a `Link: rel="next"`
header).

**Idempotency-Key.** Every POST that creates something honours an `Idempotency-Key` header
(1 to 255 characters). Keys are scoped to the calling user and the method and path, and kept
for 24 hours. The same key with the same request returns the first response again; with a
different request it answers 422; while the first request is still running it answers 409.
"""

def problem_response(
    status: int, body: dict[str, Any], headers: dict[str, str] | None = None
) -> JSONResponse:
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


async def _dpaudit_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, DpauditError)
    return problem_response(exc.status, exc.to_problem(request.url.path), exc.headers)


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = []
    for err in exc.errors():
        location = [str(part) for part in err.get("loc", ())]
        where = location[1:] if location and location[0] in ("body", "query", "path", "header") else location
        errors.append({**field_error(".".join(where), err.get("msg", "invalid")),
                       "in": location[0] if location else "body"})
    problem = Unprocessable(_summary(errors), errors=errors)
    return problem_response(422, problem.to_problem(request.url.path))


def _summary(errors: list[dict[str, Any]]) -> str:
    first = errors[0] if errors else {"field": "", "reason": "invalid request"}
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    field = first["field"] or "request"
    return f"{field}: {first['reason']}{more}"


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    titles = {404: "Not found", 405: "Method not allowed", 413: "Too large"}
    detail = exc.detail if isinstance(exc.detail, str) else "Request refused."
    if exc.status_code == 413:
        detail = "The request is larger than this route accepts."
    slugs = {404: "not-found", 405: "method-not-allowed", 413: "too-large"}
    body = {"type": PROBLEM_BASE + slugs.get(exc.status_code, str(exc.status_code)),
            "title": titles.get(exc.status_code, "Error"),
            "status": exc.status_code, "detail": detail, "instance": request.url.path}
    return problem_response(exc.status_code, body, dict(exc.headers or {}))


async def _integrity_error(request: Request, exc: Exception) -> JSONResponse:
    logger.info("integrity conflict", extra={"fields": {"error": type(exc).__name__}})
    problem = Conflict("That conflicts with something already recorded.")
    return problem_response(409, problem.to_problem(request.url.path))


async def _replay(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, Replay)
    return JSONResponse(exc.body, status_code=exc.status_code,
                        headers={"Idempotent-Replayed": "true"})


def _request_id(request: Request) -> str | None:
    return getattr(request.state, "request_id", None)


def _unavailable(request: Request, exc: Exception) -> JSONResponse:
    logger.warning("database unavailable", exc_info=exc,
                   extra={"fields": {"request_id": _request_id(request)}})
    problem = ServiceUnavailable()
    return problem_response(503, problem.to_problem(request.url.path), problem.headers)


async def _database_error(request: Request, exc: Exception) -> JSONResponse:
    """A lost, refused or timed-out database answers 503; any other database error is a bug."""
    if is_unavailable(exc):
        return _unavailable(request, exc)
    raise exc


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    if is_unavailable(exc):
        return _unavailable(request, exc)
    logger.error("unexpected error", exc_info=exc, extra={"fields": {"request_id": _request_id(request)}})
    body = {"type": PROBLEM_BASE + "internal", "title": "Something went wrong on our side",
            "status": 500, "detail": "Nothing was changed. Please try again; if it happens "
            "again, tell us the request id.", "instance": request.url.path}
    # this answer leaves outside the request-log middleware: name the request id here
    request_id = _request_id(request)
    return problem_response(500, body, {"X-Request-ID": request_id} if request_id else None)


class DpauditAPI(FastAPI):
    hsts = False  # Strict-Transport-Security on answers that came over HTTPS
    trusted_proxies: tuple[Network, ...] = ()

    def build_middleware_stack(self) -> ASGIApp:
        inner = ProblemTooLarge(KeepConnection(super().build_middleware_stack()))
        return SecurityHeaders(inner, hsts=self.hsts, trusted_proxies=self.trusted_proxies)


class _Area(APIRouter):
    """One area's router, included as it is, that a request skips at once when its path cannot
    be any of the area's routes: FastAPI would otherwise try every route of every area in turn,
    twice for the area that answers (a tenth of the time of a simple GET, for routes included
    late). Only the path up to a route's first parameter is compared, so a path refused here
    is one no route of the area could match, not even with another method."""

    def __init__(self, router: APIRouter) -> None:
        super().__init__()
        self.include_router(router)
        paths = [getattr(route, "path", None) for route in router.routes]
        # a route without a plain path (a nested router) keeps the area always tried
        self.literals = tuple({path.split("{", 1)[0] for path in paths if path}) \
            if all(paths) else ("",)

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        if scope["type"] == "http" and not scope.get("root_path") \
                and not scope["path"].startswith(self.literals):
            return Match.NONE, {}
        return super().matches(scope)


def _areas(router: APIRouter) -> list[_Area]:
    """The router as areas, one for each resource it serves (``/v1/recipients``, ``/v1/workers``):
    a request then tries only the routes of its own resource, and FastAPI tries them three times
    over for the area that answers. Routes whose second segment is not a fixed word keep the
    router whole. Two resources' routes never answer the same path, so their order between
    them does not matter; within a resource it is kept."""
    resources: dict[str, list[BaseRoute]] = {}
    for route in router.routes:
        path = getattr(route, "path", None)
        segments = path.split("/", 3) if path else []
        if len(segments) < 3 or "{" in segments[1] + segments[2]:
            return [_Area(router)]
        resources.setdefault("/".join(segments[:3]), []).append(route)
    areas = []
    for routes in resources.values():
        resource = APIRouter()
        resource.routes.extend(routes)
        areas.append(_Area(resource))
    return areas


def _operation_id(route: APIRoute) -> str:
    """``audits_add_note``: the area, then the function; unique, and stable across releases."""
    area = str(route.tags[0]) if route.tags else "api"
    return re.sub(r"\W+", "_", f"{area}_{route.name}")


def _telemetry() -> TelemetryConfig | None:
    """FastAPI's own OpenTelemetry spans and metrics, only when the operator set OpenTelemetry
    up (``OTEL_*`` variables, or FastAPI's ``FASTAPI_OTEL_AUTO_CONFIGURE``). Left on without
    it, every request would still ask OpenTelemetry whether anyone listens."""
    if os.environ.get("FASTAPI_OTEL_AUTO_CONFIGURE", "").lower() == "true" or any(
            name.startswith("OTEL_") for name in os.environ):
        return None  # FastAPI's defaults
    return {"tracing": False, "metrics": False, "logs": False}


def _lifespan(settings: Settings) -> Any:
    """On SQLite, the serving process runs the jobs itself (there is no worker there).

    Once started, the objects that live as long as the process (modules, routes, models:
    about 200,000) are left out of garbage collection. Otherwise every full collection walks
    them all while every request in the process waits, a pause of a tenth of a second or more."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        runner = None
        if settings.is_sqlite and settings.jobs_in_process:
            from service.jobs.local import LocalRunner

            runner = LocalRunner()
            runner.start()
        _freeze_once()
        try:
            yield
        finally:
            if runner is not None:
                runner.stop()

    return lifespan


_frozen = False


def _freeze_once() -> None:
    """Leave what exists at the first start-up out of garbage collection, once per process: a
    process that starts the app again (tests do, per test) pays for the full collection once."""
    global _frozen
    if not _frozen:
        _frozen = True
        gc.collect()
        gc.freeze()


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    configure_logging(settings.log_level)
    app = DpauditAPI(
        lifespan=_lifespan(settings),
        title="dpaudit",
        version="0.1.0",
        description=DESCRIPTION,
        max_body_size=settings.max_body_bytes,
        openapi_url=None,  # served by service.core.docs, which decides who may read it
        docs_url=None,
        redoc_url=None,
        generate_unique_id_function=_operation_id,
        telemetry=_telemetry(),
    )
    app.hsts = settings.env == "production"
    app.state.public_docs = settings.docs_are_public
    app.trusted_proxies = settings.trusted_proxy_networks
    app.add_middleware(RequestLogMiddleware, observe=metrics.request_observer(settings))
    metrics.install(app, settings)  # GET /metrics, only when DPAUDIT_METRICS_TOKEN is set
    app.add_exception_handler(DpauditError, _dpaudit_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(IntegrityError, _integrity_error)
    app.add_exception_handler(SQLAlchemyError, _database_error)
    app.add_exception_handler(psycopg.Error, _database_error)
    app.add_exception_handler(Replay, _replay)
    app.add_exception_handler(Exception, _unexpected)
    for router in (health_router, councils_router, people_router, plans_router,
                   accounts_router, events_router, statements_router, timesheets_router,
                   review_router, audits_router, jobs_router):
        for area in _areas(router):
            app.include_router(area)
    app.include_router(docs_router)
    app.mount(ASSETS_URL, docs_assets(), name="docs-assets")
    from service.web import install as install_pages

    install_pages(app, settings)
    app.openapi = lambda: build_openapi(app)  # type: ignore[method-assign]
    return app
