"""A person with a year of direct payment behind them: statements, a timesheet, an audit,
notes (one internal), an underspend reason, a holder who signs in, and a worker."""

from __future__ import annotations

import io
import itertools
import random
import sqlite3
import subprocess
import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from conftest import Council, make_user, post_ok, unique
from sqlalchemy.engine import make_url


@dataclass
class Person:
    id: int
    name: str
    reference: str
    account_id: int
    account_reference: str
    last4: str
    worker_name: str
    holder_token: str
    dp_end_date: date
    audit_id: int
    statement: bytes
    timesheet: bytes
    texts: dict[str, str] = field(default_factory=dict)

    def personal_values(self) -> list[str]:
        """What must be nowhere once the person is erased."""
        return [self.name, self.reference, self.account_reference, f"****{self.last4}",
                self.worker_name, *self.texts.values()]


def years_ago(years: int) -> date:
    today = date.today()
    return today.replace(year=today.year - years, day=min(today.day, 28))


def statement_csv(start: date, days: int, per_day: int, worker: str) -> bytes:
    out = io.StringIO()
    out.write("Date,Description,Amount,Balance\n")
    balance = 1540
    out.write(f"{start:%d/%m/%Y},COUNCIL DIRECT PAYMENT,1540.00,{balance:.2f}\n")
    for n in range(days * per_day):
        day = start + timedelta(days=1 + n // per_day)
        if n % 97 == 0:
            balance += 1540
            out.write(f"{day:%d/%m/%Y},COUNCIL DIRECT PAYMENT,1540.00,{balance:.2f}\n")
        spend, text = (180, f"PAY {worker.upper()}") if n % 11 == 0 else (3, f"SHOP {n}")
        balance -= spend
        out.write(f"{day:%d/%m/%Y},{text},-{spend}.00,{balance:.2f}\n")
    return out.getvalue().encode()


# Last four digits no other test uses (theirs are 1111, 1234, 4321, 5678...), and never the same
# twice in one run, so finding "****NNNN" in a dump can only mean this person.
_LAST4 = (f"3{n % 1000:03d}" for n in itertools.count(random.randrange(1000)))


def make_person(client: Any, council: Council, *, ended: date, lines_per_day: int = 1) -> Person:
    h = council.auth()
    tag = uuid.uuid4().hex[:8]
    name, worker_name = f"Zelda Quist{tag}", f"Wendell Pike{tag}"
    reference, account_reference = unique("RZ"), unique("acct")
    last4 = next(_LAST4)
    start = ended - timedelta(days=364)
    person = post_ok(client, "/v1/recipients", h, {
        "reference": reference, "name": name, "date_of_birth": "1950-02-03",
        "dp_start_date": start.isoformat(), "dp_end_date": ended.isoformat(),
        "end_reason": "moved"})
    rid = person["id"]
    holder = make_user(client, council, "holder", name=f"Hugo Holder{tag}")
    post_ok(client, f"/v1/recipients/{rid}/representatives", h,
            {"kind": "nominee", "name": f"Hugo Holder{tag}", "user_id": holder["id"]})
    account = post_ok(client, f"/v1/recipients/{rid}/accounts", h,
                      {"reference": account_reference, "kind": "bank", "number_last4": last4})
    post_ok(client, f"/v1/recipients/{rid}/workers", h, {"name": worker_name})
    post_ok(client, f"/v1/recipients/{rid}/plans", h, {
        "effective_from": start.isoformat(), "period": "four_weeks", "actual_budget": "1540.00",
        "lines": [{"category": "pa_wages", "description": "PA wages", "amount": "360.00",
                   "amount_basis": "week"}]})
    statement = statement_csv(start, 360, lines_per_day, worker_name)
    upload = client.post(f"/v1/accounts/{account['id']}/statements", headers=h,
                         files={"file": (f"statement-{tag}.csv", statement, "text/csv")})
    assert upload.status_code == 201, upload.text
    timesheet = (f"Worker,Date,Start,End\n{worker_name},{start + timedelta(days=3):%d/%m/%Y},"
                 f"09:00,13:00\n").encode()
    sheet = client.post(f"/v1/recipients/{rid}/timesheets", headers=h,
                        files={"file": (f"timesheet-{tag}.csv", timesheet, "text/csv")})
    assert sheet.status_code == 201, sheet.text
    audit = post_ok(client, f"/v1/recipients/{rid}/audits", h, {
        "period_start": start.isoformat(), "period_end": ended.isoformat(), "kind": "on_demand"})
    texts = {"open note": f"Shared note {tag}", "internal note": f"Internal worry {tag}",
             "underspend": f"Carer left in spring {tag}"}
    post_ok(client, f"/v1/audits/{audit['id']}/notes", h, {"body": texts["open note"]})
    post_ok(client, f"/v1/audits/{audit['id']}/notes", h,
            {"body": texts["internal note"], "internal": True})
    post_ok(client, f"/v1/recipients/{rid}/underspend-reasons", h, {
        "period_start": start.isoformat(), "period_end": ended.isoformat(),
        "reason": "could_not_recruit", "note": texts["underspend"]})
    return Person(rid, name, reference, account["id"], account_reference, last4, worker_name,
                  holder["token"], ended, audit["id"], statement, timesheet, texts)


# --- the whole database, as text ---------------------------------------------------------------

def dump_text(database_url: str) -> str:
    """Everything in the database: pg_dump's plain output, or SQLite's own dump."""
    url = make_url(database_url)
    if url.get_backend_name() == "postgresql":
        return subprocess.run(["pg_dump", "--no-owner", *pg_args(database_url)], check=True,
                              capture_output=True, text=True, timeout=300).stdout
    connection = sqlite3.connect(str(url.database))
    try:
        return "\n".join(connection.iterdump())
    finally:
        connection.close()


def pg_args(database_url: str) -> list[str]:
    url = make_url(database_url)
    return ["-h", url.host or "127.0.0.1", "-p", str(url.port or 5432), "-U", url.username or "postgres",
            "-d", str(url.database)]


def found_in(dump: str, value: str) -> bool:
    """Whether ``value`` is in the dump as text, or as the hex both dumps write bytes in."""
    lowered = dump.lower()
    return value.lower() in lowered or value.encode().hex() in lowered


def sqlite_file(database_url: str) -> Path:
    return Path(str(make_url(database_url).database))
