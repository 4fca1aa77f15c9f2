"""The workbook and the letter read back, and checked against the audit's own JSON figures."""

from __future__ import annotations

import io
import warnings
from datetime import date
from decimal import Decimal as D
from typing import Any

from audits_api_setup import END, START, WEEKLY, audit, make_person, upload, weeks

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def summary_sheet(data: bytes) -> dict[str, Any]:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data), read_only=True)
    assert book.sheetnames[0] == "Summary"
    rows = {}
    for row in book["Summary"].iter_rows(values_only=True):
        if row and row[0] is not None and row[0] not in rows:
            rows[row[0]] = row[1]
    return rows


def pdf_text(data: bytes) -> tuple[int, str]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        from pypdf import PdfReader

        reader = PdfReader(io.BytesIO(data))
        return len(reader.pages), " ".join(page.extract_text() for page in reader.pages)


def test_workbook_figures_match_the_json(client: Any, council: Any) -> None:
    person = make_person(client, council)
    upload(client, person, [*weeks(), (date(2026, 5, 16), "BET365", D("-20.00"))],
           14 * WEEKLY, START, END)
    body = audit(client, person)
    response = client.get(f"/v1/audits/{body['id']}/workbook.xlsx", headers=person.auth)
    assert response.status_code == 200 and response.headers["content-type"] == XLSX
    sheet = summary_sheet(response.content)
    s = body["summary"]
    for label, name in (("Opening balance", "opening_balance"), ("Money in", "money_in"),
                        ("Money out", "money_out"), ("Closing balance", "closing_balance"),
                        ("Contingency", "contingency"), ("Surplus", "surplus"),
                        ("Council share", "council_share"), ("Proposed recovery", "proposed_recovery")):
        assert D(str(sheet[label])).quantize(D("0.01")) == D(s[name]), label
    # 4 (flag) + 4 (5 weeks above contingency, capped) + 1 (first audit) + 1 (bank) = 10, but
    # without the surplus's 4 it is 6: a surplus alone never makes an audit full, so standard
    assert s["score"] == 10
    assert sheet["Tier"] == "Standard" and s["tier"] == "standard"
    # (4,530 - 2,600) x 3,600 / 3,900 = 1,781.538... to the penny
    assert D(s["proposed_recovery"]) == D("1781.54")


def test_a_light_letter_fits_one_page_and_gives_the_balance(client: Any, council: Any) -> None:
    person = make_person(client, council)
    upload(client, person, weeks(), D("2000.00"), START, END)
    body = audit(client, person)
    assert body["tier"] == "light"
    html = client.get(f"/v1/audits/{body['id']}/letter.html", headers=person.auth)
    assert html.status_code == 200 and html.headers["content-type"].startswith("text/html")
    assert "£2,000.00" in html.text and 'lang="en-GB"' in html.text
    pdf = client.get(f"/v1/audits/{body['id']}/letter.pdf", headers=person.auth)
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    pages, text = pdf_text(pdf.content)
    assert pages == 1
    assert "£2,000.00" in text


def test_a_letter_with_a_flag_asks_about_that_line(client: Any, council: Any) -> None:
    person = make_person(client, council)
    upload(client, person, [*weeks(), (date(2026, 5, 16), "BET365", D("-20.00"))],
           D("2000.00"), START, END)
    body = audit(client, person)
    html = client.get(f"/v1/audits/{body['id']}/letter.html", headers=person.auth).text
    assert "BET365" in html and "£20.00" in html
