from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, Field, model_validator

from service.audits.schemas import AuditKindIn, check_audit_period
from service.core.schemas import In, example

JobKind = Literal["audit_run", "letter_run", "retention_run"]
JobStatus = Literal["queued", "running", "succeeded", "failed"]


class AuditRunIn(In):
    model_config = example({"period_start": "2026-04-01", "period_end": "2027-03-31", "kind": "scheduled"})
    period_start: date = Field(description="First day of the period audited.")
    period_end: date = Field(description="Last day of the period audited (inclusive).")
    kind: AuditKindIn = Field(default="scheduled", description=(
        "scheduled (the default) or on_demand; final for people whose direct payment has ended."))

    @model_validator(mode="after")
    def _period(self) -> AuditRunIn:
        check_audit_period(self.period_start, self.period_end)
        return self


class LetterRunIn(In):
    model_config = example({"period_start": "2026-04-01", "period_end": "2027-03-31"})
    period_start: date = Field(description="The letters of audits whose period ends on or after this day...")
    period_end: date = Field(description="...and on or before this day.")

    @model_validator(mode="after")
    def _period(self) -> LetterRunIn:
        check_audit_period(self.period_start, self.period_end)
        return self


class RetentionRunIn(In):
    model_config = example({"apply": False})
    apply: bool = Field(default=False, description=(
        "false lists the people past retention and changes nothing; true erases them."))


class Progress(BaseModel):
    done: int = Field(description="People (audit run) or letters (letter run) done so far.")
    total: int | None = Field(default=None, description="How many there are in all; null until it is known.")


class JobOut(BaseModel):
    model_config = example({
        "id": 7, "council_id": 1, "kind": "audit_run",
        "key": "audit_run:2026-04-01:2027-03-31:scheduled", "status": "running",
        "progress": {"done": 412, "total": 1000}, "attempts": 1, "error": None, "result": None,
        "created_at": "2027-04-02T09:00:00Z", "started_at": "2027-04-02T09:00:01Z",
        "finished_at": None})
    id: int
    council_id: int
    kind: JobKind
    key: str = Field(description="What the job is for; asking again for the same key returns this job.")
    status: JobStatus
    progress: Progress
    attempts: int = Field(description="The most tries any piece of the job has needed (0 before it starts).")
    error: str | None = Field(default=None, description="Why it failed, when it failed.")
    result: dict[str, Any] | None = Field(default=None, description=(
        "When it has succeeded. Audit run: people, audited, not_audited [{recipient_id, reason}]. "
        "Letter run: letters, zip_bytes, zip_sha256, and once its zip is gone, zip (expired or "
        "erased) and zip_deleted_at. Retention run: past_retention "
        "[{recipient_id, dp_end_date, erase_from}], erased, and with apply letter_zips_expired."))
    created_at: datetime
    started_at: datetime | None = None
    finished_at: datetime | None = None
