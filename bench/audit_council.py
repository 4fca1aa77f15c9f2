"""Council-wide audit benchmark: N people, then 2N, each with a year of statements.

Each person has one bank account, an approved plan, a payment schedule and one statement
for the year holding about 1,500 transactions (council payments and contributions every
4 weeks, PA wages, activities, shopping). The rows are inserted with SQLAlchemy Core,
then every person is audited and the audit saved, as the API does (documents are not
rendered). Printed for each database: seconds, transactions per second, the 2N/N time
ratio (about 2 when the work is linear), and beside it the time the database takes to
scan the same rows (``SELECT account_id, sum(amount) ... GROUP BY account_id``) in the
same run: the floor no audit can beat, since every audit reads every row.
The PostgreSQL part uses a scratch database (DPAUDIT_BENCH_PG, default
postgresql://postgres@127.0.0.1:5432/test, database dpaudit_bench_audit), dropped after.
Run: .venv/bin/python bench/audit_council.py [--people N] [--sqlite-only]
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scratch import scratch_engines

START = date(2025, 4, 7)  # a Monday
END = START + timedelta(days=363)  # 52 weeks
OPENING = Decimal("3000.00")
# (weekday, description, category, amount) each week: 28 lines a week, about 1,460 a year
WEEK = [(d, f"S CARTER {d}", "pa_wages", Decimal("-40.00")) for d in range(7)] + [
    (d, f"J PATEL {d}", "pa_wages", Decimal("-20.00")) for d in range(7)] + [
    (d, f"TESCO STORES {d}", "flexible_use", Decimal("-4.00")) for d in range(7)] + [
    (d, f"LEISURE CENTRE {d}", "day_activities", Decimal("-3.00")) for d in range(7)]
FOUR_WEEKLY = [(0, "NORTHSHIRE COUNCIL DP", "council_payment", Decimal("1900.00")),
               (0, "CONTRIBUTION", "client_contribution", Decimal("100.00"))]


def person_lines(account_id: int) -> list[tuple[date, str, str, Decimal]]:
    lines = []
    for week in range(52):
        monday = START + timedelta(weeks=week)
        extra = FOUR_WEEKLY if week % 4 == 0 else []
        lines += [(monday + timedelta(days=d), text, cat, amount) for d, text, cat, amount in extra + WEEK]
    return sorted(lines, key=lambda line: line[0])


def insert_person(conn: Any, council_id: int, number: int) -> int:
    """One person, their plan, schedule, account, statement and transactions: Core inserts."""
    from service.core.types import utcnow
    from service.ingest.uploads import sha256
    from service.models import (
        Account,
        Blob,
        PaymentSchedule,
        PlanLine,
        Recipient,
        SupportPlan,
        Transaction,
        Upload,
    )

    now = utcnow()

    def one(table: Any, **values: Any) -> int:
        return int(conn.execute(table.__table__.insert().values(**values).returning(table.__table__.c.id))
                   .scalar_one())

    person = one(Recipient, council_id=council_id, reference=f"R{number}", name=f"Person {number}",
                 dp_start_date=START, created_at=now, updated_at=now)
    account = one(Account, council_id=council_id, recipient_id=person, reference=f"A{council_id}-{number}",
                  kind="bank", created_at=now, updated_at=now)
    plan = one(SupportPlan, council_id=council_id, recipient_id=person, version=1, status="approved",
               effective_from=START, period="four_weeks", actual_budget=Decimal("2000.00"),
               indicative_budget=Decimal("2100.00"), created_at=now, updated_at=now)
    conn.execute(PlanLine.__table__.insert(), [
        dict(council_id=council_id, plan_id=plan, position=1, category="pa_wages", description="PAs",
             amount=Decimal("420.00"), amount_basis="week"),
        dict(council_id=council_id, plan_id=plan, position=2, category="day_activities",
             description="Swimming", amount=Decimal("21.00"), amount_basis="week")])
    conn.execute(PaymentSchedule.__table__.insert().values(
        council_id=council_id, recipient_id=person, account_id=account, funding_model="net",
        frequency="four_weeks", council_amount=Decimal("1900.00"), contribution_amount=Decimal("100.00"),
        first_payment_on=START, created_at=now, updated_at=now))
    lines = person_lines(account)
    closing = OPENING + sum((amount for *_, amount in lines), Decimal("0.00"))
    raw = f"bench statement {council_id} {number}".encode()
    conn.execute(Blob.__table__.insert().values(sha256=sha256(raw), size=len(raw), data=raw, created_at=now))
    upload = one(Upload, council_id=council_id, recipient_id=person, account_id=account, kind="statement",
                 sha256=sha256(raw), status="imported", period_start=START, period_end=END,
                 opening_balance=OPENING, closing_balance=closing, summary={}, created_at=now)
    conn.execute(Transaction.__table__.insert(), [
        dict(council_id=council_id, account_id=account, upload_id=upload, posted_on=day, amount=amount,
             description=text, dedup_key=f"{i}", dedup_rule="content", payee_key=text, occurrence=0,
             category=cat, created_at=now)
        for i, (day, text, cat, amount) in enumerate(lines)])
    return len(lines)


def build_council(engine: Any, code: str, people: int) -> tuple[int, int]:
    from sqlalchemy.orm import Session

    from service.onboarding.service import ensure_council

    with Session(engine) as session, session.begin():
        council_id = ensure_council(session, code, f"Bench {code}").id
    rows = 0
    with engine.begin() as conn:
        for number in range(people):
            rows += insert_person(conn, council_id, number)
    return council_id, rows


def audit_all(engine: Any, council_id: int) -> float:
    """Audit every person of the council and save each audit; no documents."""
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from service.audits.service import create_audit
    from service.models import Recipient
    from service.onboarding.service import system_ctx

    started = time.perf_counter()
    with Session(engine) as session:
        people = session.scalars(select(Recipient.id).where(Recipient.council_id == council_id)).all()
    for person_id in people:  # one unit of work per person, as one API request would be
        with Session(engine) as session, session.begin():
            person = session.get(Recipient, person_id)
            create_audit(system_ctx(session, council_id), person, START, END, "scheduled")
    return time.perf_counter() - started


def scan_floor(engine: Any, council_id: int) -> float:
    from sqlalchemy import text

    started = time.perf_counter()
    with engine.connect() as conn:
        conn.execute(text(
            "SELECT t.account_id, sum(t.amount) FROM transactions t JOIN accounts a ON a.id = t.account_id "
            "WHERE a.council_id = :c GROUP BY t.account_id"), {"c": council_id}).all()
    return time.perf_counter() - started


def run(name: str, engine: Any, people: int) -> None:
    from service.core.migrate import upgrade

    with engine.begin() as conn:
        upgrade(conn)
    timings = {}
    for size in (people, 2 * people):
        council_id, rows = build_council(engine, f"bench-{size}", size)
        floor = scan_floor(engine, council_id)
        gc.collect()  # the builder's garbage is not the audits' to collect
        seconds = audit_all(engine, council_id)
        timings[size] = seconds
        print(f"audit {name:10s} {size:>5,d} people {rows:>10,d} transactions  {seconds:7.2f} s  "
              f"{rows / seconds:>9,.0f} transactions/s  scan floor {floor:.3f} s "
              f"({seconds / floor:,.0f}x)")
    print(f"audit {name:10s} 2N/N time ratio {timings[2 * people] / timings[people]:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=20, help="N: people in the first council")
    parser.add_argument("--sqlite-only", action="store_true", help="skip PostgreSQL")
    args = parser.parse_args()
    for name, engine, drop in scratch_engines("dpaudit_bench_audit", sqlite_only=args.sqlite_only):
        try:
            run(name, engine, args.people)
        finally:
            drop()


if __name__ == "__main__":
    main()
