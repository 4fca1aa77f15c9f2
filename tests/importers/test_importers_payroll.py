"""Payroll CSVs from providers: documented header, any column order."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import importer_helpers  # noqa: F401  (puts the repository root on the path)
import pytest

from importers import BadValue, UnreadableFile, parse_payroll

CSV = (b"Employee,Pay Period Start,Pay Period End,Gross Pay,PAYE,EE NI,ER NI,"
       b"EE Pension,ER Pension,Net Pay,Hours\n"
       b"Ann Smith,01/04/2025,30/04/2025,\"\xc2\xa31,221.00\",20.20,10.50,0.00,30.53,"
       b"18.32,1159.77,100\n")


def test_reads_a_provider_export() -> None:
    (line,) = parse_payroll(CSV)
    assert line.worker == "Ann Smith"
    assert (line.period_start, line.period_end) == (dt.date(2025, 4, 1), dt.date(2025, 4, 30))
    assert (line.gross, line.paye, line.net) == (Decimal("1221.00"), Decimal("20.20"),
                                                 Decimal("1159.77"))
    assert line.hours == Decimal("100.00") and line.line == 2


def test_column_order_does_not_matter() -> None:
    data = (b"net,gross,worker,period_end,period_start\n"
            b"90.00,100.00,Bob,07/04/2025,01/04/2025\n")
    (line,) = parse_payroll(data)
    assert (line.worker, line.gross, line.net, line.paye) == ("Bob", Decimal("100.00"),
                                                              Decimal("90.00"), Decimal("0.00"))


def test_missing_columns_and_bad_money_are_refused() -> None:
    with pytest.raises(UnreadableFile):
        parse_payroll(b"worker,gross\nAnn,1.00\n")
    with pytest.raises(BadValue) as caught:
        parse_payroll(b"worker,period_start,period_end,gross,net\n"
                      b"Ann,01/04/2025,30/04/2025,NaN,1.00\n")
    assert caught.value.line == 2 and caught.value.field == "gross"
