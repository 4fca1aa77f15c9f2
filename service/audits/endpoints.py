"""Audits: create, read, outputs, decisions; what is due; council summary."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="/v1", tags=["audits"])
