"""Load test on loopback: dpaudit served by uvicorn against a demo-filled database, beside a bare
FastAPI app (one route answering a tiny JSON) served by the same uvicorn with the same number of
workers, started in the same run. The bare app is the floor: no route of ours can beat it, so
the figures that matter are the ratios to it, measured on the same machine at the same moment.

For 1, 16 and 64 concurrent clients (an asyncio httpx client each, keep-alive), each for
``--seconds`` per cell, it reports requests per second, p50/p95/p99 latency and the errors
(any status of 400 or more, or no answer) for:

- GET list:   ``GET /v1/recipients`` as the demo finance officer;
- GET audit:  ``GET /v1/audits/{id}`` of the demo person's last-year audit;
- POST batch: ``POST /v1/accounts/{id}/transactions:batch`` as the demo payroll provider, ten new
  transactions with its own ids in each request (each one a real write). The person has an open
  audit (the one read above), so each batch also works that audit out again, as the service
  does for every upload while an audit is open.

A request unanswered a cell's length after its end is given up and counted as an error.

Run: .venv/bin/python bench/load.py [--seconds 5] [--workers 2] [--database sqlite|postgresql]
The PostgreSQL run uses a scratch database created for it (on the server of DPAUDIT_BENCH_PG,
default postgresql://postgres@127.0.0.1:5432/test) and dropped afterwards.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from fastapi import FastAPI

ROOT = Path(__file__).resolve().parents[1]
CLIENTS = (1, 16, 64)
BATCH_LINES = 10
STARTUP_SECONDS = 60
REQUEST_TIMEOUT = 30.0

# ---------------------------------------------------------------------------- the floor

bare_app = FastAPI()


@bare_app.get("/ping")
def ping() -> dict[str, bool]:
    return {"ok": True}


# ---------------------------------------------------------------------------- measuring


@dataclass
class Cell:
    scenario: str
    clients: int
    requests: int
    seconds: float
    latencies: list[float]
    errors: int

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, q: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


Send = Callable[[Any], Awaitable[Any]]


async def run_cell(scenario: str, base: str, clients: int, seconds: float, send: Send) -> Cell:
    """``clients`` loops sending one request after another for ``seconds``. A request still
    unanswered ``seconds`` after the end is given up and counted as an error, so a cell never
    takes more than twice its time."""
    import httpx2 as httpx

    latencies: list[float] = []
    errors = 0
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=REQUEST_TIMEOUT) as client:
        for _ in range(3):  # open a connection and warm the route before the clock starts
            await send(client)
        started = time.perf_counter()
        deadline = started + seconds
        last = started

        async def one_client() -> None:
            nonlocal errors, last
            while time.perf_counter() < deadline:
                sent = time.perf_counter()
                try:
                    response = await send(client)
                    failed = response.status_code >= 400
                except httpx.HTTPError:
                    failed = True
                last = time.perf_counter()
                latencies.append(last - sent)
                errors += failed

        tasks = [asyncio.create_task(one_client()) for _ in range(clients)]
        _done, unfinished = await asyncio.wait(tasks, timeout=2 * seconds)
        for task in unfinished:
            task.cancel()
        await asyncio.gather(*unfinished, return_exceptions=True)
        errors += len(unfinished)
    return Cell(scenario, clients, len(latencies), last - started, latencies, errors)


# ---------------------------------------------------------------------------- servers


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Server:
    base: str
    process: subprocess.Popen[bytes]
    log: Path
    name: str


@contextmanager
def started(command: list[str], env: dict[str, str], log: Path) -> Iterator[Server]:
    """Start a server process (not waiting for it: see ``wait_ready``), stop it afterwards."""
    port = free_port()
    with log.open("wb") as out:
        process = subprocess.Popen([*command, "--port", str(port)], cwd=ROOT, env=env,
                                   stdout=out, stderr=out, start_new_session=True)
    try:
        yield Server(f"http://127.0.0.1:{port}", process, log, command[2])
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:  # a graceful stop would first work through every request still queued
            process.wait(timeout=3)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def wait_ready(server: Server, ready_path: str) -> str:
    """Wait until ``ready_path`` answers 200; the server's base URL."""
    import httpx2 as httpx

    deadline = time.monotonic() + STARTUP_SECONDS
    while True:
        if server.process.poll() is not None or time.monotonic() > deadline:
            raise SystemExit(f"{server.name} did not start:\n{server.log.read_text()[-2000:]}")
        try:
            if httpx.get(server.base + ready_path, timeout=2).status_code == 200:
                return server.base
        except httpx.TransportError:
            pass
        time.sleep(0.2)


# ---------------------------------------------------------------------------- the demo


def demo_env(database_url: str, secret: str) -> dict[str, str]:
    return {**os.environ, "DPAUDIT_ENV": "production", "DPAUDIT_SECRET_KEY": secret,
            "DPAUDIT_DATABASE_URL": database_url, "DPAUDIT_LOG_LEVEL": "WARNING"}


def load_demo(env: dict[str, str]) -> dict[str, str]:
    """Fill the database with `dpaudit demo`; its printed keys, by role."""
    result = subprocess.run([sys.executable, "-m", "service.cli.main", "demo"], cwd=ROOT, env=env,
                            capture_output=True, text=True, check=False)
    if result.returncode:
        raise SystemExit(f"dpaudit demo failed:\n{result.stderr[-2000:]}")
    keys = {}
    for above, line in itertools.pairwise(result.stdout.splitlines()):
        role = re.match(r"\s*(council admin|finance officer|DP holder|provider)\s", above)
        if role and line.strip().startswith("dpa_"):
            keys[role.group(1)] = line.strip()
    return keys


def demo_targets(base: str, keys: dict[str, str]) -> tuple[int, int]:
    """The demo's managed account (served by the demo provider) and a last-year audit."""
    import httpx2 as httpx

    officer = {"Authorization": f"Bearer {keys['finance officer']}"}
    with httpx.Client(base_url=base, headers=officer, timeout=120) as client:
        [person] = client.get("/v1/recipients").raise_for_status().json()["items"]
        accounts = client.get("/v1/accounts").raise_for_status().json()["items"]
        managed = next(a["id"] for a in accounts if a["reference"] == "demo-managed")
        end = date.today().replace(day=1) - timedelta(days=1)
        audit = client.post(f"/v1/recipients/{person['id']}/audits", json={
            "period_start": (end - timedelta(days=364)).isoformat(), "period_end": end.isoformat(),
            "kind": "on_demand"}).raise_for_status().json()
    return int(managed), int(audit["id"])


def new_batch() -> dict[str, Any]:
    """Ten transactions the provider has not sent before (its own ids are new each time)."""
    run = uuid.uuid4().hex[:12]
    day = date.today() - timedelta(days=3)
    return {"transactions": [
        {"id": f"bench-{run}-{n}", "date": day.isoformat(), "amount": f"-{10 + n}.{n:02d}",
         "description": f"CARE AGENCY VISIT {run[:4]} {n}"} for n in range(BATCH_LINES)]}


# ---------------------------------------------------------------------------- the run


@contextmanager
def database(kind: str, folder: Path) -> Iterator[str]:
    if kind == "sqlite":
        yield f"sqlite:///{folder / 'load.sqlite3'}"
        return
    sys.path.insert(0, str(ROOT / "bench"))
    sys.path.insert(0, str(ROOT))
    from scratch import scratch_engines

    scratch = scratch_engines(f"dpaudit_bench_load_{os.getpid()}")  # runs side by side never meet
    engines = dict((name, (engine, drop)) for name, engine, drop in scratch)
    if "postgresql" not in engines:
        raise SystemExit("PostgreSQL is not reachable (DPAUDIT_BENCH_PG)")
    engine, drop = engines["postgresql"]
    url = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    engine.dispose()
    try:
        yield url
    finally:
        drop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0, help="seconds of load per cell")
    parser.add_argument("--workers", type=int, default=2, help="uvicorn workers for both apps")
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    args = parser.parse_args()
    secret = secrets.token_urlsafe(48)
    with tempfile.TemporaryDirectory() as tmp, database(args.database, Path(tmp)) as url:
        folder = Path(tmp)
        env = demo_env(url, secret)
        began = time.perf_counter()
        workers = ["--workers", str(args.workers)]
        bare_cmd = [sys.executable, "-m", "uvicorn", "load:bare_app", "--app-dir", str(ROOT / "bench"),
                    "--host", "127.0.0.1", "--loop", "uvloop", "--http", "httptools",
                    "--log-level", "warning", "--no-access-log", *workers]
        app_cmd = [sys.executable, "-m", "service.cli.main", "serve", "--host", "127.0.0.1", *workers]
        with started(bare_cmd, env, folder / "bare.log") as bare_server:  # starts while the demo loads
            keys = load_demo(env)
            print(f"demo loaded on {args.database} in {time.perf_counter() - began:.0f} s; "
                  f"{args.workers} uvicorn workers per app (uvloop, httptools); {args.seconds:g} s a cell")
            with started(app_cmd, env, folder / "app.log") as app_server:
                bare = wait_ready(bare_server, "/ping")
                app = wait_ready(app_server, "/readyz")
                account_id, audit_id = demo_targets(app, keys)
                print(f"servers up and audit {audit_id} made at {time.perf_counter() - began:.0f} s")
                cells = asyncio.run(measure(bare, app, keys, account_id, audit_id, args.seconds))
    report(cells)
    print(f"whole run: {time.perf_counter() - began:.0f} s")


async def measure(bare: str, app: str, keys: dict[str, str], account_id: int, audit_id: int,
                  seconds: float) -> list[Cell]:
    officer = {"Authorization": f"Bearer {keys['finance officer']}"}
    provider = {"Authorization": f"Bearer {keys['provider']}"}
    scenarios: list[tuple[str, str, Send]] = [
        ("bare GET /ping", bare, lambda c: c.get("/ping")),
        ("GET list", app, lambda c: c.get("/v1/recipients", headers=officer)),
        ("GET audit", app, lambda c: c.get(f"/v1/audits/{audit_id}", headers=officer)),
        ("POST batch", app, lambda c: c.post(f"/v1/accounts/{account_id}/transactions:batch",
                                             headers=provider, json=new_batch())),
    ]
    cells = []
    for name, base, send in scenarios:
        for clients in CLIENTS:
            cells.append(await run_cell(name, base, clients, seconds, send))
    return cells


GOAL_RATE = 0.6  # of the bare app's req/s, at 16 and 64 clients
GOAL_P99 = 3.0  # times the bare app's p99


def report(cells: list[Cell]) -> None:
    floor = {cell.clients: cell for cell in cells if cell.scenario.startswith("bare")}
    print(f"{'scenario':<16}{'clients':>8}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}"
          f"{'errors':>8}{'req/s vs bare':>15}{'p50 vs bare':>13}{'p99 vs bare':>13}")
    for cell in cells:
        base = floor[cell.clients]
        print(f"{cell.scenario:<16}{cell.clients:>8}{cell.rate:>9.0f}{cell.percentile(0.50):>9.1f}"
              f"{cell.percentile(0.95):>9.1f}{cell.percentile(0.99):>9.1f}{cell.errors:>8}"
              f"{cell.rate / base.rate:>15.3f}{cell.percentile(0.50) / base.percentile(0.50):>13.1f}"
              f"{cell.percentile(0.99) / base.percentile(0.99):>13.1f}")
    print(f"goal for GET list and GET audit: req/s >= {GOAL_RATE:g} of bare, p99 <= {GOAL_P99:g}x bare's")
    for cell in cells:
        if cell.scenario not in ("GET list", "GET audit") or cell.clients < 16:
            continue
        base = floor[cell.clients]
        rate, p99 = cell.rate / base.rate, cell.percentile(0.99) / base.percentile(0.99)
        verdict = "met" if rate >= GOAL_RATE and p99 <= GOAL_P99 and not cell.errors else "NOT met"
        print(f"  {cell.scenario:<10} {cell.clients:>3} clients: {rate:.2f} of bare req/s, "
              f"p99 {p99:.1f}x bare, {cell.errors} errors: {verdict}")


if __name__ == "__main__":
    main()
