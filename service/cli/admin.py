"""CLI steps that act on the database for an operator: users and onboarding documents."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn
from sqlalchemy import select

from service.cli.common import fail
from service.core.config import get_settings
from service.core.db import session_scope
from service.core.errors import DpauditError
from service.models import Council, Provider, User
from service.onboarding import service as onboarding
from service.onboarding.schemas import LoadDocument
from service.people import service as people
from service.people.schemas import UserIn


def create_user(email: str, council_code: str, name: str, role: str,
                council_name: str, provider_ref: str, *, new_council: bool = False) -> None:
    try:
        with session_scope() as session:
            known = session.scalar(select(Council.id).where(Council.code == council_code))
            if known is None and not new_council:
                fail(f"no council '{council_code}' (add --new-council to create it)")
            council = onboarding.ensure_council(session, council_code, council_name or council_code)
            ctx = onboarding.system_ctx(session, council.id)
            provider_id = None
            if provider_ref:
                provider = session.scalar(select(Provider).where(
                    Provider.council_id == council.id, Provider.reference == provider_ref))
                if provider is None:
                    fail(f"no provider '{provider_ref}' in council {council_code}")
                provider_id = provider.id if provider else None
            body = UserIn(email=email, name=name or email.split("@")[0], role=role,
                          provider_id=provider_id)
            user = people.create_user(ctx, body)
            session.flush()
            _key, token = people.create_api_key(ctx, user, "created by dpaudit create-user")
    except ValidationError as exc:
        fail(_first_validation_error(exc))
    except DpauditError as exc:
        fail(exc.detail)
    typer.echo(f"created {role} {email} in council {council_code}")
    typer.echo(f"API key (shown once): {token}")


def load(file: Path) -> None:
    """Read the document in chunks, then set it up recipient by recipient, with a progress bar
    for each on standard error; a document over DPAUDIT_MAX_LOAD_BYTES is refused unread."""
    with _progress() as progress:
        reading = progress.add_task("reading", total=file.stat().st_size)
        try:
            data = onboarding.read_document(file, get_settings().max_load_bytes,
                                            lambda n: progress.advance(reading, n))
            doc = LoadDocument.model_validate_json(data)
        except onboarding.DocumentTooLarge as exc:
            fail(f"{file}: {exc}")
        except ValidationError as exc:
            fail(f"{file}: {_first_validation_error(exc)}")
        del data
        loading = progress.add_task("loading recipients", total=len(doc.recipients))
        try:
            with session_scope() as session:
                created = onboarding.apply(session, doc, lambda: progress.advance(loading))
        except DpauditError as exc:
            fail(f"{file}: {exc.detail}")
    typer.echo(json.dumps({"council": doc.council.code, "created": dict(created)}))


def _progress() -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), TaskProgressColumn(),
                    console=Console(stderr=True), transient=True)


def _first_validation_error(exc: ValidationError) -> str:
    err = exc.errors()[0]
    where = ".".join(str(part) for part in err["loc"])
    more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
    return f"{where}: {err['msg']}{more}"


def existing_user(email: str) -> User | None:
    with session_scope() as session:
        return session.scalar(select(User).where(User.email == email.lower()))
