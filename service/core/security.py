"""API keys: ``dpa_<prefix>_<secret>``. Only a keyed SHA-256 of the whole token is stored."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

TOKEN_PREFIX = "dpa"  # noqa: S105 - a public marker, not a secret


@dataclass(frozen=True, slots=True)
class NewToken:
    token: str  # shown to the caller once, never stored
    prefix: str
    secret_hash: str


def hash_token(token: str, secret_key: str) -> str:
    return hmac.new(secret_key.encode(), token.encode(), hashlib.sha256).hexdigest()


def new_token(secret_key: str) -> NewToken:
    prefix = secrets.token_hex(6)
    token = f"{TOKEN_PREFIX}_{prefix}_{secrets.token_urlsafe(30)}"
    return NewToken(token=token, prefix=prefix, secret_hash=hash_token(token, secret_key))


def token_prefix(token: str) -> str | None:
    parts = token.split("_", 2)
    if len(parts) != 3 or parts[0] != TOKEN_PREFIX or len(parts[1]) != 12:
        return None
    return parts[1]


def token_matches(token: str, secret_hash: str, secret_key: str) -> bool:
    return hmac.compare_digest(hash_token(token, secret_key), secret_hash)
