"""Statement, timesheet and payroll files for a small council, written as banks export them.

Halifax (the Lloyds layout: header with a trailing comma, newest first, several lines a day),
NatWest (a blank first line, spaces after the header commas, apostrophes inside quotes),
Starling (an "Opening Balance" row), Monzo (with its Balance column), a prepaid card as
OFX v2 (XML, DTSTART/DTEND, LEDGERBAL), a payroll bureau CSV and an XLSX timesheet with a
totals row and a signature row. Nothing here is copied from a real statement.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal


@dataclass(frozen=True)
class Line:
    day: date
    text: str
    amount: Decimal  # negative is money out
    kind: str = ""


def d(text: str) -> Decimal:
    return Decimal(text)


def post(opening: Decimal, lines: Iterable[Line]) -> list[tuple[Line, Decimal]]:
    """Oldest first with the running balance; a day's lines keep the order given."""
    out, balance = [], opening
    for line in sorted(lines, key=lambda x: x.day):
        balance += line.amount
        out.append((line, balance))
    return out


def within(posted: Sequence[tuple[Line, Decimal]], start: date, end: date) -> list[tuple[Line, Decimal]]:
    return [p for p in posted if start <= p[0].day <= end]


def every(first: date, step: int, last: date) -> list[date]:
    days = []
    while first <= last:
        days.append(first)
        first += timedelta(days=step)
    return days


def halifax_csv(posted: Sequence[tuple[Line, Decimal]], *, sort_code: str, number: str) -> bytes:
    out = io.StringIO()
    out.write("Transaction Date,Transaction Type,Sort Code,Account Number,Transaction Description,"
              "Debit Amount,Credit Amount,Balance,\r\n")
    writer = csv.writer(out, lineterminator="\r\n")
    for line, balance in reversed(posted):  # newest first, a day's lines newest first too
        debit = f"{-line.amount:.2f}" if line.amount < 0 else ""
        credit = f"{line.amount:.2f}" if line.amount > 0 else ""
        writer.writerow([f"{line.day:%d/%m/%Y}", line.kind, f"'{sort_code}", number, line.text,
                         debit, credit, f"{balance:.2f}"])
    return out.getvalue().encode("ascii")


def natwest_csv(posted: Sequence[tuple[Line, Decimal]], *, name: str, number: str) -> bytes:
    out = io.StringIO()
    out.write("\r\nDate, Type, Description, Value, Balance, Account Name, Account Number\r\n")
    for line, balance in posted:
        out.write(f'{line.day:%d/%m/%Y},{line.kind},"\'{line.text}",{line.amount:.2f},{balance:.2f},'
                  f'"\'{name}","\'{number}",\r\n')
    return out.getvalue().encode("ascii")


def starling_csv(posted: Sequence[tuple[Line, Decimal]], *, opening_day: date, opening: Decimal) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["Date", "Counter Party", "Reference", "Type", "Amount (GBP)", "Balance (GBP)",
                     "Spending Category", "Notes"])
    writer.writerow([f"{opening_day:%d/%m/%Y}", "Opening Balance", "", "", "0.00", f"{opening:.2f}", "", ""])
    for line, balance in posted:
        payee, _, ref = line.text.partition(" / ")
        writer.writerow([f"{line.day:%d/%m/%Y}", payee, ref, line.kind, f"{line.amount:.2f}",
                         f"{balance:.2f}", "INCOME" if line.amount > 0 else "PAYMENTS", ""])
    return out.getvalue().encode("utf-8")


def monzo_csv(posted: Sequence[tuple[Line, Decimal]], *, id_prefix: str) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["Transaction ID", "Date", "Time", "Type", "Name", "Emoji", "Category", "Amount",
                     "Currency", "Local amount", "Local currency", "Notes and #tags", "Address",
                     "Receipt", "Description", "Category split", "Money Out", "Money In", "Balance",
                     "Balance currency"])
    for n, (line, balance) in enumerate(posted, 1):
        amount = f"{line.amount:.2f}"
        writer.writerow([f"tx_{id_prefix}{n:05d}", f"{line.day:%d/%m/%Y}", f"{9 + n % 8:02d}:15:00",
                         line.kind or "Card payment", line.text, "", "general", amount, "GBP", amount,
                         "GBP", "", "", "", line.text.upper(), "",
                         amount if line.amount < 0 else "", amount if line.amount > 0 else "",
                         f"{balance:.2f}", "GBP"])
    return out.getvalue().encode("utf-8")


def ofx_v2(posted: Sequence[tuple[Line, Decimal]], *, card: str, start: date, end: date,
           ledger: Decimal) -> bytes:
    def stamp(day: date) -> str:
        return f"{day:%Y%m%d}120000[0:GMT]"

    rows = []
    for n, (line, _) in enumerate(posted, 1):
        rows.append(
            f"<STMTTRN><TRNTYPE>{'CREDIT' if line.amount > 0 else 'DEBIT'}</TRNTYPE>"
            f"<DTPOSTED>{stamp(line.day)}</DTPOSTED><TRNAMT>{line.amount:.2f}</TRNAMT>"
            f"<FITID>PC{line.day:%Y%m%d}{n:04d}</FITID><NAME>{line.text}</NAME></STMTTRN>")
    text = (
        '<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n'
        '<?OFX OFXHEADER="200" VERSION="220" SECURITY="NONE" OLDFILEUID="NONE" NEWFILEUID="NONE"?>\n'
        "<OFX><SIGNONMSGSRSV1><SONRS><STATUS><CODE>0</CODE><SEVERITY>INFO</SEVERITY></STATUS>"
        f"<DTSERVER>{stamp(end)}</DTSERVER><LANGUAGE>ENG</LANGUAGE></SONRS></SIGNONMSGSRSV1>\n"
        "<CREDITCARDMSGSRSV1><CCSTMTTRNRS><TRNUID>1</TRNUID><STATUS><CODE>0</CODE>"
        "<SEVERITY>INFO</SEVERITY></STATUS><CCSTMTRS><CURDEF>GBP</CURDEF>"
        f"<CCACCTFROM><ACCTID>{card}</ACCTID></CCACCTFROM>\n"
        f"<BANKTRANLIST><DTSTART>{stamp(start)}</DTSTART><DTEND>{stamp(end)}</DTEND>\n"
        + "\n".join(rows)
        + f"\n</BANKTRANLIST><LEDGERBAL><BALAMT>{ledger:.2f}</BALAMT><DTASOF>{stamp(end)}</DTASOF>"
        "</LEDGERBAL></CCSTMTRS></CCSTMTTRNRS></CREDITCARDMSGSRSV1></OFX>\n")
    return text.encode("utf-8")


@dataclass(frozen=True)
class Shift:
    worker: str
    day: date
    start: str
    end: str
    hours: Decimal


def timesheet_xlsx(shifts: Sequence[Shift], *, title: str) -> bytes:
    """A family's timesheet: a title, the shifts, a totals row and a signature row."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Timesheet"
    sheet.append([title])
    sheet.append([])
    sheet.append(["Date", "Worker", "Start", "Finish", "Hours"])
    for s in shifts:
        sheet.append([s.day, s.worker, s.start, s.end, float(s.hours)])
        sheet.cell(row=sheet.max_row, column=1).number_format = "dd/mm/yyyy"
    sheet.append(["Total hours", "", "", "", float(sum((s.hours for s in shifts), Decimal(0)))])
    sheet.append([])
    sheet.append(["Signed (employer):", "S Crane", "", "Date:", date(2026, 7, 2)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def payroll_csv(rows: Sequence[tuple[str, date, date, Decimal, Decimal]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["Employee Name", "Pay Period Start", "Pay Period End", "Hours Worked", "Gross Pay",
                     "PAYE", "Employee NI", "Employer NI", "Employee Pension", "Employer Pension",
                     "Net Pay"])
    for worker, start, end, hours, gross in rows:
        writer.writerow([worker, f"{start:%d/%m/%Y}", f"{end:%d/%m/%Y}", f"{hours:.2f}", f"{gross:.2f}",
                         "0.00", "0.00", "0.00", "0.00", "0.00", f"{gross:.2f}"])
    return out.getvalue().encode("utf-8")
