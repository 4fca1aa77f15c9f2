"""Request-scoped dependencies: the unit of work, the caller, and their context.

The session is committed once, when the endpoint returns and before the response is sent
(``scope="function"``); services only ever ``flush()``.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import select
from sqlalchemy.orm import Session

from service.core.config import get_settings
from service.core.context import Ctx as Ctx  # where it lives, kept importable from here
from service.core.db import session_scope
from service.core.errors import Unauthorized
from service.core.principal import Principal
from service.core.security import token_matches, token_prefix
from service.core.types import utcnow
from service.models import ApiKey, User


def get_session() -> Iterator[Session]:
    """The request's unit of work: committed when the endpoint returns, else rolled back."""
    with session_scope() as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session, scope="function")]

_UNAUTHORIZED_HEADERS = {"WWW-Authenticate": 'Bearer realm="dpaudit"'}
_LAST_USED_GRANULARITY = timedelta(hours=1)


def _presented_token(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return request.headers.get("x-api-key") or None


def authenticate(request: Request, session: SessionDep) -> Principal:
    token = _presented_token(request)
    if token is None:
        raise Unauthorized("Send your API key as 'Authorization: Bearer <key>'.",
                           headers=_UNAUTHORIZED_HEADERS)
    prefix = token_prefix(token)
    row = None
    if prefix is not None:
        row = session.execute(
            select(ApiKey, User).join(User, User.id == ApiKey.user_id).where(ApiKey.prefix == prefix)
        ).first()
    secret_key = get_settings().secret_key
    if row is None or not token_matches(token, row.ApiKey.secret_hash, secret_key):
        raise Unauthorized("That API key is not valid.", headers=_UNAUTHORIZED_HEADERS)
    key, user = row.ApiKey, row.User
    if key.revoked_at is not None or not user.active:
        raise Unauthorized("That API key has been revoked.", headers=_UNAUTHORIZED_HEADERS)
    now = utcnow()
    if key.last_used_at is None or now - key.last_used_at > _LAST_USED_GRANULARITY:
        key.last_used_at = now
    principal = Principal(user.id, user.council_id, user.role, user.provider_id, key.id)
    request.state.principal = principal
    return principal


PrincipalDep = Annotated[Principal, Depends(authenticate)]


def get_ctx(request: Request, session: SessionDep, principal: PrincipalDep) -> Ctx:
    return Ctx(session, principal, getattr(request.state, "request_id", None))


CtxDep = Annotated[Ctx, Depends(get_ctx)]
