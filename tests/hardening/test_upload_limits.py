"""The upload limits line up: a genuine file under DPAUDIT_MAX_UPLOAD_BYTES and
DPAUDIT_MAX_UPLOAD_ROWS is accepted whole (no body limit or expansion limit refuses it first),
one byte more is refused, and only a compression bomb trips the expansion ratio."""

from __future__ import annotations

import io
import zipfile
from datetime import date, timedelta
from typing import Any

import openpyxl
import pytest
from conftest import Council, post_ok, unique

from service.core.config import get_settings
from service.ingest.uploads import EXPANSION_RATIO

PEOPLE = ("Jane Smith", "Sam Carter", "Alex Jones", "Priya Patel")


def recipient(client: Any, council: Council) -> int:
    body = {"reference": unique("R"), "name": "Pat"}
    return int(post_ok(client, "/v1/recipients", council.auth(), body)["id"])


def account(client: Any, council: Council) -> int:
    rid = recipient(client, council)
    body = {"reference": unique("A"), "kind": "bank"}
    return int(post_ok(client, f"/v1/recipients/{rid}/accounts", council.auth(), body)["id"])


CARE_NOTE = ("Personal care, medication prompt, breakfast and lunch prepared, shopping for the "
             "week, laundry and a walk to the park; all well, no concerns to report. ")


def big_timesheet(rows: int, notes: int = 0) -> bytes:
    """A workbook as an agency's rota system exports it: one shift a row, real dates, and the
    carer's visit notes, which repeat from visit to visit and which the import does not need."""
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("Shifts")
    sheet.append(["Worker", "Date", "Start", "End", "Notes"])
    first = date(2020, 1, 6)
    for n in range(rows):
        note = " ".join(f"[{n}.{k}] {CARE_NOTE}" for k in range(notes))
        sheet.append([PEOPLE[n % 4], first + timedelta(days=n // 40), "09:00", "13:00", note])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def inflated_size(data: bytes) -> int:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return sum(member.file_size for member in archive.infolist())


def post_timesheet(client: Any, rid: int, data: bytes, council: Council, name: str) -> Any:
    return client.post(f"/v1/recipients/{rid}/timesheets?dry_run=true", headers=council.auth(),
                       files={"file": (name, data, "application/octet-stream")})


@pytest.mark.slow
def test_a_genuine_workbook_under_the_limits_is_read_however_far_it_inflates(client, council):
    rows = 20_000
    data = big_timesheet(rows, notes=16)
    assert len(data) <= get_settings().max_upload_bytes and rows < get_settings().max_upload_rows
    assert inflated_size(data) > 50 * 1024 * 1024  # beyond any fixed ceiling on inflated size
    response = post_timesheet(client, recipient(client, council), data, council, "shifts.xlsx")
    assert response.status_code == 200, response.text[:500]
    assert response.json()["entries_total"] == rows


def test_a_compression_bomb_is_refused_by_the_expansion_ratio(client, council):
    genuine = big_timesheet(10)
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(genuine)) as source, \
            zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as bomb:
        for member in source.infolist():
            bomb.writestr(member, source.read(member))
        bomb.writestr("xl/media/padding.bin", b"\0" * (EXPANSION_RATIO * 30_000))
    response = post_timesheet(client, recipient(client, council), buffer.getvalue(), council,
                              "bomb.xlsx")
    assert response.status_code == 422, response.text
    assert "xl/media/padding.bin would expand" in response.text


def statement_csv(size: int) -> bytes:
    """A bank CSV of exactly ``size`` bytes (the last description takes up the slack)."""
    header = b"Date,Description,Amount,Balance\n"
    lines, balance, day = [], 100_000_00, date(2020, 1, 1)
    used = len(header)
    n = 0
    while used < size - 200:
        balance -= 1234
        line = (f"{(day + timedelta(days=n // 30)).strftime('%d/%m/%Y')},CARD PAYMENT TO SHOP {n:07d} "
                f"HIGH STREET,-12.34,{balance / 100:.2f}\n").encode()
        lines.append(line)
        used += len(line)
        n += 1
    last = lines.pop()
    used -= len(last)
    day_text, rest = last.split(b",", 1)
    description, tail = rest.split(b",", 1)
    pad = size - used - len(last)
    lines.append(day_text + b"," + description + b"X" * pad + b"," + tail)
    data = header + b"".join(lines)
    assert len(data) == size
    return data


@pytest.mark.slow
def test_a_statement_of_exactly_the_byte_limit_is_read_and_one_byte_more_is_413(client, council):
    limit = get_settings().max_upload_bytes
    data = statement_csv(limit)
    assert data.count(b"\n") - 1 < get_settings().max_upload_rows
    aid = account(client, council)
    response = client.post(f"/v1/accounts/{aid}/statements?dry_run=true", headers=council.auth(),
                           files={"file": ("statement.csv", data, "text/csv")})
    assert response.status_code == 200, response.text[:500]
    assert response.json()["rows"]["total"] == data.count(b"\n") - 1
    over = client.post(f"/v1/accounts/{aid}/statements?dry_run=true", headers=council.auth(),
                       files={"file": ("statement.csv", data + b"\n", "text/csv")})
    assert over.status_code == 413, over.text[:500]
    assert over.headers["content-type"].startswith("application/problem+json")


@pytest.mark.parametrize("route", ["timesheets", "payroll-runs:upload"])
def test_a_timesheet_or_payroll_file_one_byte_over_the_limit_is_413_like_a_statement(client, council,
                                                                                       route):
    data = b"Worker,Date,Start,End\n" + b"x" * (get_settings().max_upload_bytes - 22 + 1)
    response = client.post(f"/v1/recipients/{recipient(client, council)}/{route}?dry_run=true",
                           headers=council.auth(), files={"file": ("big.csv", data, "text/csv")})
    assert response.status_code == 413, response.text[:300]
    assert response.headers["content-type"].startswith("application/problem+json")
