"""PA timesheets from XLSX or CSV: one entry per shift, hours less unpaid breaks.

Columns are found by their header (which may sit below notes at the top): worker,
date, start, end and/or hours, breaks (minutes), sleep-in, rate. Text dates are day
first; an end before the start runs past midnight; where an hours column and the
start/end times disagree, the hours column wins and a warning says so. A sleep-in
night is one entry with ``sleep_in=True`` whose hours are the hours column (time awake
and working) or 0.00 when there is none; its start and end are kept as written.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from .dates import looks_like_date, parse_date
from .errors import BadValue, ImportFailure, LimitExceeded, UnreadableFile
from .money import PENNY, parse_money
from .records import Limits, ParsedTimesheet, TimesheetEntry
from .text import decode

HEADER_SEARCH_ROWS = 30
COLUMNS: dict[str, tuple[str, ...]] = {
    "worker": ("worker", "name", "employee", "pa", "pa name", "carer", "staff",
               "employee name", "worker name", "personal assistant", "staff name",
               "name of pa", "pa's name", "carer name", "personal assistant name"),
    "date": ("date", "shift date", "date worked", "work date", "day/date", "date of shift"),
    "start": ("start", "start time", "time in", "from", "clock in", "started", "time started",
              "shift start"),
    "end": ("end", "end time", "finish", "finish time", "time out", "to", "clock out",
            "finished", "time finished", "shift end"),
    "hours": ("hours", "total hours", "hours worked", "paid hours", "hrs", "no. of hours",
              "number of hours", "total hrs", "hrs worked", "hours worked (decimal)"),
    "breaks": ("break", "breaks", "break (mins)", "break minutes", "unpaid break",
               "breaks (minutes)", "break mins", "unpaid break (mins)", "break (minutes)",
               "unpaid break (minutes)", "breaks (mins)", "unpaid breaks",
               "unpaid breaks (mins)"),
    "sleep_in": ("sleep-in", "sleep in", "sleepin", "sleep-in night", "sleep in night",
                 "sleep", "sleep-ins", "sleeping night", "sleep-in shift"),
    "waking_night": ("waking night", "waking nights", "waking night shift"),
    "waking_hours": ("waking hours", "hours awake", "hours awake and working",
                     "waking hours (sleep-in)"),
    "rate": ("rate", "hourly rate", "rate per hour", "pay rate", "rate (£)", "£ per hour",
             "hourly rate (£)", "rate per hour (£)", "£/hour", "£/hr"),
}
_FLAG_SUFFIX = re.compile(r"\s*\((?:y\s*/\s*n|yes\s*/\s*no|y or n|yes or no|tick)\)$")
# The label of a row that is no shift: totals, signatures and notes, wherever they sit.
_SKIP_LABEL = re.compile(
    r"^(?:(?:grand|weekly|week|monthly|month|daily|overall|period|sub)[\s-]*)?totals?\b"
    r"|^(?:(?:employer|employee|pa|worker|manager|carer|client|staff|personal assistant)"
    r"(?:'s|s')?\s+)?(?:signed|signature|sign here)\b"
    r"|^(?:notes?|comments?|print name|name \(print\)|date signed|authori[sz]ed by"
    r"|approved by|checked by|declaration)\b",
    re.IGNORECASE,
)
# A signature row carries the signer's name, often in the worker column.
_SIGNATURE_LABEL = re.compile(
    r"^(?:(?:employer|employee|pa|worker|manager|carer|client|staff|personal assistant)"
    r"(?:'s|s')?\s+)?(?:signed|signature|sign here)\b"
    r"|^(?:print name|name \(print\)|authori[sz]ed by|approved by|checked by)\b",
    re.IGNORECASE,
)
_WORK_COLUMNS = ("start", "end", "hours", "breaks", "waking_hours")
_TIME = re.compile(r"(\d{1,2})(?:[:.h](\d{2}))?(?::(\d{2}))?\s*([ap]\.?m\.?)?", re.I)
_COMPACT_TIME = re.compile(r"(\d{2})(\d{2})")
_YES = {"yes", "y", "true", "1", "x", "✓", "✔", "sleep-in", "sleep in", "waking night"}
_NO = {"", "no", "n", "false", "0"}
HOURS_TOLERANCE = Decimal("0.02")


@dataclass(frozen=True)
class Cell:
    """A value plus where it came from, so errors can name the sheet and cell."""

    value: object
    ref: str


@dataclass
class SheetRows:
    name: str | None
    rows: Iterator[tuple[int, list[Cell]]]
    epoch: dt.datetime | None = None
    formula_at: Callable[[str], bool] | None = None  # XLSX only
    merged_below: Callable[[str], bool] | None = None  # XLSX: a cell under a merge's top


# --- XLSX ------------------------------------------------------------------------------

def check_zip(data: bytes, limits: Limits) -> None:
    """Refuse zip bombs and macro workbooks before openpyxl inflates anything."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise UnreadableFile(f"this is not a readable Excel workbook ({exc})") from None
    if len(members) > limits.max_zip_members:
        raise LimitExceeded(f"the workbook has {len(members)} parts; at most "
                            f"{limits.max_zip_members} allowed")
    total = 0
    for member in members:
        name = member.filename
        if name.startswith("/") or ".." in name.split("/"):
            raise UnreadableFile(f"the workbook holds a part with an unsafe name ({name!r})")
        if name.lower().endswith("vbaproject.bin"):
            raise UnreadableFile("the workbook contains macros; save it as a plain .xlsx")
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > limits.max_member_bytes or (
            member.file_size > 1_000_000 and ratio > limits.max_compression_ratio
        ):
            raise LimitExceeded(
                f"the workbook part {name} would expand to {member.file_size:,} bytes")
        total += member.file_size
    if total > limits.max_unzipped_bytes:
        raise LimitExceeded(f"the workbook would expand to {total:,} bytes; at most "
                            f"{limits.max_unzipped_bytes:,} allowed")


def _require_defusedxml() -> None:
    from openpyxl import xml as openpyxl_xml

    if not openpyxl_xml.DEFUSEDXML:
        raise UnreadableFile("spreadsheets are refused: the XML hardening (defusedxml) "
                             "is not active on this server")


def parse_xlsx_timesheet(data: bytes, *, limits: Limits) -> ParsedTimesheet:
    check_zip(data, limits)
    _require_defusedxml()
    import openpyxl

    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    warnings: list[str] = []
    entries: list[TimesheetEntry] = []
    formulas = _FormulaLookup(data)
    try:
        for sheet in workbook.worksheets:
            if getattr(sheet, "sheet_state", "visible") != "visible":
                warnings.append(f"sheet {sheet.title!r} is hidden and was not read")
                continue
            if not hasattr(sheet, "iter_rows"):
                continue  # chart sheets hold no cells
            sheet.reset_dimensions()  # read-only mode trusts the file's (maybe wrong) size
            rows = SheetRows(sheet.title, _xlsx_rows(sheet, limits), workbook.epoch,
                             formulas.lookup(sheet.title),
                             _merged_below(data, getattr(sheet, "_worksheet_path", "")))
            entries.extend(_read_sheet(rows, warnings, limits))
    finally:
        workbook.close()
    if not entries:
        raise UnreadableFile("no timesheet rows found (need a header row naming date and "
                             "start/end or hours columns)")
    return ParsedTimesheet(format="xlsx", entries=tuple(entries), warnings=tuple(warnings))


def _xlsx_rows(sheet: object, limits: Limits) -> Iterator[tuple[int, list[Cell]]]:
    from openpyxl.utils import get_column_letter

    for number, values in enumerate(
        sheet.iter_rows(max_col=limits.max_columns, values_only=True), start=1  # type: ignore[attr-defined]
    ):
        if number > limits.max_rows:
            raise LimitExceeded(f"the sheet has more than {limits.max_rows:,} rows")
        cells = []
        for column, value in enumerate(values, start=1):
            if isinstance(value, str) and len(value) > limits.max_cell_chars:
                raise LimitExceeded("a cell is too long", line=number)
            cells.append(Cell(value, f"{get_column_letter(column)}{number}"))
        yield number, cells


_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\s[^>]*?ref="([A-Z]{1,3})([0-9]{1,7}):([A-Z]{1,3})([0-9]{1,7})"')


def _merged_below(data: bytes, path: str) -> Callable[[str], bool]:
    """Whether a cell lies in a merged range below its top row (where a merged date or
    name shows, but the file stores nothing). The sheet's merges are read on first use."""
    ranges: list[tuple[int, int, int, int]] | None = None

    def below(ref: str) -> bool:
        nonlocal ranges
        from openpyxl.utils.cell import column_index_from_string, coordinate_from_string

        if ranges is None:
            ranges = _merges(data, path.lstrip("/"))
        column, row = coordinate_from_string(ref)
        index = column_index_from_string(column)
        return any(left <= index <= right and top < row <= bottom
                   for left, top, right, bottom in ranges)

    return below


def _merges(data: bytes, path: str) -> list[tuple[int, int, int, int]]:
    from openpyxl.utils.cell import column_index_from_string

    try:
        part = zipfile.ZipFile(io.BytesIO(data)).read(path)
    except (KeyError, zipfile.BadZipFile, OSError, ValueError):
        return []
    at = part.find(b"mergeCells")
    if at < 0:
        return []
    return [(column_index_from_string(a.decode()), int(b), column_index_from_string(c.decode()),
             int(d)) for a, b, c, d in _MERGE.findall(part, at)]


class _FormulaLookup:
    """Tells whether a cell holds a formula, by reading the workbook a second time
    without cached values. Only used on the error path, so normal files pay nothing."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.cache: dict[str, dict[str, str]] = {}

    def lookup(self, title: str) -> Callable[[str], bool]:
        def is_formula(ref: str) -> bool:
            if title not in self.cache:
                self.cache[title] = self._formulas(title)
            return ref in self.cache[title]

        return is_formula

    def _formulas(self, title: str) -> dict[str, str]:
        import openpyxl

        workbook = openpyxl.load_workbook(io.BytesIO(self.data), read_only=True,
                                          data_only=False)
        try:
            sheet = workbook[title]
            sheet.reset_dimensions()
            return {cell.coordinate: cell.value for row in sheet.iter_rows() for cell in row
                    if isinstance(cell.value, str) and cell.value.startswith("=")}
        finally:
            workbook.close()


# --- CSV -------------------------------------------------------------------------------

def parse_csv_timesheet(data: bytes, *, limits: Limits) -> ParsedTimesheet:
    text, _ = decode(data)
    warnings: list[str] = []
    rows = SheetRows(None, _csv_rows(text, limits))
    entries = list(_read_sheet(rows, warnings, limits))
    if not entries:
        raise UnreadableFile("no timesheet rows found (need a header row naming date and "
                             "start/end or hours columns)")
    return ParsedTimesheet(format="csv", entries=tuple(entries), warnings=tuple(warnings))


def _csv_rows(text: str, limits: Limits) -> Iterator[tuple[int, list[Cell]]]:
    delimiter = ";" if text[:4096].count(";") > text[:4096].count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for number, values in enumerate(reader, start=1):
            if number > limits.max_rows:
                raise LimitExceeded(f"the file has more than {limits.max_rows:,} rows")
            if len(values) > limits.max_columns or any(
                len(v) > limits.max_cell_chars for v in values
            ):
                raise LimitExceeded("the row is too wide or a cell too long", line=number)
            yield reader.line_num, [Cell(v, f"column {i}") for i, v in enumerate(values, 1)]
    except csv.Error as exc:
        raise UnreadableFile(f"the CSV is malformed ({exc})", line=reader.line_num) from None


# --- rows to entries -------------------------------------------------------------------

def _norm(value: object) -> str:
    return " ".join(str(value).replace("\n", " ").split()).lower().rstrip(":") \
        if value is not None else ""


def _header_name(value: object) -> str:
    """A header cell compared with the known names: lower case, single spaces, without a
    trailing colon, question mark or "(Y/N)"."""
    return _FLAG_SUFFIX.sub("", _norm(value).rstrip("?*: ")).strip()


def _find_columns(cells: list[Cell]) -> dict[str, int] | None:
    names = [_header_name(c.value) for c in cells]
    found: dict[str, int] = {}
    for key, options in COLUMNS.items():
        for index, name in enumerate(names):
            if name in options and index not in found.values():
                found[key] = index
                break
    has_time = ("start" in found and "end" in found) or "hours" in found
    return found if "date" in found and has_time else None


def _where(sheet: SheetRows) -> str:
    return f"sheet {sheet.name!r} " if sheet.name else ""


def _check_unread(sheet: SheetRows, cells: list[Cell], columns: dict[str, int],
                  warnings: list[str]) -> None:
    """Name every header column that is not read; refuse a sheet whose sleep-in column
    cannot be read, rather than read its nights as ordinary (or no) shifts."""
    used = set(columns.values())
    for index, cell in enumerate(cells):
        label = " ".join(str(cell.value).split()) if cell.value is not None else ""
        if index in used or not label:
            continue
        if "sleep" in label.lower():
            raise UnreadableFile(
                f"{_where(sheet)}column {label!r} looks like a sleep-in column but could not "
                "be read; head it 'Sleep-in' with Y or N on each row")
        warnings.append(f"{_where(sheet)}column {label!r} was not read".strip())


def _read_sheet(sheet: SheetRows, warnings: list[str], limits: Limits) -> Iterator[TimesheetEntry]:
    columns: dict[str, int] | None = None
    header: list[str] = []
    where = _where(sheet)
    carried: dict[str, object] = {}
    idle: list[int] = []  # rows with a date and nothing worked on it (a pre-filled template)
    for number, cells in sheet.rows:
        if columns is None:
            columns = _find_columns(cells)
            if columns is None and number >= HEADER_SEARCH_ROWS:
                warnings.append(f"{where}has no timesheet header row; not read".strip())
                return
            if columns is not None:
                header = [_norm(c.value) for c in cells]
                _check_unread(sheet, cells, columns, warnings)
            continue
        if not any(c.value not in (None, "") for c in cells):
            continue
        if [_norm(c.value) for c in cells] == header:
            continue  # the header again, as templates repeat it for each week
        label = _skip_label(cells, columns)
        if label is not None:
            warnings.append(f"{where}row {number} skipped: {label!r} is a total, signature "
                            "or notes row".strip())
            continue
        try:
            entry = _entry(sheet, columns, cells, number, carried, warnings)
        except ImportFailure as exc:
            if sheet.name and not exc.reason.startswith("sheet "):
                exc.reason = f"sheet {sheet.name!r}: {exc.reason}"
            raise
        if entry is None:
            idle.append(number)
        else:
            yield entry
    if idle:
        shown = ", ".join(map(str, idle[:10])) + (f" and {len(idle) - 10} more"
                                                  if len(idle) > 10 else "")
        warnings.append(f"{where}row{'s' if len(idle) > 1 else ''} {shown}: a date with no "
                        "times, hours or sleep-in; nothing worked was read".strip())
    if columns is None and sheet.name:
        warnings.append(f"{where}has no timesheet header row; not read".strip())


def _skip_label(cells: list[Cell], columns: dict[str, int]) -> str | None:
    """The label of a total, signature or notes row: one that says so and has no date
    and no worker (other than the label itself). None for any other row."""
    date_at, worker_at = columns["date"], columns.get("worker")
    for index, cell in enumerate(cells):
        if isinstance(cell.value, str) and _SKIP_LABEL.match(cell.value.strip()):
            signed = bool(_SIGNATURE_LABEL.match(cell.value.strip())) and not _holds_work(cells, columns)
            if (date_at == index or _no_date(cells, date_at)) and (
                    worker_at is None or worker_at == index or _blank(cells, worker_at) or signed):
                return " ".join(cell.value.split())[:40]
            return None
    return None


def _holds_work(cells: list[Cell], columns: dict[str, int]) -> bool:
    """A start, end, hours or breaks cell holds a number or a time, as a shift would (a date,
    such as the day a signature was made, or words such as "Date:" are no work)."""
    for key in _WORK_COLUMNS:
        at = columns.get(key)
        value = cells[at].value if at is not None and at < len(cells) else None
        if isinstance(value, dt.date):  # a datetime too: the day it was signed
            continue
        if isinstance(value, str):
            if any(ch.isdigit() for ch in value) and not looks_like_date(value):
                return True
            continue
        if value is not None:
            return True
    return False


def _no_date(cells: list[Cell], index: int) -> bool:
    """The cell holds no date: empty, or words ("see notes") that are not one."""
    value = cells[index].value if index < len(cells) else None
    if isinstance(value, str):
        return not looks_like_date(value)
    return value is None


def _blank(cells: list[Cell], index: int) -> bool:
    value = cells[index].value if index < len(cells) else None
    return value is None or (isinstance(value, str) and not value.strip())


def _get(cells: list[Cell], columns: dict[str, int], key: str) -> Cell:
    index = columns.get(key)
    if index is None or index >= len(cells):
        return Cell(None, "")
    value = cells[index].value
    if isinstance(value, str):
        value = value.strip() or None
    return Cell(value, cells[index].ref)


def _entry(
    sheet: SheetRows, columns: dict[str, int], cells: list[Cell], number: int,
    carried: dict[str, object], warnings: list[str],
) -> TimesheetEntry | None:
    get = {key: _get(cells, columns, key) for key in COLUMNS}
    date_cell = get["date"]
    if date_cell.value is None:
        _refuse_uncached(sheet, get, number, ("date",))  # never carry a date over a formula
        merged = sheet.merged_below is not None and bool(date_cell.ref) \
            and sheet.merged_below(date_cell.ref)
        if not merged:  # only a merged date cell shows the date above on this row
            raise BadValue("the row has no date and is not a total, signature or notes row",
                           line=number, field="date")
    date_value = _carry(date_cell.value, "date", carried)
    if date_value is None:
        raise BadValue("the row has no date and is not a total, signature or notes row",
                       line=number, field="date")
    day = _to_date(date_value, sheet.epoch, number)
    waking_night = _is_yes(get["waking_night"].value, number, "waking_night")
    timed = [k for k in ("start", "end", "hours", "breaks", "sleep_in", "waking_hours")
             if get[k].value is not None] + (["waking_night"] if waking_night else [])
    if not timed:
        _refuse_uncached(sheet, get, number, ("start", "end", "hours", "sleep_in",
                                               "waking_hours"))
        return None  # a pre-filled date with nothing worked on it
    if get["worker"].value is None:
        _refuse_uncached(sheet, get, number, ("worker",))
    worker = _carry(get["worker"].value, "worker", carried) or sheet.name or ""
    start, end = (_to_time(get[k].value, number, k) for k in ("start", "end"))
    if get["sleep_in"].value is None:
        _refuse_uncached(sheet, get, number, ("sleep_in",))
    if get["breaks"].value is None:
        _refuse_uncached(sheet, get, number, ("breaks",))
    sleep_in = _is_yes(get["sleep_in"].value, number)
    if sleep_in and waking_night:
        raise BadValue("the row says both sleep-in and waking night", line=number,
                       field="sleep_in")
    written = _written_hours(sheet, get, number, sleep_in, start, end, warnings)
    if written is None and (start is None or end is None):
        _refuse_uncached(sheet, get, number, ("start", "end", "hours"))
        if not sleep_in:
            raise BadValue("the shift needs a start and an end time, or hours", line=number,
                           field="hours")
    breaks = _to_minutes(get["breaks"].value, number)
    hours = _hours(written, start, end, breaks, sleep_in, number, warnings, sheet.name)
    rate = get["rate"]
    if rate.value is None and sheet.formula_at is not None and rate.ref \
            and sheet.formula_at(rate.ref):
        warnings.append(f"{_where(sheet)}cell {rate.ref} (rate) is a formula saved without "
                        "its result; the rate was left unknown".strip())
    return TimesheetEntry(
        worker=str(worker).strip(), date=day, start=start, end=end, hours=hours,
        sleep_in=sleep_in, breaks_minutes=breaks,
        rate=_to_money(rate.value, number) if rate.value is not None else None,
        sheet=sheet.name, row=number,
    )


def _written_hours(sheet: SheetRows, get: dict[str, Cell], number: int, sleep_in: bool,
                   start: dt.time | None, end: dt.time | None,
                   warnings: list[str]) -> object:
    """The hours the sheet gives for the row (its hours column, or its waking-hours
    column for a sleep-in night), or None when it gives none. An hours formula saved
    without its result is worked out from start, finish and break when the row has them
    (not for a sleep-in night, whose hours are the time awake, which only the sheet
    knows); otherwise the file is refused naming the cell."""
    hours, waking = get["hours"].value, get["waking_hours"].value
    if sleep_in and waking is not None:
        return waking
    if hours is None and waking is not None:
        return waking
    if waking is not None:
        warnings.append(f"{_where(sheet)}row {number}: waking hours ({waking}) on a shift "
                        "that is not a sleep-in were not used; the hours column was".strip())
    cell = get["hours"]
    if hours is None and cell.ref and sheet.formula_at is not None and sheet.formula_at(cell.ref):
        if sleep_in or start is None or end is None:
            _refuse_uncached(sheet, get, number, ("hours",))
        warnings.append(f"{_where(sheet)}cell {cell.ref} (hours) is a formula saved without "
                        "its result; the hours were worked out from start, finish and "
                        "breaks".strip())
    return hours


def _carry(value: object, key: str, carried: dict[str, object]) -> object:
    """Merged cells (a worker's name or a date spanning rows) read as empty below the
    first row: carry the last value down."""
    if value is not None:
        carried[key] = value
        return value
    return carried.get(key)


def _refuse_uncached(sheet: SheetRows, get: dict[str, Cell], number: int,
                     needed: Iterable[str]) -> None:
    if sheet.formula_at is None:
        return
    for key in needed:
        cell = get[key]
        if cell.value is None and cell.ref and sheet.formula_at(cell.ref):
            raise BadValue(
                f"{_where(sheet)}row {number} cell {cell.ref} ({key}) is a formula saved "
                "without its result and cannot be worked out; open the file in Excel or "
                "LibreOffice, save it, and upload it again",
                line=number, field=key,
            )


def _hours(
    written: object, start: dt.time | None, end: dt.time | None, breaks: int,
    sleep_in: bool, number: int, warnings: list[str], sheet: str | None,
) -> Decimal:
    computed = None
    if start is not None and end is not None:
        span = _minutes(end) - _minutes(start)
        if span <= 0:
            span += 24 * 60  # the shift ran past midnight
        computed = (Decimal(span - breaks) / 60).quantize(PENNY)
        if computed < 0:
            raise BadValue("the breaks are longer than the shift", line=number, field="breaks")
    if written is None:
        # A sleep-in night is not working time unless the sheet says how long the PA was
        # awake and working (its hours column); counting the whole night would make a
        # flat sleep-in allowance look like pay below the minimum wage.
        if sleep_in or computed is None:
            return Decimal("0.00")
        return computed
    hours = _to_hours(written, number)
    if computed is not None and not sleep_in and abs(hours - computed) > HOURS_TOLERANCE:
        where = f"sheet {sheet!r} " if sheet else ""
        warnings.append(f"{where}row {number}: hours column says {hours} but "
                        f"{start:%H:%M}-{end:%H:%M} less breaks is {computed}; "
                        "the hours column was used")
    return hours


# --- cell values -----------------------------------------------------------------------

def _to_date(value: object, epoch: dt.datetime | None, number: int) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        from openpyxl.utils.datetime import CALENDAR_WINDOWS_1900, from_excel

        try:
            converted = from_excel(value, epoch or CALENDAR_WINDOWS_1900)
        except (ValueError, OverflowError, TypeError):
            raise BadValue(f"{value!r} is not a date", line=number, field="date") from None
        if isinstance(converted, dt.datetime):
            return converted.date()
        raise BadValue(f"{value!r} is not a date", line=number, field="date")
    return parse_date(str(value), line=number)


def _to_time(value: object, number: int, field: str) -> dt.time | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.time().replace(second=0, microsecond=0)
    if isinstance(value, dt.time):
        return value.replace(second=0, microsecond=0)
    if isinstance(value, dt.timedelta):
        return _from_minutes(int(value.total_seconds() // 60) % (24 * 60))
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 0 <= value < 1:  # Excel stores a time as a fraction of a day
            return _from_minutes(round(value * 24 * 60) % (24 * 60))
        if value == int(value) and 0 <= value <= 24:
            return _from_minutes(int(value) * 60 % (24 * 60))
        raise BadValue(f"{value!r} is not a time of day", line=number, field=field)
    return _parse_time_text(str(value), number, field)


def _parse_time_text(text: str, number: int, field: str) -> dt.time:
    value = text.strip().lower().replace(" ", "")
    if value in ("noon", "midday"):
        return dt.time(12, 0)
    if value == "midnight":
        return dt.time(0, 0)
    match = _COMPACT_TIME.fullmatch(value) or _TIME.fullmatch(value)
    if match is None or len(value) > 12:
        raise BadValue(f"{text[:20]!r} is not a time of day", line=number, field=field)
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    suffix = match.group(4) if match.re is _TIME else None
    if suffix:
        if not 1 <= hour <= 12:
            raise BadValue(f"{text!r} is not a time of day", line=number, field=field)
        hour = hour % 12 + (12 if suffix.startswith("p") else 0)
    if hour == 24 and minute == 0:
        hour = 0
    if hour > 23 or minute > 59:
        raise BadValue(f"{text!r} is not a time of day", line=number, field=field)
    return dt.time(hour, minute)


def _to_hours(value: object, number: int, field: str = "hours") -> Decimal:
    if isinstance(value, dt.timedelta):
        return (Decimal(int(value.total_seconds())) / 3600).quantize(PENNY)
    if isinstance(value, dt.time):  # 7:30 typed into a time-formatted cell
        return (Decimal(value.hour * 60 + value.minute) / 60).quantize(PENNY)
    if isinstance(value, int | float) and not isinstance(value, bool):
        result = Decimal(str(value))
    else:
        text = str(value).strip().lower().removesuffix("hrs").removesuffix("h").strip()
        if ":" in text:
            hours_part, _, minutes_part = text.partition(":")
            if not (hours_part.isdigit() and minutes_part.isdigit() and len(text) <= 8):
                raise BadValue(f"{value!r} is not a number of hours", line=number,
                               field=field)
            if int(minutes_part) >= 60:
                raise BadValue(f"{value!r} is not a number of hours in a day", line=number,
                               field=field)
            # falls through to the same 0-24 check as a decimal number of hours
            result = (Decimal(int(hours_part) * 60 + int(minutes_part)) / 60).quantize(PENNY)
        else:
            try:
                result = Decimal(text) if len(text) <= 12 else Decimal("nan")
            except InvalidOperation:
                raise BadValue(f"{value!r} is not a number of hours", line=number,
                               field=field) from None
    if not result.is_finite() or not 0 <= result <= 24:
        raise BadValue(f"{value!r} is not a number of hours in a day", line=number,
                       field=field)
    return result.quantize(PENNY)


def _to_minutes(value: object, number: int) -> int:
    if value is None:
        return 0
    if isinstance(value, dt.time):
        return value.hour * 60 + value.minute
    if isinstance(value, dt.timedelta):
        return int(value.total_seconds() // 60)
    text = str(value).strip().lower().removesuffix("mins").removesuffix("min").strip()
    if ":" in text:
        return int(_to_hours(text, number, "breaks") * 60)
    try:
        minutes = Decimal(text) if len(text) <= 8 else Decimal("nan")
    except InvalidOperation:
        raise BadValue(f"{value!r} is not a number of minutes", line=number,
                       field="breaks") from None
    if not minutes.is_finite() or not 0 <= minutes <= 24 * 60:
        raise BadValue(f"{value!r} is not a number of minutes", line=number, field="breaks")
    return int(minutes)


def _to_money(value: object, number: int) -> Decimal:
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = repr(value) if isinstance(value, float) else str(value)
    try:
        return parse_money(str(value), line=number, field="rate")
    except ImportFailure:
        raise


def _is_yes(value: object, number: int, field: str = "sleep_in") -> bool:
    """A sleep-in cell: a recognised yes or no word (or empty). Anything else is
    refused rather than read as "no", which would hide a night's sleep-in."""
    if value is None or value is False:
        return False
    if value is True:
        return True
    if isinstance(value, int | float) and value in (0, 1):
        return value == 1
    text = _norm(value)
    if text in _YES:
        return True
    if text in _NO:
        return False
    raise BadValue(f"{str(value)[:20]!r} is not yes or no", line=number, field=field)


def _minutes(moment: dt.time) -> int:
    return moment.hour * 60 + moment.minute


def _from_minutes(total: int) -> dt.time:
    return dt.time(total // 60, total % 60)
