"""`dpaudit import PATH --account REF`: import a statement file, or a folder of them."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from service.cli.common import fail, find_account
from service.core.db import session_scope
from service.core.errors import DpauditError
from service.ingest.statements import Declared, import_statement
from service.ingest.uploads import clean_filename
from service.models import Account
from service.onboarding.service import system_ctx


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
    days = []
    for option, text in (("--from", start), ("--to", end)):
        try:
            days.append(date.fromisoformat(text) if text else None)
        except ValueError:
            fail(f"{option} {text!r} is not a date (YYYY-MM-DD)")
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
    console = Console(stderr=True)
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                  console=console, transient=True) as progress:
        task = progress.add_task("importing", total=len(files))
        for file in files:
            progress.update(task, description=f"importing {file.name}")
            failed = _import_one(file, account_id, council_id, dry_run, totals, declared)
            failures += failed
            progress.advance(task)
    verb = "would add" if dry_run else "added"
    typer.echo(f"{len(files) - failures} of {len(files)} files read; {verb} {totals['new']} transactions, "
               f"{totals['duplicate']} already held, {totals['possible_duplicate']} possible duplicates "
               "to review.")
    if failures:
        raise typer.Exit(2)


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
