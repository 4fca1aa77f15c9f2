"""Signing in as people: sessions, CSRF, failed-try delays, one-time links, and who sees what."""

from __future__ import annotations

import json
import logging
import re
from datetime import timedelta
from typing import Any

import pytest
from conftest import Council
from sqlalchemy import select, update

from web.conftest import hidden_token, make_person, sign_in

GOOD = "correct horse battery"


def test_sign_in_sets_a_safe_cookie_and_lands_on_home(browser_client: Any, web_council: Council) -> None:
    officer = make_person(web_council, "officer")
    response = sign_in(browser_client, officer.email, GOOD)
    assert response.status_code == 303 and response.headers["location"] == "/"
    cookie = response.headers["set-cookie"]
    assert "dpaudit_session=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
    home = browser_client.get("/")
    assert home.status_code == 200 and "Work queue" in home.text
    assert "Signed in as Officer Person" in home.text


def test_next_brings_you_back_but_never_to_another_site(browser_client: Any, web_council: Council) -> None:
    officer = make_person(web_council, "officer")
    first = browser_client.get("/people")
    assert first.status_code == 303 and first.headers["location"] == "/sign-in?next=/people"
    assert sign_in(browser_client, officer.email, GOOD, next="/people").headers["location"] == "/people"
    assert sign_in(browser_client, officer.email, GOOD, next="//evil.example").headers["location"] == "/"
    assert sign_in(browser_client, officer.email, GOOD,
                   next="https://evil.example/").headers["location"] == "/"


def test_a_form_without_its_token_is_refused(browser_client: Any, web_council: Council) -> None:
    officer = make_person(web_council, "officer")
    browser_client.get("/sign-in")
    refused = browser_client.post("/sign-in", data={"email": officer.email, "password": GOOD})
    assert refused.status_code == 400 and "This form has expired" in refused.text
    forged = browser_client.post("/sign-in", data={"email": officer.email, "password": GOOD,
                                                   "csrf_token": "x" * 64})
    assert forged.status_code == 400
    assert sign_in(browser_client, officer.email, GOOD).status_code == 303
    home = browser_client.get("/")
    # signed in, a POST still needs this session's token: sign-out without it is refused
    assert browser_client.post("/sign-out").status_code == 400
    assert browser_client.get("/").status_code == 200
    out = browser_client.post("/sign-out", data={"csrf_token": hidden_token(home.text)})
    assert out.status_code == 303 and out.headers["location"] == "/sign-in?signed_out=1"
    assert browser_client.get("/").status_code == 303


def test_an_idle_session_ends(browser_client: Any, web_council: Council) -> None:
    from service.core.db import session_scope
    from service.core.types import utcnow
    from service.models import WebSession

    officer = make_person(web_council, "officer")
    sign_in(browser_client, officer.email, GOOD)
    assert browser_client.get("/").status_code == 200
    with session_scope() as session:
        session.execute(update(WebSession).where(WebSession.user_id == officer.id)
                        .values(last_seen_at=utcnow() - timedelta(minutes=31)))
    ended = browser_client.get("/")
    assert ended.status_code == 303 and ended.headers["location"] == "/sign-in?next=/&ended=1"
    assert "need to sign in again" in browser_client.get(ended.headers["location"]).text
    with session_scope() as session:
        assert session.scalars(select(WebSession).where(WebSession.user_id == officer.id)).all() == []


def test_failed_tries_slow_down_but_never_lock_the_person_out(browser_client: Any,
                                                              web_council: Council) -> None:
    from service.core.db import session_scope
    from service.core.types import utcnow
    from service.models import SignInThrottle

    holder = make_person(web_council, "holder")
    for _ in range(4):  # three free tries, then the fourth sets a 2-second wait
        assert sign_in(browser_client, holder.email, "wrong password!").status_code == 401
    waiting = sign_in(browser_client, holder.email, GOOD)  # even the right password waits
    assert waiting.status_code == 429 and "Wait" in waiting.text
    assert 1 <= int(waiting.headers["retry-after"]) <= 2
    with session_scope() as session:
        rows = session.scalars(select(SignInThrottle).where(SignInThrottle.failures == 4)).all()
        assert {row.key.split(":")[0] for row in rows} >= {"account", "address"}
        session.execute(update(SignInThrottle).where(SignInThrottle.failures == 4)
                        .values(next_allowed_at=utcnow() - timedelta(seconds=1)))
    assert sign_in(browser_client, holder.email, "wrong again!!").status_code == 401  # 5th: 4 s
    with session_scope() as session:
        waits = {row.failures: row.next_allowed_at - row.last_failure_at
                 for row in session.scalars(select(SignInThrottle).where(SignInThrottle.failures == 5))}
        assert waits == {5: timedelta(seconds=4)}
        session.execute(update(SignInThrottle).where(SignInThrottle.failures == 5)
                        .values(next_allowed_at=utcnow() - timedelta(seconds=1)))
    assert sign_in(browser_client, holder.email, GOOD).status_code == 303  # waiting was enough


def test_the_delay_grows_and_stops_at_fifteen_minutes() -> None:
    from service.web.auth import delay_after

    assert [delay_after(n).total_seconds() for n in range(1, 8)] == [0, 0, 0, 2, 4, 8, 16]
    assert delay_after(40) == timedelta(minutes=15)


def test_api_keys_are_not_accepted_on_pages_nor_sessions_on_the_api(browser_client: Any,
                                                                     web_council: Council) -> None:
    page = browser_client.get("/", headers=web_council.auth())
    assert page.status_code == 303  # to sign in: a key is not a person
    officer = make_person(web_council, "officer")
    sign_in(browser_client, officer.email, GOOD)
    assert browser_client.get("/v1/recipients").status_code == 401


def test_a_holder_trying_an_officer_page_gets_not_found(browser_client: Any, web_council: Council) -> None:
    holder = make_person(web_council, "holder")
    sign_in(browser_client, holder.email, GOOD)
    for path in ("/people", "/flags", "/summary", "/rules", "/audits/1"):
        response = browser_client.get(path)
        assert response.status_code == 404, path
        assert "Page not found" in response.text and "application/problem" not in response.headers["content-type"]


def test_people_without_a_password_cannot_sign_in(browser_client: Any,
                                                                 web_council: Council) -> None:
    from service.core.db import session_scope
    from service.models import User

    officer = make_person(web_council, "officer")
    with session_scope() as session:
        session.execute(update(User).where(User.id == officer.id).values(password_hash=None))
    assert sign_in(browser_client, officer.email, GOOD).status_code == 401


def _link_from_log(caplog: pytest.LogCaptureFixture) -> str:
    links = [getattr(r, "fields", {}).get("link") for r in caplog.records]
    found = [link for link in links if link]
    assert found, "no link was written to the log"
    return str(found[-1])


def test_an_invitation_sets_a_password_once_and_signs_in(browser_client: Any, web_council: Council,
                                                         caplog: pytest.LogCaptureFixture) -> None:
    from service.core.db import session_scope
    from service.models import User
    from service.web.sign_in import send_link

    holder = make_person(web_council, "holder")
    with session_scope() as session, caplog.at_level(logging.INFO, logger="dpaudit.mail"):
        user = session.scalar(select(User).where(User.id == holder.id))
        assert user is not None
        send_link(session, user, "invitation")
    link = _link_from_log(caplog)
    assert holder.email not in json.dumps([r.__dict__.get("fields") for r in caplog.records])
    path = "/" + link.split("/", 3)[3]
    form = browser_client.get(path)
    assert form.status_code == 200 and "Create your password" in form.text
    short = browser_client.post(path, data={"password": "short", "confirm": "short",
                                            "csrf_token": hidden_token(form.text)})
    assert short.status_code == 400 and "at least 10 characters" in short.text
    done = browser_client.post(path, data={"password": "a new long password", "confirm": "a new long password",
                                           "csrf_token": hidden_token(short.text)})
    assert done.status_code == 303 and browser_client.get("/").status_code == 200
    assert browser_client.get(path).status_code == 404  # used once
    browser_client.cookies.clear()
    assert sign_in(browser_client, holder.email, "a new long password").status_code == 303


def test_a_reset_link_never_says_whether_an_account_exists(browser_client: Any, web_council: Council,
                                                           caplog: pytest.LogCaptureFixture) -> None:
    officer = make_person(web_council, "officer")
    form = browser_client.get("/password-reset")
    with caplog.at_level(logging.INFO, logger="dpaudit.mail"):
        unknown = browser_client.post("/password-reset", data={
            "email": "nobody-" + officer.email, "csrf_token": hidden_token(form.text)})
        assert not [r for r in caplog.records if getattr(r, "fields", {}).get("link")]
        known = browser_client.post("/password-reset", data={
            "email": officer.email, "csrf_token": hidden_token(form.text)})
    assert unknown.status_code == known.status_code == 200
    same = re.compile(r'nonce(?:=|-)"?[A-Za-z0-9_-]+')  # each page has its own script nonce
    assert same.sub("", unknown.text) == same.sub("", known.text)
    assert "Check your email" in known.text
    link = _link_from_log(caplog)
    path = "/" + link.split("/", 3)[3]
    page = browser_client.get(path)
    done = browser_client.post(path, data={"password": "another long one", "confirm": "another long one",
                                           "csrf_token": hidden_token(page.text)})
    assert done.status_code == 303


def test_demo_prints_one_sign_in_line_per_role_that_works(browser_client: Any, database_url: str,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    from browser.tabs import DEMO_DAY

    from service.cli import demo

    demo.run(DEMO_DAY)  # the day every demo test loads it for, so they share one demo council
    out = capsys.readouterr().out
    lines = [line.split() for line in out.splitlines() if line.startswith("sign-in ")]
    assert [line[1] for line in lines] == ["admin", "officer", "holder"]
    for _, role, email, password in lines:
        browser_client.cookies.clear()
        assert sign_in(browser_client, email, password).status_code == 303, role
        home = browser_client.get("/")
        assert home.status_code == 200
        assert ("Work queue" in home.text) == (role != "holder")
    assert re.search(r"http://127\.0\.0\.1:8000/sign-in", out)


@pytest.mark.parametrize("path", ["/sign-in", "/password-reset"])
def test_signed_out_pages_send_a_strict_policy(browser_client: Any, path: str) -> None:
    response = browser_client.get(path)
    policy = response.headers["content-security-policy"]
    assert "'unsafe-inline'" not in policy and "frame-ancestors 'none'" in policy
    nonce = re.search(r"'nonce-([^']+)'", policy)
    assert nonce and response.text.count(f'nonce="{nonce.group(1)}"') == 2
    assert response.headers["cache-control"] == "no-store"
    assert not re.search(r'(src|href)="(https?:)?//', response.text)




def test_unknown_addresses_answer_a_page_to_browsers_and_problem_json_to_machines(
        browser_client: Any) -> None:
    page = browser_client.get("/no-such-page", headers={"Accept": "text/html,*/*"})
    assert page.status_code == 404 and "Page not found" in page.text
    machine = browser_client.get("/no-such-page", headers={"Accept": "application/json"})
    assert machine.status_code == 404
    assert machine.headers["content-type"].startswith("application/problem+json")
