"""QIF, with UK day-first dates (Santander UK, Lloyds and most UK software)."""

from __future__ import annotations

from .dates import parse_date
from .errors import BadValue, ImportFailure, UnreadableFile
from .money import parse_money
from .records import Limits, ParsedStatement, StatementLine
from .text import decode


def looks_like_qif(data: bytes, filename: str | None) -> bool:
    head = data[:512].lstrip(b"\xef\xbb\xbf \r\n\t").upper()
    if head.startswith((b"!TYPE", b"!ACCOUNT", b"!OPTION", b"!CLEAR")):
        return True
    return bool(filename and filename.lower().endswith(".qif"))


def parse_qif(data: bytes, *, limits: Limits) -> ParsedStatement:
    text, _ = decode(data)
    lines: list[StatementLine] = []
    warnings: list[str] = []
    record: dict[str, str] = {}
    start = 0
    kind = ""
    for number, raw in enumerate(text.splitlines(), start=1):
        row = raw.strip()
        if len(row) > limits.max_cell_chars:
            raise ImportFailure("the line is too long", line=number)
        if not row:
            continue
        if row.startswith("!"):
            kind = row.upper()
            record, start = {}, 0
            continue
        if row == "^":
            if record and "!ACCOUNT" not in kind:
                entry = _entry(record, start, warnings)
                if entry:
                    lines.append(entry)
            record, start = {}, 0
            continue
        if "!ACCOUNT" in kind or kind.startswith(("!TYPE:CAT", "!TYPE:CLASS", "!TYPE:MEMORIZED",
                                                  "!TYPE:SECURITY", "!TYPE:PRICES")):
            continue
        start = start or number
        code, value = row[0], row[1:].strip()
        if code in record and code in "DTUPM":
            continue  # split lines repeat S/E/$, the header fields come first
        record[code] = value
        if len(lines) > limits.max_rows:
            raise ImportFailure(f"the file has more than {limits.max_rows:,} transactions")
    if record and "!ACCOUNT" not in kind and (entry := _entry(record, start, warnings)):
        lines.append(entry)
    if not lines:
        raise UnreadableFile("no transactions found in this QIF file")
    return ParsedStatement(
        format="qif", lines=tuple(lines),
        period_start=min(x.date for x in lines), period_end=max(x.date for x in lines),
        warnings=tuple(warnings),
    )


def _entry(record: dict[str, str], line: int, warnings: list[str]) -> StatementLine | None:
    if "D" not in record or not ("T" in record or "U" in record):
        warnings.append(f"line {line} skipped: a QIF record without a date or amount")
        return None
    try:
        date = parse_date(_qif_date(record["D"]), line=line)
    except BadValue:
        raise
    amount = parse_money(record.get("T") or record["U"], line=line, field="T")
    description = " / ".join(dict.fromkeys(
        v for v in (record.get("P", "").strip(), record.get("M", "").strip()) if v))
    return StatementLine(date=date, amount=amount, description=description,
                         reference=record.get("N") or None, line=line)


def _qif_date(value: str) -> str:
    # Quicken writes 31/12'19 or 31/12/2019; the apostrophe marks a 2000s year.
    value = value.strip()
    if "'" in value:
        head, _, year = value.partition("'")
        return f"{head}/{int(year.strip()):02d}" if year.strip().isdigit() else value
    return value
