"""Liveness and readiness: the only routes that need no API key."""

from __future__ import annotations

import logging

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy import text

from service.core.db import get_engine
from service.core.errors import ServiceUnavailable
from service.core.migrate import current_revision, head_revision

router = APIRouter(tags=["health"])
logger = logging.getLogger("dpaudit")
RETRY_AFTER = {"Retry-After": str(ServiceUnavailable.retry_after)}
READINESS = {"type": "object", "required": ["status"], "properties": {
    "status": {"type": "string", "enum": ["ok", "unavailable"]},
    "revision": {"type": "string"}, "reason": {"type": "string"},
    "current": {"type": ["string", "null"]}, "head": {"type": "string"}}}


@router.get("/healthz", summary="Liveness: the process answers (no dependencies checked)",
            responses={200: {"content": {"application/json": {"example": {"status": "ok"}}}}},
            description="Answers 200 while the process runs. Needs no API key and touches no database: use "
                        "it as a liveness probe.")
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/readyz", summary="Readiness: the database answers and is migrated to head",
            description="Answers 200 with the schema revision when the database answers and is "
                        "migrated to the latest revision; otherwise 503 with `Retry-After` and the "
                        "reason. Needs no API key: use it as a readiness probe.",
            responses={200: {"content": {"application/json": {"schema": READINESS, "example": {
                           "status": "ok", "revision": "0042_example"}}}},
                       503: {"description": "Not ready: try again after `Retry-After` seconds.",
                             "content": {"application/json": {"schema": READINESS, "example": {
                                 "status": "unavailable", "reason": "database not migrated",
                                 "current": "0041_example", "head": "0042_example"}}}}})
def readyz() -> JSONResponse:
    try:
        engine = get_engine()
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        current, head = current_revision(engine), head_revision()
    except Exception as exc:
        logger.warning("not ready: database unavailable", exc_info=exc)
        return JSONResponse({"status": "unavailable", "reason": type(exc).__name__},
                            status_code=503, headers=RETRY_AFTER)
    if current != head:
        return JSONResponse(
            {"status": "unavailable", "reason": "database not migrated",
             "current": current, "head": head},
            status_code=503, headers=RETRY_AFTER,
        )
    return JSONResponse({"status": "ok", "revision": current})
