"""Page tests over HTTP: a TestClient per test (its own cookies), people made with passwords."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from conftest import Council, make_council, unique


@dataclass
class Person:
    id: int
    email: str
    password: str
    role: str


def make_person(council: Council, role: str, password: str = "correct horse battery") -> Person:
    """A user who can sign in to the pages, made the way an invitation ends."""
    from sqlalchemy import select

    from service.core.db import session_scope
    from service.models import User
    from service.onboarding.service import system_ctx
    from service.people import service as people
    from service.people.schemas import UserIn
    from service.web import auth

    email = f"{unique(role)}@{council.code}.example.org"
    with session_scope() as session:
        user = people.create_user(system_ctx(session, council.id),
                                  UserIn(email=email, name=role.title() + " Person", role=role))
        session.flush()
        found = session.scalar(select(User).where(User.id == user.id))
        assert found is not None
        auth.set_password(session, found, password)
        user_id = found.id
    return Person(user_id, email, password, role)


@pytest.fixture
def browser_client(app: Any) -> Iterator[Any]:
    """A client that keeps cookies like a browser; https, so Secure cookies would travel too."""
    from fastapi.testclient import TestClient

    with TestClient(app, base_url="https://testserver", raise_server_exceptions=False,
                    follow_redirects=False,
                    headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}) as client:
        yield client


def hidden_token(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "the form has no csrf_token"
    return match.group(1)


def sign_in(client: Any, email: str, password: str, next: str = "") -> Any:
    form = client.get("/sign-in")
    assert form.status_code == 200
    url = "/sign-in" + (f"?next={next}" if next else "")
    return client.post(url, data={"email": email, "password": password,
                                  "csrf_token": hidden_token(form.text)})


@pytest.fixture
def web_council(database_url: str) -> Council:
    return make_council(database_url)
