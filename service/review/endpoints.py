"""Rules in force, flags and their review, re-categorisation."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="/v1", tags=["rules and flags"])
