"""Santander UK's "Text file (TXT)" export: four labelled lines per transaction."""

from __future__ import annotations

import datetime as dt
import re

from .dates import parse_date
from .errors import ImportFailure, UnreadableFile
from .money import parse_money
from .period import declared_in_text
from .records import Limits, ParsedStatement, StatementLine
from .text import decode

_LABEL = re.compile(r"^\s*(From|Account|Date|Description|Amount|Balance)\s*:\s*(.*?)\s*$", re.I)


def looks_like_santander_txt(data: bytes) -> bool:
    head = data[:600].lstrip(b"\xef\xbb\xbf \r\n\t")
    return head.startswith(b"From:") and b"Date:" in data[:2000] and b"Amount:" in data[:2000]


def parse_santander_txt(data: bytes, *, limits: Limits) -> ParsedStatement:
    text, _ = decode(data)
    account: str | None = None
    period: tuple[dt.date, dt.date] | None = None  # "From: 01/03/2016 to 02/03/2016"
    current: dict[str, str] = {}
    start = 0
    lines: list[StatementLine] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        match = _LABEL.match(raw.replace("\xa0", " "))
        if not match:
            continue
        label, value = match.group(1).lower(), match.group(2).strip()
        if label == "from" and period is None:
            period = declared_in_text(f"From: {value}")
        elif label == "account":
            account = value or None
        elif label == "date":
            current, start = {"date": value}, number
        elif label in ("description", "amount", "balance") and current:
            current[label] = value
            if label == "balance":
                lines.append(_line(current, start, account))
                current = {}
        if len(lines) > limits.max_rows:
            raise ImportFailure(f"the file has more than {limits.max_rows:,} transactions")
    if not lines:
        raise UnreadableFile("no transactions found in this Santander text file")
    return ParsedStatement(format="santander-txt", lines=tuple(lines),
                           period_start=period[0] if period else min(x.date for x in lines),
                           period_end=period[1] if period else max(x.date for x in lines),
                           period_evidence="statement" if period else "lines",
                           accounts=(account,) if account else ())


def _line(fields: dict[str, str], line: int, account: str | None) -> StatementLine:
    return StatementLine(
        date=parse_date(fields["date"], line=line),
        amount=parse_money(fields.get("amount", ""), line=line, field="Amount"),
        description=" ".join(fields.get("description", "").split()),
        balance=parse_money(fields["balance"], line=line, field="Balance")
        if fields.get("balance") else None,
        account=account, line=line,
    )
