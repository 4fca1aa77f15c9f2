"""Santander UK's "Text file (TXT)" export: four labelled lines per transaction."""

from __future__ import annotations

import re

from .dates import parse_date
from .errors import ImportFailure, UnreadableFile
from .money import parse_money
from .records import Limits, ParsedStatement, StatementLine
from .text import decode

_LABEL = re.compile(r"^\s*(From|Account|Date|Description|Amount|Balance)\s*:\s*(.*?)\s*$", re.I)


def looks_like_santander_txt(data: bytes) -> bool:
    head = data[:600].lstrip(b"\xef\xbb\xbf \r\n\t")
    return head.startswith(b"From:") and b"Date:" in data[:2000] and b"Amount:" in data[:2000]


def parse_santander_txt(data: bytes, *, limits: Limits) -> ParsedStatement:
    text, _ = decode(data)
    account: str | None = None
    current: dict[str, str] = {}
    start = 0
    lines: list[StatementLine] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        match = _LABEL.match(raw.replace("\xa0", " "))
        if not match:
            continue
        label, value = match.group(1).lower(), match.group(2).strip()
        if label == "account":
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
                           period_start=min(x.date for x in lines),
                           period_end=max(x.date for x in lines),
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
