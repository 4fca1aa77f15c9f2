"""Pages for holders: uploads, questions and letters for each person they hold for."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(include_in_schema=False)
