"""What an audit stores per line it used, and the memory auditing takes, on both databases.

Two people per database: an ordinary year (about 2,000 lines, oldest-first) and a long
newest-first statement (100,000 lines by default), both sent through the real statement
importer. Each is audited in a child process, whose peak resident memory (ru_maxrss) is the
figure. Printed for each: the lines the audit used, the bytes it stores per line (its
references and decisions alone, and the whole audit with its figures and inputs), beside
the bytes the same lines took as the JSON copy audits used to keep (the same run, the same
lines), and the child's peak memory (its own VmHWM; ru_maxrss beside it, which on Linux
includes the parent's size at the fork). ``--million`` adds a person with 1,000,000 lines
(inserted with SQLAlchemy Core) and says whether their audit completes, and how long it took.
The PostgreSQL part uses a scratch database (DPAUDIT_BENCH_PG, default
postgresql://postgres@127.0.0.1:5432/test, database dpaudit_bench_storage), dropped after.
Run: .venv/bin/python bench/audit_storage.py [--lines 100000] [--million] [--sqlite-only]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from scratch import scratch_engines  # noqa: E402

START = date(2025, 4, 7)
PAYEES = ("TESCO STORES 2231", "SAINSBURYS", "BOOTS", "GREGGS", "CO-OP", "LIDL", "S CARTER",
          "LEISURE CENTRE", "AMAZON", "ARGOS")


def statement(lines: int, *, newest_first: bool) -> tuple[bytes, date, date]:
    """A generic bank CSV with running balances: council money every 4 weeks, small spends."""
    per_day = max(1, lines // 364)
    rows, balance, day, n = [], Decimal("3000.00"), START, 0
    while n < lines:
        for k in range(per_day):
            if n >= lines:
                break
            if k == 0 and (day - START).days % 28 == 0:
                text, amount = "NORTHSHIRE COUNCIL DP", Decimal("1900.00")
            else:
                text, amount = PAYEES[n % len(PAYEES)], -Decimal(1 + n % 7) / 4
            balance += amount
            rows.append(f"{day:%d/%m/%Y},{text},{amount:.2f},{balance:.2f}")
            n += 1
        day += timedelta(days=1)
    if newest_first:
        rows.reverse()
    return ("Date,Description,Amount,Balance\n" + "\n".join(rows) + "\n").encode(), START, day


def make_person(engine: Any, council_id: int, name: str, data: bytes) -> tuple[int, float]:
    from sqlalchemy.orm import Session

    from service.ingest.statements import import_statement
    from service.models import Account, Recipient
    from service.onboarding.service import system_ctx

    with Session(engine) as session, session.begin():
        person = Recipient(council_id=council_id, reference=name, name=name, dp_start_date=START)
        session.add(person)
        session.flush()
        account = Account(council_id=council_id, recipient_id=person.id, reference=f"{name}-bank",
                          kind="bank")
        session.add(account)
        session.flush()
        started = time.perf_counter()
        import_statement(system_ctx(session, council_id), account, data, f"{name}.csv")
        return person.id, time.perf_counter() - started


def insert_million(engine: Any, council_id: int, lines: int) -> tuple[int, date]:
    """A person with ``lines`` lines, inserted with Core in batches (no importer: speed)."""
    from sqlalchemy.orm import Session

    from service.core.types import utcnow
    from service.ingest.uploads import sha256
    from service.models import Account, Blob, Recipient, Transaction, Upload

    now = utcnow()
    with Session(engine) as session, session.begin():
        person = Recipient(council_id=council_id, reference="M1", name="Million", dp_start_date=START)
        session.add(person)
        session.flush()
        account = Account(council_id=council_id, recipient_id=person.id, reference="M1-bank", kind="bank")
        session.add(account)
        session.flush()
        raw = b"a million lines"
        session.execute(Blob.__table__.insert().values(sha256=sha256(raw), size=len(raw), data=raw,
                                                       created_at=now))
        upload = Upload(council_id=council_id, recipient_id=person.id, account_id=account.id,
                        kind="statement", sha256=sha256(raw), status="imported", summary={})
        session.add(upload)
        session.flush()
        ids = (person.id, account.id, upload.id)
    per_day = max(1, lines // 364)
    balance, batch = Decimal("3000.00"), []
    with engine.begin() as conn:
        for n in range(lines):
            day = START + timedelta(days=n // per_day)
            amount = Decimal("1900.00") if n % (per_day * 28) == 0 else -Decimal(1 + n % 7) / 4
            balance += amount
            text = PAYEES[n % len(PAYEES)]
            batch.append(dict(council_id=council_id, account_id=ids[1], upload_id=ids[2], posted_on=day,
                              amount=amount.quantize(Decimal("0.01")), balance=balance, description=text,
                              position=n, dedup_key=f"m{n}", dedup_rule="content", payee_key=text,
                              occurrence=0, category="flexible_use", created_at=now))
            if len(batch) == 20_000:
                conn.execute(Transaction.__table__.insert(), batch)
                batch = []
        if batch:
            conn.execute(Transaction.__table__.insert(), batch)
    return ids[0], START + timedelta(days=(lines - 1) // per_day)


def audit_in_child(url: str, council_id: int, person_id: int, end: date) -> dict[str, Any]:
    """Audit one person in a fresh process; its peak memory and time."""
    done = subprocess.run(
        [sys.executable, __file__, "--child", url, str(council_id), str(person_id), end.isoformat()],
        capture_output=True, text=True, check=False, cwd=ROOT)
    if done.returncode != 0:
        return {"failed": done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "failed"}
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def child(url: str, council_id: int, person_id: int, end: date) -> None:
    from sqlalchemy.orm import Session

    from service.audits.service import create_audit
    from service.core.db import make_engine
    from service.models import Recipient
    from service.onboarding.service import system_ctx

    engine = make_engine(url)
    started = time.perf_counter()
    with Session(engine) as session, session.begin():
        person = session.get(Recipient, person_id)
        audit = create_audit(system_ctx(session, council_id), person, START, end, "on_demand")
        session.flush()
        audit_id = audit.id
    seconds = time.perf_counter() - started
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(json.dumps({"audit_id": audit_id, "seconds": seconds, "peak_mb": own_peak_mb() or maxrss,
                      "maxrss_mb": maxrss}))


def own_peak_mb() -> float | None:
    """This process's own peak resident memory (VmHWM). Linux carries a parent's ru_maxrss
    over fork and exec into the child, so a child started by a large parent reports at least
    the parent's size there; VmHWM counts only what this program touched."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def stored_bytes(engine: Any, audit_id: int) -> dict[str, float]:
    """Bytes the audit stores: its references and decisions, and all of it; beside the JSON
    copy of the same lines that audits used to keep."""
    from sqlalchemy.orm import Session

    from service.audits.storage import shown_lines
    from service.models import Audit, AuditLines

    with Session(engine) as session:
        audit = session.get(Audit, audit_id)
        kept = session.get(AuditLines, audit_id)
        assert audit is not None and kept is not None
        lines = len(kept.line_ids) + len(kept.decisions) + len(json.dumps(kept.decided)) + 64
        figures = len(json.dumps(audit.result)) + len(json.dumps(audit.inputs))
        copy = len(json.dumps([list(row) for row in shown_lines(audit)]))
        count = kept.line_count
    return {"lines": count, "per_line": lines / count, "whole_per_line": (lines + figures) / count,
            "copy_per_line": copy / count, "copy_whole_per_line": (copy + figures) / count}


def run(name: str, engine: Any, args: argparse.Namespace) -> None:
    from sqlalchemy.orm import Session

    from service.core.migrate import upgrade
    from service.onboarding.service import ensure_council

    with engine.begin() as conn:
        upgrade(conn)
    with Session(engine) as session, session.begin():
        council_id = ensure_council(session, "bench-storage", "Bench Storage").id
    url = engine.url.render_as_string(hide_password=False)
    people = [("ordinary", 2_000, False), ("newest-first", args.lines, True)]
    for label, count, newest in people:
        data, _first, last = statement(count, newest_first=newest)
        person_id, imported = make_person(engine, council_id, f"{label}-{count}", data)
        outcome = audit_in_child(url, council_id, person_id, last)
        if "failed" in outcome:
            print(f"storage {name:10s} {label:12s} {count:>9,d} lines  audit FAILED: {outcome['failed']}")
            continue
        size = stored_bytes(engine, outcome["audit_id"])
        print(f"storage {name:10s} {label:12s} {size['lines']:>9,.0f} lines  "
              f"{size['per_line']:5.2f} B/line kept ({size['whole_per_line']:6.2f} with figures)  "
              f"JSON copy {size['copy_per_line']:6.1f} B/line ({size['copy_whole_per_line']:7.1f}): "
              f"{size['copy_whole_per_line'] / size['whole_per_line']:5.1f}x smaller  "
              f"peak {outcome['peak_mb']:6.0f} MB (ru_maxrss {outcome['maxrss_mb']:4.0f})  "
              f"audit {outcome['seconds']:6.1f} s  import {imported:5.1f} s")
    if args.million:
        started = time.perf_counter()
        person_id, last = insert_million(engine, council_id, 1_000_000)
        built = time.perf_counter() - started
        outcome = audit_in_child(url, council_id, person_id, last)
        if "failed" in outcome:
            print(f"storage {name:10s} 1,000,000 lines  audit FAILED: {outcome['failed']}")
            return
        size = stored_bytes(engine, outcome["audit_id"])
        print(f"storage {name:10s} million      {size['lines']:>9,.0f} lines  completed  "
              f"{size['per_line']:5.2f} B/line kept ({size['whole_per_line']:6.2f} with figures)  "
              f"peak {outcome['peak_mb']:6.0f} MB (ru_maxrss {outcome['maxrss_mb']:4.0f})  "
              f"audit {outcome['seconds']:6.1f} s  (inserted in {built:.0f} s)")


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        url, council_id, person_id, end = sys.argv[2:6]
        child(url, int(council_id), int(person_id), date.fromisoformat(end))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=100_000, help="lines of the long statement")
    parser.add_argument("--million", action="store_true", help="also audit a person with 1M lines")
    parser.add_argument("--sqlite-only", action="store_true", help="skip PostgreSQL")
    args = parser.parse_args()
    for name, engine, drop in scratch_engines("dpaudit_bench_storage", sqlite_only=args.sqlite_only):
        try:
            run(name, engine, args)
        finally:
            drop()


if __name__ == "__main__":
    main()
