"""What every signed-in page starts from: the session cookie, the person, and their council.

Pages never accept API keys, and API routes never accept the session cookie. A page for a
role you do not have answers 404, as the API does, so its existence never leaks.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from service.core.deps import Ctx, SessionDep
from service.core.principal import STAFF, Principal
from service.models import Council, User
from service.web import auth

SESSION_COOKIE = "dpaudit_session"
FORM_COOKIE = "dpaudit_form"


class SignInNeeded(Exception):
    """No live session: the person is sent to sign in, and brought back afterwards."""


class PageNotFound(Exception):
    """A page that does not exist for this person."""


class FormExpired(Exception):
    """A form came back without its CSRF token, or with another session's."""


@dataclass(frozen=True, slots=True)
class Viewer:
    """Who is looking, as plain values: error pages render after the database session closed."""

    user_id: int
    name: str
    role: str
    csrf_token: str
    council_name: str


@dataclass(frozen=True, slots=True)
class Page:
    request: Request
    db: Session
    user: User
    council: Council
    signed_in: auth.SignedIn
    principal: Principal  # the same kind of caller the API's services act for

    @property
    def ctx(self) -> Ctx:
        """The same context the API hands its services, so pages run the same code."""
        return Ctx(self.db, self.principal, getattr(self.request.state, "request_id", None))

    @property
    def is_staff(self) -> bool:
        return self.user.role in STAFF


def cookie_settings(request: Request) -> dict[str, object]:
    """HttpOnly and SameSite=Lax always; Secure in production (the app's own settings)."""
    return {"httponly": True, "samesite": "lax", "path": "/",
            "secure": request.app.state.secure_cookies}


def signed_in_page(request: Request, db: SessionDep) -> Page:
    found = auth.find_session(db, request.cookies.get(SESSION_COOKIE))
    if found is None:
        raise SignInNeeded()
    user = found.user
    council = db.get(Council, user.council_id)
    assert council is not None
    principal = Principal(user.id, user.council_id, user.role, user.provider_id, None)
    request.state.principal = principal  # the request log names the user from it
    request.state.viewer = Viewer(user.id, user.name, user.role, found.row.csrf_token, council.name)
    return Page(request, db, user, council, found, principal)


PageDep = Annotated[Page, Depends(signed_in_page)]


def staff_page(page: PageDep) -> Page:
    if not page.is_staff:
        raise PageNotFound()
    return page


def admin_page(page: PageDep) -> Page:
    if page.user.role != "admin":
        raise PageNotFound()
    return page


def holder_page(page: PageDep) -> Page:
    if page.user.role != "holder":
        raise PageNotFound()
    return page


StaffPage = Annotated[Page, Depends(staff_page)]
AdminPage = Annotated[Page, Depends(admin_page)]
HolderPage = Annotated[Page, Depends(holder_page)]


async def checked_form(page: PageDep) -> Page:
    """For every POST from a signed-in page: the form must carry this session's CSRF token."""
    form = await page.request.form()
    sent = form.get("csrf_token")
    if not isinstance(sent, str) or not hmac.compare_digest(sent, page.signed_in.row.csrf_token):
        raise FormExpired()
    return page


FormPage = Annotated[Page, Depends(checked_form)]


def form_token(cookie_value: str) -> str:
    """The hidden field that goes with a signed-out form's cookie (double submit, keyed)."""
    return auth.keyed_hash("form:" + cookie_value)


async def check_signed_out_form(request: Request) -> None:
    """Sign-in and reset forms, before any session: the field must match the form cookie."""
    form = await request.form()
    sent = form.get("csrf_token")
    cookie = request.cookies.get(FORM_COOKIE)
    if not cookie or not isinstance(sent, str) or not hmac.compare_digest(sent, form_token(cookie)):
        raise FormExpired()
