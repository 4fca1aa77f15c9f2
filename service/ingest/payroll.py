"""Payroll runs from providers: one line per worker per pay period, added once.

A provider may push the same run again (a retry, a re-send of the whole month): lines for a
worker and pay period already held change nothing and are counted as duplicates. The
minimum wage rule runs for the run's pay periods in the same transaction.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select, tuple_

import importers
from importers import ImportFailure
from importers.records import PayrollLine as ParsedPayrollLine
from service.core.context import Ctx
from service.core.errors import Unprocessable, field_error
from service.core.events import record
from service.core.schemas import EARLIEST, LATEST
from service.ingest.people_schemas import PayrollResult, PayrollRunIn, WorkerPay
from service.ingest.timesheets import (
    INSERT_CHUNK,
    LOOKUP_CHUNK,
    NAME_LENGTH,
    in_chunks,
    normalised_name,
    refuse_import,
    worker_matcher,
)
from service.ingest.uploads import (
    clean_filename,
    create_upload,
    dialect_insert,
    keep_audits_in_step,
    previous_upload,
    sha256,
    store_blob,
    upload_limits,
)
from service.models import PayrollLine, Recipient, Upload, Worker
from service.models.live import live
from service.review.flags import run_period_rules

_MONEY_FIELDS = ("gross", "paye", "employee_ni", "employer_ni", "employee_pension",
                 "employer_pension", "net")
_UNIQUE = ("recipient_id", "worker_name", "period_start", "period_end")


def parse_payroll_csv(data: bytes, filename: str | None) -> list[ParsedPayrollLine]:
    """Read a provider's payroll CSV, or refuse it (422) naming the line and field."""
    try:
        return importers.parse_payroll(data, filename, limits=upload_limits())
    except ImportFailure as failure:
        raise refuse_import(failure, "payroll file") from None


def lines_from_body(body: PayrollRunIn) -> tuple[list[ParsedPayrollLine], bytes]:
    """The run as importer records, and the canonical JSON kept as its raw 'file'."""
    lines = [ParsedPayrollLine(
        worker=line.worker, period_start=line.period_start, period_end=line.period_end,
        **{name: Decimal(getattr(line, name)).quantize(Decimal("0.01")) for name in _MONEY_FIELDS},
        hours=line.hours, line=number)
        for number, line in enumerate(body.lines, start=1)]
    canonical = json.dumps(body.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
    return lines, canonical.encode()


@dataclass
class _Tally:
    worker_name: str
    worker_id: int | None
    lines: int = 0
    gross: Decimal = Decimal("0.00")
    net: Decimal = Decimal("0.00")
    hours: Decimal | None = None


def import_payroll_lines(ctx: Ctx, recipient: Recipient, lines: list[ParsedPayrollLine], *,
                         source_bytes: bytes, filename: str | None,
                         dry_run: bool = False) -> PayrollResult:
    """Add a payroll run's lines to a recipient; lines already held change nothing.

    ``source_bytes`` is what was received (the CSV, or the canonical JSON of an API push):
    kept as the upload's file, and the same bytes again answer with the first upload.
    """
    if not lines:
        raise Unprocessable("A payroll run needs at least one line.",
                            errors=[field_error("lines", "empty")])
    _check_lines(lines)
    _check_one_line_per_period(lines)
    filename = clean_filename(filename)
    fmt = "json" if source_bytes[:1] == b"{" else "csv"
    earlier = previous_upload(ctx.session, kind="payroll", digest=sha256(source_bytes),
                              recipient_id=recipient.id)
    if earlier is not None:
        return result_of(earlier, duplicate_file=True, dry_run=dry_run)
    match = worker_matcher(ctx, recipient)
    workers = [match(line.worker[:NAME_LENGTH]) for line in lines]
    rows = [_row(line, worker, recipient) for line, worker in zip(lines, workers, strict=True)]
    names = {w.id: w.name for w in workers if w is not None}
    held = _held(ctx, recipient, rows)
    warnings = _changed_figures(rows, held)
    if dry_run:
        new = len({_identity(r) for r in rows} - held.keys())
        return _result(_as_kept(rows, held), names, recipient, fmt, filename, warnings,
                       upload_id=None, new=new, dry_run=True)
    upload = create_upload(ctx, recipient_id=recipient.id, kind="payroll",
                           sha256=store_blob(ctx.session, source_bytes), filename=filename,
                           format=fmt, period_start=min(r["period_start"] for r in rows),
                           period_end=max(r["period_end"] for r in rows))
    new = _insert(ctx, upload, rows)
    # gross pay may complete a pay period: judge it now, in this upload's transaction
    run_period_rules(ctx, recipient, min(r["period_start"] for r in rows),
                 max(r["period_end"] for r in rows))
    kept = _as_kept(rows, _held(ctx, recipient, rows))
    result = _result(kept, names, recipient, fmt, filename, warnings, upload_id=upload.id, new=new,
                     dry_run=False)
    upload.summary = result.model_dump(mode="json", exclude={"upload_id", "duplicate_file", "dry_run"})
    record(ctx, "upload.imported", upload)
    keep_audits_in_step(ctx, recipient.id)
    return result


def _check_lines(lines: Sequence[ParsedPayrollLine]) -> None:
    """What no pay run can say, whichever way it arrived (the JSON body checks the same)."""
    for line in lines:
        if line.period_end < line.period_start:
            raise _refused(line, "period_end", "the pay period ends before it starts")
        for day, field in ((line.period_start, "period_start"), (line.period_end, "period_end")):
            if not EARLIEST <= day <= LATEST:
                raise _refused(line, field, f"{day} is outside {EARLIEST} to {LATEST}")
        if (line.period_end - line.period_start).days > MAX_PAY_PERIOD_DAYS:
            raise _refused(line, "period_end", "a pay period is at most a year")
        if line.gross < 0:
            raise _refused(line, "gross", "gross pay cannot be negative")
        _check_deductions(line)


# PAYE may be negative (a tax refund); the other deductions and contributions may not
_NEVER_NEGATIVE = ("employee_ni", "employer_ni", "employee_pension", "employer_pension", "net")
MAX_PAY_PERIOD_DAYS = 366


def _check_deductions(line: ParsedPayrollLine) -> None:
    for field in _NEVER_NEGATIVE:
        if getattr(line, field) < 0:
            raise _refused(line, field, f"{field.replace('_', ' ')} cannot be negative")
    most = line.gross - line.paye - line.employee_ni - line.employee_pension
    if line.net > most:
        raise _refused(line, "net", f"net pay {line.net} is more than gross less tax, NI and "
                       f"pension ({most})")


def _check_one_line_per_period(lines: Sequence[ParsedPayrollLine]) -> None:
    """Two lines for one worker and pay period cannot both be kept: refuse the run rather
    than keep one and count both."""
    first_seen: dict[tuple[Any, ...], ParsedPayrollLine] = {}
    for line in lines:
        key = (normalised_name(line.worker[:NAME_LENGTH]), line.period_start, line.period_end)
        first = first_seen.setdefault(key, line)
        if first is line:
            continue
        reason = (f"lines {first.line} and {line.line} are both for {line.worker} for "
                  f"{line.period_start} to {line.period_end}; send one line per worker and pay period")
        raise Unprocessable(
            f"This payroll run could not be read, so nothing was imported. {reason}",
            errors=[field_error("worker", reason, line=first.line or None),
                    field_error("worker", reason, line=line.line or None)])


def _refused(line: ParsedPayrollLine, field: str, reason: str) -> Unprocessable:
    return Unprocessable(f"This payroll run could not be read, so nothing was imported. "
                         f"line {line.line}, field {field}: {reason}",
                         errors=[field_error(field, reason, line=line.line or None)])


def _row(line: ParsedPayrollLine, worker: Worker | None, recipient: Recipient) -> dict[str, Any]:
    return {
        "council_id": recipient.council_id, "recipient_id": recipient.id,
        "worker_id": worker.id if worker else None, "worker_name": line.worker[:NAME_LENGTH],
        "period_start": line.period_start, "period_end": line.period_end,
        **{name: getattr(line, name) for name in _MONEY_FIELDS},
        "hours": line.hours, "source_line": line.line or None,
    }


def _identity(row: dict[str, Any]) -> tuple[Any, ...]:
    return row["worker_name"], row["period_start"], row["period_end"]


def _held(ctx: Ctx, recipient: Recipient, rows: Sequence[dict[str, Any]]) -> dict[tuple[Any, ...], Any]:
    """Lines this recipient already has for the same worker name and pay period."""
    wanted = sorted({_identity(r) for r in rows})
    held: dict[tuple[Any, ...], Any] = {}
    for chunk in in_chunks(wanted, LOOKUP_CHUNK):
        found = ctx.session.scalars(select(PayrollLine).where(
            PayrollLine.recipient_id == recipient.id, live(PayrollLine),
            tuple_(PayrollLine.worker_name, PayrollLine.period_start, PayrollLine.period_end)
            .in_(list(chunk))))
        held.update({(p.worker_name, p.period_start, p.period_end): p for p in found})
    return held


def _changed_figures(rows: Sequence[dict[str, Any]], held: dict[tuple[Any, ...], Any]) -> list[str]:
    """A re-sent period with other figures keeps the first ones; say so, so nobody is misled."""
    warnings = []
    for row in rows:
        first = held.get(_identity(row))
        if first is not None and any(getattr(first, n) != row[n] for n in _MONEY_FIELDS):
            warnings.append(
                f"line {row['source_line']}: {row['worker_name']} for {row['period_start']} to "
                f"{row['period_end']} is already recorded with other figures; the figures first "
                "received were kept (void that upload to replace them)")
    return warnings


def _insert(ctx: Ctx, upload: Upload, rows: list[dict[str, Any]]) -> int:
    table = PayrollLine.__table__
    for chunk in in_chunks(rows, INSERT_CHUNK):
        stmt = dialect_insert(ctx.session, table).on_conflict_do_nothing(
            index_elements=list(_UNIQUE), index_where=live(PayrollLine))
        ctx.session.execute(stmt, [{**row, "upload_id": upload.id} for row in chunk])
    return ctx.session.scalar(select(func.count()).select_from(PayrollLine)
                              .where(PayrollLine.upload_id == upload.id)) or 0


def _as_kept(rows: Sequence[dict[str, Any]],
             held: dict[tuple[Any, ...], PayrollLine]) -> list[dict[str, Any]]:
    """Each line as it is (or would be) stored: a period already held keeps its first figures."""
    return [_stored_row(held[_identity(r)]) if _identity(r) in held else r for r in rows]


def _stored_row(line: PayrollLine) -> dict[str, Any]:
    return {"worker_id": line.worker_id, "worker_name": line.worker_name,
            "period_start": line.period_start, "period_end": line.period_end,
            "gross": line.gross, "net": line.net, "hours": line.hours}


def _tallies(rows: Sequence[dict[str, Any]], names: dict[int, str]) -> list[_Tally]:
    tallies: dict[str, _Tally] = {}
    for row in rows:
        worker_id = row["worker_id"]
        key = f"w{worker_id}" if worker_id else f"n{normalised_name(row['worker_name'])}"
        name = names.get(worker_id, row["worker_name"]) if worker_id else row["worker_name"]
        tally = tallies.setdefault(key, _Tally(name, worker_id))
        tally.lines += 1
        tally.gross += row["gross"]
        tally.net += row["net"]
        if row["hours"] is not None:
            tally.hours = (tally.hours or Decimal("0.00")) + row["hours"]
    return sorted(tallies.values(), key=lambda t: (t.worker_id is None, t.worker_name))


def _result(rows: list[dict[str, Any]], names: dict[int, str], recipient: Recipient, fmt: str,
            filename: str | None, warnings: list[str], *, upload_id: int | None, new: int,
            dry_run: bool) -> PayrollResult:
    tallies = _tallies(rows, names)
    return PayrollResult(
        upload_id=upload_id, recipient_id=recipient.id, duplicate_file=False, dry_run=dry_run,
        format=fmt, filename=filename,
        period_start=min(r["period_start"] for r in rows), period_end=max(r["period_end"] for r in rows),
        lines_total=len(rows), lines_new=new, lines_duplicate=len(rows) - new,
        pay_by_worker=[WorkerPay(worker_name=t.worker_name, worker_id=t.worker_id, lines=t.lines,
                                 gross=t.gross, net=t.net, hours=t.hours) for t in tallies],
        unmatched_workers=[t.worker_name for t in tallies if t.worker_id is None],
        warnings=warnings,
    )


def result_of(upload: Upload, *, duplicate_file: bool, dry_run: bool) -> PayrollResult:
    """The reply for a stored payroll upload, rebuilt from the summary kept with it."""
    return PayrollResult.model_validate({**upload.summary, "upload_id": upload.id,
                                         "duplicate_file": duplicate_file, "dry_run": dry_run})
