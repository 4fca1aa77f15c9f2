"""Voiding an upload is a soft delete: its rows stay in the database, marked void, and are
seen nowhere: not in lists, figures, audits, exports or the same-file check."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

from conftest import Council, post_ok, unique
from sqlalchemy import func, select

from service.core.db import session_scope
from service.models import PayrollLine, Recipient, TimesheetEntry, Transaction

STATEMENT = (b"Date,Description,Amount,Balance\n"
             b"05/01/2026,NORTHSHIRE COUNCIL DP,500.00,500.00\n"
             b"06/01/2026,TESCO STORES 2231,-41.20,458.80\n"
             b"07/01/2026,GREGGS,-3.10,455.70\n")
TIMESHEET = b"Worker,Date,Start,End\nJane Smith,05/01/2026,09:00,13:00\n"
RUN = {"lines": [{"worker": "Jane Smith", "period_start": "2026-01-05", "period_end": "2026-01-18",
                  "gross": "520.00", "net": "504.40"}]}


def rows_of(model: Any, column: Any, value: int) -> list[tuple[int, bool]]:
    with session_scope() as session:
        return [(r.id, r.voided) for r in session.execute(
            select(model.id, model.voided).where(column == value).order_by(model.id))]


def void(client: Any, council: Council, upload_id: int) -> None:
    response = client.post(f"/v1/uploads/{upload_id}/void", headers=council.auth(),
                           json={"reason": "sent for the wrong person"})
    assert response.status_code == 200, response.text


def person(client: Any, council: Council) -> tuple[int, int]:
    h = council.auth()
    rid = post_ok(client, "/v1/recipients", h, {"reference": unique("R"), "name": "Pat"})["id"]
    post_ok(client, f"/v1/recipients/{rid}/workers", h, {"name": "Jane Smith"})
    account = post_ok(client, f"/v1/recipients/{rid}/accounts", h,
                      {"reference": unique("acct"), "kind": "bank", "number_last4": "5678"})
    return rid, account["id"]


def send_statement(client: Any, council: Council, account_id: int) -> dict[str, Any]:
    response = client.post(f"/v1/accounts/{account_id}/statements", headers=council.auth(),
                           files={"file": ("statement.csv", STATEMENT)})
    assert response.status_code == 201, response.text
    return dict(response.json())


def test_a_voided_statements_lines_stay_marked_void_and_count_nowhere(client: Any, council: Council) -> None:
    h = council.auth()
    rid, account_id = person(client, council)
    first = send_statement(client, council, account_id)
    kept = rows_of(Transaction, Transaction.upload_id, first["upload_id"])
    assert len(kept) == 3 and not any(v for _, v in kept)

    void(client, council, first["upload_id"])

    assert rows_of(Transaction, Transaction.upload_id, first["upload_id"]) == [(i, True) for i, _ in kept]
    listed = client.get(f"/v1/accounts/{account_id}/transactions", headers=h).json()["items"]
    assert listed == []
    recategorise = client.post(f"/v1/transactions/{kept[1][0]}/category", headers=h,
                               json={"category": "flexible_use", "reason": "food"})
    assert recategorise.status_code == 404
    audit = post_ok(client, f"/v1/recipients/{rid}/audits", h, {
        "period_start": "2026-01-01", "period_end": "2026-01-31", "kind": "on_demand"})
    assert (audit["summary"]["money_in"], audit["summary"]["money_out"]) == ("0.00", "0.00")
    export = client.get(f"/v1/recipients/{rid}/export", headers=h)
    assert export.status_code == 200
    lines = json.loads(zipfile.ZipFile(io.BytesIO(export.content)).read("records/transactions.json"))
    assert lines == []  # the export, like every figure, holds no voided line
    # the same file, sent again, counts afresh: its lines are new, not duplicates of void ones
    again = send_statement(client, council, account_id)
    assert again["rows"]["new"] == 3 and again["rows"]["duplicate"] == 0
    assert len(client.get(f"/v1/accounts/{account_id}/transactions", headers=h).json()["items"]) == 3
    refreshed = client.get(f"/v1/audits/{audit['id']}", headers=h).json()
    assert (refreshed["summary"]["money_in"], refreshed["summary"]["money_out"]) == ("500.00", "44.30")


def test_voided_timesheet_and_payroll_rows_stay_and_the_same_ones_can_come_again(
        client: Any, council: Council) -> None:
    h = council.auth()
    rid, _ = person(client, council)
    sheet = client.post(f"/v1/recipients/{rid}/timesheets", headers=h,
                        files={"file": ("timesheet.csv", TIMESHEET)}).json()
    run = post_ok(client, f"/v1/recipients/{rid}/payroll-runs", h, RUN)
    void(client, council, sheet["upload_id"])
    void(client, council, run["upload_id"])

    assert [v for _, v in rows_of(TimesheetEntry, TimesheetEntry.recipient_id, rid)] == [True]
    assert [v for _, v in rows_of(PayrollLine, PayrollLine.recipient_id, rid)] == [True]
    assert client.get(f"/v1/recipients/{rid}/timesheet-entries", headers=h).json()["items"] == []
    assert client.get(f"/v1/recipients/{rid}/payroll-lines", headers=h).json()["items"] == []

    again = client.post(f"/v1/recipients/{rid}/timesheets", headers=h,
                        files={"file": ("timesheet.csv", TIMESHEET)}).json()
    assert again["entries_new"] == 1
    assert post_ok(client, f"/v1/recipients/{rid}/payroll-runs", h, RUN)["upload_id"]
    assert [v for _, v in rows_of(TimesheetEntry, TimesheetEntry.recipient_id, rid)] == [True, False]
    assert [v for _, v in rows_of(PayrollLine, PayrollLine.recipient_id, rid)] == [True, False]
    assert len(client.get(f"/v1/recipients/{rid}/payroll-lines", headers=h).json()["items"]) == 1


def test_erasure_erases_voided_lines_too(client: Any, council: Council) -> None:
    from service.privacy.erasure import erase

    rid, account_id = person(client, council)
    first = send_statement(client, council, account_id)
    void(client, council, first["upload_id"])
    with session_scope() as session:
        recipient = session.get(Recipient, rid)
        assert recipient is not None
        erase(session, recipient, 7)
    with session_scope() as session:
        left = session.execute(select(Transaction.description, Transaction.voided).where(
            Transaction.upload_id == first["upload_id"])).all()
        assert len(left) == 3 and all(r.voided and r.description == "" for r in left)
        assert session.scalar(select(func.count()).select_from(Transaction).where(
            Transaction.account_id == account_id, Transaction.description.like("%TESCO%"))) == 0
