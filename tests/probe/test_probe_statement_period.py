"""A statement named with its period is read as covering that period, whatever comes first in
the name: banks and people put the account number or the sort code in front of the dates."""

from __future__ import annotations

from datetime import date

import pytest

from importers import parse_statement

# A Halifax export (the Lloyds layout: a trailing comma on the header, newest first) for April
# 2026 whose lines run 1 to 17 April: the file covers 1-30 April, so 18-30 April is no gap.
HALIFAX_APRIL = (
    "Transaction Date,Transaction Type,Sort Code,Account Number,Transaction Description,"
    "Debit Amount,Credit Amount,Balance,\r\n"
    "17/04/2026,FPO,'11-22-33,12345678,R BELL WAGES,355.88,,2285.74\r\n"
    "03/04/2026,FPI,'11-22-33,12345678,S CRANE MUM DP,,100.00,2881.62\r\n"
    "01/04/2026,FPO,'11-22-33,12345678,TOP UP CARD 9876,150.00,,3137.50\r\n"
    "01/04/2026,DD,'11-22-33,12345678,EL INSURE DD,12.50,,3287.50\r\n"
    "01/04/2026,BGC,'11-22-33,12345678,CRANSHIRE CC DP,,1200.00,3300.00\r\n"
).encode("ascii")


@pytest.mark.parametrize("name", [
    "Halifax_12345678_2026-04-01_2026-04-30.csv",  # the account number first
    "12345678_2026-04-01_2026-04-30.csv",
    "112233_12345678_2026-04-01_2026-04-30.csv",  # sort code and account number (Co-op style)
    "12345678_20260401_20260430.csv",
    "statement_2026-04-01_2026-04-30.csv",  # already read before the fix
])
def test_the_period_in_the_name_is_found_after_an_account_number(name: str) -> None:
    parsed = parse_statement(HALIFAX_APRIL, name)
    assert (parsed.period_start, parsed.period_end, parsed.period_evidence) == (
        date(2026, 4, 1), date(2026, 4, 30), "filename")
    assert parsed.lines[0].date == date(2026, 4, 17)  # newest first, as printed
