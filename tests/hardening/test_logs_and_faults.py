"""Logs and errors under faults: no personal data in any log line, and a database that is gone
answers 503 problem+json with Retry-After, never 500 and never a dropped connection.

Known names, emails and account numbers are seeded through the API; faults are injected (killed
database connections during a burst of requests, corrupt uploads, exceptions raised in a route,
an unreachable database) and the log output, as an operator would read it, must be JSON lines
that carry none of the seeded values. The parts that need PostgreSQL (terminating backends) are
skipped on SQLite; the rest runs on both.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

import httpx2 as httpx
import psycopg
import pytest
from conftest import Council
from fastapi import APIRouter, FastAPI
from fastapi.testclient import TestClient
from ops_support import (
    CapturedLogs,
    Secrets,
    assert_unavailable,
    captured_logs,
    free_port,
    seed,
    server_process,
    serving,
)
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from service.core.deps import SessionDep, UnitOfWorkRoute  # annotations resolve at module level


def is_postgres(database_url: str) -> bool:
    return database_url.startswith("postgresql")


def libpq_url(database_url: str) -> str:
    return database_url.replace("postgresql+psycopg://", "postgresql://", 1)


def terminate_others(database_url: str, where: str = "true") -> int:
    """From a second connection, end this database's other backends that match ``where``."""
    with psycopg.connect(libpq_url(database_url), autocommit=True) as conn:
        rows = conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            f"WHERE datname = current_database() AND pid <> pg_backend_pid() AND ({where})"
        ).fetchall()
    return len(rows)


def request_lines(lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [line for line in lines if line.get("message") == "request"]


def test_seeded_personal_data_never_reaches_the_logs(client: Any, council: Council) -> None:
    with captured_logs() as logs:
        secrets = seed(client, council)
        h = council.auth()
        assert client.get(f"/v1/recipients/{secrets.recipient_id}", headers=h).status_code == 200
        assert client.get(f"/v1/accounts/{secrets.account_id}/uploads", headers=h).status_code == 200
        duplicate = client.post("/v1/users", headers=h, json={"email": secrets.email,
                                                              "name": secrets.name, "role": "officer"})
        assert duplicate.status_code in (409, 422), duplicate.text
        searched = client.get("/v1/recipients", headers=h, params={"q": secrets.name})
        assert searched.status_code in (200, 422)
    lines = logs.assert_clean(secrets)
    requests = request_lines(lines)
    assert len(requests) >= 8
    assert all(line["request_id"] and line["route"] for line in requests)


def test_a_corrupt_upload_is_refused_and_its_bytes_never_logged(client: Any, council: Council) -> None:
    with captured_logs() as logs:
        secrets = seed(client, council)
        who = f"{secrets.name} {secrets.account_number} {secrets.sort_code} {secrets.email}".encode()
        corrupt = {
            "statement.xlsx": b"PK\x03\x04\x14\x00\x00\x00" + who + b"\x00\xff" * 50,
            "statement.csv": b"Date,Description,Amount\n01/01/2026," + who + b"\x00\xff\xfe,-1.0x\n",
            "statement.ofx": b"OFXHEADER:100\nDATA:OFXSGML\n\n<OFX><BANKACCTFROM><ACCTID>" + who
                             + b"<STMTTRN><NAME>" + who + b"</OFX",
            "statement.qif": b"!Type:Bank\nD99/99/9999\nT" + who + b"\n^\n",
            "statement.bin": b"\x89PNG\r\n\x1a\n" + who,
        }
        for name, data in corrupt.items():
            response = client.post(f"/v1/accounts/{secrets.account_id}/statements", headers=council.auth(),
                                   files={"file": (name, data)})
            assert 400 <= response.status_code < 500, (name, response.status_code, response.text)
            assert response.headers["content-type"].startswith("application/problem+json")
    logs.assert_clean(secrets)


def routes_that_fail(app: FastAPI, secrets: Secrets) -> None:
    """Test-only routes on a fresh app: each fails the way real code can, with personal data
    in the exception's message, its SQL parameters, or the database's DETAIL line."""
    router = APIRouter(route_class=UnitOfWorkRoute)  # a route with a session is one of these

    @router.get("/test-only/parse")
    def parse() -> int:
        return int(secrets.name)  # ValueError quoting the name

    @router.get("/test-only/sql")
    def sql(session: SessionDep) -> None:
        session.execute(text("SELECT * FROM no_such_table WHERE name = :name AND acct = :acct"),
                        {"name": secrets.name, "acct": secrets.account_number})

    @router.get("/test-only/chained")
    def chained(session: SessionDep) -> None:
        try:
            session.execute(text("UPDATE users SET email = :email WHERE id = "
                                 "(SELECT min(id) FROM users WHERE email <> :email)"),
                            {"email": secrets.email})
        except IntegrityError as exc:
            raise RuntimeError(f"could not save {secrets.email!r}") from exc

    @router.get("/test-only/key")
    def key() -> str:
        return {"someone else": "x"}[secrets.worker]

    app.include_router(router)


def test_an_error_in_a_route_answers_problem_json_and_logs_a_clean_traceback(
    client: Any, council: Council, database_url: str,
) -> None:
    from service.app import create_app

    fresh = create_app()  # it configures logging: capture from here on
    with captured_logs() as logs:
        secrets = seed(client, council)
        routes_that_fail(fresh, secrets)
        # the server's own errors are raised here if anything escapes the handlers
        with TestClient(fresh, raise_server_exceptions=True) as own:
            answers = {path: own.get(f"/test-only/{path}") for path in ("parse", "sql", "chained", "key")}
            assert own.get("/healthz").status_code == 200
    for path, response in answers.items():
        assert response.status_code == 500, (path, response.text)
        assert response.headers["content-type"].startswith("application/problem+json")
        assert response.json()["type"].endswith("/internal")
        assert response.headers["x-request-id"]
    lines = logs.assert_clean(secrets)
    errors = {line["request_id"]: line for line in lines if line.get("message") == "unexpected error"}
    for path, response in answers.items():
        error = errors[response.headers["x-request-id"]]["error"]
        assert error["type"] and "test_logs_and_faults.py" in error["traceback"], (path, error)
    sql_error = errors[answers["sql"].headers["x-request-id"]]["error"]
    assert "no_such_table" in sql_error["statement"] and "parameters" not in sql_error["statement"]
    chained = errors[answers["chained"].headers["x-request-id"]]["error"]
    assert chained["type"] == "RuntimeError" and chained["cause"]["type"].endswith("IntegrityError")
    if is_postgres(database_url):
        assert sql_error["sqlstate"] == "42P01"
        assert chained["cause"]["sqlstate"] == "23505" and chained["cause"]["constraint"]
        assert "DETAIL" in chained["cause"]["message"]  # kept as a word, its values hidden


def test_a_connection_lost_at_commit_answers_503(client: Any, council: Council, database_url: str) -> None:
    """The unit of work commits after the route returns; losing the database there is a 503."""
    if not is_postgres(database_url):
        pytest.skip("terminating a backend needs PostgreSQL")
    from service.app import create_app

    fresh = create_app()
    router = APIRouter(route_class=UnitOfWorkRoute)

    # a request that may write (a GET that only reads opens no transaction to lose)
    @router.post("/test-only/lose-connection")
    def lose_connection(session: SessionDep) -> dict[str, bool]:
        session.execute(text("SELECT 1"))  # a transaction is open: the commit must reach the server
        raw = session.connection().connection.dbapi_connection
        pid = raw.info.backend_pid  # type: ignore[union-attr]
        assert terminate_others(database_url, f"pid = {int(pid)}") == 1
        return {"done": True}

    fresh.include_router(router)
    with captured_logs() as logs:
        secrets = seed(client, council)
        with TestClient(fresh, raise_server_exceptions=True) as own:
            assert_unavailable(own.post("/test-only/lose-connection"))
            assert own.get("/readyz").status_code == 200  # the pool recovers at once
    lines = logs.assert_clean(secrets)
    assert any(line.get("message") == "database unavailable" for line in lines)


def burst(base: str, secrets: Secrets, council: Council, clients: int, rounds: int,
          stop: threading.Event, tag: str = "") -> tuple[Counter[int], list[str], list[Any]]:
    """``clients`` keep-alive connections, each sending up to ``rounds`` reads and writes."""
    statuses: Counter[int] = Counter()
    failures: list[str] = []
    unavailable: list[Any] = []
    lock = threading.Lock()
    h = council.auth()

    def one(n: int) -> None:
        with httpx.Client(base_url=base, timeout=30) as http:
            for r in range(rounds):
                if stop.is_set():
                    return
                try:
                    if r % 3 == 0:
                        response = http.get(f"/v1/recipients/{secrets.recipient_id}", headers=h)
                    elif r % 3 == 1:
                        response = http.post(f"/v1/recipients/{secrets.recipient_id}/workers", headers=h,
                                             json={"name": f"{secrets.worker} {tag}{n}-{r}"})
                    else:
                        response = http.post(
                            f"/v1/accounts/{secrets.account_id}/transactions:batch", headers=h,
                            json={"transactions": [{
                                "id": f"t-{tag}{n}-{r}", "date": "2026-02-02", "amount": "-5.00",
                                "description": f"PAY {secrets.worker} {secrets.account_number}"}]})
                except httpx.HTTPError as exc:  # a dropped connection: never acceptable
                    with lock:
                        failures.append(f"{type(exc).__name__}")
                    continue
                with lock:
                    statuses[response.status_code] += 1
                    if response.status_code == 503:
                        unavailable.append(response)

    threads = [threading.Thread(target=one, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "the burst did not finish"
    return statuses, failures, unavailable


def lock_and_terminate(database_url: str, base: str, secrets: Secrets, council: Council) -> list[Any]:
    """Requests caught mid-query: hold a lock they wait on, terminate them, let go."""
    answers: list[Any] = []
    with psycopg.connect(libpq_url(database_url)) as holder:
        holder.execute("LOCK TABLE recipients IN ACCESS EXCLUSIVE MODE")

        def read() -> None:
            with httpx.Client(base_url=base, timeout=30) as http:
                answers.append(http.get(f"/v1/recipients/{secrets.recipient_id}", headers=council.auth()))

        readers = [threading.Thread(target=read) for _ in range(4)]
        for reader in readers:
            reader.start()
        waiting = "wait_event_type = 'Lock'"
        deadline = time.monotonic() + 90  # a hang guard
        with psycopg.connect(libpq_url(database_url), autocommit=True) as watcher:
            while True:
                count = watcher.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = "
                                        f"current_database() AND {waiting}").fetchone()
                if count and count[0] >= len(readers):
                    break
                assert time.monotonic() < deadline, "the requests never reached the database"
                time.sleep(0.05)
        assert terminate_others(database_url, waiting) >= len(readers)
        holder.rollback()
    for reader in readers:
        reader.join(timeout=30)
    return answers


@pytest.mark.slow
def test_terminated_backends_during_a_burst_answer_503_never_500(
    client: Any, council: Council, database_url: str,
) -> None:
    from service.app import create_app

    postgres = is_postgres(database_url)
    with captured_logs() as logs:
        secrets = seed(client, council)
        # the server configures logging again: capture what it writes from then on
        with serving(create_app) as base, captured_logs() as server_logs:
            stop = threading.Event()
            kills = 0

            def killer() -> None:
                nonlocal kills
                for _ in range(200):  # bounded; ends with the burst
                    if stop.wait(0.03):
                        return
                    kills += terminate_others(database_url, "application_name <> 'psql'")

            terminator = threading.Thread(target=killer)
            if postgres:  # the fault needs PostgreSQL; on SQLite the burst runs without it
                terminator.start()
            try:
                statuses, failures, unavailable = burst(base, secrets, council, 8, 15, stop)
            finally:
                stop.set()
                if terminator.is_alive():
                    terminator.join(timeout=30)
            if postgres:
                caught = lock_and_terminate(database_url, base, secrets, council)
                assert len(caught) == 4
                for response in caught:
                    assert_unavailable(response)
                assert kills > 0
            with httpx.Client(base_url=base, timeout=30) as http:
                ready = http.get("/readyz")
                assert ready.status_code == 200, ready.text
            # once the faults stop, every request is answered again: the pool has recovered
            calm, calm_failures, _ = burst(base, secrets, council, 4, 6, threading.Event(), "calm-")
    assert failures == [] and calm_failures == [], f"connections dropped: {failures + calm_failures}"
    assert set(statuses) <= {200, 201, 503}, statuses
    if not postgres:
        assert set(statuses) <= {200, 201}, statuses
    assert set(calm) <= {200, 201} and sum(calm.values()) == 4 * 6, calm
    for response in unavailable:
        assert_unavailable(response)
    logs.assert_clean(secrets)
    lines = server_logs.assert_clean(secrets)
    assert request_lines(lines)
    assert not [line for line in lines if line.get("logger", "").startswith("uvicorn")
                and line["level"] == "error"], "an error escaped to the server"


def test_an_unreachable_database_answers_503_and_readyz_says_so(
    client: Any, council: Council, tmp_path: Path,
) -> None:
    """A real server process pointed at a closed port: everything it writes is checked."""
    with captured_logs() as logs:
        secrets = seed(client, council)
    unreachable = f"postgresql://dpaudit@127.0.0.1:{free_port()}/gone"
    own_logs = CapturedLogs(path=tmp_path / "stderr.log")
    with server_process(unreachable, own_logs.path) as base, httpx.Client(base_url=base, timeout=30) as own:
        ready = own.get("/readyz")
        assert ready.status_code == 503 and int(ready.headers["retry-after"]) > 0
        assert ready.json()["status"] == "unavailable"
        h = council.auth()
        assert_unavailable(own.get(f"/v1/recipients/{secrets.recipient_id}", headers=h))
        assert_unavailable(own.post("/v1/recipients", headers=h, json={
            "reference": "R-gone", "name": secrets.name, "dp_start_date": "2026-01-05"}))
        assert_unavailable(own.post(
            f"/v1/accounts/{secrets.account_id}/statements", headers=h,
            files={"file": ("statement.csv", secrets.name.encode())}))
        assert own.get("/healthz").status_code == 200  # the same connection, kept throughout
    logs.assert_clean(secrets)
    lines = own_logs.assert_clean(secrets)
    assert [line for line in lines if line.get("message") == "database unavailable"]
    assert [line for line in lines if line.get("message", "").startswith("not ready")]


def test_log_lines_hold_no_values_from_driver_messages() -> None:
    """The redaction itself, on messages shaped as psycopg, SQLAlchemy and Python write them."""
    from service.core.logs import redact

    message = redact(
        '(psycopg.errors.UniqueViolation) duplicate key value violates unique constraint "uq"\n'
        "DETAIL:  Key (email)=(zq@private-mail.example) already exists.\n"
        "[SQL: UPDATE users SET email=%(email)s::VARCHAR WHERE users.name = 'Zebedee']\n"
        "[parameters: {'email': 'zq@private-mail.example', 'name': 'Zebedee Quillfeather'}]\n"
        "(Background on this error at: https://sqlalche.me/e/20/gkpj)")
    assert "zq@" not in message and "Zebedee" not in message and "Quillfeather" not in message
    assert "UPDATE users SET email" in message and "DETAIL" in message
    assert "Jane" not in redact("invalid literal for int() with base 10: 'Jane Doe'")
    assert "Jane" not in redact('invalid input syntax for type integer: "Jane Doe"')
    assert "12345678" not in redact("account 12345678, sort code 30-91-74")
    assert "30-91-74" not in redact("account 12345678, sort code 30-91-74")
    assert "PK" not in redact("bad header b'PK\\x03\\x04Jane'")


def logs_are_json_for_every_logger(logs: CapturedLogs) -> None:
    import logging

    for name in ("uvicorn.error", "uvicorn.access", "sqlalchemy.engine", "asyncio", "someone.else"):
        logging.getLogger(name).warning("from %s", name)
    assert {line["logger"] for line in logs.lines()} >= {"uvicorn.error", "asyncio", "someone.else"}


def test_every_logger_writes_json_lines(app: Any) -> None:
    with captured_logs() as logs:
        logs_are_json_for_every_logger(logs)


def test_database_errors_never_carry_statement_parameters(database_url: str) -> None:
    """The engine hides parameters, so no error message or log line can show them."""
    from sqlalchemy.exc import DBAPIError

    from service.core.db import get_engine

    with pytest.raises(DBAPIError) as raised, get_engine().connect() as conn:
        conn.execute(text("SELECT * FROM no_such_table WHERE name = :name"),
                     {"name": "Zebedee Quillfeather"})
    assert "Zebedee" not in str(raised.value) and "parameters hidden" in str(raised.value)
