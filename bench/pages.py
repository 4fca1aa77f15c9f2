"""Page benchmark: how long the officer's pages take for a council of N people (default 1,000).

Each person has a bank account, an approved plan, a payment schedule and a year of statements
(about 1,460 transactions), inserted with SQLAlchemy Core as bench/audit_council.py does; the
first few people are audited through the real service, so the summary has figures and there
is an audit page to open. An officer with a password signs in through the sign-in form, and
the session cookie they get is sent with every request to a real uvicorn on loopback.

Each path is asked for N times, the paths taking turns, beside a bare route (``/healthz``) in
the same run. Printed per path: the server's own time (the ``ms`` of its request log line,
matched by X-Request-ID) and the time seen by the client, p50 and p95, and the ratio of each
page's p50 to the bare route's. ``{audit}`` in a path stands for the first audit's id.
Run: .venv/bin/python bench/pages.py [--people 1000] [--requests 20] [PATH ...]
(default paths: ``/`` and ``/audits/{audit}``; e.g. ``bench/pages.py / /summary /people``.)
With --postgresql it uses a scratch PostgreSQL database (DPAUDIT_BENCH_PG, see scratch.py).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from audit_council import END, START, build_council
from scratch import scratch_engines

DEFAULT_PATHS = ("/", "/audits/{audit}")
BARE = "/healthz"
EMAIL = "officer@bench.example.org"
PASSWORD = "bench horse battery staple"


def build(engine: Any, people: int, audited: int) -> int:
    """The council, its officer, and ``audited`` audits; returns the first audit's id."""
    from service.core.migrate import upgrade

    with engine.begin() as conn:
        upgrade(conn)
    started = time.perf_counter()
    council_id, rows = build_council(engine, "bench-pages", people)
    print(f"built {people:,d} people, {rows:,d} transactions in {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    first = audit_some(engine, council_id, audited)
    print(f"audited {audited} of them in {time.perf_counter() - started:.1f} s")
    add_officer(engine, council_id)
    return first


def audit_some(engine: Any, council_id: int, count: int) -> int:
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from service.audits.service import create_audit
    from service.models import Recipient
    from service.onboarding.service import system_ctx

    ids: list[int] = []
    with Session(engine) as session:
        people = session.scalars(select(Recipient.id).where(Recipient.council_id == council_id)
                                 .order_by(Recipient.id).limit(count)).all()
    for person_id in people:  # one unit of work per person, as one request would be
        with Session(engine) as session, session.begin():
            person = session.get(Recipient, person_id)
            ids.append(create_audit(system_ctx(session, council_id), person, START, END, "scheduled").id)
    return ids[0] if ids else 0


def add_officer(engine: Any, council_id: int) -> None:
    from sqlalchemy.orm import Session

    from service.onboarding.service import system_ctx
    from service.people import service as people
    from service.people.schemas import UserIn
    from service.web import auth

    with Session(engine) as session, session.begin():
        user = people.create_user(system_ctx(session, council_id),
                                  UserIn(email=EMAIL, name="Bench Officer", role="officer"))
        session.flush()
        auth.set_password(session, user, PASSWORD)


# --- the server and a client that keeps its cookies ------------------------------------------

def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def serve(database_url: str, port: int, log: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "DPAUDIT_DATABASE_URL": database_url, "DPAUDIT_ENV": "test",
           "DPAUDIT_SECRET_KEY": secrets.token_urlsafe(32), "DPAUDIT_LOG_LEVEL": "INFO",
           "DPAUDIT_PUBLIC_URL": f"http://127.0.0.1:{port}"}
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "service.app:create_app", "--factory", "--host", "127.0.0.1",
             "--port", str(port), "--no-access-log"], env=env, stdout=out, stderr=out)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return process
        except OSError:
            if process.poll() is not None:
                break
            time.sleep(0.2)
    process.kill()
    raise SystemExit("the server did not start:\n" + log.read_text())


@dataclass
class Client:
    port: int
    cookies: dict[str, str] = field(default_factory=dict)
    conn: http.client.HTTPConnection | None = None

    def request(self, method: str, path: str, body: str | None = None,
                request_id: str = "") -> tuple[int, str, float]:
        if self.conn is None:
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if request_id:
            headers["X-Request-ID"] = request_id
        started = time.perf_counter()
        self.conn.request(method, path, body=body, headers=headers)
        response = self.conn.getresponse()
        text = response.read().decode()
        seconds = time.perf_counter() - started
        for header in response.msg.get_all("Set-Cookie") or []:
            name, value = header.split(";", 1)[0].split("=", 1)
            self.cookies[name] = value
        return response.status, text, seconds

    def sign_in(self) -> None:
        status, form, _ = self.request("GET", "/sign-in")
        token = re.search(r'name="csrf_token" value="([^"]+)"', form)
        assert status == 200 and token, "no sign-in form"
        body = urlencode({"email": EMAIL, "password": PASSWORD, "csrf_token": token.group(1)})
        status, _, _ = self.request("POST", "/sign-in", body)
        if status != 303 or "dpaudit_session" not in self.cookies:
            raise SystemExit(f"sign-in failed: {status}")


# --- timing ---------------------------------------------------------------------------------

def server_times(log: Path) -> dict[str, float]:
    """{request id: ms} from the server's request log lines."""
    found: dict[str, float] = {}
    for line in log.read_text().splitlines():
        if line.startswith("{") and '"request_id"' in line:
            record = json.loads(line)
            if record.get("message") == "request":
                found[record["request_id"]] = float(record["ms"])
    return found


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def time_paths(client: Client, paths: list[str], requests: int, log: Path) -> dict[str, dict[str, float]]:
    for path in paths:  # warm up, and check each path answers
        for _ in range(3):
            status, _, _ = client.request("GET", path)
            if status != 200:
                raise SystemExit(f"{path} answered {status}: is that page on this branch? "
                                 "Name the paths to time, e.g. bench/pages.py / /summary /people")
    seen: dict[str, list[float]] = {path: [] for path in paths}
    ids: dict[str, list[str]] = {path: [] for path in paths}
    for n in range(requests):
        for k, path in enumerate(paths):  # the paths take turns, so they share the same noise
            request_id = f"bench{n}x{k}"
            status, _, seconds = client.request("GET", path, request_id=request_id)
            assert status == 200, (path, status)
            seen[path].append(seconds * 1000)
            ids[path].append(request_id)
    time.sleep(0.5)  # let the last log lines reach the file
    server = server_times(log)
    return {path: {"server_p50": percentile([server[i] for i in ids[path]], 50),
                   "server_p95": percentile([server[i] for i in ids[path]], 95),
                   "client_p50": statistics.median(seen[path]),
                   "client_p95": percentile(seen[path], 95)} for path in paths}


def report(name: str, people: int, requests: int, figures: dict[str, dict[str, float]]) -> None:
    bare = figures[BARE]
    print(f"\n{name}: {people:,d} people, {requests} requests per path (ms; ratio = p50 / {BARE} p50)")
    print(f"{'path':<24}{'server p50':>11}{'p95':>9}{'ratio':>8}{'client p50':>12}{'p95':>9}{'ratio':>8}")
    for path, f in figures.items():
        print(f"{path:<24}{f['server_p50']:>11.1f}{f['server_p95']:>9.1f}"
              f"{f['server_p50'] / bare['server_p50']:>8.1f}{f['client_p50']:>12.1f}{f['client_p95']:>9.1f}"
              f"{f['client_p50'] / bare['client_p50']:>8.1f}")


def run(name: str, engine: Any, args: argparse.Namespace) -> None:
    first_audit = build(engine, args.people, args.audited)
    paths = [BARE] + [path.replace("{audit}", str(first_audit)) for path in args.paths]
    url = engine.url.render_as_string(hide_password=False)
    engine.dispose()
    port = free_port()
    log = Path(tempfile.mkdtemp()) / "server.log"
    server = serve(url, port, log)
    try:
        client = Client(port)
        client.sign_in()
        report(name, args.people, args.requests, time_paths(client, paths, args.requests, log))
    finally:
        server.terminate()
        server.wait(timeout=10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", default=list(DEFAULT_PATHS),
                        help="pages to time ({audit} = the first audit's id); default: / /audits/{audit}")
    parser.add_argument("--people", type=int, default=1000, help="people in the council (default 1000)")
    parser.add_argument("--requests", type=int, default=20, help="timed requests per path (default 20)")
    parser.add_argument("--audited", type=int, default=20, help="people audited first (default 20)")
    parser.add_argument("--postgresql", action="store_true", help="also on a scratch PostgreSQL database")
    args = parser.parse_args()
    for name, engine, drop in scratch_engines("dpaudit_bench_pages", sqlite_only=not args.postgresql):
        try:
            run(name, engine, args)
        finally:
            drop()


if __name__ == "__main__":
    main()
