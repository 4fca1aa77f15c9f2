"""What the commands share: one way to fail, reading a date, and finding an account or a
person by their reference."""

from __future__ import annotations

from typing import Any, NoReturn

import typer


def fail(message: str) -> NoReturn:
    """One plain line on standard error, exit status 2."""
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(2)


def find_account(session: Any, reference: str, council_code: str | None = None) -> Any:
    """The one account with this reference (in this council, when given)."""
    from service.models import Account

    return _one(session, Account, "account", reference, council_code)


def find_recipient(session: Any, reference: str, council_code: str | None = None) -> Any:
    """The one person with this reference (in this council, when given)."""
    from service.models import Recipient

    return _one(session, Recipient, "recipient", reference, council_code)


def _one(session: Any, model: Any, noun: str, reference: str, council_code: str | None) -> Any:
    """The one row of ``model`` with this reference, or one line saying why not."""
    from sqlalchemy import select

    from service.models import Council

    stmt = select(model).where(model.reference == reference)
    if council_code:
        stmt = stmt.join(Council, Council.id == model.council_id).where(Council.code == council_code)
    found = session.scalars(stmt.limit(2)).all()
    if not found:
        fail(f"no {noun} with reference '{reference}'")
    if len(found) > 1:
        fail(f"several councils have {'an' if noun[0] in 'aeiou' else 'a'} {noun} '{reference}': "
             "add --council CODE")
    return found[0]


def parse_day(text: str, option: str) -> Any:
    """A YYYY-MM-DD option as a date, or one line naming the option."""
    from datetime import date

    try:
        return date.fromisoformat(text)
    except ValueError:
        fail(f"{option} {text!r} is not a date (YYYY-MM-DD)")
