"""Timesheet uploads: parse, match each name to a personal assistant, add only new shifts.

The whole file is one unit of work: it is refused before anything is written, or all of its
new shifts are added together with the upload record (the request commits once). The
period rules (minimum wage) run for the dates the file covers in the same transaction, so
their flags exist when the reply is sent.
"""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select

import importers
from importers import ImportFailure
from service.core.context import Ctx
from service.core.errors import Unprocessable, field_error
from service.core.events import record
from service.core.schemas import EARLIEST, LATEST
from service.ingest.people_schemas import TimesheetResult, WorkerHours
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
from service.models import Recipient, TimesheetEntry, Upload, Worker
from service.models.live import live
from service.review.flags import run_period_rules
from service.rules import model as rules_model
from service.rules.people import match_worker

INSERT_CHUNK = 1_000
LOOKUP_CHUNK = 500
NAME_LENGTH = 200  # the worker_name column
_NOT_WORD = re.compile(r"[^0-9A-Z]+")


# --- shared with payroll -----------------------------------------------------------------

def name_words(name: str) -> list[str]:
    """"SMITH, Jane" -> ["SMITH", "JANE"]; apostrophes join ("O'Brien" -> "OBRIEN") as the
    worker-side matcher does."""
    return [w for w in _NOT_WORD.split(name.upper().replace("'", "").replace("’", "")) if w]


def normalised_name(name: str) -> str:
    """Case, spacing, punctuation and word order do not make a different person."""
    return " ".join(sorted(name_words(name)))


def worker_matcher(ctx: Ctx, recipient: Recipient) -> Callable[[str], Worker | None]:
    """A function from a name as written to the recipient's one personal assistant it names.

    Exact names and aliases win (in any case, spacing or word order: "SMITH, JANE"); then
    initials and surname ("J Smith"). Two workers fitting equally well match neither.
    """
    workers = ctx.session.scalars(
        select(Worker).where(Worker.recipient_id == recipient.id).order_by(Worker.id)).all()
    by_id = {str(w.id): w for w in workers}
    exact: dict[str, set[str]] = {}
    for worker in workers:
        for spelling in (worker.name, *(worker.aliases or [])):
            exact.setdefault(normalised_name(spelling), set()).add(str(worker.id))
    candidates = tuple(rules_model.Worker(ref=str(w.id), name=w.name, aliases=tuple(w.aliases or ()))
                       for w in workers)
    cache: dict[str, Worker | None] = {}

    def match(name: str) -> Worker | None:
        if name not in cache:
            refs = exact.get(normalised_name(name), set())
            if len(refs) == 1:
                cache[name] = by_id[next(iter(refs))]
            elif refs:
                cache[name] = None  # two workers share this exact name: never guess
            else:
                found, _tied = match_worker(name_words(name), candidates)
                cache[name] = by_id[found.ref] if found is not None else None
        return cache[name]

    return match


def refuse_import(failure: ImportFailure, what: str, sheet: str | None = None) -> Unprocessable:
    """The 422 for a file we cannot read: where (sheet, row or line, field) and why."""
    where = []
    if sheet:
        where.append(f"sheet {sheet!r}")
    if failure.line is not None:
        where.append(f"row {failure.line}")
    if failure.field:
        where.append(f"field {failure.field}")
    prefix = f"{', '.join(where)}: " if where else ""
    error = field_error(failure.field or "file", failure.reason, line=failure.line)
    error["sheet"] = sheet
    return Unprocessable(f"This {what} could not be read, so nothing was imported. "
                         f"{prefix}{failure.reason}", errors=[error])


def in_chunks(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


# --- timesheets ----------------------------------------------------------------------------

@dataclass
class _Tally:
    worker_name: str
    worker_id: int | None
    entries: int = 0
    hours: Decimal = Decimal("0.00")
    sleep_ins: int = 0


@dataclass
class _Prepared:
    rows: list[dict[str, Any]] = field(default_factory=list)
    tallies: dict[str, _Tally] = field(default_factory=dict)


def import_timesheet(ctx: Ctx, recipient: Recipient, data: bytes, filename: str | None, *,
                     dry_run: bool = False) -> TimesheetResult:
    """Add a timesheet's shifts to a recipient, once each, however often they are sent.

    The same bytes again answer with the first upload (``duplicate_file``) and change
    nothing. ``dry_run`` answers with the same summary and writes nothing.
    """
    filename = clean_filename(filename)
    digest = sha256(data)
    earlier = previous_upload(ctx.session, kind="timesheet", digest=digest, recipient_id=recipient.id)
    if earlier is not None:
        return result_of(earlier, duplicate_file=True, dry_run=dry_run)
    parsed = parse(data, filename)
    _check_dates(parsed.entries)
    prepared = _prepare(parsed.entries, worker_matcher(ctx, recipient), recipient)
    if dry_run:
        new = _count_new_keys(ctx, recipient, [r["dedup_key"] for r in prepared.rows])
        return _result(parsed, prepared, filename, recipient, upload_id=None, new=new, dry_run=True)
    upload = _store(ctx, recipient, data, filename, parsed, prepared)
    if upload.period_start is not None and upload.period_end is not None:
        # new hours may complete a pay period: judge it now, in this upload's transaction
        run_period_rules(ctx, recipient, upload.period_start, upload.period_end)
    keep_audits_in_step(ctx, recipient.id)
    return result_of(upload, duplicate_file=False, dry_run=False)


def _check_dates(entries: Sequence[importers.TimesheetEntry]) -> None:
    """A shift dated outside 2000-2099 is a typing slip (or a number read as a date)."""
    for entry in entries:
        if not EARLIEST <= entry.date <= LATEST:
            failure = importers.BadValue(f"{entry.date} is outside {EARLIEST} to {LATEST}",
                                         line=entry.row, field="date")
            raise refuse_import(failure, "timesheet", entry.sheet)


def parse(data: bytes, filename: str | None) -> importers.ParsedTimesheet:
    try:
        return importers.parse_timesheet(data, filename, limits=upload_limits())
    except importers.BadValue as failure:
        raise refuse_import(failure, "timesheet", _only_visible_sheet(data)) from None
    except ImportFailure as failure:
        raise refuse_import(failure, "timesheet") from None


def _only_visible_sheet(data: bytes) -> str | None:
    """The sheet a row-level failure is on, when the workbook has one visible sheet.

    Only called after the workbook opened once (a value failed, not the file), so it is safe
    to open again. The importer's failures carry row and field, not the sheet.
    """
    if not data.startswith(b"PK\x03\x04"):
        return None
    try:
        import openpyxl

        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
        try:
            visible = [s.title for s in workbook.worksheets
                       if getattr(s, "sheet_state", "visible") == "visible"]
        finally:
            workbook.close()
    except Exception:  # the location is a courtesy; the 422 stands without it
        return None
    return visible[0] if len(visible) == 1 else None


def dedup_key(entry: importers.TimesheetEntry, occurrence: int = 1) -> str:
    """The same shift written in two overlapping timesheets is one shift.

    `occurrence` is n for the n-th identical entry in one file (as statements do), so two
    4-hour visits on one day are two shifts, while a file that repeats both still adds
    nothing. The first keeps the key it always had, so files sent before still match.
    """
    parts = [normalised_name(entry.worker), entry.date.isoformat(),
             entry.start.isoformat() if entry.start else "", entry.end.isoformat() if entry.end else "",
             str(entry.hours), "sleep-in" if entry.sleep_in else "shift"]
    if occurrence > 1:
        parts.append(f"#{occurrence}")
    return hashlib.sha256("|".join(parts).encode()).hexdigest()


def _prepare(entries: Iterable[importers.TimesheetEntry], match: Callable[[str], Worker | None],
             recipient: Recipient) -> _Prepared:
    prepared = _Prepared()
    seen: dict[str, int] = {}
    for entry in entries:
        name = entry.worker[:NAME_LENGTH]
        first_key = dedup_key(entry)
        seen[first_key] = occurrence = seen.get(first_key, 0) + 1
        worker = match(name)
        prepared.rows.append({
            "council_id": recipient.council_id, "recipient_id": recipient.id,
            "worker_id": worker.id if worker else None, "worker_name": name,
            "worked_on": entry.date, "start_time": entry.start, "end_time": entry.end,
            "hours": entry.hours, "sleep_in": entry.sleep_in,
            # the importer gives a sleep-in night its woken (working) hours, 0 when unstated
            "woken_hours": entry.hours if entry.sleep_in else None,
            "rate": entry.rate, "sheet": entry.sheet[:100] if entry.sheet else None,
            "source_row": entry.row,
            "dedup_key": first_key if occurrence == 1 else dedup_key(entry, occurrence),
        })
        _tally(prepared.tallies, name, worker, entry)
    return prepared


def _tally(tallies: dict[str, _Tally], name: str, worker: Worker | None,
           entry: importers.TimesheetEntry) -> None:
    key = f"w{worker.id}" if worker else f"n{normalised_name(name)}"
    tally = tallies.setdefault(key, _Tally(worker.name if worker else name,
                                           worker.id if worker else None))
    tally.entries += 1
    tally.hours += entry.hours
    tally.sleep_ins += entry.sleep_in


def _count_new_keys(ctx: Ctx, recipient: Recipient, keys: list[str]) -> int:
    distinct = sorted(set(keys))
    known: set[str] = set()
    for chunk in in_chunks(distinct, LOOKUP_CHUNK):
        known.update(ctx.session.scalars(select(TimesheetEntry.dedup_key).where(
            TimesheetEntry.recipient_id == recipient.id, live(TimesheetEntry),
            TimesheetEntry.dedup_key.in_(chunk))))
    return len(distinct) - len(known)


def _store(ctx: Ctx, recipient: Recipient, data: bytes, filename: str | None,
           parsed: importers.ParsedTimesheet, prepared: _Prepared) -> Upload:
    dates = [r["worked_on"] for r in prepared.rows]
    upload = create_upload(ctx, recipient_id=recipient.id, kind="timesheet",
                           sha256=store_blob(ctx.session, data), filename=filename,
                           format=parsed.format, period_start=min(dates), period_end=max(dates))
    table = TimesheetEntry.__table__
    for chunk in in_chunks(prepared.rows, INSERT_CHUNK):
        stmt = dialect_insert(ctx.session, table).on_conflict_do_nothing(
            index_elements=["recipient_id", "dedup_key"], index_where=live(TimesheetEntry))
        ctx.session.execute(stmt, [{**row, "upload_id": upload.id} for row in chunk])
    new = ctx.session.scalar(select(func.count()).select_from(TimesheetEntry)
                             .where(TimesheetEntry.upload_id == upload.id)) or 0
    result = _result(parsed, prepared, filename, recipient, upload_id=upload.id, new=new,
                     dry_run=False)
    upload.summary = result.model_dump(mode="json", exclude={"upload_id", "duplicate_file", "dry_run"})
    record(ctx, "upload.imported", upload)
    return upload


def _result(parsed: importers.ParsedTimesheet, prepared: _Prepared, filename: str | None,
            recipient: Recipient, *, upload_id: int | None, new: int, dry_run: bool) -> TimesheetResult:
    dates = [r["worked_on"] for r in prepared.rows]
    tallies = sorted(prepared.tallies.values(), key=lambda t: (t.worker_id is None, t.worker_name))
    return TimesheetResult(
        upload_id=upload_id, recipient_id=recipient.id, duplicate_file=False, dry_run=dry_run,
        format=parsed.format, filename=filename,
        period_start=min(dates) if dates else None, period_end=max(dates) if dates else None,
        entries_total=len(prepared.rows), entries_new=new, entries_duplicate=len(prepared.rows) - new,
        hours_by_worker=[WorkerHours(worker_name=t.worker_name, worker_id=t.worker_id,
                                     entries=t.entries, hours=t.hours, sleep_ins=t.sleep_ins)
                         for t in tallies],
        unmatched_workers=[t.worker_name for t in tallies if t.worker_id is None],
        warnings=list(parsed.warnings),
    )


def result_of(upload: Upload, *, duplicate_file: bool, dry_run: bool) -> TimesheetResult:
    """The reply for a stored upload, rebuilt from the summary kept with it."""
    return TimesheetResult.model_validate({**upload.summary, "upload_id": upload.id,
                                           "duplicate_file": duplicate_file, "dry_run": dry_run})
