"""One test per known trap in ofxparse, openpyxl and bank exports."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from importer_helpers import run_parse

from importers import (
    BadValue,
    ImportFailure,
    LimitExceeded,
    Limits,
    UnreadableFile,
    parse_statement,
    parse_timesheet,
)

HEADER = ("OFXHEADER:100\nDATA:OFXSGML\nVERSION:102\nSECURITY:NONE\nENCODING:USASCII\n"
          "CHARSET:1252\nCOMPRESSION:NONE\nOLDFILEUID:NONE\nNEWFILEUID:NONE\n\n")


def ofx(amount: str = "-5.00", posted: str = "20250301", header: str = HEADER) -> bytes:
    return (header + "<OFX><BANKMSGSRSV1><STMTTRNRS><STMTRS><CURDEF>GBP<BANKACCTFROM>"
            "<BANKID>1<ACCTID>42<ACCTTYPE>CHECKING</BANKACCTFROM><BANKTRANLIST>"
            f"<STMTTRN><TRNTYPE>DEBIT<DTPOSTED>{posted}<TRNAMT>{amount}<FITID>A1"
            "<NAME>Shop</STMTTRN></BANKTRANLIST></STMTRS></STMTTRNRS></BANKMSGSRSV1></OFX>"
            ).encode()


def test_an_8kb_amount_field_is_refused_quickly(tmp_path: Path) -> None:
    path = tmp_path / "dots.ofx"
    path.write_bytes(ofx("." * 8000))
    result = run_parse(path, timeout=30)  # ofxparse's own regex takes about 56 s here
    assert result.returncode == 2
    assert "TRNAMT" in result.stderr and result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("amount", ["NaN", "Infinity", "-Infinity", "1E+999999", "sNaN",
                                    "null", "1.234", "12.345", "--5"])
def test_non_amounts_are_refused(amount: str) -> None:
    with pytest.raises(BadValue) as caught:
        parse_statement(ofx(amount))
    assert caught.value.field == "TRNAMT" and caught.value.line is not None


@pytest.mark.parametrize(("written", "value"), [
    ("-1,234.50", "-1234.50"), ("12,50", "12.50"),
    ("10.000,50", "10000.50"), ("-33.7200", "-33.72"), ("+00000000001111.0000", "1111.00"),
])
def test_ofx_amount_forms(written: str, value: str) -> None:
    assert parse_statement(ofx(written)).lines[0].amount == Decimal(value)


def test_csv_thousands_are_never_decimals() -> None:
    data = b'Date,Description,Amount\n01/02/2025,Care,"1,234"\n'
    assert parse_statement(data).lines[0].amount == Decimal("1234.00")


def test_posting_date_is_the_bank_calendar_date_not_utc() -> None:
    line = parse_statement(ofx(posted="20250601000000[+1:BST]")).lines[0]
    assert line.date == dt.date(2025, 6, 1)


@pytest.mark.parametrize("header", [
    HEADER.replace("CHARSET:1252", "CHARSET:NONE"),
    HEADER.replace("ENCODING:USASCII", "ENCODING:FOO"),
    HEADER.replace("CHARSET:1252", "CHARSET:xyz"),
    HEADER.replace("SECURITY:NONE", "SECURITY NONE"),
    HEADER.replace("\n", " "),  # all headers on one line
    "\ufeff" + HEADER,
])
def test_broken_ofx_headers_still_read(header: str) -> None:
    assert parse_statement(ofx(header=header)).lines[0].amount == Decimal("-5.00")


def test_latin1_and_wrongly_declared_utf8_bodies() -> None:
    latin = ofx().replace(b"<NAME>Shop", "<NAME>Caf\u00e9 £".encode("latin-1"))
    utf8 = ofx().replace(b"<NAME>Shop", "<NAME>Caf\u00e9 £".encode())
    assert parse_statement(latin).lines[0].description == "Caf\u00e9 £"
    assert parse_statement(utf8).lines[0].description == "Caf\u00e9 £"


def test_self_closing_tags_are_empty_fields() -> None:
    data = ofx().replace(b"<NAME>Shop", b"<NAME>Shop<MEMO/>")
    assert parse_statement(data).lines[0].description == "Shop"


def _xlsx(rows: list[list[object]], **sheet_xml_edits: str) -> bytes:
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    if not sheet_xml_edits:
        return buffer.getvalue()
    return _rewrite(buffer.getvalue(), "xl/worksheets/sheet1.xml", sheet_xml_edits)


def _rewrite(data: bytes, member: str, edits: dict[str, str]) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            body = source.read(info.filename)
            if info.filename == member:
                text = body.decode()
                for old, new in edits.items():
                    assert old in text, old
                    text = text.replace(old, new)
                body = text.encode()
            target.writestr(info.filename, body)
    return out.getvalue()


def test_declared_zip_sizes_are_checked_before_opening() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"a" * (60 * 1024 * 1024))
    assert len(out.getvalue()) < 200_000  # tiny on disk, 60 MB inflated
    with pytest.raises(LimitExceeded):
        parse_timesheet(out.getvalue())


def test_a_wrong_dimension_tag_still_returns_every_row() -> None:
    rows = [["Worker", "Date", "Hours"]] + [
        ["Ann", dt.date(2025, 1, 1) + dt.timedelta(days=i % 300), 1] for i in range(3000)]
    data = _xlsx(rows, **{'<dimension ref="A1:C3001"/>': '<dimension ref="A1"/>'})
    assert len(parse_timesheet(data).entries) == 3000


def test_an_uncached_formula_is_refused_where_hours_are_needed() -> None:
    data = _xlsx([["Worker", "Date", "Hours", "Notes"],
                  ["Ann", dt.date(2025, 1, 2), "=2*3", None]])
    with pytest.raises(BadValue) as caught:
        parse_timesheet(data)
    assert "C2" in caught.value.reason and "formula" in caught.value.reason
    assert caught.value.line == 2


def test_an_uncached_formula_elsewhere_is_harmless() -> None:
    data = _xlsx([["Worker", "Date", "Hours", "Rate", "Notes"],
                  ["Ann", dt.date(2025, 1, 2), 3, None, "=1+1"]])
    assert parse_timesheet(data).entries[0].hours == Decimal("3.00")


def test_xml_entity_expansion_is_refused() -> None:
    assert openpyxl.xml.DEFUSEDXML is True
    bomb = ('<!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa">'
            '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><worksheet ')
    data = _xlsx([["Worker", "Date", "Hours"], ["Ann", dt.date(2025, 1, 2), 1]],
                 **{"<worksheet ": bomb})
    with pytest.raises(ImportFailure):
        parse_timesheet(data)


def test_wrong_file_type_is_named() -> None:
    with pytest.raises(UnreadableFile) as caught:
        parse_statement(b"%PDF-1.7\n...")
    assert "PDF" in str(caught.value)


def test_limits_can_be_raised_and_lowered() -> None:
    data = b"Date,Description,Amount\n" + b"01/02/2025,Care,-1.00\n" * 50
    with pytest.raises(LimitExceeded):
        parse_statement(data, limits=Limits(max_rows=10))
    assert len(parse_statement(data, limits=Limits(max_rows=100)).lines) == 50


def test_explicit_column_mapping() -> None:
    data = b"Posted;Narrative;Value\n03/02/2025;Taxi;-8,00\n"
    with pytest.raises(BadValue):  # a comma decimal in a CSV is refused, never guessed
        parse_statement(data, mapping={"date": "Posted", "description": "Narrative",
                                       "amount": "Value"})
    data = b"Posted;Narrative;Value\n03/02/2025;Taxi;-8.00\n"
    line = parse_statement(data, mapping={"date": "Posted", "description": "Narrative",
                                          "amount": "Value"}).lines[0]
    assert (line.date, line.amount, line.description) == (dt.date(2025, 2, 3),
                                                           Decimal("-8.00"), "Taxi")
