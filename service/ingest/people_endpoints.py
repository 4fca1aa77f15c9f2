"""Timesheet and payroll uploads."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="/v1", tags=["timesheets and payroll"])
