"""OFX and QFX (v1 SGML and v2 XML) bank and card statements.

Our own linear reader (``ofx_tree``) normalises the file: charset, headers, unclosed
and self-closing tags, field lengths, amounts, and the posting date taken from the raw
DTPOSTED text (ofxparse converts to UTC, which moves a BST midnight to the day before).
Transactions, and the statement envelope (sign-on status, the declared period in
DTSTART/DTEND, the ledger balance as of DTASOF), come from that reader for v1 and v2
alike.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from decimal import Decimal
from typing import cast

from .dates import parse_date
from .errors import BadValue, ImportFailure, UnreadableFile
from .money import parse_money
from .ofx_tree import Node, build_tree, require_ofx
from .records import Limits, ParsedStatement, StatementLine

_HEADER_PAIR = re.compile(rb"([A-Za-z]+)\s*:\s*([^\s<]*)")
_XML_ENCODING = re.compile(rb"<\?xml[^>]*encoding\s*=\s*[\"']([A-Za-z0-9_\-]+)", re.I)
_CHARSETS = {"1252": "cp1252", "8859-1": "latin-1", "ISO-8859-1": "latin-1",
             "NONE": None, "UTF-8": "utf-8", "UNICODE": "utf-8", "USASCII": None,
             "WINDOWS-1252": "cp1252", "CSUNICODE": "utf-8"}
STATEMENTS = frozenset({"STMTRS", "CCSTMTRS", "INVSTMTRS"})
TRANSACTIONS = frozenset({"STMTTRN"})
_DATE8 = re.compile(r"\s*(\d{8})")


def looks_like_ofx(head: bytes) -> bool:
    upper = head[:4096].upper()
    return b"OFXHEADER" in upper or b"<OFX>" in upper or b"<?OFX" in upper


def parse_ofx(data: bytes, *, limits: Limits) -> ParsedStatement:
    text, warnings = _decode(data)
    body_at, first_line = _body_start(text)
    root = build_tree(text[body_at:], first_line, limits)
    ofx = require_ofx(root)
    lines: list[StatementLine] = []
    accounts: list[str] = []
    for statement in ofx.iter(STATEMENTS):
        account = _account_id(statement)
        if account and account not in accounts:
            accounts.append(account)
        lines.extend(_transactions(statement, account, warnings))
        if len(lines) > limits.max_rows:
            raise ImportFailure(f"the file has more than {limits.max_rows:,} transactions")
    envelope = _envelope(ofx, warnings)
    if not lines and envelope.get("error"):
        raise UnreadableFile(f"the bank's file reports an error: {envelope['error']}")
    if not lines and not list(ofx.iter(STATEMENTS)):
        raise UnreadableFile("the OFX file holds no bank or card statement")
    declared = "start" in envelope and "end" in envelope
    return ParsedStatement(
        format="ofx", lines=tuple(lines),
        closing_balance=cast("Decimal | None", envelope.get("balance")),
        closing_balance_date=cast("dt.date | None", envelope.get("balance_date")),
        period_start=cast("dt.date | None", envelope.get("start"))
        or (min(x.date for x in lines) if lines else None),
        period_end=cast("dt.date | None", envelope.get("end"))
        or (max(x.date for x in lines) if lines else None),
        period_evidence="statement" if declared else "lines",
        accounts=tuple(accounts), warnings=tuple(warnings),
    )


# --- charset and header ------------------------------------------------------------

def _declared(data: bytes) -> str | None:
    first_tag = data.find(b"<")
    head = data[: first_tag if first_tag >= 0 else 2048][:4096]
    pairs = {k.upper(): v.upper() for k, v in _HEADER_PAIR.findall(head)}
    xml = _XML_ENCODING.search(data[:1024])
    if xml:
        return xml.group(1).decode("ascii").lower()
    charset = pairs.get(b"CHARSET", b"").decode("ascii", "replace")
    encoding = pairs.get(b"ENCODING", b"").decode("ascii", "replace")
    if encoding in ("UTF-8", "UNICODE"):
        return "utf-8"
    return _CHARSETS.get(charset, "cp1252" if charset.isdigit() else None)


def _decode(data: bytes) -> tuple[str, list[str]]:
    """Decode strictly. A body that is valid UTF-8 is UTF-8 whatever the header claims
    (banks declare CHARSET:1252 and send UTF-8); otherwise the declared charset, then
    Windows-1252, then Latin-1. Never errors="replace"."""
    warnings: list[str] = []
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    declared = _declared(data)
    candidates = ["utf-8", declared, "cp1252", "latin-1"]
    for encoding in dict.fromkeys(c for c in candidates if c):
        try:
            text = data.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
        if declared and encoding != declared and not data.isascii():
            warnings.append(f"the file declares {declared} but was read as {encoding}")
        return text, warnings
    raise UnreadableFile("the file's text encoding could not be recognised")  # pragma: no cover


def _body_start(text: str) -> tuple[int, int]:
    """Where the OFX body starts (the <OFX> tag), and its 1-based line number."""
    match = re.search(r"<OFX[\s>]", text[:65536], re.IGNORECASE)
    if match is None:
        match = re.search(r"<OFX[\s>]", text, re.IGNORECASE)
    if match is None:
        raise UnreadableFile("no <OFX> element found: this is not an OFX statement")
    return match.start(), text.count("\n", 0, match.start()) + 1


# --- transactions ------------------------------------------------------------------

def _account_id(statement: Node) -> str | None:
    for path in (("BANKACCTFROM", "ACCTID"), ("CCACCTFROM", "ACCTID"), ("INVACCTFROM", "ACCTID")):
        node = statement.find(*path)
        if node is not None and node.value:
            return node.value
    return None


def _transactions(
    statement: Node, account: str | None, warnings: list[str]
) -> Iterator[StatementLine]:
    for node in statement.iter(TRANSACTIONS):
        yield _transaction(node, account)
    trades = statement.find("INVTRANLIST")
    for node in trades.children if trades is not None else ():
        if node.tag not in ("INVBANKTRAN", "DTSTART", "DTEND") and node.value is None:
            line = _trade(node, account)
            if line is None:
                warnings.append(f"line {node.line}: a {node.tag} entry without a cash total "
                                "was left out")
            else:
                yield line


def _trade(node: Node, account: str | None) -> StatementLine | None:
    """An investment trade, read as its cash effect on the account (TOTAL)."""
    info = next((c for c in node.iter(frozenset({"INVTRAN"}))), None)
    total = node.text("TOTAL") or next(
        (n.value or "" for n in node.iter(frozenset({"TOTAL"}))), "")
    if info is None or not total:
        return None
    return StatementLine(
        date=ofx_date(info.text("DTTRADE"), node.line, "DTTRADE"),
        amount=parse_money(total, line=node.line, field="TOTAL", comma_decimal=True),
        description=info.text("MEMO") or node.tag,
        reference=info.text("FITID") or None, account=account, line=node.line,
    )


def _transaction(node: Node, account: str | None) -> StatementLine:
    values: dict[str, str | None] = {}  # the first value of each tag (None: an aggregate)
    payee: Node | None = None  # the first PAYEE, when it is an aggregate
    for item in reversed(node.items):
        if isinstance(item, Node):
            values[item.tag] = None
            if item.tag == "PAYEE":
                payee = item
        else:
            values[item[0]] = item[2]
            if item[0] == "PAYEE":
                payee = None

    get = values.get
    amount_text = get("TRNAMT") or ""
    if not amount_text:
        raise BadValue("the transaction has no amount", line=node.line, field="TRNAMT")
    amount = parse_money(amount_text, line=node.line, field="TRNAMT", comma_decimal=True)
    payee_name = payee.child("NAME") if payee is not None else None
    name = (get("NAME") or (payee_name.value or "" if payee_name is not None else "")).strip()
    memo = (get("MEMO") or "").strip()
    description = f"{name} / {memo}" if name and memo and name != memo else name or memo
    return StatementLine(
        date=ofx_date(get("DTPOSTED") or get("DTUSER") or "", node.line, "DTPOSTED"),
        amount=amount,
        description=description or get("TRNTYPE") or "",
        reference=get("FITID") or None,
        account=account,
        mcc=get("MCC") or get("SIC") or None,
        line=node.line,
    )


def ofx_date(raw: str, line: int, field: str) -> dt.date:
    """The calendar date as the bank wrote it: the first 8 digits, ignoring the zone."""
    match = _DATE8.match(raw)
    if match is None:
        raise BadValue(f"{raw[:40]!r} is not an OFX date (YYYYMMDD...)", line=line, field=field)
    digits = match.group(1)
    try:  # what parse_date reads eight digits as (YYYYMMDD), without its regex search
        return dt.date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    except ValueError:
        return parse_date(digits, line=line, field=field)  # raises its precise BadValue


# --- the envelope: sign-on status, period and ledger balance ---------------------------

def _envelope(ofx: Node, warnings: list[str]) -> dict[str, object]:
    """Sign-on error, declared period and closing balance, read from the same tree for
    OFX v1 and v2. The period is declared when every statement gives DTSTART and DTEND
    (several statements: from the earliest start to the latest end); the ledger balance
    (LEDGERBAL, as of DTASOF) only when the file holds one statement."""
    result: dict[str, object] = {}
    status = ofx.find("SIGNONMSGSRSV1", "SONRS", "STATUS")
    code = status.text("CODE").strip() if status is not None else ""
    if code and code != "0":
        result["error"] = status.text("MESSAGE").strip() if status is not None else ""
        result["error"] = result["error"] or f"code {code}"
    statements = list(ofx.iter(STATEMENTS))
    periods = [_declared_period(s, warnings) for s in statements]
    if periods and all(p is not None for p in periods):
        known = [p for p in periods if p is not None]
        result["start"] = min(p[0] for p in known)
        result["end"] = max(p[1] for p in known)
    if len(statements) == 1:
        listing = statements[0].child("BANKTRANLIST")  # left unclosed, it holds the rest
        ledger = statements[0].child("LEDGERBAL") or (
            listing.child("LEDGERBAL") if listing is not None else None)
        amount = ledger.text("BALAMT").strip() if ledger is not None else ""
        if ledger is not None and amount:
            try:
                result["balance"] = parse_money(amount, line=ledger.line, field="BALAMT",
                                                comma_decimal=True)
            except ImportFailure as exc:
                warnings.append(f"the closing balance was not read ({exc})")
            else:
                when = _optional_date(ledger, "DTASOF", warnings)
                if when is not None:
                    result["balance_date"] = when
    return result


def _declared_period(statement: Node, warnings: list[str]) -> tuple[dt.date, dt.date] | None:
    listing = statement.child("BANKTRANLIST") or statement.child("INVTRANLIST")
    if listing is None:
        return None
    start = _optional_date(listing, "DTSTART", warnings)
    end = _optional_date(listing, "DTEND", warnings)
    return (start, end) if start is not None and end is not None else None


def _optional_date(node: Node, tag: str, warnings: list[str]) -> dt.date | None:
    found = node.child(tag)
    raw = (found.value or "").strip() if found is not None else ""
    if found is None or not raw:
        return None
    try:
        return ofx_date(raw, found.line, tag)
    except ImportFailure as exc:
        warnings.append(f"{exc}; it was not used")
        return None
