"""Bodies and replies for timesheet and payroll uploads, and for upload records."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import Field, PlainSerializer, WithJsonSchema, model_validator

from service.core.schemas import Day, HoursIn, In, Money, MoneyIn, Out, PositiveMoneyIn, Text, example

MAX_PAYROLL_LINES = 5_000
# a wall-clock time as written on a timesheet ("09:00"): no time zone, so not JSON Schema's
# "time" format, which requires an offset
ClockTime = Annotated[
    time,
    PlainSerializer(lambda v: v.strftime("%H:%M"), return_type=str, when_used="json"),
    WithJsonSchema({"type": "string", "pattern": "^[0-2][0-9]:[0-5][0-9]$", "examples": ["09:00"]},
                   mode="serialization"),
]


class WorkerHours(Out):
    worker_name: str = Field(description="The name as the timesheet wrote it (first spelling seen).")
    worker_id: int | None = Field(description="The personal assistant it matched; null if none.")
    entries: int
    hours: Money = Field(description="Hours worked, less unpaid breaks; sleep-ins count woken hours.")
    sleep_ins: int


class UploadReply(Out):
    """What every timesheet or payroll upload reply says about the upload itself."""

    upload_id: int | None = Field(description="Null on a dry run.")
    recipient_id: int
    duplicate_file: bool = Field(description="True when these exact bytes were uploaded before: "
                                 "nothing changed and the first upload is returned.")
    dry_run: bool
    format: str
    filename: str | None
    period_start: date | None
    period_end: date | None
    unmatched_workers: list[str] = Field(description="Names that match no personal assistant; "
                                         "their rows are kept as written.")
    warnings: list[str]


class TimesheetResult(UploadReply):
    entries_total: int
    entries_new: int
    entries_duplicate: int = Field(description="Shifts already recorded (overlapping timesheets).")
    hours_by_worker: list[WorkerHours]


class PayrollLineIn(In):
    worker: Text
    period_start: Day
    period_end: Day
    gross: PositiveMoneyIn
    paye: MoneyIn = Field(default=Decimal("0.00"))
    employee_ni: MoneyIn = Field(default=Decimal("0.00"))
    employer_ni: MoneyIn = Field(default=Decimal("0.00"))
    employee_pension: MoneyIn = Field(default=Decimal("0.00"))
    employer_pension: MoneyIn = Field(default=Decimal("0.00"))
    net: MoneyIn
    hours: HoursIn | None = Field(default=None, description="Hours paid in the period (up to 168 "
                                  "a week is checked by the minimum-wage rule, not here).")

    @model_validator(mode="after")
    def _period_in_order(self) -> PayrollLineIn:
        if self.period_end < self.period_start:
            raise ValueError("period_end must not be before period_start")
        return self


class PayrollRunIn(In):
    model_config = example({"lines": [{
        "worker": "W1", "period_start": "2026-04-06", "period_end": "2026-04-12",
        "gross": "312.00", "paye": "0.00", "employee_ni": "0.00", "employer_ni": "0.00",
        "employee_pension": "0.00", "employer_pension": "0.00", "net": "312.00", "hours": "24.00",
    }]})
    lines: list[PayrollLineIn] = Field(min_length=1, max_length=MAX_PAYROLL_LINES)


class WorkerPay(Out):
    worker_name: str
    worker_id: int | None
    lines: int
    gross: Money
    net: Money
    hours: Money | None


class PayrollResult(UploadReply):
    lines_total: int
    lines_new: int
    lines_duplicate: int = Field(description="Pay periods already recorded for that worker.")
    pay_by_worker: list[WorkerPay]


class TimesheetEntryOut(Out):
    id: int
    council_id: int
    recipient_id: int
    upload_id: int
    worker_id: int | None
    worker_name: str
    worked_on: date
    start_time: ClockTime | None
    end_time: ClockTime | None
    hours: Money
    sleep_in: bool
    woken_hours: Money | None
    rate: Money | None
    sheet: str | None
    source_row: int | None
    created_at: datetime


class PayrollLineOut(Out):
    id: int
    council_id: int
    recipient_id: int
    upload_id: int
    worker_id: int | None
    worker_name: str
    period_start: date
    period_end: date
    gross: Money
    paye: Money
    employee_ni: Money
    employer_ni: Money
    employee_pension: Money
    employer_pension: Money
    net: Money
    hours: Money | None
    source_line: int | None
    created_at: datetime


class UploadOut(Out):
    id: int
    council_id: int
    recipient_id: int
    account_id: int | None
    kind: Literal["statement", "timesheet", "payroll", "batch"]
    sha256: str
    filename: str | None
    format: str | None
    uploaded_by_id: int
    status: Literal["imported", "voided"]
    period_start: date | None
    period_end: date | None
    opening_balance: Money | None
    closing_balance: Money | None
    summary: dict[str, Any]
    created_at: datetime
    voided_at: datetime | None
    void_reason: str | None


class VoidIn(In):
    reason: str = Field(min_length=1, max_length=2000,
                        description="Why the upload is taken out (kept with the record).")
