"""`dpaudit retention`: list, then erase, the people whose retention has run out."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

DEFAULT_LEDGER = Path("var/erasures.jsonl")


def retention(
    dry_run: Annotated[bool, typer.Option(
        "--dry-run", help="List the people past retention and change nothing (the default).")] = False,
    apply: Annotated[bool, typer.Option(
        "--apply", help="Erase the people past retention.")] = False,
    reapply: Annotated[bool, typer.Option(
        "--reapply", help="Erase again everyone ever erased (run it after restoring a backup).")] = False,
    council: Annotated[str | None, typer.Option(help="Only this council (its code).")] = None,
    ledger: Annotated[Path, typer.Option(
        envvar="DPAUDIT_ERASURE_LEDGER",
        help="The list of erased people, kept beside the backups and never inside them: "
        "--apply adds to it, --reapply reads it.")] = DEFAULT_LEDGER,
) -> None:
    """Erase personal data when retention ends (years after the direct payment ended).

    A council keeps a person's data while its Care Act duties run: for its retention_years
    (7 unless set) after the person's dp_end_date. Past that, --apply erases names, dates of
    birth, references, account numbers, workers' names, raw files, notes and the personal
    values of their events, and keeps amounts, dates, tiers and counts for the council's
    figures. Each erased person is added to the erasures table and to the ledger file.
    --apply also deletes the letter-run zips older than DPAUDIT_JOBS_LETTER_ZIP_DAYS.
    """
    from service.cli.common import fail

    if dry_run + apply + reapply > 1:
        fail("give one of --dry-run, --apply and --reapply")
    if reapply:
        _reapply(ledger)
    else:
        _list_or_erase(apply, council, ledger)


def _list_or_erase(apply: bool, council: str | None, ledger: Path) -> None:
    from sqlalchemy import select

    from service.cli.common import fail
    from service.core.db import session_scope
    from service.core.types import utcnow
    from service.jobs import letter_zips
    from service.models import Council
    from service.privacy import retention as service

    with session_scope() as session:
        if council is not None and session.scalar(select(Council.id).where(Council.code == council)) is None:
            fail(f"no council with code '{council}'")
        people = service.due(session, utcnow().date(), council)
        for p in people:
            typer.echo(f"{p.council_code}\tperson {p.recipient_id}\tdirect payment ended "
                       f"{p.dp_end_date}\tkept {p.retention_years} years, to {p.erase_from}")
        if not apply:
            typer.echo(f"{len(people)} past retention; nothing changed (--apply erases them)",
                       err=True)
            return
        erased = service.apply(session, people, ledger)
        council_id = session.scalar(select(Council.id).where(Council.code == council)) if council else None
        expired = letter_zips.expire(session, council_id=council_id)
        service.write_ledger(ledger, erased)  # before the commit: a lost ledger line is worse
    typer.echo(f"{len(erased)} erased; the ledger is {ledger}", err=True)
    if expired:
        typer.echo(f"{expired} expired letter-run zip(s) deleted", err=True)


def _reapply(ledger: Path) -> None:
    from service.core.db import session_scope
    from service.privacy import retention as service

    with session_scope() as session:
        again = service.reapply(session, ledger)
    for recipient_id in again:
        typer.echo(f"person {recipient_id}\terased again")
    typer.echo(f"{len(again)} erased again from the erasures table and {ledger}", err=True)
