"""Regression tests for defects found by probing the importers and the parse command."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from importer_helpers import run_parse

from importers import BadValue, Limits, parse_statement, parse_timesheet


def _timesheet(hours: str = "7:30", sleep_in: str = "no") -> bytes:
    return ("Worker,Date,Hours,Sleep-in\n"
            "Ann,01/02/2025,3,no\n"
            f"Ann,02/02/2025,{hours},{sleep_in}\n").encode()


# --- 1. H:MM hours get the same 0-24 check as decimal hours ----------------------------

@pytest.mark.parametrize("hours", ["25:00", "99:99", "24:30", "7:60", "0:75"])
def test_out_of_range_hh_mm_hours_are_refused(hours: str) -> None:
    with pytest.raises(BadValue) as caught:
        parse_timesheet(_timesheet(hours=hours), "t.csv")
    assert caught.value.line == 3 and caught.value.field == "hours"


def test_hh_mm_hours_refused_like_decimal_hours() -> None:
    with pytest.raises(BadValue) as decimal:
        parse_timesheet(_timesheet(hours="25"), "t.csv")
    with pytest.raises(BadValue) as clock:
        parse_timesheet(_timesheet(hours="25:00"), "t.csv")
    assert type(decimal.value) is type(clock.value)
    assert (decimal.value.line, decimal.value.field) == (clock.value.line, clock.value.field)


@pytest.mark.parametrize(("hours", "value"), [
    ("7:30", "7.50"), ("0:00", "0.00"), ("24:00", "24.00"), ("23:59", "23.98"),
    ("8:05h", "8.08"),
])
def test_valid_hh_mm_hours_read_as_before(hours: str, value: str) -> None:
    entries = parse_timesheet(_timesheet(hours=hours), "t.csv").entries
    assert entries[1].hours == Decimal(value)


# --- 2. a sleep-in cell must say yes or no ---------------------------------------------

@pytest.mark.parametrize("written", ["maybe", "?", "yes please", "2", "tbc"])
def test_unrecognised_sleep_in_values_are_refused(written: str) -> None:
    with pytest.raises(BadValue) as caught:
        parse_timesheet(_timesheet(sleep_in=written), "t.csv")
    assert caught.value.line == 3 and caught.value.field == "sleep_in"


@pytest.mark.parametrize(("written", "expected"), [
    ("yes", True), ("Y", True), ("TRUE", True), ("1", True), ("x", True), ("✓", True),
    ("Sleep-in", True), ("no", False), ("N", False), ("false", False), ("0", False),
    ("", False),
])
def test_yes_and_no_words_are_read(written: str, expected: bool) -> None:
    entries = parse_timesheet(_timesheet(sleep_in=written), "t.csv").entries
    assert entries[1].sleep_in is expected


# --- 3. in OFX a lone comma is the radix, never a thousands separator -----------------

def _ofx(*amounts: str) -> bytes:
    header = ("OFXHEADER:100\nDATA:OFXSGML\nVERSION:102\nSECURITY:NONE\nENCODING:USASCII\n"
              "CHARSET:1252\nCOMPRESSION:NONE\nOLDFILEUID:NONE\nNEWFILEUID:NONE\n\n")
    transactions = "".join(
        f"<STMTTRN><TRNTYPE>DEBIT<DTPOSTED>20250301<TRNAMT>{amount}<FITID>A{i}"
        "<NAME>Shop</STMTTRN>\n" for i, amount in enumerate(amounts))
    return (header + "<OFX><BANKMSGSRSV1><STMTTRNRS><STMTRS><CURDEF>GBP<BANKACCTFROM>"
            "<BANKID>1<ACCTID>42<ACCTTYPE>CHECKING</BANKACCTFROM><BANKTRANLIST>\n"
            + transactions +
            "</BANKTRANLIST></STMTRS></STMTTRNRS></BANKMSGSRSV1></OFX>").encode()


@pytest.mark.parametrize("amount", ["-1,500", "1,234", "-10,125", "0,0001"])
def test_ofx_comma_radix_with_more_than_two_decimals_is_refused(amount: str) -> None:
    with pytest.raises(BadValue) as caught:
        parse_statement(_ofx("-12,50", amount))
    assert caught.value.field == "TRNAMT" and caught.value.line == 13  # the second STMTTRN
    assert "more than two decimal places" in caught.value.reason


def test_ofx_comma_and_dot_radix_are_refused_alike() -> None:
    for amount in ("-10.125", "-1,500"):
        with pytest.raises(BadValue, match="more than two decimal places"):
            parse_statement(_ofx(amount))


@pytest.mark.parametrize(("written", "value"), [
    ("-12,50", "-12.50"), ("1,5", "1.50"), ("-0,01", "-0.01"), ("10.000,50", "10000.50"),
    ("-1,234.50", "-1234.50"), ("-1.500", "-1.50"),
])
def test_ofx_amounts_that_still_read(written: str, value: str) -> None:
    assert parse_statement(_ofx(written)).lines[0].amount == Decimal(value)


def test_csv_lone_comma_is_still_a_thousand() -> None:
    data = b'Date,Description,Amount\n01/02/2025,Care,"-1,500"\n'
    assert parse_statement(data).lines[0].amount == Decimal("-1500.00")


# --- 4. the parse command never reads more than the size limit --------------------------

@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_parse_of_an_endless_file_is_refused_quickly() -> None:
    result = run_parse(Path("/dev/zero"), timeout=30)
    assert result.returncode == 2 and result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "larger than the limit" in lines[0]


def test_parse_of_a_file_over_the_limit_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    path.write_bytes(b"Date,Description,Amount\n" + b"x" * Limits().max_bytes)
    result = run_parse(path, timeout=30)
    assert result.returncode == 2 and result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and f"{Limits().max_bytes:,}" in lines[0]


def test_parse_of_a_directory_or_missing_file_is_still_a_clean_error(tmp_path: Path) -> None:
    for path, reason in ((tmp_path, "cannot open the file"),
                         (tmp_path / "missing.csv", "cannot open the file")):
        result = run_parse(path, timeout=30)
        assert result.returncode == 2 and result.stdout == ""
        assert len(result.stderr.strip().splitlines()) == 1 and reason in result.stderr


def test_parse_of_a_file_at_the_limit_is_read(tmp_path: Path) -> None:
    head = b"Date,Description,Amount\n01/02/2025,Care,-5.00\n"
    path = tmp_path / "statement.csv"
    pad = Limits().max_bytes - len(head)  # blank rows, so the file is exactly at the limit
    path.write_bytes(head + (b" " * 999 + b"\n") * (pad // 1000) + b"\n" * (pad % 1000))
    assert path.stat().st_size == Limits().max_bytes
    result = run_parse(path, timeout=60)
    assert result.returncode == 0, result.stderr
    assert '"amount": "-5.00"' in result.stdout
