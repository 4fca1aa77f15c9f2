"""Ingest benchmark (parse step only): OFX v1 and CSV statements of 10k and 100k lines.

Prints lines per second for each, the ratio to a bare ``csv.reader`` pass over a CSV
of the same size (the floor: no parser beats just reading the rows), and the OFX
100k/10k time ratio, which stays near 10 when parsing is linear (ofxparse alone is
quadratic on SGML). Inputs are generated in a temporary directory.
Run: .venv/bin/python bench/ingest.py
"""

from __future__ import annotations

import csv
import io
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

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


def make_csv(count: int) -> bytes:
    rows = ["Transaction Date,Transaction Type,Sort Code,Account Number,"
            "Transaction Description,Debit Amount,Credit Amount,Balance,"]
    for i in range(count):
        debit, credit = (f"{i % 500}.{i % 100:02d}", "") if i % 3 else ("", '"1,000.00"')
        rows.append(f"{1 + i % 28:02d}/{1 + i % 12:02d}/2025,DEB,'30-91-74,12345678,"
                    f"SHOP {i % 97} CD 1417,{debit},{credit},{i}.00")
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


if __name__ == "__main__":
    main()
