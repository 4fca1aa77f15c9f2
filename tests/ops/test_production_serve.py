"""`dpaudit demo` fills the test database (SQLite, or PostgreSQL when the suite runs there), and
`dpaudit serve` runs against it in production mode, two workers, with metrics in multiprocess
mode: ready, serving a /v1 route to a demo key, and adding up both workers' counts."""

from __future__ import annotations

import itertools
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx2 as httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

ROOT = Path(__file__).resolve().parents[2]
SECRET = secrets.token_urlsafe(48)
METRICS_TOKEN = secrets.token_urlsafe(24)
STARTUP_SECONDS = 90


def production_env(database_url: str, **extra: str) -> dict[str, str]:
    return {**os.environ, "DPAUDIT_ENV": "production", "DPAUDIT_SECRET_KEY": SECRET,
            "DPAUDIT_DATABASE_URL": database_url, **extra}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def demo_keys(database_url: str) -> dict[str, str]:
    """Run the demo twice (it is safe to); the keys the second run printed, by role."""
    for _ in range(2):
        result = subprocess.run([sys.executable, "-m", "service.cli.main", "demo"], cwd=ROOT,
                                env=production_env(database_url), capture_output=True, text=True,
                                timeout=600, check=False)
        assert result.returncode == 0, result.stderr[-2000:]
    keys = {}
    for above, line in itertools.pairwise(result.stdout.splitlines()):
        role = re.match(r"\s*(finance officer|DP holder)\s", above)
        if role and line.strip().startswith("dpa_"):
            keys[role.group(1)] = line.strip()
    return keys


@pytest.fixture
def server(database_url: str, tmp_path: Path) -> Iterator[tuple[str, dict[str, str]]]:
    keys = demo_keys(database_url)
    port = free_port()
    metrics_dir = tmp_path / "metrics"
    metrics_dir.mkdir()
    env = production_env(database_url, DPAUDIT_METRICS_TOKEN=METRICS_TOKEN,
                         PROMETHEUS_MULTIPROC_DIR=str(metrics_dir))
    log = tmp_path / "serve.log"
    with log.open("wb") as stderr:
        process = subprocess.Popen(
            [sys.executable, "-m", "service.cli.main", "serve", "--port", str(port), "--workers", "2"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=stderr, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_ready(base, process, log)
        yield base, keys
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def wait_ready(base: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"dpaudit serve stopped (status {process.returncode}): "
                        f"{log.read_text(errors='replace')[-2000:]}")
        try:
            if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.3)
    pytest.fail(f"dpaudit serve was not ready within {STARTUP_SECONDS} s")


@pytest.mark.slow
def test_serve_in_production_answers_a_demo_key_and_counts_across_workers(server) -> None:
    base, keys = server
    assert set(keys) == {"finance officer", "DP holder"}
    officer = {"Authorization": f"Bearer {keys['finance officer']}"}
    with httpx.Client(base_url=base, timeout=30) as client:
        assert client.get("/readyz").status_code == 200
        people = client.get("/v1/recipients", headers=officer)
        assert people.status_code == 200, people.text
        assert [p["reference"] for p in people.json()["items"]] == ["R-DEMO-1"]
        assert client.get("/v1/recipients", headers={"Authorization": "Bearer dpa_x_y"}).status_code == 401
        assert client.get("/docs").status_code == 303  # production keeps the docs for people signed in
        for _ in range(9):  # new connections, so both workers are likely to answer some
            with httpx.Client(base_url=base, timeout=30) as fresh:
                assert fresh.get("/v1/recipients", headers=officer).status_code == 200
        assert client.get("/metrics").status_code == 401
        scrape = client.get("/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"})
    assert scrape.status_code == 200, scrape.text
    counted = {(s.name, s.labels.get("route"), s.labels.get("status")): s.value
               for family in text_string_to_metric_families(scrape.text) for s in family.samples
               if s.name == "dpaudit_http_requests_total"}
    # the scrape adds up every worker's file: all ten answers are there, whichever worker gave them
    assert counted[("dpaudit_http_requests_total", "/v1/recipients", "200")] == 10
    assert counted[("dpaudit_http_requests_total", "/v1/recipients", "401")] == 1
