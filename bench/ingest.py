"""Ingest benchmark: OFX v1 and CSV statements of 10k and 100k lines.

Parsing: lines per second for each, the ratio to a bare ``csv.reader`` pass over a CSV of the
same size (the floor: no parser beats just reading the rows), and the OFX 100k/10k time ratio,
which stays near 10 when parsing is linear (ofxparse alone is quadratic on SGML).
End to end: the whole upload (parse, dedup keys, atomic store, classification, flags, summary)
on SQLite and PostgreSQL, against the floor of loading the same rows raw in the same run
(PostgreSQL COPY; SQLite executemany in one transaction).
Inputs are generated in a temporary directory; the PostgreSQL part uses a scratch database
(DPAUDIT_BENCH_PG, default postgresql://postgres@127.0.0.1:5432/test) and drops it after.
Run: .venv/bin/python bench/ingest.py [--parse-only]
"""

from __future__ import annotations

import csv
import io
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scratch import scratch_engines

from importers import Limits, parse_statement

SIZES = (10_000, 100_000)
BIG = Limits(max_bytes=200 * 1024 * 1024, max_rows=1_000_000)
OFX_HEADER = ("OFXHEADER:100\nDATA:OFXSGML\nVERSION:102\nSECURITY:NONE\nENCODING:USASCII\n"
              "CHARSET:1252\nCOMPRESSION:NONE\nOLDFILEUID:NONE\nNEWFILEUID:NONE\n\n")


def make_ofx(count: int) -> bytes:
    parts = [OFX_HEADER, "<OFX><SIGNONMSGSRSV1><SONRS><STATUS><CODE>0<SEVERITY>INFO</STATUS>"
             "<DTSERVER>20250601<LANGUAGE>ENG</SONRS></SIGNONMSGSRSV1><BANKMSGSRSV1>"
             "<STMTTRNRS><TRNUID>1<STATUS><CODE>0<SEVERITY>INFO</STATUS><STMTRS><CURDEF>GBP"
             "<BANKACCTFROM><BANKID>309174<ACCTID>12345678<ACCTTYPE>CHECKING</BANKACCTFROM>"
             "<BANKTRANLIST><DTSTART>20250101<DTEND>20250601\n"]
    for i in range(count):
        parts.append(f"<STMTTRN>\n<TRNTYPE>DEBIT\n<DTPOSTED>2025{1 + i % 5:02d}{1 + i % 28:02d}"
                     f"120000[+1:BST]\n<TRNAMT>-{i % 500}.{i % 100:02d}\n<FITID>T{i}\n"
                     f"<NAME>SHOP {i % 97}\n<MEMO>card payment {i}\n</STMTTRN>\n")
    parts.append("</BANKTRANLIST><LEDGERBAL><BALAMT>100.00<DTASOF>20250601</LEDGERBAL>"
                 "</STMTRS></STMTTRNRS></BANKMSGSRSV1></OFX>\n")
    return "".join(parts).encode()


def make_csv(count: int, account_salt: str = "") -> bytes:
    """A Lloyds-layout statement; each line's running balance is distinct, so each line is new."""
    rows = ["Transaction Date,Transaction Type,Sort Code,Account Number,"
            "Transaction Description,Debit Amount,Credit Amount,Balance,"]
    offset = sum(map(ord, account_salt)) * 1_000
    for i in range(count):
        debit, credit = (f"{i % 500}.{i % 100:02d}", "") if i % 3 else ("", '"1,000.00"')
        rows.append(f"{1 + i % 28:02d}/{1 + i % 12:02d}/2025,DEB,'30-91-74,12345678,"
                    f"SHOP {i % 97} CD 1417,{debit},{credit},{offset + i}.00")
    return ("\n".join(rows) + "\n").encode()


def timed(work: Callable[[], object]) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def csv_floor(data: bytes) -> float:
    return timed(lambda: sum(1 for _ in csv.reader(io.StringIO(data.decode()))))


def main() -> None:
    ofx_times: dict[int, float] = {}
    with tempfile.TemporaryDirectory() as folder:
        for count in SIZES:
            floor = csv_floor(make_csv(count))
            for kind, maker in (("ofx-v1", make_ofx), ("csv-lloyds", make_csv)):
                path = Path(folder) / f"{kind}-{count}"
                path.write_bytes(maker(count))
                data = path.read_bytes()
                seconds = timed(lambda d=data: parse_statement(d, limits=BIG))
                if kind.startswith("ofx"):
                    ofx_times[count] = seconds
                print(f"{kind:11s} {count:>7,d} lines  {len(data) / 1e6:6.1f} MB  "
                      f"{seconds:7.2f} s  {count / seconds:>9,.0f} lines/s  "
                      f"{seconds / floor:6.1f}x the csv.reader floor ({floor:.3f} s)")
    ratio = ofx_times[SIZES[1]] / ofx_times[SIZES[0]]
    print(f"OFX {SIZES[1]:,}/{SIZES[0]:,} time ratio: {ratio:.1f} (linear is about "
          f"{SIZES[1] / SIZES[0]:.0f}; the target is at most 12)")


def _fresh_account(engine: Any) -> tuple[int, int]:
    from sqlalchemy.orm import Session

    from service.core.migrate import upgrade
    from service.models import Account, Recipient
    from service.onboarding.service import ensure_council

    with engine.begin() as conn:
        upgrade(conn)
    with Session(engine) as session, session.begin():
        council = ensure_council(session, "bench", "Bench Council")
        person = Recipient(council_id=council.id, reference="R1", name="Bench Person")
        session.add(person)
        session.flush()
        account = Account(council_id=council.id, recipient_id=person.id, reference="A1", kind="bank")
        session.add(account)
        session.flush()
        return account.id, council.id


def _upload_seconds(engine: Any, data: bytes, account_id: int, council_id: int) -> float:
    from sqlalchemy.orm import Session

    from service.ingest.statements import import_statement
    from service.models import Account
    from service.onboarding.service import system_ctx

    started = time.perf_counter()
    with Session(engine, expire_on_commit=False) as session, session.begin():
        account = session.get(Account, account_id)
        result, _new = import_statement(system_ctx(session, council_id), account, data, "bench.csv",
                                        limits=BIG)
    seconds = time.perf_counter() - started
    assert result.rows.new == result.rows.total, result.rows
    return seconds


def _floor_seconds(engine: Any, data: bytes) -> float:
    """Load the same rows raw: no checks, no keys, no classification."""
    lines = parse_statement(data, limits=BIG).lines
    rows = [(1, line.date, int(line.amount * 100), line.description,
             None if line.balance is None else int(line.balance * 100)) for line in lines]
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute("DROP TABLE IF EXISTS floor_rows")
        cursor.execute("CREATE TEMP TABLE floor_rows (account_id int, posted_on date, amount bigint, "
                       "description text, balance bigint)")
        started = time.perf_counter()
        if engine.dialect.name == "postgresql":
            with cursor.copy("COPY floor_rows FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            cursor.executemany("INSERT INTO floor_rows VALUES (?, ?, ?, ?, ?)",
                               [(a, d.isoformat(), m, t, b) for a, d, m, t, b in rows])
        raw.commit()
        return time.perf_counter() - started
    finally:
        raw.close()


def end_to_end() -> None:
    for name, engine, drop in scratch_engines("dpaudit_bench"):
        try:
            account_id, council_id = _fresh_account(engine)
            for count in SIZES:
                data = make_csv(count, account_salt=f"{name}{count}")
                floor = _floor_seconds(engine, data)
                seconds = _upload_seconds(engine, data, account_id, council_id)
                label = "COPY" if name == "postgresql" else "executemany"
                print(f"upload {name:10s} {count:>7,d} lines  {seconds:7.2f} s  "
                      f"{count / seconds:>9,.0f} lines/s  {seconds / floor:6.1f}x the raw {label} "
                      f"floor ({floor:.3f} s)")
        finally:
            drop()


if __name__ == "__main__":
    main()
    if "--parse-only" not in sys.argv:
        end_to_end()
