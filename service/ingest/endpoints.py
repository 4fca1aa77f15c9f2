"""Statement uploads and provider transaction batches (filled in by the ingest work)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="/v1", tags=["statements"])
