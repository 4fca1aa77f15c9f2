"""Council-wide pages: the summary with its charts, and the rules settings."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(include_in_schema=False)
