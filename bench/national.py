"""A synthetic country on PostgreSQL: load it, audit councils as jobs, time the officer's queries.

Every council gets the same people (a person's history depends only on their number within
the council), so council 1 is a fresh copy of council 0: the council-wide audit run with one
worker audits council 0, the run with two workers council 1, the same work on the same data.

A person has a bank account (and, for about one in six, a prepaid card too), an approved plan,
one or two personal assistants paid weekly, the council's payment every 4 weeks and the
person's contribution beside it, a payroll bureau's fee each month, shopping and activities
each week, and for a few people gambling or a payday loan (which the rules flag). Councils,
people, plans, schedules and accounts are set up by the onboarding service (what `dpaudit
load` runs); every statement line goes in as an OFX file per account and period through the
importers and the statement import (`import_statement`, the path of `dpaudit import` and of
`POST /v1/accounts/{id}/statements`: staging table, COPY, dedup, classify, flags).

Printed:
- load: lines, files, seconds, lines per second (wall, and the import's own share), bytes per
  line, and the floor: the same lines written again table to table inside the database;
- fill (``--lines``): copies of the imported councils made inside the database until the
  country holds that many lines, so the queries are timed at that size without importing it all;
- audit: a council-wide audit run (`POST /v1/councils/{id}/audit-runs`, the jobs contract)
  with 1 `dpaudit worker` process, then with 2: seconds per council, lines audited per
  second, the 1 -> 2 scaling, the cores the run got (workers and database) and the scan floor
  (the database reading the council's year once); when this build has no `dpaudit worker`, the
  same parts are audited by 1 and then 2 plain processes and the figures say so;
- queries: p50/p95 in ms of the officer's queue (`GET /v1/audits/due` and the service function
  `due`), a person's page (`GET /v1/recipients/{id}`, their accounts, an account's uploads and
  transactions) and an audit (`GET /v1/audits/{id}`), through the app in this process;
- with ``--partition-trial``: the same transaction queries against a copy of `transactions`
  partitioned by council, beside the plain table.

The database is a scratch one on the server of DPAUDIT_BENCH_PG (default
postgresql://postgres@127.0.0.1:5432/test), created for the run and dropped after it unless
``--keep``.

Run: .venv/bin/python bench/national.py --small   (CI size: about a minute; 1.5-2 on a busy machine)
     .venv/bin/python bench/national.py --people 300 --years 2 --lines 10000000 --keep  (10M lines)
     .venv/bin/python bench/national.py --years 2 --reuse --partition-trial  (its queries again)
"""

from __future__ import annotations

import argparse
import math
import multiprocessing
import os
import random
import secrets
import signal
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

START = date(2024, 4, 1)  # a Monday; data runs from here for --years
PAYEES = ["TESCO STORES", "SAINSBURYS S/MKTS", "ASDA SUPERSTORE", "CO-OP GROUP FOOD", "BOOTS",
          "LIDL GB", "MORRISONS", "ALDI STORES", "ARGOS", "AMAZON.CO.UK"]
ACTIVITIES = ["LEISURE CENTRE", "COMMUNITY CAFE", "ART CLASS", "SWIMMING POOL"]
PA_NAMES = ["S CARTER", "J PATEL", "M OKAFOR", "L NOWAK", "R HUGHES", "A KHAN", "T EVANS", "K SMITH"]
FLAGGED = ["BET365", "WILLIAM HILL", "PADDY POWER", "QUICKQUID PAYDAY LOAN"]
RATE = Decimal("13.00")  # PA hourly rate, above the minimum wage


# ------------------------------------------------------------------------------- the country

@dataclass(frozen=True)
class Shape:
    councils: int
    people: int  # per council
    years: int
    file_months: int  # months per statement file

    @property
    def days(self) -> int:
        return 364 * self.years

    @property
    def end(self) -> date:
        return START + timedelta(days=self.days - 1)

    @property
    def audit_period(self) -> tuple[date, date]:
        """The last 52 weeks of data: what a scheduled council-wide run audits."""
        return self.end - timedelta(days=363), self.end


@dataclass(frozen=True)
class Person:
    number: int
    hours: list[int]  # weekly hours of each PA
    shop_per_week: int
    card: bool  # a prepaid card beside the bank account
    flagged: str | None  # a payee the rules flag, a few times a year

    @property
    def weekly_wages(self) -> Decimal:
        return sum((RATE * h for h in self.hours), Decimal("0"))

    @property
    def council_amount(self) -> Decimal:
        return (self.weekly_wages * 4 + Decimal("260.00")).quantize(Decimal("0.01"))


def person(number: int) -> Person:
    rng = random.Random(number)
    pas = 1 if rng.random() < 0.6 else 2
    return Person(number, [rng.randint(8, 24) for _ in range(pas)], rng.randint(1, 4),
                  rng.random() < 0.16, rng.choice(FLAGGED) if rng.random() < 0.06 else None)


def council_code(index: int) -> str:
    return f"bench-{index:03d}"


def officer_email(index: int) -> str:
    return f"officer@{council_code(index)}.example.org"


def onboarding_document(index: int, shape: Shape) -> dict[str, Any]:
    """The council, an officer and its people, as a `dpaudit load` document."""
    code = council_code(index)
    start = START.isoformat()
    recipients = []
    for number in range(shape.people):
        p = person(number)
        accounts = [{"reference": f"{code}-A{number}", "kind": "bank", "institution": "Bench Bank",
                     "number_last4": f"{number % 10000:04d}", "opened_on": start}]
        if p.card:
            accounts.append({"reference": f"{code}-C{number}", "kind": "prepaid",
                             "institution": "Bench Card", "number_last4": f"{(number + 5000) % 10000:04d}",
                             "opened_on": start})
        workers = [{"reference": f"PA-{k}", "name": PA_NAMES[(number + k) % len(PA_NAMES)].title(),
                    "aliases": [PA_NAMES[(number + k) % len(PA_NAMES)]], "age_band": "21_plus",
                    "started_on": start} for k in range(len(p.hours))]
        budget = p.council_amount + Decimal("100.00")
        recipients.append({
            "reference": f"R{number}", "name": f"Person {number}", "dp_start_date": start,
            "accounts": accounts, "workers": workers,
            "payment_schedules": [{
                "account": f"{code}-A{number}", "funding_model": "net", "frequency": "four_weeks",
                "council_amount": str(p.council_amount), "contribution_amount": "100.00",
                "first_payment_on": start, "payer_reference": f"BENCH COUNCIL {index}"}],
            "plans": [{
                "effective_from": start, "period": "four_weeks", "actual_budget": str(budget),
                "indicative_budget": str(budget), "approved": True,
                "lines": [
                    {"category": "pa_wages", "description": "Personal assistants",
                     "amount": str(p.weekly_wages), "amount_basis": "week",
                     "planned_hours_per_week": f"{sum(p.hours)}.00", "hourly_rate": str(RATE)},
                    {"category": "payroll_service", "description": "Payroll service",
                     "amount": "20.00", "amount_basis": "period", "expected_payee": "BENCH PAYROLL"},
                    {"category": "day_activities", "description": "Activities", "amount": "40.00",
                     "amount_basis": "week", "expected_payee": "Leisure Centre"}]}],
        })
    return {"council": {"code": code, "name": f"Bench Council {index}"},
            "users": [{"email": officer_email(index), "name": "Officer", "role": "officer"}],
            "recipients": recipients}


Line = tuple[date, Decimal, str]


def account_lines(p: Person, shape: Shape, index: int, card: bool) -> list[Line]:
    """A person's lines on one account, oldest first (the same for every council but the
    council's own name on its payments)."""
    rng = random.Random(p.number * 2 + card)
    lines: list[Line] = []
    for week in range(shape.days // 7):
        monday = START + timedelta(weeks=week)
        if card:  # the card: topped up each month, spent on shopping
            if week % 4 == 0:
                lines.append((monday, Decimal("120.00"), "TOP UP FROM BANK"))
            for _ in range(2):
                lines.append((monday + timedelta(days=rng.randint(0, 6)),
                              -Decimal(rng.randint(150, 2500)) / 100, rng.choice(PAYEES)))
            continue
        if week % 4 == 0:
            lines.append((monday, p.council_amount, f"BENCH COUNCIL {index} DP"))
            lines.append((monday, Decimal("100.00"), "CONTRIBUTION"))
            lines.append((monday + timedelta(days=1), Decimal("-20.00"), "BENCH PAYROLL"))
            if p.card:
                lines.append((monday + timedelta(days=1), Decimal("-120.00"), "TO CARD"))
        for k, hours in enumerate(p.hours):
            lines.append((monday + timedelta(days=4), -RATE * hours, f"{PA_NAMES[(p.number + k) % 8]} WAGES"))
        lines.append((monday + timedelta(days=2), -Decimal(rng.randint(500, 4000)) / 100,
                      rng.choice(ACTIVITIES)))
        for _ in range(p.shop_per_week):
            lines.append((monday + timedelta(days=rng.randint(0, 6)),
                          -Decimal(rng.randint(150, 6000)) / 100, rng.choice(PAYEES)))
        if p.flagged and rng.random() < 0.08:
            lines.append((monday + timedelta(days=rng.randint(0, 6)), -Decimal(rng.randint(5, 40)),
                          p.flagged))
    lines.sort(key=lambda line: line[0])
    return lines


def statement_files(lines: list[Line], shape: Shape, acctid: str) -> Iterator[tuple[str, bytes, int]]:
    """OFX v1 files of ``file_months`` months each: (name, bytes, lines)."""
    balance = Decimal("500.00")
    begin, position = START, 0
    while begin <= shape.end:
        month = begin.month - 1 + shape.file_months
        end = min(date(begin.year + month // 12, month % 12 + 1, 1) - timedelta(days=1), shape.end)
        chunk = []
        while position < len(lines) and lines[position][0] <= end:
            chunk.append(lines[position])
            position += 1
        body = []
        for day, amount, text in chunk:
            balance += amount
            body.append(f"<STMTTRN><TRNTYPE>{'CREDIT' if amount > 0 else 'DEBIT'}"
                        f"<DTPOSTED>{day:%Y%m%d}<TRNAMT>{amount}<FITID>{acctid}-{day:%Y%m%d}-{len(body)}"
                        f"<NAME>{text}</STMTTRN>")
        data = (
            "OFXHEADER:100\r\nDATA:OFXSGML\r\nVERSION:102\r\nSECURITY:NONE\r\nENCODING:USASCII\r\n"
            "CHARSET:1252\r\nCOMPRESSION:NONE\r\nOLDFILEUID:NONE\r\nNEWFILEUID:NONE\r\n\r\n"
            "<OFX><BANKMSGSRSV1><STMTTRNRS><TRNUID>1<STMTRS><CURDEF>GBP"
            f"<BANKACCTFROM><BANKID>309174<ACCTID>{acctid}<ACCTTYPE>CHECKING</BANKACCTFROM>"
            f"<BANKTRANLIST><DTSTART>{begin:%Y%m%d}<DTEND>{end:%Y%m%d}\r\n"
            + "\r\n".join(body)
            + f"\r\n</BANKTRANLIST><LEDGERBAL><BALAMT>{balance}<DTASOF>{end:%Y%m%d}</LEDGERBAL>"
            "</STMTRS></STMTTRNRS></BANKMSGSRSV1></OFX>\r\n")
        yield f"{acctid}-{begin:%Y-%m}.ofx", data.encode("ascii"), len(chunk)
        begin = end + timedelta(days=1)


def accounts_of(number: int) -> list[bool]:
    return [False, True] if person(number).card else [False]


# ------------------------------------------------------------------------------- loading

def set_database(url: str) -> None:
    os.environ.update(DPAUDIT_DATABASE_URL=url, DPAUDIT_ENV="production", DPAUDIT_LOG_LEVEL="WARNING")
    os.environ.setdefault("DPAUDIT_SECRET_KEY", secrets.token_urlsafe(32))


def onboard(shape: Shape) -> tuple[dict[int, int], dict[int, str]]:
    """Councils, officers and people through the onboarding service; an API key per officer."""
    from sqlalchemy import select

    from service.core.db import session_scope
    from service.models import User
    from service.onboarding import service as onboarding
    from service.onboarding.schemas import LoadDocument
    from service.onboarding.service import system_ctx
    from service.people import service as people

    councils, tokens = {}, {}
    for index in range(shape.councils):
        doc = LoadDocument.model_validate(onboarding_document(index, shape))
        with session_scope() as session:
            onboarding.apply(session, doc)
            user = session.scalar(select(User).where(User.email == officer_email(index)))
            assert user is not None
            _key, tokens[index] = people.create_api_key(system_ctx(session, user.council_id), user, "bench")
            councils[index] = user.council_id
    return councils, tokens


@dataclass
class Loaded:
    files: int = 0
    lines: int = 0
    import_seconds: float = 0.0


def load_share(url: str, shape: Shape, share: int, shares: int) -> Loaded:
    """Import every statement of the accounts whose number falls to ``share``: one file per
    transaction, as `dpaudit import` does."""
    set_database(url)
    from sqlalchemy import select

    from service.core.db import session_scope
    from service.ingest.statements import import_statement
    from service.models import Account
    from service.onboarding.service import system_ctx

    done = Loaded()
    for index in range(shape.councils):
        code = council_code(index)
        for number in range(share, shape.people, shares):
            p = person(number)
            for card in accounts_of(number):
                reference = f"{code}-{'C' if card else 'A'}{number}"
                acctid = f"2000{(number + 5000 * card) % 10000:04d}"
                for name, data, count in statement_files(account_lines(p, shape, index, card), shape, acctid):
                    began = time.perf_counter()
                    with session_scope() as session:
                        account = session.scalar(select(Account).where(Account.reference == reference))
                        assert account is not None
                        import_statement(system_ctx(session, account.council_id), account, data, name)
                    done.import_seconds += time.perf_counter() - began
                    done.files += 1
                    done.lines += count
    return done


def load(url: str, shape: Shape, processes: int) -> Loaded:
    context = multiprocessing.get_context("spawn")
    with context.Pool(processes) as pool:
        parts = pool.starmap(load_share, [(url, shape, k, processes) for k in range(processes)])
    return Loaded(sum(p.files for p in parts), sum(p.lines for p in parts),
                  max(p.import_seconds for p in parts))


# ------------------------------------------------------------------------------- filling

# What a council's copy changes: ids move by the table's offset, links to people, accounts,
# uploads and lines move with them; links to other councils' rows (plan lines, workers,
# providers, users) are left empty.
CLONED = {
    "recipients": {"payroll_provider_id": "NULL"},
    "accounts": {"recipient_id": "recipient_id + :recipients", "provider_id": "NULL"},
    "payment_schedules": {"recipient_id": "recipient_id + :recipients",
                          "account_id": "account_id + :accounts"},
    "uploads": {"recipient_id": "recipient_id + :recipients", "account_id": "account_id + :accounts",
                "uploaded_by_id": "NULL"},
    "transactions": {"account_id": "account_id + :accounts", "upload_id": "upload_id + :uploads",
                     "possible_duplicate_of": "possible_duplicate_of + :transactions",
                     "plan_line_id": "NULL", "worker_id": "NULL"},
    "flags": {"recipient_id": "recipient_id + :recipients", "account_id": "account_id + :accounts",
              "transaction_id": "transaction_id + :transactions", "worker_id": "NULL",
              "decided_by_id": "NULL"},
}


def fill_by_copies(councils: dict[int, int], target: int, have: int) -> tuple[int, int]:
    """Copies of the imported councils (people, accounts, schedules, uploads, lines, flags),
    made inside the database until the country holds ``target`` lines: the size the queries
    are timed at, without importing every line. Returns (councils added, lines added)."""
    from sqlalchemy import text

    from service.core.db import get_engine, session_scope
    from service.onboarding.service import ensure_council

    engine = get_engine()
    with engine.connect() as conn:
        columns = {table: list(conn.execute(text(
            "SELECT column_name FROM information_schema.columns WHERE table_name = :t "
            "ORDER BY ordinal_position"), {"t": table}).scalars()) for table in CLONED}
    sources = sorted(councils.values())
    added = lines = 0
    while have + lines < target:
        source = sources[added % len(sources)]
        with session_scope() as session:
            copy = ensure_council(session, f"bench-copy-{added:03d}", f"Bench Copy {added}").id
        with engine.begin() as conn:
            # the copies are of rows the constraints already passed: no per-row foreign-key checks
            conn.execute(text("SET LOCAL session_replication_role = replica"))
            offsets = {table: conn.execute(text(f"SELECT coalesce(max(id), 0) FROM {table}")).scalar_one()
                       for table in CLONED}
            for table, changes in CLONED.items():
                values = {"id": f"id + :{table}", "council_id": ":copy", **changes}
                names = columns[table]
                conn.execute(text(f"INSERT INTO {table} ({', '.join(names)}) SELECT "
                                  f"{', '.join(values.get(c, c) for c in names)} FROM {table} "
                                  "WHERE council_id = :source"), {**offsets, "copy": copy, "source": source})
            lines += conn.execute(text("SELECT count(*) FROM transactions WHERE council_id = :c"),
                                  {"c": copy}).scalar_one()
            for table in CLONED:
                conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                  f"(SELECT max(id) FROM {table}))"))
        added += 1
    return added, lines


# ------------------------------------------------------------------------------- auditing

@dataclass
class Run:
    workers: int
    seconds: float
    people: int
    lines: int
    how: str


def jobs_available() -> bool:
    """Whether this build has the jobs contract: the audit-run route and `dpaudit worker`."""
    from service.app import create_app

    if "/v1/councils/{council_id}/audit-runs" not in create_app().openapi()["paths"]:
        return False
    probe = subprocess.run([sys.executable, "-m", "service.cli.main", "worker", "--help"],
                           cwd=ROOT, capture_output=True, env=os.environ.copy())
    return probe.returncode == 0


def chunk_size(people: int) -> int:
    """People per part of an audit run: the service's default (50), or fewer in a small
    council so that two workers have parts to share (DPAUDIT_JOBS_CHUNK_SIZE wins if set)."""
    return int(os.environ.get("DPAUDIT_JOBS_CHUNK_SIZE") or max(1, min(50, people // 8)))


def cpu_seconds(pids: list[int]) -> float:
    """User and system CPU time the processes have used so far (Linux /proc); with the
    database's own processes serving this database (on this machine), which do a good part of
    an audit's work."""
    from sqlalchemy import text

    from service.core.db import get_engine

    with get_engine().connect() as conn:
        backends = list(conn.execute(text(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid()")).scalars())
    total = 0
    for pid in [*pids, *backends]:
        try:
            with open(f"/proc/{pid}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:  # gone, or the database is on another machine
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / os.sysconf("SC_CLK_TCK")


def database_now() -> Any:
    from sqlalchemy import text

    from service.core.db import get_engine

    with get_engine().connect() as conn:
        return conn.execute(text("SELECT now()")).scalar_one()


def wait_for_workers(workers: int, since: Any, timeout: float = 120) -> None:
    """Until ``workers`` workers started after ``since`` have said they are alive, so a run
    starts with all its workers there (a worker's start-up is not the run's time)."""
    from sqlalchemy import text

    from service.core.db import get_engine

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with get_engine().connect() as conn:
            alive = conn.execute(text("SELECT count(*) FROM procrastinate_workers "
                                      "WHERE last_heartbeat >= :since"), {"since": since}).scalar_one()
        if alive >= workers:
            return
        time.sleep(0.2)
    raise SystemExit(f"only {alive} of {workers} workers started within {timeout:.0f} s")


def audit_by_jobs(client: Any, token: str, council_id: int, workers: int,
                  period: tuple[date, date]) -> tuple[float, float]:
    """A council-wide audit run taken by ``workers`` `dpaudit worker` processes: its seconds
    from the job's start to its end (worker start-up is not counted), and the CPU seconds the
    workers used meanwhile."""
    from datetime import datetime

    since = database_now()
    procs = [subprocess.Popen([sys.executable, "-m", "service.cli.main", "worker"], cwd=ROOT,
                              env=os.environ.copy(), stdout=subprocess.DEVNULL)
             for _ in range(workers)]
    try:
        wait_for_workers(workers, since)
        auth = {"Authorization": f"Bearer {token}"}
        cpu = cpu_seconds([proc.pid for proc in procs])
        response = client.post(f"/v1/councils/{council_id}/audit-runs", headers=auth, json={
            "period_start": period[0].isoformat(), "period_end": period[1].isoformat(), "kind": "scheduled"})
        assert response.status_code in (200, 202), response.text
        job = response.json()
        while job["status"] in ("queued", "running"):
            time.sleep(0.5)
            job = client.get(f"/v1/jobs/{job['id']}", headers=auth).json()
        cpu = cpu_seconds([proc.pid for proc in procs]) - cpu
        if job["status"] != "succeeded":
            raise SystemExit(f"audit run failed: {job.get('error')}")
        started, finished = (datetime.fromisoformat(job[k].replace("Z", "+00:00"))
                             for k in ("started_at", "finished_at"))
        return (finished - started).total_seconds(), cpu
    finally:
        for proc in procs:
            proc.send_signal(signal.SIGTERM)
        for proc in procs:
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                proc.kill()


def audit_people(url: str, council_id: int, people: list[int], period: tuple[date, date]) -> int:
    """One process's chunk of a council-wide run: each person audited in its own transaction,
    as `POST /v1/recipients/{id}/audits` does."""
    set_database(url)
    from service.audits.service import create_audit
    from service.core.db import session_scope
    from service.models import Recipient
    from service.onboarding.service import system_ctx

    for person_id in people:
        with session_scope() as session:
            recipient = session.get(Recipient, person_id)
            assert recipient is not None
            create_audit(system_ctx(session, council_id), recipient, period[0], period[1], "scheduled")
    return len(people)


def audit_by_processes(url: str, council_id: int, workers: int,
                       period: tuple[date, date]) -> tuple[float, float]:
    """The stand-in when this build has no jobs: the council's people in the same parts, shared
    by ``workers`` processes (started before the clock, as workers are)."""
    from sqlalchemy import select

    from service.core.db import session_scope
    from service.models import Recipient

    with session_scope() as session:
        ids = list(session.scalars(select(Recipient.id).where(Recipient.council_id == council_id)
                                   .order_by(Recipient.id)))
    size = chunk_size(len(ids))
    chunks = [ids[k:k + size] for k in range(0, len(ids), size)]
    context = multiprocessing.get_context("spawn")
    with context.Pool(workers) as pool:
        pool.starmap(audit_people, [(url, council_id, [], period)] * workers)  # warm the processes
        pids = [process.pid for process in pool._pool]  # type: ignore[attr-defined]
        began, cpu = time.perf_counter(), cpu_seconds(pids)
        pool.starmap(audit_people, [(url, council_id, chunk, period) for chunk in chunks], chunksize=1)
        return time.perf_counter() - began, cpu_seconds(pids) - cpu


def scan_floor(council_id: int, period: tuple[date, date]) -> float:
    """Seconds the database takes to read the council's year once, as every audit run must."""
    from sqlalchemy import text

    from service.core.db import get_engine

    began = time.perf_counter()
    with get_engine().connect() as conn:
        conn.execute(text("SELECT account_id, sum(amount) FROM transactions WHERE council_id = :c "
                          "AND posted_on BETWEEN :s AND :e GROUP BY account_id"),
                     {"c": council_id, "s": period[0], "e": period[1]}).all()
    return time.perf_counter() - began


def write_floor() -> float:
    """Seconds the database takes to write the imported lines once more, table to table with no
    index, parsing or checking: no import can beat it."""
    from sqlalchemy import text

    from service.core.db import get_engine

    with get_engine().begin() as conn:
        began = time.perf_counter()
        conn.execute(text("CREATE TEMPORARY TABLE bench_floor AS SELECT * FROM transactions"))
        return time.perf_counter() - began


def council_lines(council_id: int, period: tuple[date, date]) -> tuple[int, int]:
    from sqlalchemy import func, select

    from service.core.db import session_scope
    from service.models import Recipient, Transaction

    with session_scope() as session:
        lines = session.scalar(select(func.count()).select_from(Transaction).where(
            Transaction.council_id == council_id, Transaction.posted_on.between(*period)))
        people = session.scalar(select(func.count()).select_from(Recipient).where(
            Recipient.council_id == council_id))
    return int(lines or 0), int(people or 0)


# ------------------------------------------------------------------------------- queries

def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, math.ceil(0.95 * len(ordered)) - 1)]
    return statistics.median(ordered) * 1000, p95 * 1000


def timed(rounds: int, call: Callable[[int], Any]) -> tuple[float, float]:
    call(0)  # warm
    samples = []
    for k in range(rounds):
        began = time.perf_counter()
        call(k)
        samples.append(time.perf_counter() - began)
    return percentiles(samples)


def time_queries(client: Any, token: str, council_id: int, period: tuple[date, date], rounds: int) -> None:
    from sqlalchemy import select

    from service.audits.service import due
    from service.core.db import session_scope
    from service.core.deps import Ctx
    from service.core.principal import Principal
    from service.models import Account, Audit, Recipient

    auth = {"Authorization": f"Bearer {token}"}
    with session_scope() as session:
        people = list(session.scalars(select(Recipient.id).where(Recipient.council_id == council_id)))
        accounts = list(session.scalars(select(Account.id).where(Account.council_id == council_id)))
        audits = list(session.scalars(select(Audit.id).where(Audit.council_id == council_id)))
    rng = random.Random(7)
    pick = [(rng.choice(people), rng.choice(accounts), rng.choice(audits) if audits else None)
            for _ in range(rounds + 1)]
    month = (period[1] - timedelta(days=30)).isoformat(), period[1].isoformat()
    after = period[1] + timedelta(days=1)

    def get(path: Callable[[int], str]) -> Callable[[int], Any]:
        def call(k: int) -> None:
            response = client.get(path(k), headers=auth)
            assert response.status_code == 200, (path(k), response.status_code, response.text[:300])
        return call

    def due_service(_k: int) -> None:
        with session_scope() as session:
            due(Ctx(session, Principal(0, council_id, "officer", None, None), None), after)

    queue_rounds = max(3, rounds // 10)
    cases: list[tuple[str, int, Callable[[int], Any]]] = [
        ("queue: due() service function", queue_rounds, due_service),
        ("queue: GET /v1/audits/due", queue_rounds, get(lambda k: f"/v1/audits/due?on={after}")),
        ("person: GET /v1/recipients/{id}", rounds, get(lambda k: f"/v1/recipients/{pick[k][0]}")),
        ("person: GET /v1/accounts?recipient_id=", rounds,
         get(lambda k: f"/v1/accounts?recipient_id={pick[k][0]}")),
        ("person: GET .../{id}/audits", rounds, get(lambda k: f"/v1/recipients/{pick[k][0]}/audits")),
        ("account: GET .../uploads", rounds, get(lambda k: f"/v1/accounts/{pick[k][1]}/uploads")),
        ("account: GET .../transactions", rounds, get(lambda k: f"/v1/accounts/{pick[k][1]}/transactions")),
        ("account: GET .../transactions?from&to", rounds,
         get(lambda k: f"/v1/accounts/{pick[k][1]}/transactions?from={month[0]}&to={month[1]}")),
        ("account: GET .../transactions?review=any", rounds,
         get(lambda k: f"/v1/accounts/{pick[k][1]}/transactions?review=any")),
    ]
    if audits:
        cases.append(("audit: GET /v1/audits/{id}", rounds, get(lambda k: f"/v1/audits/{pick[k][2]}")))
    for name, n, call in cases:
        p50, p95 = timed(n, call)
        print(f"  {name:42s} p50 {p50:8.1f} ms  p95 {p95:8.1f} ms  ({n} requests)")


# ------------------------------------------------------------------------------- partitions

PARTITION_QUERIES = {
    "listing: an account's first page": (
        "SELECT * FROM {t} WHERE account_id = :a ORDER BY id LIMIT 51"),
    "listing: an account's month": (
        "SELECT * FROM {t} WHERE account_id = :a AND posted_on BETWEEN :m AND :e ORDER BY id LIMIT 51"),
    "audit: an account's year, statement order": (
        "SELECT id, posted_on, amount FROM {t} WHERE account_id = :a AND posted_on BETWEEN :s AND :e "
        "ORDER BY account_id, posted_on, upload_id, position, id"),
    "council: a year's lines counted": (
        "SELECT count(*) FROM {t} WHERE council_id = :c AND posted_on BETWEEN :s AND :e"),
}


def partition_trial(councils: dict[int, int], period: tuple[date, date], rounds: int) -> None:
    """A copy of `transactions` partitioned by council (hash, 16 ways), with the same indexes,
    timed beside the table itself on the same queries."""
    from sqlalchemy import text

    from service.core.db import get_engine

    engine = get_engine()
    began = time.perf_counter()
    with engine.begin() as conn:
        conn.execute(text("DROP TABLE IF EXISTS bench_transactions_by_council"))
        conn.execute(text("CREATE TABLE bench_transactions_by_council (LIKE transactions INCLUDING DEFAULTS) "
                          "PARTITION BY HASH (council_id)"))
        for k in range(16):
            conn.execute(text(f"CREATE TABLE bench_transactions_by_council_{k} PARTITION OF "
                              f"bench_transactions_by_council FOR VALUES WITH (MODULUS 16, REMAINDER {k})"))
        conn.execute(text("INSERT INTO bench_transactions_by_council SELECT * FROM transactions"))
        indexes = conn.execute(text(
            "SELECT indexdef FROM pg_indexes WHERE tablename = 'transactions'")).scalars().all()
        for number, definition in enumerate(indexes):
            # a partitioned table's unique index must hold its partition key: the copy's hold it too
            columns = definition[definition.index("(") + 1:definition.rindex(")")]
            unique = " UNIQUE" if "UNIQUE" in definition else ""
            if unique and "council_id" not in columns:
                columns += ", council_id"
            conn.execute(text(f"CREATE{unique} INDEX bench_part_ix_{number} "
                              f"ON bench_transactions_by_council ({columns})"))
        conn.execute(text("ANALYZE bench_transactions_by_council"))
    print(f"  partitioned copy built in {time.perf_counter() - began:.0f} s")
    with engine.connect() as conn:
        accounts = conn.execute(text("SELECT id, council_id FROM accounts ORDER BY id")).all()
        rng = random.Random(11)
        picks = [rng.choice(accounts) for _ in range(rounds + 1)]
        month = period[1] - timedelta(days=30)
        for name, sql in PARTITION_QUERIES.items():
            figures = []
            for table in ("transactions", "bench_transactions_by_council"):
                def call(k: int, table: str = table, sql: str = sql) -> None:
                    account, council = picks[k]
                    conn.execute(text(sql.format(t=table)), {"a": account, "c": council, "s": period[0],
                                                             "e": period[1], "m": month}).all()
                figures.append(timed(rounds, call))
            (p50, p95), (q50, q95) = figures
            print(f"  {name:42s} plain p50 {p50:6.2f} p95 {p95:6.2f} ms | by council p50 {q50:6.2f} "
                  f"p95 {q95:6.2f} ms")
        conn.execute(text("DROP TABLE bench_transactions_by_council"))
        conn.commit()


# ------------------------------------------------------------------------------- main

def scratch(database: str, fresh: bool = True) -> tuple[str, Callable[[], None]]:
    from sqlalchemy import create_engine, text

    base = os.environ.get("DPAUDIT_BENCH_PG", "postgresql://postgres@127.0.0.1:5432/test")
    admin = create_engine(base.replace("postgresql://", "postgresql+psycopg://", 1),
                          isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if not fresh:
            return admin.url.set(database=database).render_as_string(hide_password=False), lambda: None
        conn.execute(text(f'DROP DATABASE IF EXISTS "{database}"'))
        conn.execute(text(f'CREATE DATABASE "{database}"'))
    url = admin.url.set(database=database).render_as_string(hide_password=False)

    def drop() -> None:
        from service.core.db import get_engine

        get_engine().dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
    return url, drop


def shape_from(args: argparse.Namespace) -> Shape:
    if args.small:
        return Shape(councils=2, people=20, years=1, file_months=12)
    return Shape(args.councils, args.people, args.years, args.file_months)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", action="store_true", help="the CI size: 2 councils of 20 people, 1 year")
    parser.add_argument("--councils", type=int, default=2, help="councils imported (at least 2)")
    parser.add_argument("--people", type=int, default=200, help="people per council")
    parser.add_argument("--years", type=int, default=2, help="years of statements")
    parser.add_argument("--file-months", type=int, default=12, help="months per statement file")
    parser.add_argument("--lines", type=int, default=0,
                        help="grow the country to this many lines with copies of the imported councils "
                             "made inside the database, before the audits and the queries")
    parser.add_argument("--load-processes", type=int, default=2, help="processes importing statements")
    parser.add_argument("--rounds", type=int, default=40, help="requests per query timed")
    parser.add_argument("--partition-trial", action="store_true",
                        help="also time the transaction queries on a copy partitioned by council")
    parser.add_argument("--database", default="dpaudit_bench_national", help="scratch database name")
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    parser.add_argument("--reuse", action="store_true",
                        help="a database kept by --keep: time the queries (and the partition trial) only")
    args = parser.parse_args()
    shape = shape_from(args)
    if shape.councils < 2:
        parser.error("--councils must be at least 2 (council 1 is the copy audited by two workers)")
    began_all = time.perf_counter()
    url, drop = scratch(args.database, fresh=not args.reuse)
    set_database(url)
    try:
        if args.reuse:
            rerun(shape, args)
        else:
            run(url, shape, args)
    finally:
        if args.keep:
            print(f"kept database {args.database}")
        else:
            drop()
    print(f"total {time.perf_counter() - began_all:.0f} s")


def rerun(shape: Shape, args: argparse.Namespace) -> None:
    """The queries again on a kept country (after an index or a setting changed)."""
    from fastapi.testclient import TestClient
    from sqlalchemy import func, select

    from service.app import create_app
    from service.core.db import session_scope
    from service.core.migrate import upgrade
    from service.models import Transaction, User
    from service.onboarding.service import system_ctx
    from service.people import service as people

    upgrade()
    councils, tokens = {}, {}
    with session_scope() as session:
        for index in (0, 1):
            user = session.scalar(select(User).where(User.email == officer_email(index)))
            assert user is not None, "no country here: run with --keep first"
            _key, tokens[index] = people.create_api_key(system_ctx(session, user.council_id), user, "bench")
            councils[index] = user.council_id
        total = int(session.scalar(select(func.count()).select_from(Transaction)) or 0)
    with TestClient(create_app(), raise_server_exceptions=False) as client:
        print(f"queries at {total:,} lines (council 0):")
        time_queries(client, tokens[0], councils[0], shape.audit_period, args.rounds)
    if args.partition_trial:
        print("partition trial: transactions partitioned by council, same queries")
        partition_trial(councils, shape.audit_period, args.rounds)


def run(url: str, shape: Shape, args: argparse.Namespace) -> None:
    from fastapi.testclient import TestClient
    from sqlalchemy import text

    from service.app import create_app
    from service.core.db import get_engine
    from service.core.migrate import upgrade

    upgrade()
    print(f"country: {shape.councils} councils x {shape.people} people, {shape.years} years, "
          f"statements of {shape.file_months} months")
    began = time.perf_counter()
    councils, tokens = onboard(shape)
    print(f"onboarding: {shape.councils * shape.people:,} people in {time.perf_counter() - began:.1f} s")
    began = time.perf_counter()
    loaded = load(url, shape, args.load_processes)
    wall = time.perf_counter() - began
    with get_engine().begin() as conn:
        conn.execute(text("ANALYZE"))
        size = conn.execute(text("SELECT pg_total_relation_size('transactions')")).scalar_one()
    print(f"load: {loaded.lines:,} lines in {loaded.files:,} OFX files, {args.load_processes} processes: "
          f"{wall:.1f} s, {loaded.lines / wall:,.0f} lines/s (import alone "
          f"{loaded.lines / loaded.import_seconds:,.0f} lines/s); transactions {size / 2**20:,.0f} MB "
          f"with indexes, {size / max(loaded.lines, 1):.0f} B/line")
    floor = write_floor()
    print(f"load: floor (the same lines written again inside the database) {floor:.2f} s, "
          f"{loaded.lines / floor:,.0f} lines/s; the import takes {wall / floor:,.0f}x the floor")

    total = loaded.lines
    if args.lines > total:
        began = time.perf_counter()
        copies, lines = fill_by_copies(councils, args.lines, total)
        with get_engine().begin() as conn:
            conn.execute(text("ANALYZE"))
        total += lines
        print(f"fill: {copies} copies of the imported councils, {lines:,} lines, in "
              f"{time.perf_counter() - began:.0f} s ({lines / (time.perf_counter() - began):,.0f} lines/s); "
              f"{total:,} lines in all")
    period = shape.audit_period
    with TestClient(create_app(), raise_server_exceptions=False) as client:
        use_jobs = jobs_available()
        os.environ["DPAUDIT_JOBS_CHUNK_SIZE"] = str(chunk_size(shape.people))
        part = f"parts of {chunk_size(shape.people)} people"
        how = (f"jobs: dpaudit worker processes, {part}" if use_jobs
               else f"no `dpaudit worker` in this build: the same {part} audited by plain processes")
        runs = []
        for index, workers in ((0, 1), (1, 2)):
            council_id = councils[index]
            seconds, cpu = (audit_by_jobs(client, tokens[index], council_id, workers, period) if use_jobs
                       else audit_by_processes(url, council_id, workers, period))
            lines, people = council_lines(council_id, period)
            floor = scan_floor(council_id, period)
            runs.append(Run(workers, seconds, people, lines, how))
            print(f"audit run: council {index}, {people:,} people, {lines:,} lines in "
                  f"{period[0]}..{period[1]}, "
                  f"{workers} worker(s): {seconds:.1f} s per council, {lines / seconds:,.0f} lines/s, "
                  f"{seconds / people * 1000:.0f} ms/person; the workers and the database used {cpu:.1f} "
                  f"CPU-s ({cpu / seconds:.2f} cores of the 2); {seconds / floor:,.0f}x the scan floor "
                  f"({floor * 1000:.0f} ms to read the year once)")
        print(f"audit run: load average of this machine {os.getloadavg()[0]:.1f} (other work slows the runs)")
        print(f"audit run: 1 -> 2 workers scaling {runs[0].seconds / runs[1].seconds:.2f}x ({how})")
        print(f"queries at {total:,} lines (council 0: {runs[0].people:,} people, open audits):")
        time_queries(client, tokens[0], councils[0], period, args.rounds)
    if args.partition_trial:
        print("partition trial: transactions partitioned by council, same queries")
        partition_trial(councils, period, args.rounds)


if __name__ == "__main__":
    main()
