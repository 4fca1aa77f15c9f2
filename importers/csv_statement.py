"""Bank CSV exports: find the header, pick the layout, read each row strictly."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import TypeVar, cast

from . import csv_layouts as reg
from .csv_layouts import Layout
from .dates import looks_like_date, parse_date
from .errors import BadValue, ImportFailure, LimitExceeded, UnreadableFile
from .money import PENNY, parse_money
from .records import Limits, ParsedStatement, StatementLine
from .text import decode

HEADER_SEARCH_ROWS = 40  # preamble rows a bank may put above the header
_SPACES = re.compile(r"\s+")
_SPLIT_TAIL = re.compile(r"\d{3}(?:\.\d{1,2})?")
_T = TypeVar("_T")
_MONEY_LIKE = re.compile(r"^[\s'\"]*[-+(]?\s*£?\s*[-+]?£?\d[\d,]*(\.\d+)?\)?-?$")


@dataclass(frozen=True)
class Row:
    line: int
    cells: tuple[str, ...]


Picker = Callable[[Row, "str | None"], str]


def norm(cell: str) -> str:
    return _SPACES.sub(" ", cell.replace("\ufeff", "").strip().strip("'\"").strip()).lower()


def clean_text(cell: str) -> str:
    text = cell.strip()
    if text.startswith("'"):  # an "Excel text" guard (Lloyds sort codes, NatWest names)
        text = text[1:]
    return _SPACES.sub(" ", text).strip()


class _Source:
    """The CSV reader with its row count and line position, read first for the header
    search and then, from where that stopped, by the body reader."""

    def __init__(self, text: str, limits: Limits, delimiter: str) -> None:
        self.reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        self.limits = limits
        self.count = 0
        self.end = 0

    def head(self, size: int) -> list[Row]:
        rows: list[Row] = []
        reader, limits = self.reader, self.limits
        try:
            for cells in reader:
                self.count += 1
                if self.count > limits.max_rows + HEADER_SEARCH_ROWS:
                    raise LimitExceeded(f"the file has more than {limits.max_rows:,} rows",
                                        line=reader.line_num)
                start, self.end = self.end + 1, reader.line_num
                _check_cells(cells, limits, start)
                rows.append(Row(start, tuple(cells)))
                if len(rows) >= size:
                    break
        except csv.Error as exc:
            raise UnreadableFile(f"the CSV is malformed ({exc})", line=reader.line_num) from None
        return rows


def _check_cells(cells: list[str], limits: Limits, line: int) -> None:
    if len(cells) > limits.max_columns:
        raise LimitExceeded(f"the row has {len(cells)} columns; at most "
                            f"{limits.max_columns} allowed", line=line)
    for cell in cells:
        if len(cell) > limits.max_cell_chars:
            raise LimitExceeded(f"a cell is {len(cell):,} characters long; at most "
                                f"{limits.max_cell_chars:,} allowed", line=line)


def guess_delimiter(text: str) -> str:
    sample = text[:8192]
    counts = {d: sample.count(d) for d in (",", ";", "\t", "|")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def parse_csv_statement(
    data: bytes,
    *,
    layout: str | None = None,
    mapping: dict[str, object] | None = None,
    limits: Limits,
) -> ParsedStatement:
    text, encoding = decode(data)
    delimiter = str((mapping or {}).get("delimiter") or guess_delimiter(text))
    source = _Source(text, limits, delimiter)
    head = source.head(HEADER_SEARCH_ROWS)
    chosen, header_at, columns = _choose_layout(head, layout, mapping)
    warnings: list[str] = []
    if encoding not in ("utf-8", "utf-8-sig"):
        warnings.append(f"the file was read as {encoding} text")
    preamble = _read_preamble(head[:header_at] if header_at > 0 else [], warnings)
    balances = _Balances()
    lines = _read_body(source, head[header_at + 1:] if header_at >= 0 else head, chosen,
                       columns, warnings, head[header_at] if header_at >= 0 else None,
                       balances)
    if not lines:
        raise UnreadableFile(f"no transactions found in this {chosen.name} CSV")
    accounts = tuple(dict.fromkeys(
        [*preamble.accounts, *(ln.account for ln in lines if ln.account)]))
    dates = [ln.date for ln in lines]
    closing, closing_date = balances.closing, balances.closing_date
    if closing is None:
        closing = preamble.closing
    if closing is None and preamble.balance is not None \
            and all(ln.balance is None for ln in lines):
        closing = preamble.balance  # the balance when exported: no running balance to prefer
    declared = preamble.period
    return ParsedStatement(
        format=f"csv:{chosen.name}", lines=lines,
        opening_balance=balances.opening if balances.opening is not None else preamble.opening,
        closing_balance=closing, closing_balance_date=closing_date,
        period_start=declared[0] if declared else min(dates),
        period_end=declared[1] if declared else max(dates),
        period_evidence="statement" if declared else "lines",
        accounts=accounts, warnings=tuple(warnings),
    )


# --- what the rows above the header say ------------------------------------------------

_ACCOUNT_LABELS = ("account number", "account no", "account no.", "card number",
                   "account name", "account")
_BALANCE_LABELS = ("account balance", "balance", "current balance", "ledger balance")
OPENING_PHRASES = frozenset({"opening balance", "balance brought forward"})
CLOSING_PHRASES = frozenset({"closing balance", "balance carried forward"})


@dataclass
class _Preamble:
    accounts: tuple[str, ...] = ()
    balance: Decimal | None = None  # "Account Balance:": the balance on the day of export
    opening: Decimal | None = None
    closing: Decimal | None = None
    period: tuple[dt.date, dt.date] | None = None


def _read_preamble(rows: list[Row], warnings: list[str]) -> _Preamble:
    """Key/value rows above the header: Nationwide's ``"Account Name:","FlexDirect
    ****45678"`` and ``"Account Balance:","£1,234.56"``, midata's ``"Account Number:"``,
    a "Statement period: 01/04/2026 to 30/04/2026" line. "Available Balance" (which
    counts an overdraft) is not a balance of the account and is not read."""
    from .period import declared_in_text

    found = _Preamble()
    named: dict[str, str] = {}
    for row in rows:
        cells = [c.strip() for c in row.cells if c.strip()]
        if not cells:
            continue
        if found.period is None:
            found.period = declared_in_text(" ".join(cells))
        label, value = cells[0], " ".join(cells[1:2])
        if len(cells) == 1 and ":" in label:
            label, _, value = label.partition(":")
        label = norm(label).rstrip(":").strip()
        value = clean_text(value)
        if not value:
            continue
        if label in _ACCOUNT_LABELS:
            named.setdefault(label, value)
            continue
        money = (OPENING_PHRASES, CLOSING_PHRASES, _BALANCE_LABELS)
        if not any(label in group for group in money):
            continue
        try:
            amount = parse_money(value, line=row.line, field=label)
        except ImportFailure as exc:
            warnings.append(f"{exc}; it was not used")
            continue
        if label in OPENING_PHRASES:
            found.opening = amount
        elif label in CLOSING_PHRASES:
            found.closing = amount
        else:
            found.balance = amount
    # Only a value with digits identifies an account ("FlexDirect ****45678"); a bare name
    # ("Mega_Money") cannot be compared with an account's last four digits.
    account = next((named[k] for k in _ACCOUNT_LABELS
                    if k in named and any(ch.isdigit() for ch in named[k])), None)
    found.accounts = (account,) if account else ()
    return found


@dataclass
class _Balances:
    """Balances stated by pseudo-rows in the body ("Opening Balance", amount 0.00)."""

    opening: Decimal | None = None
    closing: Decimal | None = None
    closing_date: dt.date | None = None


# --- choosing the layout -------------------------------------------------------------

def _choose_layout(
    head: list[Row], name: str | None, mapping: dict[str, object] | None
) -> tuple[Layout, int, dict[str, int]]:
    if mapping:
        chosen = _layout_from_mapping(mapping)
        return _locate(head, chosen, forced=True)
    if name:
        if name not in reg.BY_NAME:
            known = ", ".join(sorted(reg.BY_NAME))
            raise UnreadableFile(f"unknown CSV layout {name!r}; known layouts: {known}")
        return _locate(head, reg.BY_NAME[name], forced=True)
    for index, row in enumerate(head):
        found = _match_declared(row)
        if found:
            return found, index, _columns(row)
    for index, row in enumerate(head):
        generic = _generic_layout(row)
        if generic:
            return generic, index, _columns(row)
    headerless = _match_headerless(head)
    if headerless:
        return headerless, -1, {}
    raise UnreadableFile(
        "could not find a header row with a date and an amount column; "
        "name the columns with an explicit mapping"
    )


def _locate(head: list[Row], chosen: Layout, forced: bool) -> tuple[Layout, int, dict[str, int]]:
    if chosen.headerless:
        return chosen, -1, {}
    wanted = {c for c in _used_columns(chosen) if not c.isdigit()}
    for index, row in enumerate(head):
        names = {norm(c) for c in row.cells}
        if wanted <= names:
            return chosen, index, _columns(row)
    missing = ", ".join(sorted(wanted))
    raise UnreadableFile(f"no header row naming the columns {missing} was found")


def _used_columns(layout: Layout) -> list[str]:
    named = [layout.date, *layout.description, layout.amount, layout.paid_out, layout.paid_in]
    return [c for c in named if c]


def _columns(row: Row) -> dict[str, int]:
    columns: dict[str, int] = {}
    for index, cell in enumerate(row.cells):
        columns.setdefault(norm(cell), index)
    return columns


def _match_declared(row: Row) -> Layout | None:
    names = {norm(c) for c in row.cells}
    matches = [lay for lay in reg.LAYOUTS if lay.signature and set(lay.signature) <= names]
    return max(matches, key=lambda lay: len(lay.signature), default=None)


def _first(names: dict[str, int], options: tuple[str, ...]) -> str | None:
    return next((o for o in options if o in names), None)


def _generic_layout(row: Row) -> Layout | None:
    names = _columns(row)
    date = _first(names, reg.GENERIC_DATE)
    amount = _first(names, reg.GENERIC_AMOUNT)
    out, into = _first(names, reg.GENERIC_OUT), _first(names, reg.GENERIC_IN)
    if not date or not (amount or (out and into)):
        return None
    description = tuple(o for o in reg.GENERIC_DESCRIPTION if o in names)[:2]
    return Layout(
        "generic", (), date=date, description=description,
        amount=amount if not (out and into) else None,
        paid_out=out if out and into else None, paid_in=into if out and into else None,
        balance=_first(names, reg.GENERIC_BALANCE),
    )


def _match_headerless(head: list[Row]) -> Layout | None:
    data = [r for r in head if any(c.strip() for c in r.cells)]
    if not data:
        return None
    for lay in (x for x in reg.LAYOUTS if x.headerless):
        if all(_fits_headerless(r, lay) for r in data[:10]):
            return lay
    return None


def _fits_headerless(row: Row, layout: Layout) -> bool:
    if len(row.cells) != layout.headerless or not looks_like_date(row.cells[0]):
        return False
    money = [c for c in (layout.amount, layout.paid_out, layout.paid_in) if c]
    values = [row.cells[int(c) - 1].strip() for c in money]
    return any(values) and all(not v or _MONEY_LIKE.match(v) for v in values)


def _layout_from_mapping(mapping: dict[str, object]) -> Layout:
    def one(key: str) -> str | None:
        value = mapping.get(key)
        return norm(str(value)) if value else None

    description = mapping.get("description") or ()
    if isinstance(description, str):
        description = (description,)
    date = one("date")
    if not date or not (one("amount") or one("paid_out") or one("paid_in")):
        raise UnreadableFile("a column mapping needs 'date' and 'amount' (or 'paid_out' "
                             "and 'paid_in')")
    base = Layout("mapped", (), date=date,
                  description=tuple(norm(str(d)) for d in cast(Iterable[object], description)))
    return replace(
        base, amount=one("amount"), paid_out=one("paid_out"), paid_in=one("paid_in"),
        balance=one("balance"), reference=one("reference"), account=one("account"),
        mcc=one("mcc"), spend_positive=bool(mapping.get("spend_positive")),
    )


# --- reading rows ---------------------------------------------------------------------

def _read_body(
    source: _Source, first: list[Row], layout: Layout, columns: dict[str, int],
    warnings: list[str], header: Row | None, balances: _Balances,
) -> tuple[StatementLine, ...]:
    pick = _picker(layout, columns)
    header_cells = tuple(norm(c) for c in header.cells) if header else None
    width = len(header.cells) if header else layout.headerless

    def read(row: Row) -> StatementLine | None:
        """One row, every rule applied in order: the reference for the fast path below."""
        if not any(c.strip() for c in row.cells):
            return None
        if header_cells and tuple(norm(c) for c in row.cells) == header_cells:
            return None  # a repeated header (NatWest puts one per account)
        if _balance_row(row, layout, pick, warnings, balances):
            return None
        return _read_row(row, layout, pick, warnings, width)

    lines = [line for line in map(read, first) if line is not None]
    fast = _fast_reader(layout, columns, header_cells, width)
    reader, limits = source.reader, source.limits
    max_count = limits.max_rows + HEADER_SEARCH_ROWS
    max_columns, max_chars = limits.max_columns, limits.max_cell_chars
    count, end = source.count, source.end
    append = lines.append
    try:
        for cells in reader:
            count += 1
            if count > max_count:
                raise LimitExceeded(f"the file has more than {limits.max_rows:,} rows",
                                    line=reader.line_num)
            start, end = end + 1, reader.line_num
            if len(cells) > max_columns or (cells and max(map(len, cells)) > max_chars):
                _check_cells(cells, limits, start)
            try:
                append(fast(cells, start))
            except _Declined:
                line = read(Row(start, tuple(cells)))
                if line is not None:
                    append(line)
    except csv.Error as exc:
        raise UnreadableFile(f"the CSV is malformed ({exc})", line=reader.line_num) from None
    return tuple(lines)


class _Declined(Exception):
    """The fast path is not sure about this row; the full rules read it instead."""


_NOWHERE = 1 << 62  # the index of an absent column: never inside a row, so always ""
_PLAIN_MONEY = re.compile(r"-?[0-9]{1,9}(?:\.[0-9]{1,2})?")  # below MAX_ABS by construction
_CACHE_SIZE = 4096


def _fast_reader(layout: Layout, columns: dict[str, int], header_cells: tuple[str, ...] | None,
                 width: int) -> Callable[[list[str], int], StatementLine]:
    """A row reader built once per layout: column indexes resolved up front, dates and
    amounts memoised per distinct cell text. It returns exactly what ``_read_row`` would,
    and declines any row it is not sure about (blank, a repeated header, skipped, a bad or
    unusual value, extra fields), which the full rules then read."""

    def decline_all(cells: list[str], line: int) -> StatementLine:
        raise _Declined

    def at(column: str | None) -> int:
        if not column:
            return _NOWHERE
        found = columns.get(column)
        if found is None and column.isdigit():
            found = int(column) - 1
        if found is None:
            return _NOWHERE
        if found < 0:
            raise ValueError(column)
        return found

    try:
        date_at, amount_at, out_at, in_at, balance_at, fee_at, reference_at, account_at, \
            mcc_at = map(at, (layout.date, layout.amount, layout.paid_out, layout.paid_in,
                              layout.balance, layout.fee, layout.reference, layout.account,
                              layout.mcc))
        described = tuple(map(at, layout.description))
        flag_at = at(layout.credit_flag[0] if layout.credit_flag else None)
        skip_at = at(layout.skip_when[0] if layout.skip_when else None)
    except ValueError:  # an odd mapped column name: the full rules report it
        return decline_all
    if date_at == _NOWHERE:
        return decline_all
    signed_layout, spend_positive = bool(layout.amount), layout.spend_positive
    flag_words = layout.credit_flag[1] if layout.credit_flag else None
    skip_words = layout.skip_when[1] if layout.skip_when else None
    has_fee = bool(layout.fee)
    header_date = header_cells[date_at] if header_cells and date_at < len(header_cells) else None
    dates: dict[str, dt.date] = {}
    signed: dict[str, Decimal] = {}  # parse_money(cell)
    optional: dict[str, Decimal] = {}  # _optional_money(cell), when it is not None
    zero, nothing, penny = Decimal("0.00"), Decimal("0"), PENNY
    plain = _PLAIN_MONEY.fullmatch
    new_line = StatementLine

    def remember(cache: dict[str, _T], text: str, value: _T) -> None:
        if len(cache) >= _CACHE_SIZE:
            cache.clear()
        cache[text] = value

    def day(text: str) -> dt.date:
        value = text.strip().strip("'").strip()
        if not value or not looks_like_date(value) or norm(text) == header_date:
            raise _Declined  # no date (the row is skipped or refused) or a repeated header
        try:
            found = parse_date(value)
        except ImportFailure:
            raise _Declined from None
        remember(dates, text, found)
        return found

    def money(text: str) -> Decimal:
        if plain(text):
            return Decimal(text).quantize(penny)
        try:
            return parse_money(text)
        except ImportFailure:
            raise _Declined from None

    def signed_money(text: str) -> Decimal:
        if not text.strip():
            raise _Declined
        value = signed.get(text)
        if value is None:
            value = money(text)
            remember(signed, text, value)
        return value

    def optional_money(text: str) -> Decimal | None:
        value = optional.get(text)
        if value is None:
            stripped = text.strip()
            if not stripped:
                return None
            value = money(stripped)
            remember(optional, text, value)
        return value

    def clean(text: str) -> str:
        if text.isprintable() and text[:1] not in (" ", "'") and text[-1:] != " " \
                and "  " not in text:
            return text  # clean_text would return it unchanged
        return clean_text(text)

    def row(cells: list[str], line: int) -> StatementLine:
        size = len(cells)
        if date_at >= size or (width and size > width and "".join(cells[width:]).strip()):
            raise _Declined  # no date cell, or fields beyond the header's that hold something
        date = dates.get(cells[date_at]) or day(cells[date_at])
        if skip_words is not None:
            state = cells[skip_at] if skip_at < size else ""
            if state.strip().lower() in skip_words:
                raise _Declined
        value: Decimal
        if signed_layout:
            value = signed_money(cells[amount_at] if amount_at < size else "")
            if flag_words is not None:
                flag = cells[flag_at] if flag_at < size else ""
                value = abs(value) if flag.strip().lower() in flag_words else -abs(value)
            elif spend_positive:
                value = -value
        else:
            out = optional_money(cells[out_at] if out_at < size else "")
            into = optional_money(cells[in_at] if in_at < size else "")
            if (out is None and into is None) or (out and into):
                raise _Declined
            value = into if into else -abs(out or zero)
        if has_fee:
            value -= optional_money(cells[fee_at] if fee_at < size else "") or nothing
        if not value:
            raise _Declined  # maybe an "Opening Balance" row: the full rules decide
        balance = None
        if balance_at < size:
            text = cells[balance_at]
            balance = Decimal(text).quantize(penny) if plain(text) else optional_money(text)
        if len(described) == 1:
            description = clean(cells[described[0]]) if described[0] < size else ""
        else:
            description = " / ".join(dict.fromkeys(
                t for t in (clean(cells[i]) if i < size else "" for i in described) if t))
        return new_line(
            date, value, description,
            clean(cells[reference_at]).strip("'") or None if reference_at < size else None,
            balance,
            clean(cells[account_at]) or None if account_at < size else None,
            clean(cells[mcc_at]) or None if mcc_at < size else None,
            line,
        )

    return row


def _picker(layout: Layout, columns: dict[str, int]) -> Picker:
    def pick(row: Row, column: str | None) -> str:
        if not column:
            return ""
        index = columns.get(column)
        if index is None and column.isdigit():
            index = int(column) - 1
        if index is None or index >= len(row.cells):
            return ""
        return row.cells[index]

    return pick


def _read_row(
    row: Row, layout: Layout, pick: Picker, warnings: list[str], width: int
) -> StatementLine | None:
    date_text = pick(row, layout.date).strip().strip("'").strip()
    money_cells = [pick(row, c).strip() for c in (layout.amount, layout.paid_out, layout.paid_in)]
    if not date_text or not any(money_cells) or not looks_like_date(date_text):
        if date_text and any(money_cells) and _date_ish(date_text):
            parse_date(date_text, line=row.line)  # raises the precise BadValue
        warnings.append(f"line {row.line} skipped: no transaction date and amount "
                        f"({_preview(row)})")
        return None
    if layout.skip_when and pick(row, layout.skip_when[0]).strip().lower() in layout.skip_when[1]:
        warnings.append(f"line {row.line} skipped: {pick(row, layout.skip_when[0]).strip()} "
                        "transaction, not settled")
        return None
    if width and len(row.cells) > width and any(c.strip() for c in row.cells[width:]):
        _refuse_split_amount(row, layout, pick)
        warnings.append(f"line {row.line} has more fields than the header; extra ignored")
    return StatementLine(
        date=parse_date(date_text, line=row.line),
        amount=_amount(row, layout, pick),
        description=" / ".join(dict.fromkeys(
            t for t in (clean_text(pick(row, c)) for c in layout.description) if t)),
        reference=clean_text(pick(row, layout.reference)).strip("'") or None,
        balance=_optional_money(pick(row, layout.balance), row.line, "balance"),
        account=clean_text(pick(row, layout.account)) or None,
        mcc=clean_text(pick(row, layout.mcc)) or None,
        line=row.line,
    )


def _balance_row(row: Row, layout: Layout, pick: Picker, warnings: list[str],
                 balances: _Balances) -> bool:
    """A pseudo-row that states a balance rather than moving money: its description is
    exactly "Opening balance", "Balance brought forward", "Closing balance" or "Balance
    carried forward" and its amount is zero or empty. It sets the statement's opening
    or closing balance (from its balance cell) and is not a line."""
    description = norm(" ".join(clean_text(pick(row, c)) for c in layout.description))
    opening = description in OPENING_PHRASES
    if not opening and description not in CLOSING_PHRASES:
        return False
    for column in (layout.amount, layout.paid_out, layout.paid_in):
        text = pick(row, column).strip()
        try:
            if text and parse_money(text):
                return False  # money moved: an ordinary line
        except ImportFailure:
            return False  # the ordinary rules report the bad amount
    balance = _optional_money(pick(row, layout.balance), row.line, layout.balance)
    if balance is None:
        warnings.append(f"line {row.line} skipped: {description!r} row without a balance")
        return True
    if opening:
        if balances.opening is None:
            balances.opening = balance
        elif balances.opening != balance:
            warnings.append(f"line {row.line}: a second opening balance ({balance}) was not "
                            f"used; the first ({balances.opening}) was")
        return True
    date_text = pick(row, layout.date).strip().strip("'").strip()
    balances.closing = balance
    balances.closing_date = parse_date(date_text, line=row.line) \
        if looks_like_date(date_text) else None
    return True


def _refuse_split_amount(row: Row, layout: Layout, pick: Picker) -> None:
    """An unquoted "£1,000.00" becomes two cells, "£1" and "000.00": never read it as £1."""
    for column in (layout.amount, layout.paid_out, layout.paid_in, layout.balance):
        cell = pick(row, column).strip()
        if not cell:
            continue
        at = row.cells.index(pick(row, column))
        follower = row.cells[at + 1].strip() if at + 1 < len(row.cells) else ""
        if _SPLIT_TAIL.fullmatch(follower):
            raise BadValue(f"the amount {cell!r} looks cut by an unquoted comma "
                           f"before {follower!r}", line=row.line, field=column)


def _date_ish(text: str) -> bool:
    return any(ch.isdigit() for ch in text) and len(text) <= 40


def _amount(row: Row, layout: Layout, pick: Picker) -> Decimal:
    if layout.amount:
        value = parse_money(pick(row, layout.amount), line=row.line, field=layout.amount)
        if layout.credit_flag:
            flag = pick(row, layout.credit_flag[0]).strip().lower()
            value = abs(value) if flag in layout.credit_flag[1] else -abs(value)
        elif layout.spend_positive:
            value = -value
    else:
        out = _optional_money(pick(row, layout.paid_out), row.line, layout.paid_out)
        into = _optional_money(pick(row, layout.paid_in), row.line, layout.paid_in)
        if out and into:
            raise BadValue("both money-in and money-out are filled", line=row.line)
        value = into if into else -abs(out or Decimal("0.00"))
    if layout.fee:
        value -= _optional_money(pick(row, layout.fee), row.line, layout.fee) or Decimal("0")
    return value


def _optional_money(text: str, line: int, field: str | None) -> Decimal | None:
    text = text.strip()
    if not text:
        return None
    return parse_money(text, line=line, field=field)


def _preview(row: Row) -> str:
    joined = ",".join(c.strip() for c in row.cells if c.strip())
    return joined if len(joined) <= 60 else joined[:57] + "..."


__all__ = ["ImportFailure", "parse_csv_statement"]
