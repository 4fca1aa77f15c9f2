"""Small writers that make statement, timesheet and payroll files the way real exports look.

Each writer takes plain lines (date, description, signed amount; negative is money out) and
writes one bank's layout: Lloyds (newest first, separate debit and credit columns), Nationwide
(a preamble, quoted fields, ``£`` signs, Latin-1 with CRLF, oldest first), Starling (an
"Opening Balance" row, one signed column), prepaid-card OFX v1 (SGML headers, unclosed tags,
DTSTART/DTEND and LEDGERBAL). Nothing here is copied from a real statement.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Line:
    """One statement line: ``amount`` is signed (negative = money out)."""

    day: date
    description: str
    amount: Decimal
    kind: str = ""  # the bank's type code or words (FPI, FPO, DEB, FASTER PAYMENT...)


@dataclass(frozen=True)
class Posted:
    """A line with the running balance after it, as the bank prints it."""

    line: Line
    balance: Decimal


def money(text: str | int) -> Decimal:
    return Decimal(str(text)).quantize(Decimal("0.01"))


def every(first: date, step_days: int, last: date) -> list[date]:
    """``first``, then every ``step_days`` days, up to and including ``last``."""
    days, day = [], first
    while day <= last:
        days.append(day)
        day += timedelta(days=step_days)
    return days


def post(opening: Decimal, lines: Iterable[Line]) -> list[Posted]:
    """The lines in the order the bank posted them, each with its running balance.

    Lines on the same day keep the order given (the order the bank posted them)."""
    posted, balance = [], opening
    for line in sorted(lines, key=lambda x: x.day):  # stable: same-day order is kept
        balance += line.amount
        posted.append(Posted(line, balance))
    return posted


def closing_of(opening: Decimal, posted: Sequence[Posted]) -> Decimal:
    return posted[-1].balance if posted else opening


def months(first: date, last: date) -> list[tuple[date, date]]:
    """Calendar months (clipped to ``first``..``last``) as (start, end) pairs."""
    out, start = [], first
    while start <= last:
        next_month = date(start.year + start.month // 12, start.month % 12 + 1, 1)
        end = min(next_month - timedelta(days=1), last)
        out.append((start, end))
        start = next_month
    return out


def between(posted: Sequence[Posted], start: date, end: date) -> list[Posted]:
    return [p for p in posted if start <= p.line.day <= end]


def _plain(amount: Decimal) -> str:
    return f"{amount:.2f}"


def _pounds(amount: Decimal) -> str:
    sign = "-" if amount < 0 else ""
    return f"{sign}£{abs(amount):,.2f}"


# --- Lloyds: newest first, debit and credit columns, sort code with an apostrophe ----------

LLOYDS_HEADER = ["Transaction Date", "Transaction Type", "Sort Code", "Account Number",
                 "Transaction Description", "Debit Amount", "Credit Amount", "Balance"]


def lloyds_csv(posted: Sequence[Posted], *, sort_code: str, account_number: str,
               newest_first: bool = True) -> bytes:
    rows = list(reversed(posted)) if newest_first else list(posted)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(LLOYDS_HEADER)
    for p in rows:
        line = p.line
        debit = _plain(-line.amount) if line.amount < 0 else ""
        credit = _plain(line.amount) if line.amount > 0 else ""
        writer.writerow([line.day.strftime("%d/%m/%Y"), line.kind or ("FPO" if line.amount < 0 else "FPI"),
                         f"'{sort_code}", account_number, line.description, debit, credit,
                         _plain(p.balance)])
    return out.getvalue().encode("ascii")


# --- Nationwide statement CSV: preamble, every field quoted, £ signs, Latin-1, CRLF ---------

def nationwide_csv(posted: Sequence[Posted], *, account_name: str, balance_now: Decimal) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow(["Account Name:", account_name])
    writer.writerow(["Account Balance:", _pounds(balance_now)])
    writer.writerow(["Available Balance: ", _pounds(balance_now)])
    out.write("\r\n")
    writer.writerow(["Date", "Transaction type", "Description", "Paid out", "Paid in", "Balance"])
    for p in posted:  # oldest first, as Nationwide writes them
        line = p.line
        paid_out = _pounds(-line.amount) if line.amount < 0 else ""
        paid_in = _pounds(line.amount) if line.amount > 0 else ""
        writer.writerow([line.day.strftime("%d %b %Y"), line.kind, line.description, paid_out,
                         paid_in, _pounds(p.balance)])
    return out.getvalue().encode("latin-1")


# --- Starling: an "Opening Balance" row first, one signed amount column ----------------------

STARLING_HEADER = ["Date", "Counter Party", "Reference", "Type", "Amount (GBP)", "Balance (GBP)",
                   "Spending Category", "Notes"]


def starling_csv(posted: Sequence[Posted], *, opening_day: date, opening: Decimal) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(STARLING_HEADER)
    writer.writerow([opening_day.strftime("%d/%m/%Y"), "Opening Balance", "", "", "0.00",
                     _plain(opening), "", ""])
    for p in posted:
        line = p.line
        payee, _, reference = line.description.partition(" / ")
        category = "INCOME" if line.amount > 0 else ("PAYMENTS" if line.kind == "FASTER PAYMENT"
                                                      else "LIFESTYLE")
        writer.writerow([line.day.strftime("%d/%m/%Y"), payee, reference, line.kind,
                         _plain(line.amount), _plain(p.balance), category, ""])
    return out.getvalue().encode("utf-8")


# --- prepaid card: OFX v1 (SGML headers, unclosed tags) ---------------------------------------

def ofx_v1(posted: Sequence[Posted], *, card_number: str, start: date, end: date,
           ledger_balance: Decimal, fitid_prefix: str) -> bytes:
    def stamp(day: date) -> str:
        return day.strftime("%Y%m%d") + "000000"

    body = [
        "OFXHEADER:100", "DATA:OFXSGML", "VERSION:102", "SECURITY:NONE", "ENCODING:USASCII",
        "CHARSET:1252", "COMPRESSION:NONE", "OLDFILEUID:NONE", "NEWFILEUID:NONE", "",
        "<OFX>", "<SIGNONMSGSRSV1><SONRS><STATUS><CODE>0<SEVERITY>INFO</STATUS>",
        f"<DTSERVER>{stamp(end)}<LANGUAGE>ENG</SONRS></SIGNONMSGSRSV1>",
        "<CREDITCARDMSGSRSV1><CCSTMTTRNRS><TRNUID>1<STATUS><CODE>0<SEVERITY>INFO</STATUS>",
        "<CCSTMTRS><CURDEF>GBP",
        f"<CCACCTFROM><ACCTID>{card_number}</CCACCTFROM>",
        f"<BANKTRANLIST><DTSTART>{stamp(start)}<DTEND>{stamp(end)}",
    ]
    for n, p in enumerate(posted, 1):
        line = p.line
        body += ["<STMTTRN>", f"<TRNTYPE>{'CREDIT' if line.amount > 0 else 'DEBIT'}",
                 f"<DTPOSTED>{stamp(line.day)}", f"<TRNAMT>{_plain(line.amount)}",
                 f"<FITID>{fitid_prefix}{line.day:%Y%m%d}{n:03d}", f"<NAME>{line.description}",
                 "</STMTTRN>"]
    body += ["</BANKTRANLIST>",
             f"<LEDGERBAL><BALAMT>{_plain(ledger_balance)}<DTASOF>{stamp(end)}</LEDGERBAL>",
             "</CCSTMTRS></CCSTMTTRNRS></CREDITCARDMSGSRSV1></OFX>", ""]
    return "\r\n".join(body).encode("ascii")


# --- timesheets and payroll -----------------------------------------------------------------

@dataclass(frozen=True)
class Shift:
    worker: str
    day: date
    start: str
    end: str
    hours: Decimal


def timesheet_csv(shifts: Sequence[Shift], *, title: str) -> bytes:
    """A timesheet as people keep them: a title and a note above the header, a total below."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([title])
    writer.writerow(["Signed by the employer each week"])
    writer.writerow([])
    writer.writerow(["Worker", "Date", "Start", "End", "Hours"])
    for s in shifts:
        writer.writerow([s.worker, s.day.strftime("%d/%m/%Y"), s.start, s.end, f"{s.hours:.2f}"])
    writer.writerow(["Total", "", "", "", f"{sum((s.hours for s in shifts), ZERO):.2f}"])
    return out.getvalue().encode("utf-8")


def timesheet_xlsx(shifts: Sequence[Shift], *, title: str) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Timesheet"
    sheet.append([title])
    sheet.append([])
    sheet.append(["Worker", "Date", "Start", "End", "Hours"])
    for s in shifts:
        sheet.append([s.worker, s.day, s.start, s.end, float(s.hours)])
        sheet.cell(row=sheet.max_row, column=2).number_format = "dd/mm/yyyy"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@dataclass(frozen=True)
class PayrollRow:
    worker: str
    period_start: date
    period_end: date
    hours: Decimal
    gross: Decimal
    paye: Decimal
    employee_ni: Decimal
    employer_ni: Decimal
    net: Decimal


def payroll_csv(rows: Sequence[PayrollRow]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["Employee Name", "Pay Period Start", "Pay Period End", "Hours Worked", "Gross Pay",
                     "PAYE", "Employee NI", "Employer NI", "Employee Pension", "Employer Pension",
                     "Net Pay"])
    for r in rows:
        writer.writerow([r.worker, r.period_start.strftime("%d/%m/%Y"), r.period_end.strftime("%d/%m/%Y"),
                         f"{r.hours:.2f}", _plain(r.gross), _plain(r.paye), _plain(r.employee_ni),
                         _plain(r.employer_ni), "0.00", "0.00", _plain(r.net)])
    return out.getvalue().encode("utf-8")
