"""Subject access: the zip holds every record, the files as sent, the letters and a README;
a holder's holds only what they can see."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date
from decimal import Decimal as D
from typing import Any

from conftest import Council, make_council, post_ok, unique

from privacy.people import Person, make_person, statement_csv


def export(client: Any, person: Person, headers: dict[str, str]) -> zipfile.ZipFile:
    with client.stream("GET", f"/v1/recipients/{person.id}/export", headers=headers) as response:
        assert response.status_code == 200, response.read()
        assert response.headers["content-type"] == "application/zip"
        assert "attachment" in response.headers["content-disposition"]
        body = b"".join(response.iter_bytes())
    archive = zipfile.ZipFile(io.BytesIO(body))
    assert archive.testzip() is None
    return archive


def records(archive: zipfile.ZipFile, name: str) -> list[dict[str, Any]]:
    data = json.loads(archive.read(f"records/{name}.json"))
    assert isinstance(data, list)
    return data


def test_the_officers_pack_holds_everything_about_the_person(client: Any, council: Council) -> None:
    person = make_person(client, council, ended=date(2026, 3, 31), lines_per_day=6)
    archive = export(client, person, council.auth())
    names = archive.namelist()

    assert "README.txt" in names
    # written as it was sent: no member's sizes were known before its bytes went (a data
    # descriptor follows each), so nothing was gathered in memory first
    assert all(info.flag_bits & 0x08 for info in archive.infolist())
    readme = archive.read("README.txt").decode()
    assert "Review it before you release it" in readme and "records/" in readme

    [recipient] = records(archive, "recipient")
    assert recipient["name"] == person.name and recipient["dp_end_date"] == "2026-03-31"
    transactions = records(archive, "transactions")
    assert len(transactions) == person.statement.count(b"\n") - 1  # every line, header aside
    assert {t["account_id"] for t in transactions} == {person.account_id}
    assert sorted(n["body"] for n in records(archive, "notes")) == sorted(
        [person.texts["open note"], person.texts["internal note"]])
    assert [w["name"] for w in records(archive, "workers")] == [person.worker_name]
    assert records(archive, "holder_users")[0]["email"].startswith("holder-")

    files = sorted((n for n in names if n.startswith("files/")),
                   key=lambda n: int(n.split("-")[1]))  # in upload order: upload-99 before upload-100
    assert [archive.read(n) for n in files] == [person.statement, person.timesheet]
    letters = [n for n in names if n.startswith("letters/")]
    assert letters == [f"letters/audit-{person.audit_id}-letter.pdf"]
    assert archive.read(letters[0]).startswith(b"%PDF")

    events = records(archive, "events")
    created = next(e for e in events if e["action"] == "recipient.created")
    assert created["after"]["name"] == person.name  # personal values put back for the reader


def test_an_export_is_itself_an_event(client: Any, council: Council) -> None:
    person = make_person(client, council, ended=date(2026, 3, 31))
    export(client, person, {"Authorization": f"Bearer {person.holder_token}"})
    export(client, person, council.auth())
    events = client.get(f"/v1/events?recipient_id={person.id}&subject_type=recipients",
                        headers=council.auth()).json()["items"]
    exported = [e for e in events if e["action"] == "recipient.exported"]
    assert [e["after"]["kind"] for e in exported] == ["holder", "officer"]


def test_the_holders_pack_leaves_out_internal_notes_and_other_people(client: Any, council: Council) -> None:
    person = make_person(client, council, ended=date(2026, 3, 31))
    neighbour = make_person(client, council, ended=date(2026, 3, 31))
    archive = export(client, person, {"Authorization": f"Bearer {person.holder_token}"})

    assert "council's internal notes" in archive.read("README.txt").decode()
    assert [n["body"] for n in records(archive, "notes")] == [person.texts["open note"]]
    assert "records/holder_users.json" not in archive.namelist()
    everything = b"".join(archive.read(n) for n in archive.namelist())
    assert person.texts["internal note"].encode() not in everything
    assert person.name.encode() in everything
    for value in neighbour.personal_values():
        assert value.encode() not in everything, value
    assert all(e["recipient_id"] == person.id for e in records(archive, "uploads"))


def test_a_holder_never_sees_an_internal_note_anywhere(client: Any, council: Council) -> None:
    person = make_person(client, council, ended=date(2026, 3, 31))
    holder = {"Authorization": f"Bearer {person.holder_token}"}
    notes = client.get(f"/v1/audits/{person.audit_id}/notes", headers=holder).json()["items"]
    assert [n["body"] for n in notes] == [person.texts["open note"]]
    events = client.get(f"/v1/events?recipient_id={person.id}&limit=200", headers=holder).text
    assert person.texts["internal note"] not in events
    staff = client.get(f"/v1/audits/{person.audit_id}/notes", headers=council.auth()).json()["items"]
    assert [n["internal"] for n in staff] == [False, True]
    refused = client.post(f"/v1/audits/{person.audit_id}/notes", headers=holder,
                          json={"body": "mine", "internal": True})
    assert refused.status_code == 403


def test_only_people_who_may_see_the_person_export_them(client: Any, council: Council) -> None:
    person = make_person(client, council, ended=date(2026, 3, 31))
    elsewhere = make_council_for(client)
    assert client.get(f"/v1/recipients/{person.id}/export",
                      headers=elsewhere.auth()).status_code == 404


def make_council_for(client: Any) -> Council:
    from service.core.config import get_settings

    return make_council(get_settings().database_url)


def test_the_pack_says_what_each_audit_decided_on_each_line(client: Any, council: Council) -> None:
    h = council.auth()
    rid = post_ok(client, "/v1/recipients", h, {"reference": unique("RL"), "name": "Lena Line",
                                                "dp_start_date": "2025-04-01"})["id"]
    account = post_ok(client, f"/v1/recipients/{rid}/accounts", h,
                      {"reference": unique("acct"), "kind": "bank"})["id"]
    worker = post_ok(client, f"/v1/recipients/{rid}/workers", h,
                     {"name": "Wendell Pike", "aliases": ["PAY WENDELL PIKE"], "age_band": "21_plus"})
    plan = post_ok(client, f"/v1/recipients/{rid}/plans", h, {
        "effective_from": "2025-04-01", "period": "four_weeks", "actual_budget": "1540.00",
        "lines": [{"category": "pa_wages", "description": "PA wages", "amount": "360.00",
                   "amount_basis": "week", "expected_payee": "PAY WENDELL PIKE"}]})
    post_ok(client, f"/v1/plans/{plan['id']}/approve", h, {})
    statement = statement_csv(date(2025, 4, 1), 360, 1, "Wendell Pike")
    sent = client.post(f"/v1/accounts/{account}/statements", headers=h,
                       files={"file": ("statement.csv", statement, "text/csv")})
    assert sent.status_code == 201, sent.text
    made = post_ok(client, f"/v1/recipients/{rid}/audits", h, {
        "period_start": "2025-04-01", "period_end": "2026-03-31", "kind": "on_demand"})
    with client.stream("GET", f"/v1/recipients/{rid}/export", headers=h) as response:
        assert response.status_code == 200
        archive = zipfile.ZipFile(io.BytesIO(b"".join(response.iter_bytes())))
    [audit] = records(archive, "audit_lines")
    assert (audit["audit_id"], audit["period_start"], audit["period_end"], audit["status"]) == (
        made["id"], "2025-04-01", "2026-03-31", "open")
    lines = audit["lines"]
    # the statement: the opening payment, 360 days of one spend each, 4 more council payments
    assert len(lines) == 365
    transactions = {t["id"]: t for t in records(archive, "transactions")}
    assert [line["id"] for line in lines] == sorted(transactions, key=lambda i: (
        transactions[i]["posted_on"], i))
    assert all(line["date"] == transactions[line["id"]]["posted_on"] for line in lines)
    # 5 x 1,540.00 in; 33 x 180.00 to the worker (every eleventh of 360 spends) and 327 x 3.00
    assert sum(D(line["amount"]) for line in lines) == D("7700.00") - D("5940.00") - D("981.00")
    wages = [line for line in lines if line["description"].startswith("PAY ")]
    assert len(wages) == 33
    assert {(w["amount"], w["category"], w["worker_id"], w["worker"], w["plan_line"]) for w in wages} == {
        ("-180.00", "pa_wages", worker["id"], "Wendell Pike", "PA wages")}
    payments = [line for line in lines if line["amount"] == "1540.00"]
    assert len(payments) == 5
    assert all(p["worker"] is None and p["plan_line"] is None for p in payments)
    assert not any(line["voided"] for line in lines)

    # the audit closes, then its statement is withdrawn: what it decided stays in the pack
    post_ok(client, f"/v1/audits/{made['id']}/decision", h,
            {"agreed_recovery": "0.00", "reason": "Nothing to recover."})
    post_ok(client, f"/v1/audits/{made['id']}/close", h,
            {"carry_flags": [{"flag_id": f["id"], "reason": "Asked at the next review."}
                             for f in client.get(f"/v1/flags?recipient_id={rid}&status=open",
                                                 headers=h).json()["items"]]})
    voided = client.post(f"/v1/uploads/{sent.json()['upload_id']}/void", headers=h,
                         json={"reason": "Sent for the wrong person."})
    assert voided.status_code == 200, voided.text
    with client.stream("GET", f"/v1/recipients/{rid}/export", headers=h) as response:
        later = zipfile.ZipFile(io.BytesIO(b"".join(response.iter_bytes())))
    assert records(later, "transactions") == []
    [kept] = records(later, "audit_lines")
    assert kept["status"] == "closed" and len(kept["lines"]) == 365
    assert all(line["voided"] for line in kept["lines"])
    assert [{k: v for k, v in line.items() if k != "voided"} for line in kept["lines"]] == [
        {k: v for k, v in line.items() if k != "voided"} for line in lines]
