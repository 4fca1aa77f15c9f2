"""Every page is reachable by links from home, answers, and never links to the API."""

from __future__ import annotations

import re
from collections import deque
from typing import Any

import pytest
from browser.tabs import DEMO_DAY, ROLES_EMAIL

from web.conftest import sign_in

LINK = re.compile(r'href="([^"#]*)')  # links; forms that post are not pages
DOWNLOADS = (".pdf", ".xlsx", ".zip", ".html")

EXPECTED = {
    "officer": [r"/people", r"/people/\d+", r"/audits/\d+", r"/flags", r"/summary", r"/rules",
                r"/audits/\d+/letter\.pdf", r"/audits/\d+/workbook\.xlsx", r"/summary\.xlsx"],
    "holder": [r"/for/\d+/upload", r"/for/\d+/questions", r"/for/\d+/letters",
               r"/for/\d+/letters/\d+\.pdf", r"/for/\d+/export\.zip"],
}


def crawl(client: Any, limit: int = 400) -> dict[str, int]:
    """Follow every link from home (GET only, this site only); the status of each page."""
    seen: dict[str, int] = {}
    queue = deque(["/"])
    while queue and len(seen) < limit:
        path = queue.popleft()
        if path in seen:
            continue
        response = client.get(path)
        seen[path] = response.status_code
        if path.endswith(DOWNLOADS) or "text/html" not in response.headers.get("content-type", ""):
            continue
        assert not re.search(r'(?:href|action)="/v1', response.text), f"{path} links to the API"
        for target in LINK.findall(response.text):
            target = target.replace("&amp;", "&")
            if (target.startswith("/") and not target.startswith(("//", "/static/", "/docs", "/redoc"))
                    and target not in seen and "sign-out" not in target):
                queue.append(target)
    return seen


@pytest.mark.parametrize("role", ["officer", "holder"])
def test_every_page_is_reachable_from_home_and_answers(browser_client: Any, database_url: str,
                                                       capsys: pytest.CaptureFixture[str],
                                                       role: str) -> None:
    from service.cli import demo

    passwords = demo.run(DEMO_DAY)
    capsys.readouterr()
    _an_open_audit()
    assert sign_in(browser_client, ROLES_EMAIL[role], passwords[role]).status_code == 303
    seen = crawl(browser_client)
    broken = {path: status for path, status in seen.items() if status != 200}
    assert not broken, broken
    for pattern in EXPECTED[role]:
        assert any(re.fullmatch(pattern, path.split("?")[0]) for path in seen), (pattern, sorted(seen))


def _an_open_audit() -> None:
    """An audit of the demo person, as an officer's "Start the audit" makes (kept if one is open)."""
    from datetime import date

    from sqlalchemy import select

    from service.audits import service
    from service.cli import demo
    from service.core.db import session_scope
    from service.models import Account, Audit, Recipient
    from service.onboarding.service import system_ctx

    with session_scope() as session:
        account = session.scalars(select(Account).where(Account.reference == demo.DEMO_ACCOUNT)).one()
        if session.scalars(select(Audit).where(Audit.recipient_id == account.recipient_id,
                                               Audit.status == "open")).first() is None:
            recipient = session.get(Recipient, account.recipient_id)
            service.create_audit(system_ctx(session, account.council_id), recipient,
                                 date(2026, 8, 1), date(2026, 10, 31))
