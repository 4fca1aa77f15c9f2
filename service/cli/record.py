"""`dpaudit commitment` and `dpaudit underspend`: what an officer records about a person's
money, checked exactly as the API checks it (the same input schemas and service functions).

Runs as the council's system administrator. One line and exit 2 on any error.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import typer
from pydantic import ValidationError

from service.cli.common import fail, find_recipient

# the option a schema field is given by, so an error names what the user typed
OPTIONS = {"kind": "--kind", "amount": "--amount", "due_on": "--due-on",
           "description": "--description", "reason": "--reason", "period_start": "--from",
           "period_end": "--to", "hold_recovery": "--hold", "note": "--note"}


def invalid(exc: ValidationError) -> str:
    err = exc.errors()[0]
    where = ".".join(OPTIONS.get(str(part), str(part)) for part in err["loc"])
    message = str(err["msg"]).removeprefix("Value error, ")
    for field, option in OPTIONS.items():  # "period_end is before period_start" names options
        message = re.sub(rf"\b{field}\b", option, message)
    return f"{where}: {message}" if where else message


def day(when: date) -> str:
    return f"{when.day} {when:%B %Y}"


def _recorded(recipient_ref: str, council_code: str | None, build: Any, store: Any) -> tuple[int, Any]:
    """Validate the body, then store it for the person in one transaction; one line on error.
    The new record's id and the validated body."""
    from service.core.db import session_scope
    from service.core.errors import DpauditError
    from service.onboarding.service import system_ctx

    try:
        body = build()
    except ValidationError as exc:
        fail(invalid(exc))
    try:
        with session_scope() as session:
            recipient = find_recipient(session, recipient_ref, council_code)
            made = store(system_ctx(session, recipient.council_id), recipient, body)
            session.flush()
            return int(made.id), body
    except DpauditError as exc:
        fail(exc.detail)


def commitment(recipient_ref: str, kind: str, amount: str, due_on: str | None, description: str,
               council_code: str | None) -> None:
    from service.audits.schemas import CommitmentIn
    from service.audits.service import add_commitment

    def build() -> CommitmentIn:
        return CommitmentIn.model_validate(
            {"kind": kind, "amount": amount, "due_on": due_on, "description": description})

    made, body = _recorded(recipient_ref, council_code, build, add_commitment)
    due = f", due {day(body.due_on)}" if body.due_on else ""
    typer.echo(f"commitment {made} recorded for {recipient_ref}: {body.kind}, "
               f"£{body.amount:,.2f}{due} ({body.description})")


def underspend(recipient_ref: str, reason: str, start: str, end: str, hold: bool, note: str | None,
               council_code: str | None) -> None:
    from service.audits.schemas import UnderspendReasonIn
    from service.audits.service import add_underspend_reason

    def build() -> UnderspendReasonIn:
        return UnderspendReasonIn.model_validate(
            {"reason": reason, "period_start": start, "period_end": end, "hold_recovery": hold,
             "note": note})

    made, body = _recorded(recipient_ref, council_code, build, add_underspend_reason)
    held = "; any recovery is held until people have talked" if body.hold_recovery else ""
    typer.echo(f"underspend reason {made} recorded for {recipient_ref}: {body.reason}, "
               f"{day(body.period_start)} to {day(body.period_end)}{held}")
