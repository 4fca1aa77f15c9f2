"""Signing people in to the web pages: passwords, sessions, one-time links and failed-try delays.

- Passwords are hashed with argon2id (argon2-cffi's defaults, rehashed when those change).
- Sessions live in the database; the cookie holds a random token, the row a keyed hash of it.
  A session ends after ``session_idle_minutes`` without a request, ``session_max_hours`` after
  sign-in, at sign-out, or when the password changes.
- Failed sign-ins are counted per account and per address. After three, each further try
  waits twice as long as the one before, up to 15 minutes. There is no lock-out: a lock-out
  would let anyone keep a disabled person out of their own account by guessing wrong.
- Invitations (7 days) and password resets (24 hours) are one-time links.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import string
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from service.core.config import get_settings
from service.core.types import utcnow
from service.models import OneTimeLink, SignInThrottle, User, WebSession

PAGE_ROLES = ("admin", "officer", "holder")
MIN_PASSWORD_LENGTH = 10
FREE_TRIES = 3
LONGEST_WAIT = timedelta(minutes=15)
FORGET_FAILURES_AFTER = timedelta(hours=1)
LINK_LIFETIME = {"invitation": timedelta(days=7), "reset": timedelta(hours=24)}
_SEEN_GRANULARITY = timedelta(seconds=60)
# letters only: a token never looks like an account number to the log redaction
_TOKEN_ALPHABET = string.ascii_letters

_hasher = PasswordHasher()


def new_token(length: int = 40) -> str:
    return "".join(secrets.choice(_TOKEN_ALPHABET) for _ in range(length))


def keyed_hash(value: str) -> str:
    return hmac.new(get_settings().secret_key.encode(), value.encode(), hashlib.sha256).hexdigest()


# --- passwords ---------------------------------------------------------------------------------

def password_problem(password: str) -> str | None:
    """Why a new password cannot be used, in words for the person, or None."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"Your password must be at least {MIN_PASSWORD_LENGTH} characters long"
    if len(password) > 200:
        return "Your password must be 200 characters or fewer"
    return None


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def check_password(user: User, password: str) -> bool:
    if not user.password_hash:
        return False
    try:
        _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    return True


def set_password(db: Session, user: User, password: str) -> None:
    """Set a new password and end every session the old one opened."""
    user.password_hash = hash_password(password)
    db.execute(delete(WebSession).where(WebSession.user_id == user.id))


# --- sessions ----------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class SignedIn:
    row: WebSession
    user: User


def start_session(db: Session, user: User) -> str:
    """A new session for ``user``; returns the cookie's token (shown once, never stored)."""
    settings = get_settings()
    token = new_token()
    now = utcnow()
    db.add(WebSession(token_hash=keyed_hash(token), user_id=user.id, csrf_token=new_token(32),
                      created_at=now, last_seen_at=now,
                      expires_at=now + timedelta(hours=settings.session_max_hours)))
    db.flush()
    return token


def find_session(db: Session, token: str | None) -> SignedIn | None:
    """The live session for a cookie's token, touched; None when missing, ended or expired."""
    if not token or len(token) > 200:
        return None
    row = db.execute(select(WebSession, User).join(User, User.id == WebSession.user_id)
                     .where(WebSession.token_hash == keyed_hash(token))).first()
    if row is None:
        return None
    session_row, user = row.WebSession, row.User
    now = utcnow()
    idle = timedelta(minutes=get_settings().session_idle_minutes)
    if (now >= session_row.expires_at or now - session_row.last_seen_at >= idle
            or not user.active or user.role not in PAGE_ROLES):
        db.delete(session_row)
        db.commit()  # the caller is turned away next, which would roll this back
        return None
    if now - session_row.last_seen_at >= _SEEN_GRANULARITY:
        session_row.last_seen_at = now
    return SignedIn(session_row, user)


def end_session(db: Session, token: str | None) -> None:
    if token:
        db.execute(delete(WebSession).where(WebSession.token_hash == keyed_hash(token)))


# --- failed tries ------------------------------------------------------------------------------

def throttle_keys(email: str, address: str) -> tuple[str, str]:
    return ("account:" + keyed_hash(email.strip().lower())[:64],
            "address:" + keyed_hash(address)[:64])


def wait_seconds(db: Session, keys: tuple[str, ...], now: datetime | None = None) -> int:
    """How long before another try is allowed for any of ``keys`` (0: try now)."""
    now = now or utcnow()
    latest = db.scalar(select(SignInThrottle.next_allowed_at)
                       .where(SignInThrottle.key.in_(keys))
                       .order_by(SignInThrottle.next_allowed_at.desc()).limit(1))
    if latest is None or latest <= now:
        return 0
    return max(1, int((latest - now).total_seconds() + 0.999))


def delay_after(failures: int) -> timedelta:
    if failures <= FREE_TRIES:
        return timedelta(0)
    return min(timedelta(seconds=2 ** (failures - FREE_TRIES)), LONGEST_WAIT)


def record_failure(db: Session, keys: tuple[str, ...], now: datetime | None = None) -> None:
    now = now or utcnow()
    for key in keys:
        row = db.scalar(select(SignInThrottle).where(SignInThrottle.key == key).with_for_update())
        if row is None:
            row = SignInThrottle(key=key, failures=0, last_failure_at=now, next_allowed_at=now)
            db.add(row)
        elif now - row.last_failure_at > FORGET_FAILURES_AFTER:
            row.failures = 0
        row.failures += 1
        row.last_failure_at = now
        row.next_allowed_at = now + delay_after(row.failures)
    db.flush()


def forget_failures(db: Session, keys: tuple[str, ...]) -> None:
    db.execute(delete(SignInThrottle).where(SignInThrottle.key.in_(keys)))


def authenticate(db: Session, email: str, password: str) -> User | None:
    """The page user with this email and password, or None. Always spends the hashing time."""
    user = db.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None or not user.password_hash:
        _hasher.hash(password)  # the same time whether or not the account exists
        return None
    if not check_password(user, password) or not user.active or user.role not in PAGE_ROLES:
        return None
    return user


# --- one-time links ----------------------------------------------------------------------------

def issue_link(db: Session, user: User, purpose: str) -> str:
    """A new invitation or reset link token for ``user``; earlier unused ones of that kind end."""
    now = utcnow()
    db.execute(delete(OneTimeLink).where(OneTimeLink.user_id == user.id,
                                         OneTimeLink.purpose == purpose,
                                         OneTimeLink.used_at.is_(None)))
    token = new_token()
    db.add(OneTimeLink(token_hash=keyed_hash(token), user_id=user.id, purpose=purpose,
                       created_at=now, expires_at=now + LINK_LIFETIME[purpose]))
    db.flush()
    return token


def find_link(db: Session, token: str, purpose: str) -> tuple[OneTimeLink, User] | None:
    """The unused, unexpired link with this token, and its user."""
    if not token or len(token) > 200:
        return None
    row = db.execute(select(OneTimeLink, User).join(User, User.id == OneTimeLink.user_id)
                     .where(OneTimeLink.token_hash == keyed_hash(token),
                            OneTimeLink.purpose == purpose)).first()
    if row is None:
        return None
    link, user = row.OneTimeLink, row.User
    if link.used_at is not None or utcnow() >= link.expires_at or not user.active:
        return None
    return link, user


def use_link(db: Session, link: OneTimeLink, user: User, password: str) -> None:
    link.used_at = utcnow()
    set_password(db, user, password)
