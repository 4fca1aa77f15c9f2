"""What a statement says about itself: its period and where that came from, its opening
and closing balances, and the account it names."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import importer_helpers  # noqa: F401  (puts the repository root on the path)
import pytest
from importer_helpers import require_corpus

from importers import parse_statement

D = dt.date

OFX_V1 = """OFXHEADER:100
DATA:OFXSGML
VERSION:102
SECURITY:NONE
ENCODING:USASCII
CHARSET:1252
COMPRESSION:NONE
OLDFILEUID:NONE
NEWFILEUID:NONE

<OFX><SIGNONMSGSRSV1><SONRS><STATUS><CODE>0<SEVERITY>INFO</STATUS><DTSERVER>20260501
<LANGUAGE>ENG</SONRS></SIGNONMSGSRSV1><BANKMSGSRSV1><STMTTRNRS><TRNUID>1
<STATUS><CODE>0<SEVERITY>INFO</STATUS><STMTRS><CURDEF>GBP
<BANKACCTFROM><BANKID>309174<ACCTID>12345678<ACCTTYPE>CHECKING</BANKACCTFROM>
<BANKTRANLIST>{period}
<STMTTRN><TRNTYPE>DEBIT<DTPOSTED>20260410120000[+1:BST]<TRNAMT>-12.50<FITID>A1
<NAME>TESCO STORES</STMTTRN>
<STMTTRN><TRNTYPE>CREDIT<DTPOSTED>20260420<TRNAMT>400.00<FITID>A2
<NAME>COUNCIL DP</STMTTRN>
{close_list}<LEDGERBAL><BALAMT>1387.50<DTASOF>20260430235959</LEDGERBAL>
</STMTRS></STMTTRNRS></BANKMSGSRSV1></OFX>
"""


def ofx_v1(period: str = "<DTSTART>20260401<DTEND>20260430", close_list: bool = True) -> bytes:
    return OFX_V1.format(period=period,
                         close_list="</BANKTRANLIST>" if close_list else "").encode()


def ofx_v2(statements: list[tuple[str, str, str, str]]) -> bytes:
    """(account, DTSTART, DTEND, LEDGERBAL) per statement; empty strings leave one out."""
    parts = ['<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n'
             '<?OFX OFXHEADER="200" VERSION="211" SECURITY="NONE" OLDFILEUID="NONE" '
             'NEWFILEUID="NONE"?>\n<OFX>\n  <SIGNONMSGSRSV1><SONRS><STATUS><CODE>0</CODE>'
             '<SEVERITY>INFO</SEVERITY></STATUS><DTSERVER>20260501</DTSERVER>'
             '<LANGUAGE>ENG</LANGUAGE></SONRS></SIGNONMSGSRSV1>\n  <BANKMSGSRSV1>\n']
    for number, (account, start, end, balance) in enumerate(statements, start=1):
        period = (f"<DTSTART>{start}</DTSTART>" if start else "") + \
            (f"<DTEND>{end}</DTEND>" if end else "")
        ledger = (f"<LEDGERBAL>\n <BALAMT>{balance}</BALAMT>\n "
                  f"<DTASOF>20260430120000.000[0:GMT]</DTASOF>\n</LEDGERBAL>" if balance else "")
        parts.append(
            f"    <STMTTRNRS><TRNUID>{number}</TRNUID><STATUS><CODE>0</CODE>"
            f"<SEVERITY>INFO</SEVERITY></STATUS>\n      <STMTRS><CURDEF>GBP</CURDEF>\n"
            f"        <BANKACCTFROM><BANKID>309174</BANKID><ACCTID>{account}</ACCTID>"
            f"<ACCTTYPE>CHECKING</ACCTTYPE></BANKACCTFROM>\n"
            f"        <BANKTRANLIST>\n          {period}\n"
            f"          <STMTTRN><TRNTYPE>DEBIT</TRNTYPE><DTPOSTED>2026041{number}</DTPOSTED>"
            f"<TRNAMT>-5.00</TRNAMT><FITID>F{number}</FITID><NAME>SHOP</NAME></STMTTRN>\n"
            f"        </BANKTRANLIST>\n        {ledger}\n      </STMTRS>\n    </STMTTRNRS>\n")
    parts.append("  </BANKMSGSRSV1>\n</OFX>\n")
    return "".join(parts).encode()


LLOYDS = (b"Transaction Date,Transaction Type,Sort Code,Account Number,Transaction Description,"
          b"Debit Amount,Credit Amount,Balance,\n"
          b"06/04/2026,DEB,'30-91-74,12345678,TESCO STORES,12.50,,987.50\n"
          b"29/04/2026,BGC,'30-91-74,12345678,COUNCIL DP,,400.00,1387.50\n")


# --- OFX ------------------------------------------------------------------------------

def test_ofx_v1_declares_its_period_and_closing_balance() -> None:
    parsed = parse_statement(ofx_v1(), "statement.ofx")
    assert parsed.period_evidence == "statement"
    assert (parsed.period_start, parsed.period_end) == (D(2026, 4, 1), D(2026, 4, 30))
    assert parsed.closing_balance == Decimal("1387.50")
    assert parsed.closing_balance_date == D(2026, 4, 30)


def test_ofx_without_dtstart_has_its_period_from_the_lines() -> None:
    parsed = parse_statement(ofx_v1(period=""), "statement.ofx")
    assert parsed.period_evidence == "lines"
    assert (parsed.period_start, parsed.period_end) == (D(2026, 4, 10), D(2026, 4, 20))


def test_ofx_balance_is_read_when_the_bank_leaves_the_transaction_list_open() -> None:
    parsed = parse_statement(ofx_v1(close_list=False), "statement.ofx")
    assert parsed.closing_balance == Decimal("1387.50")
    assert parsed.period_evidence == "statement"


def test_ofx_v2_reads_period_and_ledger_balance_like_v1() -> None:
    parsed = parse_statement(ofx_v2([("12345678", "20260401", "20260430", "250.75")]),
                             "statement.ofx")
    assert parsed.format == "ofx" and len(parsed.lines) == 1
    assert parsed.period_evidence == "statement"
    assert (parsed.period_start, parsed.period_end) == (D(2026, 4, 1), D(2026, 4, 30))
    assert parsed.closing_balance == Decimal("250.75")
    assert parsed.closing_balance_date == D(2026, 4, 30)


def test_ofx_v2_with_two_accounts_covers_both_periods_but_states_no_single_balance() -> None:
    parsed = parse_statement(ofx_v2([("111", "20260401", "20260415", "10.00"),
                                     ("222", "20260405", "20260430", "20.00")]), "two.ofx")
    assert parsed.accounts == ("111", "222")
    assert (parsed.period_start, parsed.period_end) == (D(2026, 4, 1), D(2026, 4, 30))
    assert parsed.period_evidence == "statement"
    assert parsed.closing_balance is None


def test_ofx_period_declared_by_only_one_of_two_accounts_is_not_declared() -> None:
    parsed = parse_statement(ofx_v2([("111", "20260401", "20260415", ""),
                                     ("222", "", "", "")]), "two.ofx")
    assert parsed.period_evidence == "lines"
    assert (parsed.period_start, parsed.period_end) == (D(2026, 4, 11), D(2026, 4, 12))


def test_ofx_declared_period_that_leaves_out_a_line_is_not_used() -> None:
    parsed = parse_statement(ofx_v1(period="<DTSTART>20260415<DTEND>20260430"),
                             "statement.ofx")
    assert parsed.period_evidence == "lines"
    assert (parsed.period_start, parsed.period_end) == (D(2026, 4, 10), D(2026, 4, 20))
    assert any("15/04/2026 to 30/04/2026" in w and "not used" in w for w in parsed.warnings)


# --- periods in CSV preambles and file names -----------------------------------------

@pytest.mark.parametrize("preamble", [
    b"Statement period: 01/04/2026 to 30/04/2026\n",
    b'"Statement period:","01/04/2026 to 30/04/2026"\n',
    b"From: 01/04/2026 To: 30/04/2026\n",
    b'"From:","01 Apr 2026","To:","30 Apr 2026"\n',
])
def test_csv_preamble_declares_the_period(preamble: bytes) -> None:
    parsed = parse_statement(preamble + b"\n" + LLOYDS, "lloyds.csv")
    assert parsed.period_evidence == "statement"
    assert (parsed.period_start, parsed.period_end) == (D(2026, 4, 1), D(2026, 4, 30))
    assert len(parsed.lines) == 2


@pytest.mark.parametrize("name", [
    "statement_2026-04-01_2026-04-30.csv",
    "Lloyds 20260401-20260430.csv",
    "MR_A_SMITH_01-04-2026_30-04-2026.csv",
    "statement 01.04.2026 to 30.04.2026.csv",
])
def test_file_name_gives_the_period(name: str) -> None:
    parsed = parse_statement(LLOYDS, name)
    assert parsed.period_evidence == "filename"
    assert (parsed.period_start, parsed.period_end) == (D(2026, 4, 1), D(2026, 4, 30))


@pytest.mark.parametrize("name", [
    None, "lloyds.csv", "lloyds_12345678_20260501_2043.csv",
    "MonzoDataExport_April2026_2026-05-01_174335.csv", "20260501_12345678.csv",
    "statement_2026-04-30_2026-04-01.csv",  # end before start: not a period
])
def test_names_without_a_period_leave_the_lines_period(name: str | None) -> None:
    parsed = parse_statement(LLOYDS, name)
    assert parsed.period_evidence == "lines"
    assert (parsed.period_start, parsed.period_end) == (D(2026, 4, 6), D(2026, 4, 29))


def test_declared_period_wins_over_the_file_name() -> None:
    data = b"Statement period: 01/04/2026 to 30/04/2026\n\n" + LLOYDS
    parsed = parse_statement(data, "statement_2026-04-06_2026-04-29.csv")
    assert parsed.period_evidence == "statement"
    assert parsed.period_start == D(2026, 4, 1)


def test_file_name_period_is_used_when_the_declared_one_leaves_out_a_line() -> None:
    data = b"Statement period: 10/04/2026 to 30/04/2026\n\n" + LLOYDS
    parsed = parse_statement(data, "statement_2026-04-01_2026-04-30.csv")
    assert parsed.period_evidence == "filename"
    assert parsed.period_start == D(2026, 4, 1)
    assert any("10/04/2026 to 30/04/2026" in w for w in parsed.warnings)


def test_file_name_period_that_leaves_out_a_line_is_not_used() -> None:
    parsed = parse_statement(LLOYDS, "statement_2026-04-10_2026-04-30.csv")
    assert parsed.period_evidence == "lines"
    assert parsed.period_start == D(2026, 4, 6)
    assert any("file name" in w and "10/04/2026" in w for w in parsed.warnings)


def test_santander_text_export_declares_its_period() -> None:
    data = (b"From: 01/04/2026 to 30/04/2026\n\t\nAccount: XXXX XXXX XXXX 1234\n\t\n"
            b"Date: 10/04/2026\nDescription: CARD PAYMENT TO TESCO\nAmount: -6.00 \t\n"
            b"Balance: 24.00\n")
    parsed = parse_statement(data, "santander.txt")
    assert parsed.period_evidence == "statement"
    assert (parsed.period_start, parsed.period_end) == (D(2026, 4, 1), D(2026, 4, 30))


def test_qif_period_comes_from_its_name_or_lines() -> None:
    data = b"!Type:Bank\nD10/04/2026\nT-5.00\nPSHOP\n^\n"
    assert parse_statement(data, "a.qif").period_evidence == "lines"
    named = parse_statement(data, "a_2026-04-01_2026-04-30.qif")
    assert (named.period_evidence, named.period_start) == ("filename", D(2026, 4, 1))


# --- opening and closing balance rows -------------------------------------------------

STARLING_HEAD = (b"Date,Counter Party,Reference,Type,Amount (GBP),Balance (GBP),"
                 b"Spending Category,Notes\n")


def test_starling_opening_balance_row_sets_the_opening_balance_and_is_not_a_line() -> None:
    data = STARLING_HEAD + (b"01/09/2026,Opening Balance,,,0.00,1000.00,,\n"
                            b"02/09/2026,TESCO STORES,TESCO 2231,CONTACTLESS,-12.34,987.66,,\n")
    parsed = parse_statement(data, "starling.csv")
    assert parsed.opening_balance == Decimal("1000.00")
    assert [x.description for x in parsed.lines] == ["TESCO STORES / TESCO 2231"]


def test_opening_balance_row_with_a_blank_amount_is_recognised_too() -> None:
    data = STARLING_HEAD + (b"01/09/2026,Opening Balance,,,,1000.00,,\n"
                            b"02/09/2026,TESCO,,,-12.34,987.66,,\n")
    parsed = parse_statement(data, "starling.csv")
    assert parsed.opening_balance == Decimal("1000.00") and len(parsed.lines) == 1


def test_brought_and_carried_forward_rows_in_a_paid_in_paid_out_layout() -> None:
    data = (b"Date,Description,Type,Money In,Money Out,Balance\n"
            b"01/04/2026,Balance brought forward,,,,500.00\n"
            b"02/04/2026,TESCO,DEB,,12.50,487.50\n"
            b"30/04/2026,Balance carried forward,,0.00,0.00,487.50\n")
    parsed = parse_statement(data, "coop.csv")
    assert parsed.format == "csv:co-operative"
    assert (parsed.opening_balance, parsed.closing_balance) == (Decimal("500.00"),
                                                                Decimal("487.50"))
    assert parsed.closing_balance_date == D(2026, 4, 30)
    assert [x.description for x in parsed.lines] == ["TESCO"]


def test_undated_closing_balance_row_is_read() -> None:
    data = (b"Date,Description,Amount,Balance\n"
            b"02/04/2026,TESCO,-12.50,487.50\n"
            b",Closing balance,,487.50\n")
    parsed = parse_statement(data, "generic.csv")
    assert parsed.closing_balance == Decimal("487.50")
    assert parsed.closing_balance_date is None and len(parsed.lines) == 1


def test_a_balance_phrase_that_moves_money_stays_a_line() -> None:
    data = STARLING_HEAD + b"01/09/2026,Opening Balance,,,25.00,1025.00,,\n"
    parsed = parse_statement(data, "starling.csv")
    assert parsed.opening_balance is None
    assert [(x.description, x.amount) for x in parsed.lines] == [("Opening Balance",
                                                                  Decimal("25.00"))]


def test_a_phrase_that_is_not_exactly_a_balance_row_stays_a_line() -> None:
    data = STARLING_HEAD + b"01/09/2026,Opening Balance Ltd,,,0.00,1000.00,,\n"
    parsed = parse_statement(data, "starling.csv")
    assert parsed.opening_balance is None and len(parsed.lines) == 1


def test_a_balance_row_without_a_balance_is_left_out_with_a_warning() -> None:
    data = STARLING_HEAD + (b"01/09/2026,Opening Balance,,,0.00,,,\n"
                            b"02/09/2026,TESCO,,,-12.34,987.66,,\n")
    parsed = parse_statement(data, "starling.csv")
    assert parsed.opening_balance is None and len(parsed.lines) == 1
    assert any("line 2" in w and "opening balance" in w for w in parsed.warnings)


# --- accounts and balances in preambles -----------------------------------------------

NATIONWIDE = ('"Account Name:","FlexDirect ****45678"\r\n'
              '"Account Balance:","£1,234.56"\r\n'
              '"Available Balance: ","£1,334.56"\r\n\r\n'
              '"Date","Transaction type","Description","Paid out","Paid in","Balance"\r\n'
              '"13 Apr 2026","Visa purchase","TESCO","£12.50","","£1,234.56"\r\n')


def test_nationwide_preamble_names_the_account_as_written() -> None:
    parsed = parse_statement(NATIONWIDE.encode("latin-1"), "Statement Download.csv")
    assert parsed.format == "csv:nationwide"
    assert parsed.accounts == ("FlexDirect ****45678",)
    assert parsed.lines[0].account is None  # the lines stay as they were read before
    # the file has a balance column: the export-day balance is not the closing balance
    assert parsed.closing_balance is None


def test_preamble_balance_is_the_closing_balance_when_there_is_no_balance_column() -> None:
    data = ('"Account Name:","FlexDirect ****45678"\n"Account Balance:","£1,234.56"\n'
            '"Available Balance: ","£1,334.56"\n\n'
            '"Date","Description","Amount"\n"13/04/2026","TESCO","-12.50"\n')
    parsed = parse_statement(data.encode("utf-8"), "export.csv")
    assert parsed.accounts == ("FlexDirect ****45678",)
    assert parsed.closing_balance == Decimal("1234.56")


def test_legacy_nationwide_and_midata_preambles_name_their_accounts() -> None:
    legacy = ("Account name: ,Mega_Money 12345678,,,,\nAccount balance: ,£10.00,,,,\n"
              "Available balance: ,£10.00,,,,\nDate,Transactions,Debits,Credits,Balance\n\n"
              "01 Jan 2026,Salary,,£100.00,£10.00\n").encode("latin-1")
    assert parse_statement(legacy, "nw.csv").accounts == ("Mega_Money 12345678",)
    unnumbered = legacy.replace(b"Mega_Money 12345678", b"Mega_Money")
    assert parse_statement(unnumbered, "nw.csv").accounts == ()  # a name alone is no number
    midata = ('"Account Number:","****12345"\n\n'
              '"Date","Type","Merchant/Description","Debit/Credit","Balance"\n'
              '"11/04/2026","POS","TESCO","-£5.00","£95.00"\n').encode("latin-1")
    assert parse_statement(midata, "midata.csv").accounts == ("****12345",)


# --- the public corpus ----------------------------------------------------------------

def test_corpus_starling_opening_balance() -> None:
    path = require_corpus() / "csv" / "countinghouse__starling.csv"
    parsed = parse_statement(path.read_bytes(), path.name)
    assert parsed.opening_balance == Decimal("1000.00")
    assert all(x.description != "Opening Balance" for x in parsed.lines)


def test_corpus_nationwide_statement_names_its_account() -> None:
    path = require_corpus() / "csv" / "nationwide-transaction-parser__test-statement.csv"
    parsed = parse_statement(path.read_bytes(), path.name)
    assert parsed.accounts == ("Foo current ****12345",)


def test_corpus_john_lewis_period_from_its_file_name() -> None:
    path = require_corpus() / "csv" / "bank2ynab__MS_JANE_SMITH_01-12-2019_14-12-2019.csv"
    parsed = parse_statement(path.read_bytes(), path.name)
    assert parsed.period_evidence == "filename"
    assert (parsed.period_start, parsed.period_end) == (D(2019, 12, 1), D(2019, 12, 14))


def test_corpus_ofx_v2_spec_example_declares_its_period() -> None:
    path = require_corpus() / "ofx" / "ofxparse__suncorp.ofx"
    parsed = parse_statement(path.read_bytes(), path.name)
    assert parsed.period_evidence == "statement"
    assert parsed.closing_balance is not None and parsed.closing_balance_date is not None
