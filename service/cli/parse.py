"""`dpaudit parse FILE`: read a statement, timesheet or payroll CSV and print its records
as JSON lines.

Standard output carries only records, one JSON object per line; warnings go to
standard error. Exit 0 when the file was read, 2 with one line naming the file, the
line and the reason when it was not. Needs no database and no settings.

With ``--check``, each statement line also gets its spend ``"category"`` and the
``"flags"`` the built-in default rules raise on it (``[{"rule", "reason"}]``), with no
support plan to go on: what an upload would flag before a plan is known. Timesheets and
payroll records are printed unchanged.

A payroll CSV is never guessed from its content: ask for it with ``--kind payroll``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from importers import (
    ImportFailure,
    Limits,
    detect_kind,
    parse_payroll,
    parse_statement,
    parse_timesheet,
)
from importers.money import format_money
from importers.records import PayrollLine, StatementLine, TimesheetEntry

KINDS = ("statement", "timesheet", "payroll")


def statement_record(line: StatementLine) -> dict[str, object]:
    return {
        "date": line.date.isoformat(),
        "amount": format_money(line.amount),
        "description": line.description,
        "reference": line.reference,
        "balance": format_money(line.balance) if line.balance is not None else None,
        "account": line.account,
    }


def timesheet_record(entry: TimesheetEntry) -> dict[str, object]:
    return {
        "worker": entry.worker,
        "date": entry.date.isoformat(),
        "start": entry.start.strftime("%H:%M") if entry.start else None,
        "end": entry.end.strftime("%H:%M") if entry.end else None,
        "hours": format_money(entry.hours),
        "sleep_in": entry.sleep_in,
    }


def payroll_record(line: PayrollLine) -> dict[str, object]:
    return {
        "worker": line.worker,
        "period_start": line.period_start.isoformat(),
        "period_end": line.period_end.isoformat(),
        "gross": format_money(line.gross),
        "paye": format_money(line.paye),
        "employee_ni": format_money(line.employee_ni),
        "employer_ni": format_money(line.employer_ni),
        "employee_pension": format_money(line.employee_pension),
        "employer_pension": format_money(line.employer_pension),
        "net": format_money(line.net),
        "hours": format_money(line.hours) if line.hours is not None else None,
    }


def _fail(file: Path, reason: str) -> None:
    print(f"error: {file}: {reason}", file=sys.stderr)
    raise SystemExit(2)


def checked_record(line: StatementLine) -> dict[str, object]:
    """The statement record with its category and the default rules that fire on it."""
    # imported here: plain parsing should not pay for compiling the rule set
    from service.rules import check_line

    category, flags = check_line(line.date, line.amount, line.description, line.mcc)
    return {**statement_record(line), "category": category, "flags": flags}


def _read_at_most(path: Path, size: int) -> bytes:
    """At most `size` bytes of the file, however long (or endless) it is."""
    chunks: list[bytes] = []
    with path.open("rb") as stream:
        while size > 0:
            chunk = stream.read(size)
            if not chunk:
                break
            chunks.append(chunk)
            size -= len(chunk)
    return b"".join(chunks)


def _records(file: Path, data: bytes, kind: str,
             check: bool = False) -> tuple[list[dict[str, object]], tuple[str, ...]]:
    if kind == "timesheet":
        sheet = parse_timesheet(data, file.name, limits=Limits())
        return [timesheet_record(e) for e in sheet.entries], sheet.warnings
    if kind == "payroll":
        return [payroll_record(x) for x in parse_payroll(data, file.name, limits=Limits())], ()
    statement = parse_statement(data, file.name, limits=Limits())
    to_record = checked_record if check else statement_record
    return [to_record(x) for x in statement.lines], statement.warnings


def parse(file: Path, kind: str | None = None, check: bool = False) -> None:
    """Print the records in FILE as JSON lines (statement, timesheet or payroll); with
    `check`, statement lines carry their category and default-rule flags."""
    if kind is not None and kind not in KINDS:
        _fail(file, f"--kind must be one of {', '.join(KINDS)}, not {kind!r}")
    limit = Limits().max_bytes
    try:
        data = _read_at_most(Path(file), limit + 1)
    except OSError as exc:
        _fail(file, f"cannot open the file ({exc.strerror or type(exc).__name__})")
        return
    if len(data) > limit:  # /dev/zero or a pipe never ends: never read more than this
        _fail(file, f"the file is larger than the limit of {limit:,} bytes")
        return
    try:
        records, warnings = _records(file, data, kind or detect_kind(data, file.name), check)
    except ImportFailure as exc:
        _fail(file, str(exc))
        return
    for warning in warnings:
        print(f"warning: {file}: {warning}", file=sys.stderr)
    out = sys.stdout
    for record in records:
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
    out.flush()


def _main(argv: list[str]) -> None:
    """A tiny stand-in for the Typer app: FILE [--kind KIND] [--check]."""
    args = list(argv)
    check = "--check" in args
    args = [a for a in args if a != "--check"]
    kind = None
    if "--kind" in args:
        at = args.index("--kind")
        if at + 1 >= len(args):
            print("error: --kind needs a value (statement, timesheet or payroll)",
                  file=sys.stderr)
            raise SystemExit(2)
        kind = args[at + 1]
        del args[at:at + 2]
    if len(args) != 1:
        print("usage: python -m service.cli.parse FILE [--kind statement|timesheet|payroll] "
              "[--check]", file=sys.stderr)
        raise SystemExit(2)
    try:
        parse(Path(args[0]), kind=kind, check=check)
    except BrokenPipeError:  # the reader went away (| head): not our failure
        sys.stderr.close()


if __name__ == "__main__":
    _main(sys.argv[1:])
