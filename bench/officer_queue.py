"""Queue benchmark: the officer's queue for a council with N open audits, then 4N.

The first person is built as bench/audit_council.py builds one (a year of statements) and
audited through the real service; the others are copies of that person, and that audit is
copied with SQLAlchemy Core to each of them, so each has an open audit of the same size. Every
third person also has an open flag, and every fifth audit a decision, so the queue shows
each action. Printed per database and size: the SQL statements one queue takes, its time
(best of --repeat) beside a floor measured in the same run (one SELECT of the council's
open audits' ids and people, which any queue must read), and the 4N/N ratios: a queue of
a fixed number of queries keeps the statement ratio at 1.00, and its time grows only with
the rows it reads.
Run: .venv/bin/python bench/officer_queue.py [--audits 300] [--repeat 3] [--sqlite-only]
The PostgreSQL part uses a scratch database (DPAUDIT_BENCH_PG, see scratch.py).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from audit_council import END, START, build_council
from scratch import scratch_engines


def build(engine: Any, code: str, people: int) -> int:
    """A council of ``people``, each with one open audit; returns the council's id."""
    from sqlalchemy import insert, select
    from sqlalchemy.orm import Session

    from service.audits.service import create_audit
    from service.core.types import utcnow
    from service.models import Audit, Flag, Recipient
    from service.onboarding.service import system_ctx

    council_id, _ = build_council(engine, code, 1)
    with Session(engine) as session, session.begin():
        first = session.scalars(select(Recipient).where(Recipient.council_id == council_id)).one()
        template = create_audit(system_ctx(session, council_id), first, START, END, "scheduled").id
        first_id = first.id
    audits, flags, people_table = Audit.__table__, Flag.__table__, Recipient.__table__
    with engine.begin() as conn:
        person = dict(conn.execute(select(people_table).where(people_table.c.id == first_id))
                      .mappings().one())
        person.pop("id")
        conn.execute(insert(people_table), [{**person, "reference": f"Q{n}", "name": f"Person {n}"}
                                            for n in range(1, people)])
        ids = conn.scalars(select(people_table.c.id).where(people_table.c.council_id == council_id)
                           .order_by(people_table.c.id)).all()
        row = dict(conn.execute(select(audits).where(audits.c.id == template)).mappings().one())
        for name in ("id", "created_at", "updated_at"):
            row.pop(name, None)
        now = utcnow()
        copies = [{**row, "recipient_id": rid, "decided_at": now if n % 5 == 0 else None,
                   "decision_reason": "bench" if n % 5 == 0 else None}
                  for n, rid in enumerate(ids[1:], 1)]
        conn.execute(insert(audits), copies)
        conn.execute(insert(flags), [
            {"council_id": council_id, "recipient_id": rid, "flag_key": f"bench-{rid}",
             "rule_id": "bench_rule", "rule_version": 1, "severity": "local", "status": "open",
             "explanation": "bench", "evidence": {}, "occurred_on": START}
            for n, rid in enumerate(ids) if n % 3 == 0])
    return council_id


def time_queue(engine: Any, council_id: int, repeat: int) -> tuple[int, float, int]:
    """(statements, best seconds, queue length) of the queue as the API computes it."""
    from sqlalchemy import event
    from sqlalchemy.orm import Session

    from service.audits.service import due
    from service.onboarding.service import system_ctx

    statements = 0

    def count(*_: Any) -> None:
        nonlocal statements
        statements += 1

    best, length = float("inf"), 0
    for _ in range(repeat):
        statements = 0
        event.listen(engine, "before_cursor_execute", count)
        try:
            with Session(engine) as session:
                started = time.perf_counter()
                length = len(due(system_ctx(session, council_id), END))
                best = min(best, time.perf_counter() - started)
        finally:
            event.remove(engine, "before_cursor_execute", count)
    return statements, best, length


def floor(engine: Any, council_id: int, repeat: int) -> float:
    """Best seconds of reading the open audits' ids and people, nothing else."""
    from sqlalchemy import select

    from service.models import Audit

    best = float("inf")
    for _ in range(repeat):
        with engine.connect() as conn:
            started = time.perf_counter()
            conn.execute(select(Audit.id, Audit.recipient_id).where(
                Audit.council_id == council_id, Audit.status == "open")).all()
            best = min(best, time.perf_counter() - started)
    return best


def run(name: str, engine: Any, audits: int, repeat: int) -> None:
    from service.core.migrate import upgrade

    with engine.begin() as conn:
        upgrade(conn)
    figures = {}
    for size in (audits, 4 * audits):
        council_id = build(engine, f"bench-queue-{size}", size)
        statements, seconds, length = time_queue(engine, council_id, repeat)
        least = floor(engine, council_id, repeat)
        figures[size] = (statements, seconds)
        print(f"queue {name:10s} {size:>6,d} open audits  {length:>6,d} lines  "
              f"{statements:>6,d} statements  {seconds * 1000:9.1f} ms  "
              f"{seconds / size * 1e6:7.1f} us per audit  floor {least * 1000:.1f} ms "
              f"({seconds / least:,.0f}x)")
    (s1, t1), (s4, t4) = figures[audits], figures[4 * audits]
    print(f"queue {name:10s} 4N/N statements ratio {s4 / s1:.2f}  time ratio {t4 / t1:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--audits", type=int, default=300, help="N: open audits in the first council")
    parser.add_argument("--repeat", type=int, default=3, help="queues timed per size (best kept)")
    parser.add_argument("--sqlite-only", action="store_true", help="skip PostgreSQL")
    args = parser.parse_args()
    for name, engine, drop in scratch_engines("dpaudit_bench_queue", sqlite_only=args.sqlite_only):
        try:
            run(name, engine, args.audits, args.repeat)
        finally:
            drop()


if __name__ == "__main__":
    main()
