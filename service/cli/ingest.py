"""`dpaudit import PATH`: statements into an account (``--account REF``), or timesheets and
payroll runs for a person (``--recipient REF --kind timesheet|payroll``); a file, or a folder.

Each file is imported whole or not at all, through the same service functions the API
uses, as the council's system administrator."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from service.cli.common import fail, find_account, find_recipient, parse_day
from service.core.context import Ctx, system_ctx
from service.core.db import session_scope
from service.core.errors import DpauditError, Unprocessable
from service.ingest.statements import Declared, import_statement
from service.ingest.uploads import clean_filename
from service.models import Account, Recipient

if TYPE_CHECKING:  # timesheets and payroll runs load their schemas when they are imported
    from service.ingest.people_schemas import PayrollResult, TimesheetResult

KINDS = ("statement", "timesheet", "payroll")


def check_statement_options(account: str | None, recipient: str | None) -> None:
    if recipient is not None:
        fail("--recipient is for timesheets and payroll runs; a statement goes into an account "
             "(--account REF)")
    if account is None:
        fail("a statement goes into an account: add --account REF")


def check_person_options(kind: str, account: str | None, recipient: str | None,
                         start: str | None, end: str | None) -> None:
    if account is not None:
        fail(f"a {kind} belongs to a person, not an account: use --recipient REF")
    if start is not None or end is not None:
        fail(f"--from and --to declare a statement's period; a {kind} has its own dates")
    if recipient is None:
        fail(f"a {kind} belongs to a person: add --recipient REF")


def statement_files(path: Path) -> list[Path]:
    """The files to import: PATH itself, or the files directly inside the folder PATH."""
    if not path.is_dir():
        return [path]
    entries = sorted(p for p in path.iterdir() if not p.name.startswith("."))
    for skipped in (p for p in entries if not p.is_file()):
        typer.echo(f"{_shown(skipped)}: skipped (not a file; folders are not searched)", err=True)
    return [p for p in entries if p.is_file()]


def _shown(path: Path | str) -> str:
    """A file name safe to print, whatever bytes the file system gave us."""
    return str(path).encode("utf-8", "replace").decode("utf-8")


def _account_ids(reference: str, council_code: str | None) -> tuple[int, int]:
    with session_scope() as session:
        account = find_account(session, reference, council_code)
        return account.id, account.council_id


def declared_period(start: str | None, end: str | None) -> Declared:
    """--from and --to as the period the files cover; one line naming the fault if wrong."""
    days = [parse_day(text, option) if text else None
            for option, text in (("--from", start), ("--to", end))]
    if days[0] and days[1] and days[0] > days[1]:
        fail(f"--from {start} is after --to {end}")
    return Declared(period_start=days[0], period_end=days[1])


def import_path(path: Path, account_ref: str, council_code: str | None, dry_run: bool,
                declared: Declared | None = None) -> None:
    files = statement_files(path)
    if not files:
        fail(f"{path}: no files to import")
    account_id, council_id = _account_ids(account_ref, council_code)
    failures, totals = 0, {"new": 0, "duplicate": 0, "possible_duplicate": 0}
    with _progress(len(files)) as (progress, task):
        for file in files:
            if progress is not None:
                progress.update(task, description=f"importing {file.name}")
            failed = _import_one(file, account_id, council_id, dry_run, totals, declared)
            failures += failed
            if progress is not None:
                progress.advance(task)
    verb = "would add" if dry_run else "added"
    typer.echo(f"{len(files) - failures} of {len(files)} files read; {verb} {totals['new']} transactions, "
               f"{totals['duplicate']} already held, {totals['possible_duplicate']} possible duplicates "
               "to review.")
    if failures:
        raise typer.Exit(2)


# What makes rich draw on a stream that is not a terminal (its own settings).
_FORCED_TERMINAL = ("FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE")


@contextmanager
def _progress(total: int) -> Iterator[tuple[Any, Any]]:
    """The bar on standard error while files are imported, when there is a terminal to draw it
    on. Rich is loaded only then: a script importing files one by one does not pay for it,
    and would have seen only a blank line."""
    if not sys.stderr.isatty() and not any(os.environ.get(name) for name in _FORCED_TERMINAL):
        yield None, None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                  console=Console(stderr=True), transient=True) as progress:
        yield progress, progress.add_task("importing", total=total)


def _import_one(file: Path, account_id: int, council_id: int, dry_run: bool, totals: dict[str, int],
                declared: Declared | None = None) -> int:
    try:
        with session_scope() as session:
            account = session.get(Account, account_id)
            assert account is not None
            result, new = import_statement(system_ctx(session, council_id), account,
                                           file.read_bytes(), clean_filename(file.name),
                                           declared=declared, dry_run=dry_run)
    except DpauditError as exc:
        typer.echo(f"{_shown(file)}: {exc.detail}", err=True)
        return 1
    except Exception as exc:
        typer.echo(f"{_shown(file)}: could not be imported ({type(exc).__name__}); nothing from it "
                   "was stored", err=True)
        return 1
    rows = result.rows
    for key in totals:
        totals[key] += getattr(rows, key)
    state = "same file as before, nothing changed" if not new else (
        f"{rows.new} new, {rows.duplicate} already held, {rows.possible_duplicate} to review")
    typer.echo(f"{_shown(file.name)}: {state}")
    return 0


def _recipient_ids(reference: str, council_code: str | None) -> tuple[int, int]:
    with session_scope() as session:
        recipient = find_recipient(session, reference, council_code)
        return recipient.id, recipient.council_id


def import_person_files(path: Path, kind: str, recipient_ref: str, council_code: str | None,
                        dry_run: bool) -> None:
    """Timesheets or payroll runs for one person, each file in its own transaction."""
    files = statement_files(path)
    if not files:
        fail(f"{path}: no files to import")
    recipient_id, council_id = _recipient_ids(recipient_ref, council_code)
    failures, new, held = 0, 0, 0
    for file in files:
        try:
            with session_scope() as session:
                recipient = session.get(Recipient, recipient_id)
                assert recipient is not None
                ctx = system_ctx(session, council_id)
                data, name = file.read_bytes(), clean_filename(file.name)
                if kind == "timesheet":
                    from service.ingest.timesheets import import_timesheet

                    sheet = import_timesheet(ctx, recipient, data, name, dry_run=dry_run)
                    counts = (sheet.entries_new, sheet.entries_duplicate, "shifts")
                    reply: TimesheetResult | PayrollResult = sheet
                else:
                    run = _import_payroll(ctx, recipient, data, name, dry_run)
                    counts, reply = (run.lines_new, run.lines_duplicate, "pay periods"), run
        except DpauditError as exc:
            typer.echo(f"{_shown(file)}: {exc.detail}", err=True)
            failures += 1
            continue
        except Exception as exc:
            typer.echo(f"{_shown(file)}: could not be imported ({type(exc).__name__}); nothing from it "
                       "was stored", err=True)
            failures += 1
            continue
        if reply.duplicate_file:
            typer.echo(f"{_shown(file.name)}: same file as before, nothing changed")
        else:
            new, held = new + counts[0], held + counts[1]
            typer.echo(f"{_shown(file.name)}: {counts[0]} new {counts[2]}, {counts[1]} already held")
        for worker in reply.unmatched_workers:
            typer.echo(f"{_shown(file.name)}: '{worker}' matches no personal assistant; kept as written",
                       err=True)
        for warning in reply.warnings:
            typer.echo(f"{_shown(file.name)}: {warning}", err=True)
    verb = "would add" if dry_run else "added"
    typer.echo(f"{len(files) - failures} of {len(files)} files read; {verb} {new} "
               f"{'shifts' if kind == 'timesheet' else 'pay periods'}, {held} already held.")
    if failures:
        raise typer.Exit(2)


def _import_payroll(ctx: Ctx, recipient: Recipient, data: bytes, name: str | None,
                    dry_run: bool) -> PayrollResult:
    """A payroll run as the provider's CSV, or as the JSON body the API takes (a .json file)."""
    from pydantic import ValidationError

    from service.ingest import payroll
    from service.ingest.people_schemas import PayrollRunIn

    if name and name.lower().endswith(".json"):
        try:
            body = PayrollRunIn.model_validate_json(data)
        except ValidationError as exc:
            err = exc.errors()[0]
            raise Unprocessable(f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}") from None
        lines, canonical = payroll.lines_from_body(body)
        return payroll.import_payroll_lines(ctx, recipient, lines, source_bytes=canonical,
                                            filename=None, dry_run=dry_run)
    lines = payroll.parse_payroll_csv(data, name)
    return payroll.import_payroll_lines(ctx, recipient, lines, source_bytes=data,
                                        filename=name or "payroll.csv", dry_run=dry_run)
