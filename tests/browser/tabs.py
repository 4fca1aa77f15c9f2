"""Pages in a real browser: Debian's chromium driven by Playwright, checked by axe-core.

A real server (uvicorn, in its own process) serves the suite's database with the demo loaded.
Nothing is downloaded: Playwright drives the chromium at DPAUDIT_CHROMIUM (default
/usr/bin/chromium), and axe-core comes inside axe-playwright-python. Where chromium is
missing the browser tests skip, except under CI, where they fail.

Every page a test opens is checked the same way (``look``): no request leaves this server,
no axe-core violation, no console error, and a full-page screenshot saved under
``var/screenshots/`` (DPAUDIT_SCREENSHOTS) to look at.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from urllib.request import urlopen

import pytest

DEMO_DAY = date(2026, 11, 23)  # the day the other demo tests load it for, so the data agree
CHROMIUM = os.environ.get("DPAUDIT_CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = Path(os.environ.get("DPAUDIT_SCREENSHOTS", "var/screenshots"))
ROLES_EMAIL = {"admin": "admin@demo-council.example.org", "officer": "officer@demo-council.example.org",
               "holder": "alex@demo-council.example.org"}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Live:
    base_url: str
    passwords: dict[str, str]
    process: subprocess.Popen[bytes]
    log: Path


@pytest.fixture(scope="package")
def live(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    """A real dpaudit server on a free port, on the suite's database, with the demo loaded.

    Stopped once the browser tests are done: on SQLite it runs jobs in a thread of its own, and
    left running it would take the jobs later tests start for a server of their own."""
    from service.cli import demo

    passwords = demo.run(DEMO_DAY)
    port = _free_port()
    log = tmp_path_factory.mktemp("live") / "server.log"
    env = {**os.environ, "DPAUDIT_DATABASE_URL": database_url, "DPAUDIT_ENV": "test",
           "DPAUDIT_PUBLIC_URL": f"http://127.0.0.1:{port}"}
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "service.app:create_app", "--factory",
             "--host", "127.0.0.1", "--port", str(port)], env=env, stdout=out, stderr=out)
    base_url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            with urlopen(base_url + "/healthz", timeout=1):
                break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise RuntimeError("the server did not start:\n" + log.read_text()) from None
            time.sleep(0.1)
    yield Live(base_url, passwords, process, log)
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"chromium is not installed at {CHROMIUM}: install Debian's chromium package")
        pytest.skip(f"chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run"])
        yield chromium
        chromium.close()


@dataclass
class Tab:
    """One browser tab, watched: every request it makes and every console error."""

    page: Any
    base_url: str
    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def go(self, path: str) -> Any:
        response = self.page.goto(self.base_url + path)
        self.page.wait_for_load_state("networkidle")
        return response

    def look(self, name: str) -> None:
        """No request to another origin, no console error, 0 axe violations; a screenshot saved."""
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
        own = urlsplit(self.base_url).netloc
        foreign = [url for url in self.requests
                   if urlsplit(url).scheme not in ("data", "blob") and urlsplit(url).netloc != own]
        assert not foreign, f"{name}: requests to another origin: {foreign}"
        assert not self.errors, f"{name}: console errors: {self.errors}"
        from axe_playwright_python.sync_playwright import Axe

        results = Axe().run(self.page)
        assert results.violations_count == 0, f"{name}:\n{results.generate_report()}"


@pytest.fixture
def tab(browser: Any, live: Live) -> Iterator[Tab]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    watched = Tab(page, live.base_url)
    page.on("request", lambda request: watched.requests.append(request.url))
    page.on("console", lambda message: watched.errors.append(message.text)
            if message.type == "error" else None)
    page.on("pageerror", lambda error: watched.errors.append(str(error)))
    yield watched
    context.close()


def sign_in(tab: Tab, live: Live, role: str) -> Tab:
    """Sign in through the form, by keyboard and clicks as a person would."""
    tab.go("/sign-in")
    tab.page.fill("#email", ROLES_EMAIL[role])
    tab.page.fill("#password", live.passwords[role])
    with tab.page.expect_navigation(url=tab.base_url + "/"):
        tab.page.click("button:has-text('Sign in')")
    tab.page.wait_for_load_state("networkidle")
    assert urlsplit(tab.page.url).path == "/", tab.page.url
    return tab


@pytest.fixture
def as_officer(tab: Tab, live: Live) -> Tab:
    return sign_in(tab, live, "officer")


@pytest.fixture
def as_admin(tab: Tab, live: Live) -> Tab:
    return sign_in(tab, live, "admin")


@pytest.fixture
def as_holder(tab: Tab, live: Live) -> Tab:
    return sign_in(tab, live, "holder")
