"""Payee text that a spreadsheet would read as a formula stays text, even once edited.

The workbook is written through the public writer and read back as XML, the way Excel reads it:
the cell is a string holding the same text, and its style carries ``quotePrefix="1"``.
"""

from __future__ import annotations

import dataclasses
import io
import zipfile
from xml.etree import ElementTree

import pytest
from reports_fixtures import standard_report

from reports.xlsx import render_workbook

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
PAYLOADS = ('=HYPERLINK("http://evil","x")', "+441234 567890", "-2+3", "@SUM(A1:A9)",
            "\t=1+1", "\r=1+1", "=cmd|' /C calc'!A0")
PLAIN = "CORNER SHOP LTD"


@dataclasses.dataclass(frozen=True)
class Written:
    type: str | None
    text: str
    quote_prefix: bool


def written_cells(data: bytes, sheet: str) -> list[Written]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        styles = ElementTree.fromstring(archive.read("xl/styles.xml"))
        xml = ElementTree.fromstring(archive.read(sheet))
    formats = styles.find(f"{MAIN}cellXfs")
    assert formats is not None
    quoted = [xf.get("quotePrefix") == "1" for xf in formats.findall(f"{MAIN}xf")]
    cells = []
    for cell in xml.iter(f"{MAIN}c"):
        assert cell.find(f"{MAIN}f") is None, "a cell was written as a formula"
        text = "".join(node.text or "" for node in cell.iter(f"{MAIN}t"))
        cells.append(Written(cell.get("t"), text, quoted[int(cell.get("s", "0"))]))
    return cells


@pytest.fixture(scope="module")
def transactions_sheet() -> list[Written]:
    report = standard_report()
    base = report.transactions[0]
    hostile = tuple(dataclasses.replace(base, description=text) for text in (*PAYLOADS, PLAIN))
    data = render_workbook(dataclasses.replace(report, transactions=hostile))
    return written_cells(data, "xl/worksheets/sheet2.xml")


@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_formula_like_payee_is_the_same_text_in_a_quoted_string_cell(transactions_sheet, payload):
    [cell] = [cell for cell in transactions_sheet if cell.text == payload]
    assert cell.type == "inlineStr"
    assert cell.quote_prefix


def test_ordinary_text_and_numbers_carry_no_quote_prefix(transactions_sheet):
    [plain] = [cell for cell in transactions_sheet if cell.text == PLAIN]
    assert plain.type == "inlineStr" and not plain.quote_prefix
    numbers = [cell for cell in transactions_sheet if cell.type in (None, "n")]
    assert numbers and not any(cell.quote_prefix for cell in numbers)
