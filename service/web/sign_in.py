"""Sign in, sign out, invitations and password resets: the pages anyone may open."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select

from service.core.config import get_settings
from service.core.deps import SessionDep, UnitOfWorkRoute
from service.models import User
from service.web import auth, mail
from service.web.page import (
    FORM_COOKIE,
    SESSION_COOKIE,
    FormPage,
    check_signed_out_form,
    cookie_settings,
    form_token,
)
from service.web.render import render

router = APIRouter(include_in_schema=False, route_class=UnitOfWorkRoute)

SignedOutForm = Depends(check_signed_out_form)


def safe_next(target: str | None) -> str:
    """Only a path on this site: never another origin, whatever the link said."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def _form_page(request: Request, template: str, status_code: int = 200,
               headers: dict[str, str] | None = None, **context: object) -> Response:
    """A signed-out form: a fresh form cookie, and its keyed token in the hidden field."""
    cookie = request.cookies.get(FORM_COOKIE) or auth.new_token(32)
    response = render(request, template, status_code=status_code, headers=headers,
                      csrf_token=form_token(cookie), **context)
    response.set_cookie(FORM_COOKIE, cookie, max_age=3600 * 12, **cookie_settings(request))  # type: ignore[arg-type]
    return response


@router.get("/sign-in")
def sign_in_form(request: Request, next: str | None = None, ended: str | None = None,
                 signed_out: str | None = None) -> Response:
    banner = ("You have signed out." if signed_out else
              "Your session ended, so you need to sign in again." if ended else "")
    return _form_page(request, "sign_in.html.j2", errors={}, email="", next=safe_next(next),
                      banner=banner, banner_success=bool(signed_out))


@router.post("/sign-in", dependencies=[SignedOutForm])
def sign_in(request: Request, db: SessionDep, email: Annotated[str, Form()] = "",
            password: Annotated[str, Form()] = "", next: str | None = None) -> Response:
    errors: dict[str, str] = {}
    if not email.strip():
        errors["email"] = "Enter your email address"
    if not password:
        errors["password"] = "Enter your password"  # noqa: S105 - words for the person
    target = safe_next(next)
    if errors:
        return _form_page(request, "sign_in.html.j2", status_code=400, errors=errors,
                          email=email, next=target, banner="", banner_success=False)
    keys = auth.throttle_keys(email, request.client.host if request.client else "unknown")
    wait = auth.wait_seconds(db, keys)
    if wait:
        return _form_page(request, "sign_in.html.j2", status_code=429, headers={"Retry-After": str(wait)},
                          errors={"email": f"There have been too many tries. Wait {wait} seconds, "
                                           "then try again."},
                          email=email, next=target, banner="", banner_success=False)
    user = auth.authenticate(db, email, password)
    if user is None:
        auth.record_failure(db, keys)
        return _form_page(request, "sign_in.html.j2", status_code=401,
                          errors={"email": "Enter the email address and password you use for "
                                           "this service. They did not match."},
                          email=email, next=target, banner="", banner_success=False)
    auth.forget_failures(db, keys)
    return _signed_in(request, db, user, target)


def _signed_in(request: Request, db: SessionDep, user: User, target: str) -> Response:
    token = auth.start_session(db, user)
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(SESSION_COOKIE, token, **cookie_settings(request))  # type: ignore[arg-type]
    response.delete_cookie(FORM_COOKIE, path="/")
    return response


@router.post("/sign-out")
def sign_out(page: FormPage) -> Response:
    auth.end_session(page.db, page.request.cookies.get(SESSION_COOKIE))
    response = RedirectResponse("/sign-in?signed_out=1", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


# --- one-time links: invitations and resets ----------------------------------------------------

_LINK_GONE = ("This link has expired or has already been used.",
              "Ask your council for a new invitation, or reset your password to get a new link.")


def _link_page(request: Request, db: SessionDep, token: str, purpose: str,
               errors: dict[str, str] | None = None, status_code: int = 200) -> Response:
    found = auth.find_link(db, token, purpose)
    if found is None:
        return render(request, "message.html.j2", status_code=404, title=_LINK_GONE[0],
                      paragraphs=[_LINK_GONE[1]], link=("/password-reset", "Reset your password"))
    _, user = found
    heading = "Create your password" if purpose == "invitation" else "Choose a new password"
    path = "invitations" if purpose == "invitation" else "password-reset"
    return _form_page(request, "set_password.html.j2", status_code=status_code, errors=errors or {},
                      heading=heading, email=user.email, action=f"/{path}/{quote(token)}")


def _use_link(request: Request, db: SessionDep, token: str, purpose: str,
              password: str, confirm: str) -> Response:
    found = auth.find_link(db, token, purpose)
    if found is None:
        return _link_page(request, db, token, purpose)
    errors: dict[str, str] = {}
    problem = auth.password_problem(password)
    if problem:
        errors["password"] = problem
    elif password != confirm:
        errors["confirm"] = "The two passwords are not the same. Type them again"
    if errors:
        return _link_page(request, db, token, purpose, errors, status_code=400)
    link, user = found
    auth.use_link(db, link, user, password)
    return _signed_in(request, db, user, "/")


@router.get("/invitations/{token}")
def invitation_form(request: Request, db: SessionDep, token: str) -> Response:
    return _link_page(request, db, token, "invitation")


@router.post("/invitations/{token}", dependencies=[SignedOutForm])
def accept_invitation(request: Request, db: SessionDep, token: str,
                      password: Annotated[str, Form()] = "",
                      confirm: Annotated[str, Form()] = "") -> Response:
    return _use_link(request, db, token, "invitation", password, confirm)


@router.get("/password-reset")
def reset_form(request: Request) -> Response:
    return _form_page(request, "reset_request.html.j2", errors={}, email="")


@router.post("/password-reset", dependencies=[SignedOutForm])
def request_reset(request: Request, db: SessionDep, email: Annotated[str, Form()] = "") -> Response:
    if not email.strip():
        return _form_page(request, "reset_request.html.j2", status_code=400,
                          errors={"email": "Enter your email address"}, email="")
    keys = auth.throttle_keys("reset:" + email, request.client.host if request.client else "unknown")
    if not auth.wait_seconds(db, keys):
        auth.record_failure(db, keys)  # every request counts, so nobody can flood a mailbox
        user = db.scalar(select(User).where(User.email == email.strip().lower()))
        if user is not None and user.active and user.role in auth.PAGE_ROLES:
            send_link(db, user, "reset")
    return render(request, "message.html.j2", title="Check your email",
                  paragraphs=["If that address belongs to someone who uses this service, we have "
                              "sent it a link to choose a new password.",
                              "The link works once, for 24 hours."], link=None)


@router.get("/password-reset/{token}")
def reset_password_form(request: Request, db: SessionDep, token: str) -> Response:
    return _link_page(request, db, token, "reset")


@router.post("/password-reset/{token}", dependencies=[SignedOutForm])
def reset_password(request: Request, db: SessionDep, token: str,
                   password: Annotated[str, Form()] = "", confirm: Annotated[str, Form()] = "") -> Response:
    return _use_link(request, db, token, "reset", password, confirm)


def send_link(db: SessionDep, user: User, purpose: str) -> str:
    """Make a one-time link for ``user`` and send it; returns the link."""
    token = auth.issue_link(db, user, purpose)
    path = "invitations" if purpose == "invitation" else "password-reset"
    link = f"{get_settings().public_url.rstrip('/')}/{path}/{token}"
    if purpose == "invitation":
        subject = "You can now see your direct payment online"
        text = (f"Hello {user.name},\n\nYour council has invited you to see your direct payment "
                f"online.\n\nOpen this link to choose a password. It works once, for 7 days:\n{link}\n")
    else:
        subject = "Choose a new password"
        text = (f"Hello {user.name},\n\nSomeone asked to reset the password for this email "
                f"address. If it was you, open this link. It works once, for 24 hours:\n{link}\n\n"
                "If it was not you, you do not need to do anything.\n")
    mail.send(user.email, subject, text, link=link, user_id=user.id)
    return link
