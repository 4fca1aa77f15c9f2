"""Files from the holder: a statement, a timesheet or a pay list, read by the API's own ingest
services, and what came of it told back in words.

A file that cannot be read changes nothing (the request's work is rolled back) and the
holder is told what to do next, never which field or pointer was at fault.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import UploadFile

from service.audits.words import range_words
from service.core.config import get_settings
from service.core.deps import Ctx
from service.core.errors import DpauditError
from service.ingest import payroll, statements
from service.ingest.endpoints import account_for_upload
from service.ingest.people_schemas import PayrollResult, TimesheetResult
from service.ingest.schemas import StatementResult
from service.ingest.timesheets import import_timesheet
from service.ingest.uploads import clean_filename
from service.models import Account, Recipient, Upload
from service.web.render import pounds

KINDS = (
    ("statement", "A bank or card statement"),
    ("timesheet", "A timesheet for your personal assistants"),
    ("payroll", "A pay list from your payroll service"),
)
TO_DO = {
    "statement": "Download a CSV or OFX file from your bank's website and try again.",
    "timesheet": "Save the timesheet as an Excel (XLSX) or CSV file, with the name, date and "
                 "hours of each shift, and try again.",
    "payroll": "Download a CSV file from your payroll service's website and try again.",
}


class Refused(Exception):
    """The file was not taken. ``field`` is the form control to fix; the message says how."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field, self.message = field, message


@dataclass(frozen=True, slots=True)
class Received:
    upload_id: int
    again: bool  # the same file came before: nothing changed


def receive(ctx: Ctx, recipient: Recipient, accounts: list[Account], kind: str,
            account_id: str, file: UploadFile | None) -> Received:
    """Check the form, then import the file as the API does. Raises ``Refused``."""
    if kind not in dict(KINDS):
        raise Refused("kind", "Choose what kind of file this is.")
    account = _chosen_account(ctx, accounts, account_id) if kind == "statement" else None
    data, filename = _file_bytes(file)
    try:
        return _import(ctx, recipient, account, kind, data, filename)
    except DpauditError as exc:
        raise Refused("file", _unreadable_words(kind, exc)) from exc


def _chosen_account(ctx: Ctx, accounts: list[Account], account_id: str) -> Account:
    chosen = next((a for a in accounts if str(a.id) == account_id), None)
    if chosen is None:
        raise Refused("account", "Choose which account the statement is for.")
    return account_for_upload(ctx, chosen.id)


def _file_bytes(file: UploadFile | None) -> tuple[bytes, str | None]:
    if file is None or not file.filename:
        raise Refused("file", "Choose a file to send.")
    limit = get_settings().max_upload_bytes
    data = file.file.read(limit + 1)
    if len(data) > limit:
        raise Refused("file", f"The file is too big. It must be smaller than {limit // 1048576} MB.")
    if not data.strip():
        raise Refused("file", "The file is empty. Choose the file again, or download it again.")
    return data, clean_filename(file.filename)


def _import(ctx: Ctx, recipient: Recipient, account: Account | None, kind: str, data: bytes,
            filename: str | None) -> Received:
    if kind == "statement":
        assert account is not None
        result, new = statements.import_statement(ctx, account, data, filename)
        assert result.upload_id is not None
        return Received(result.upload_id, not new)
    if kind == "timesheet":
        sheet = import_timesheet(ctx, recipient, data, filename)
        assert sheet.upload_id is not None
        return Received(sheet.upload_id, sheet.duplicate_file)
    lines = payroll.parse_payroll_csv(data, filename)
    run = payroll.import_payroll_lines(ctx, recipient, lines, source_bytes=data,
                                       filename=filename or "payroll.csv")
    assert run.upload_id is not None
    return Received(run.upload_id, run.duplicate_file)


def _unreadable_words(kind: str, exc: DpauditError) -> str:
    first: dict[str, Any] = exc.errors[0] if exc.errors else {}
    if kind == "statement" and first.get("field") == "account":
        return ("This statement is for a different account. Choose the right account, "
                "or download the statement for this account.")
    line = first.get("line")
    where = f"line {line} of this file" if line else "this file"
    return f"We could not read {where}. {TO_DO[kind]}"


# --- what came of it, in words -------------------------------------------------------------

def _times(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def _between(start: Any, end: Any) -> str:
    return f" from {range_words(start, end)}" if start and end else ""


def result_words(upload: Upload) -> list[str]:
    """Short sentences about an upload, from the summary kept with it."""
    if upload.kind == "timesheet":
        return _timesheet_words(TimesheetResult.model_validate(
            {**upload.summary, "upload_id": upload.id, "duplicate_file": False, "dry_run": False}))
    if upload.kind == "payroll":
        return _payroll_words(PayrollResult.model_validate(
            {**upload.summary, "upload_id": upload.id, "duplicate_file": False, "dry_run": False}))
    return _statement_words(StatementResult.model_validate(upload.summary))


def _statement_words(result: StatementResult) -> list[str]:
    rows = result.rows
    words = [f"We read {_times(rows.total, 'payment', 'payments')}"
             f"{_between(result.period.start, result.period.end)}."]
    if result.closing_balance is not None:
        words.append(f"The balance at the end was {pounds(result.closing_balance)}.")
    if rows.duplicate:
        words.append(f"We had {rows.duplicate} of them already, so we did not add them again.")
    if rows.possible_duplicate or rows.id_collision:
        odd = rows.possible_duplicate + rows.id_collision
        words.append(f"{_times(odd, 'payment looks', 'payments look')} like one we already had. "
                     "Your council will check.")
    if result.balances_reconcile is False:
        words.append("The payments do not add up to the balance at the end. Your council will check.")
    if result.flags_raised:
        words.append(f"We have a question about {_times(len(result.flags_raised), 'payment', 'payments')}.")
    return words


def _timesheet_words(result: TimesheetResult) -> list[str]:
    words = [f"We read {_times(result.entries_total, 'shift', 'shifts')}"
             f"{_between(result.period_start, result.period_end)}."]
    if result.entries_duplicate:
        words.append(f"We had {result.entries_duplicate} of them already.")
    words += [f"{w.worker_name} worked {w.hours} hours." for w in result.hours_by_worker]
    if result.unmatched_workers:
        words.append(f"We do not know {', '.join(result.unmatched_workers)}. "
                     "We kept their shifts, and your council will check.")
    return words


def _payroll_words(result: PayrollResult) -> list[str]:
    words = [f"We read {_times(result.lines_total, 'pay slip', 'pay slips')}"
             f"{_between(result.period_start, result.period_end)}."]
    if result.lines_duplicate:
        words.append(f"We had {result.lines_duplicate} of them already.")
    words += [f"{w.worker_name} was paid {pounds(w.gross)} before tax." for w in result.pay_by_worker]
    if result.unmatched_workers:
        words.append(f"We do not know {', '.join(result.unmatched_workers)}. Your council will check.")
    return words
