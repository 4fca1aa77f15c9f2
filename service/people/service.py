"""The steps for people: users and their keys, recipients, representatives and workers.

Services flush, never commit: the request (or CLI command) owns the transaction.
"""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import select

from service.core.config import get_settings
from service.core.deps import Ctx
from service.core.errors import Conflict, Forbidden, NotFound, Unprocessable, field_error
from service.core.events import record, snapshot
from service.core.security import new_token
from service.core.types import utcnow
from service.models import ApiKey, Provider, Recipient, Representative, User, Worker
from service.people.schemas import (
    RecipientIn,
    RecipientPatch,
    RepresentativeIn,
    UserIn,
    WorkerIn,
    WorkerPatch,
)

M = TypeVar("M")


def _taken(ctx: Ctx, column: Any, value: Any, *extra: Any) -> bool:
    return ctx.session.scalar(select(column).where(column == value, *extra).limit(1)) is not None


def create_user(ctx: Ctx, body: UserIn) -> User:
    email = body.email.lower()
    if _taken(ctx, User.email, email):
        raise Conflict("Someone already uses this email address.",
                       errors=[field_error("email", "already in use")])
    if (body.role == "provider") != (body.provider_id is not None):
        raise Unprocessable(
            "provider_id is required for the provider role, and only for it.",
            errors=[field_error("provider_id", "required for provider users only")],
        )
    if body.provider_id is not None:
        provider = ctx.session.get(Provider, body.provider_id)
        if provider is None or provider.council_id != ctx.principal.council_id:
            raise Unprocessable("There is no such provider in your council.",
                                errors=[field_error("provider_id", "unknown provider")])
    user = User(council_id=ctx.principal.council_id, email=email, name=body.name,
                role=body.role, provider_id=body.provider_id)
    ctx.session.add(user)
    record(ctx, "user.created", user)
    return user


def create_api_key(ctx: Ctx, user: User, name: str) -> tuple[ApiKey, str]:
    fresh = new_token(get_settings().secret_key)
    key = ApiKey(council_id=user.council_id, user_id=user.id, name=name,
                 prefix=fresh.prefix, secret_hash=fresh.secret_hash)
    ctx.session.add(key)
    record(ctx, "api_key.created", key)
    return key, fresh.token


def revoke_api_key(ctx: Ctx, key: ApiKey) -> ApiKey:
    if key.revoked_at is None:
        before = snapshot(key)
        key.revoked_at = utcnow()
        record(ctx, "api_key.revoked", key, before=before)
    return key


def _check_payroll_provider(ctx: Ctx, provider_id: int | None) -> None:
    if provider_id is None:
        return
    provider = ctx.session.get(Provider, provider_id)
    if provider is None or provider.council_id != ctx.principal.council_id:
        raise Unprocessable("There is no such provider in your council.",
                            errors=[field_error("payroll_provider_id", "unknown provider")])


def create_recipient(ctx: Ctx, body: RecipientIn) -> Recipient:
    _check_payroll_provider(ctx, body.payroll_provider_id)
    if _taken(ctx, Recipient.reference, body.reference,
              Recipient.council_id == ctx.principal.council_id):
        raise Conflict("A recipient with this reference exists.",
                       errors=[field_error("reference", "already used in this council")])
    recipient = Recipient(council_id=ctx.principal.council_id, **body.model_dump())
    ctx.session.add(recipient)
    record(ctx, "recipient.created", recipient)
    return recipient


def update(ctx: Ctx, obj: M, changes: dict[str, Any], action: str) -> M:
    before = snapshot(obj)
    for name, value in changes.items():
        setattr(obj, name, value)
    record(ctx, action, obj, before=before)
    return obj


def update_recipient(ctx: Ctx, recipient: Recipient, body: RecipientPatch) -> Recipient:
    _check_payroll_provider(ctx, body.payroll_provider_id)
    return update(ctx, recipient, body.model_dump(exclude_unset=True), "recipient.updated")


def add_representative(ctx: Ctx, recipient: Recipient, body: RepresentativeIn) -> Representative:
    if body.user_id is not None:
        user = ctx.session.get(User, body.user_id)
        if user is None or user.council_id != recipient.council_id or user.role != "holder":
            raise Unprocessable("user_id must be a holder user of this council.",
                                errors=[field_error("user_id", "not a holder user of this council")])
    rep = Representative(council_id=recipient.council_id, recipient_id=recipient.id,
                         **body.model_dump())
    ctx.session.add(rep)
    record(ctx, "representative.created", rep)
    return rep


def _guard_necessary_decision(ctx: Ctx, fields: dict[str, Any]) -> None:
    council_only = {"necessary_decision_on", "necessary_decision_note"} & fields.keys()
    if council_only and not ctx.principal.council_wide:
        raise Forbidden(
            "Only council staff can record that paying a relative is necessary.",
            errors=[field_error(sorted(council_only)[0], "council staff only")],
        )


def add_worker(ctx: Ctx, recipient: Recipient, body: WorkerIn) -> Worker:
    fields = body.model_dump(exclude_unset=True)
    _guard_necessary_decision(ctx, fields)
    worker = Worker(council_id=recipient.council_id, recipient_id=recipient.id, **body.model_dump())
    ctx.session.add(worker)
    record(ctx, "worker.created", worker)
    return worker


def update_worker(ctx: Ctx, worker: Worker, body: WorkerPatch) -> Worker:
    changes = body.model_dump(exclude_unset=True)
    _guard_necessary_decision(ctx, changes)
    return update(ctx, worker, changes, "worker.updated")


def user_in_council(ctx: Ctx, user_id: int) -> User:
    user = ctx.session.get(User, user_id)
    if user is None or user.council_id != ctx.principal.council_id:
        raise NotFound(f"There is no user {user_id} that you can see.")
    return user
