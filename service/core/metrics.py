"""Prometheus metrics at ``GET /metrics``, for operators only.

Off unless ``DPAUDIT_METRICS_TOKEN`` is set: then nothing is collected and ``/metrics`` answers
404 like any unknown path. When set, a scrape must send ``Authorization: Bearer <token>``.

What is counted: requests by route template (never the raw path, which carries ids) and status,
their latency, uploads and the lines they stored, audits started by tier, flags raised by rule,
and the database pool's connections. Domain counts are taken from what a request commits, so a
request that fails and rolls back counts nothing.

Several uvicorn workers are several processes: with ``PROMETHEUS_MULTIPROC_DIR`` set (an empty
folder, the same for every worker, emptied before the server starts) the client library's
multiprocess mode adds every worker's figures into one answer.
"""

from __future__ import annotations

import atexit
import hmac
import os
from typing import Any

from fastapi import APIRouter, Depends, FastAPI, Request, Response
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)
from sqlalchemy import event, inspect
from sqlalchemy.orm import Session, SessionTransaction
from sqlalchemy.pool import Pool, QueuePool

from service.core.config import Settings
from service.core.db import get_engine
from service.core.errors import Unauthorized
from service.core.logs import RequestObserver
from service.models import Audit, Flag, Upload

MULTIPROCESS_DIR = "PROMETHEUS_MULTIPROC_DIR"
UNMATCHED = "unmatched"  # a path no route serves: never the raw path as a label
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)

REQUESTS = Counter("dpaudit_http_requests", "HTTP requests answered, by route template and status.",
                   ["method", "route", "status"])
LATENCY = Histogram("dpaudit_http_request_duration_seconds",
                    "Time from request to the end of the answer, by route template.",
                    ["method", "route"], buckets=LATENCY_BUCKETS)
UPLOADS = Counter("dpaudit_uploads", "Files and batches stored, by kind.", ["kind"])
LINES = Counter("dpaudit_lines_ingested",
                "Lines stored from uploads (transactions, timesheet entries, payroll lines).", ["kind"])
AUDITS = Counter("dpaudit_audits", "Audits started, by risk tier.", ["tier"])
FLAGS = Counter("dpaudit_flags", "Flags raised, by rule.", ["rule"])
POOL_IN_USE = Gauge("dpaudit_db_connections_in_use", "Database connections checked out of the pool.",
                    multiprocess_mode="livesum")
POOL_OPEN = Gauge("dpaudit_db_connections_open", "Database connections the pool holds open.",
                  multiprocess_mode="livesum")
POOL_SIZE = Gauge("dpaudit_db_pool_size", "Connections the pool keeps (before overflow).",
                  multiprocess_mode="livesum")
POOL_CHECKOUTS = Counter("dpaudit_db_checkouts", "Connections taken from the pool.")

# the field of each upload kind's stored summary that counts the lines it stored
_NEW_LINES = {"statement": ("rows", "new"), "batch": ("rows", "new"),
              "timesheet": ("entries_new",), "payroll": ("lines_new",)}
_PENDING = "dpaudit.metrics"
_installed = False


def install(app: FastAPI, settings: Settings) -> None:
    """Serve /metrics and start counting, when the operator has set a token; else do nothing."""
    if not settings.metrics_token:
        return
    _listen_once()
    app.include_router(_router(settings.metrics_token))


def _router(token: str) -> APIRouter:
    router = APIRouter()
    expected = f"Bearer {token}".encode()

    def scraper(request: Request) -> None:
        given = request.headers.get("authorization", "").encode()
        if not hmac.compare_digest(given, expected):
            raise Unauthorized("Send the metrics token as Authorization: Bearer <token>.")

    @router.get("/metrics", include_in_schema=False, dependencies=[Depends(scraper)])
    def metrics() -> Response:
        _sample_pool()
        return Response(generate_latest(_registry()), media_type=CONTENT_TYPE_LATEST)

    return router


def _registry() -> CollectorRegistry:
    if not os.environ.get(MULTIPROCESS_DIR):
        return REGISTRY
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    return registry


def request_observer(settings: Settings) -> RequestObserver | None:
    """What the request-log middleware calls as each request ends, when metrics are on."""
    return _observe_request if settings.metrics_token else None


def _observe_request(method: str, route: str | None, status: int, seconds: float) -> None:
    """Count and time a request under its route template (the pool is read at scrape time)."""
    REQUESTS.labels(method, route or UNMATCHED, str(status)).inc()
    LATENCY.labels(method, route or UNMATCHED).observe(seconds)


def _sample_pool() -> None:
    """The pool's own account of its connections (each worker's, added up across workers)."""
    pool = get_engine().pool
    if isinstance(pool, QueuePool):
        POOL_IN_USE.set(pool.checkedout())
        POOL_OPEN.set(pool.checkedout() + pool.checkedin())
        POOL_SIZE.set(pool.size())


# ---------------------------------------------------------------------------- what commits


def _listen_once() -> None:
    global _installed
    if _installed:
        return
    _installed = True
    event.listen(Session, "after_flush", _note_new_rows)
    event.listen(Session, "after_commit", _count_committed)
    event.listen(Session, "after_transaction_end", _forget)
    event.listen(Pool, "checkout", _checked_out)
    if os.environ.get(MULTIPROCESS_DIR):
        atexit.register(multiprocess.mark_process_dead, os.getpid())


def _note_new_rows(session: Session, _context: Any) -> None:
    pending = session.info.setdefault(_PENDING, [])
    pending.extend(obj for obj in session.new if isinstance(obj, Upload | Audit | Flag))


def _count_committed(session: Session) -> None:
    for obj in session.info.pop(_PENDING, []):
        state = inspect(obj)
        if not state.persistent or state.deleted:
            continue  # added, then undone by a savepoint
        if isinstance(obj, Upload):
            UPLOADS.labels(obj.kind).inc()
            LINES.labels(obj.kind).inc(_lines_stored(obj))
        elif isinstance(obj, Audit):
            AUDITS.labels(obj.tier or "none").inc()
        else:
            FLAGS.labels(obj.rule_id).inc()


def _lines_stored(upload: Upload) -> int:
    value: Any = upload.summary or {}
    for key in _NEW_LINES.get(upload.kind, ()):
        value = value.get(key, 0) if isinstance(value, dict) else 0
    return value if isinstance(value, int) else 0


def _forget(session: Session, transaction: SessionTransaction) -> None:
    """The whole transaction is over (committed, counted, or rolled back): start afresh."""
    if transaction.parent is None:
        session.info.pop(_PENDING, None)


def _checked_out(*_args: Any) -> None:
    POOL_CHECKOUTS.inc()
