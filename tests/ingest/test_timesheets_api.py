"""Timesheet uploads through the API: new shifts once, the same file twice changes nothing,
a file we cannot read changes nothing and says where, and names match the right PA."""

from __future__ import annotations

import io
from typing import Any

import openpyxl
from conftest import Council, make_user, post_ok, unique
from sqlalchemy import func, select

from service.core.db import session_scope
from service.models import Event, Upload

WEEK_1 = ("Worker,Date,Start,End\n"
          "Jane Smith,05/01/2026,09:00,13:00\n"
          "Jane Smith,06/01/2026,09:00,12:30\n"
          "Sam Carter,07/01/2026,14:00,18:00\n")


def recipient_with_workers(client: Any, council: Council) -> int:
    h = council.auth()
    rid = post_ok(client, "/v1/recipients", h, {"reference": unique("R"), "name": "Pat"})["id"]
    post_ok(client, f"/v1/recipients/{rid}/workers", h, {"name": "Jane Smith"})
    post_ok(client, f"/v1/recipients/{rid}/workers", h, {"name": "Samuel Carter",
                                                         "aliases": ["Sam Carter"]})
    return int(rid)


def upload(client: Any, rid: int, data: bytes | str, headers: dict[str, str], *,
           name: str = "timesheet.csv", query: str = "") -> Any:
    body = data.encode() if isinstance(data, str) else data
    return client.post(f"/v1/recipients/{rid}/timesheets{query}", headers=headers,
                       files={"file": (name, body, "application/octet-stream")})


def entries(client: Any, rid: int, headers: dict[str, str], query: str = "") -> list[dict[str, Any]]:
    response = client.get(f"/v1/recipients/{rid}/timesheet-entries?limit=200{query}", headers=headers)
    assert response.status_code == 200, response.text
    return list(response.json()["items"])


def uploads_of(rid: int) -> int:
    with session_scope() as session:
        return session.scalar(select(func.count()).select_from(Upload)
                              .where(Upload.recipient_id == rid)) or 0


def xlsx(rows: list[list[Any]], title: str = "Week 1") -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_a_new_timesheet_adds_its_shifts(client: Any, council: Council) -> None:
    rid, h = recipient_with_workers(client, council), council.auth()
    response = upload(client, rid, WEEK_1, h)
    assert response.status_code == 201, response.text
    result = response.json()
    assert (result["entries_total"], result["entries_new"], result["entries_duplicate"]) == (3, 3, 0)
    assert (result["period_start"], result["period_end"]) == ("2026-01-05", "2026-01-07")
    assert result["format"] == "csv" and result["duplicate_file"] is False
    hours = {w["worker_name"]: w["hours"] for w in result["hours_by_worker"]}
    assert hours == {"Jane Smith": "7.50", "Samuel Carter": "4.00"}
    assert result["unmatched_workers"] == []
    record = client.get(f"/v1/uploads/{result['upload_id']}", headers=h).json()
    assert (record["kind"], record["status"], record["filename"]) == ("timesheet", "imported",
                                                                      "timesheet.csv")
    assert record["summary"]["entries_new"] == 3
    rows = entries(client, rid, h)
    assert [(r["worked_on"], r["start_time"], r["hours"]) for r in rows] == [
        ("2026-01-05", "09:00", "4.00"), ("2026-01-06", "09:00", "3.50"),
        ("2026-01-07", "14:00", "4.00")]
    with session_scope() as session:
        actions = session.scalars(select(Event.action).where(
            Event.subject_type == "uploads", Event.subject_id == str(result["upload_id"]))).all()
    assert actions == ["upload.imported"]


def test_the_same_file_twice_changes_nothing(client: Any, council: Council) -> None:
    rid, h = recipient_with_workers(client, council), council.auth()
    first = upload(client, rid, WEEK_1, h).json()
    again = upload(client, rid, WEEK_1, h, name="renamed.csv")
    assert again.status_code == 200, again.text
    assert again.json()["duplicate_file"] is True
    assert again.json()["upload_id"] == first["upload_id"]
    assert again.json()["entries_new"] == 3  # the first upload's summary, unchanged
    assert len(entries(client, rid, h)) == 3
    assert uploads_of(rid) == 1


def test_overlapping_timesheets_add_only_new_shifts(client: Any, council: Council) -> None:
    rid, h = recipient_with_workers(client, council), council.auth()
    upload(client, rid, WEEK_1, h)
    # the next sheet repeats two shifts, writes a name another way, and adds one new shift
    overlap = ("Worker,Date,Start,End\n"
               '"SMITH, JANE",06/01/2026,09:00,12:30\n'
               "Sam Carter,07/01/2026,14:00,18:00\n"
               "Sam Carter,08/01/2026,14:00,17:00\n")
    response = upload(client, rid, overlap, h, name="overlap.csv")
    assert response.status_code == 201, response.text
    result = response.json()
    assert (result["entries_total"], result["entries_new"], result["entries_duplicate"]) == (3, 1, 2)
    assert len(entries(client, rid, h)) == 4


def test_a_file_that_fails_changes_nothing_and_says_where(client: Any, council: Council) -> None:
    rid, h = recipient_with_workers(client, council), council.auth()
    bad = xlsx([["Worker", "Date", "Start", "End"],
                ["Jane Smith", "05/01/2026", "09:00", "13:00"],
                ["Jane Smith", "06/01/2026", "9 o'clock", "13:00"]], title="January")
    response = upload(client, rid, bad, h, name="bad.xlsx")
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    (error,) = response.json()["errors"]
    assert (error["sheet"], error["line"], error["field"]) == ("January", 3, "start")
    assert "January" in response.json()["detail"] and "nothing was imported" in response.json()["detail"]
    assert entries(client, rid, h) == []
    assert uploads_of(rid) == 0


def test_a_csv_with_a_bad_date_names_the_line(client: Any, council: Council) -> None:
    rid, h = recipient_with_workers(client, council), council.auth()
    response = upload(client, rid, "Worker,Date,Hours\nJane Smith,31/02/2026,4\n", h)
    assert response.status_code == 422, response.text
    (error,) = response.json()["errors"]
    assert (error["line"], error["field"], error["sheet"]) == (2, "date", None)
    assert uploads_of(rid) == 0


def test_an_uncached_formula_is_refused(client: Any, council: Council) -> None:
    rid, h = recipient_with_workers(client, council), council.auth()
    # openpyxl saves formulas without their results, as some exporters do
    data = xlsx([["Worker", "Date", "Start", "End", "Hours"],
                 ["Jane Smith", "05/01/2026", None, None, "=2+2"]])
    response = upload(client, rid, data, h, name="formula.xlsx")
    assert response.status_code == 422, response.text
    (error,) = response.json()["errors"]
    assert (error["field"], error["line"], error["sheet"]) == ("hours", 2, "Week 1")
    assert "formula" in error["reason"]
    assert uploads_of(rid) == 0


def test_a_dry_run_writes_nothing(client: Any, council: Council) -> None:
    rid, h = recipient_with_workers(client, council), council.auth()
    upload(client, rid, "Worker,Date,Start,End\nJane Smith,05/01/2026,09:00,13:00\n", h, name="a.csv")
    response = upload(client, rid, WEEK_1, h, query="?dry_run=true")
    assert response.status_code == 200, response.text
    result = response.json()
    assert result["dry_run"] is True and result["upload_id"] is None
    assert (result["entries_new"], result["entries_duplicate"]) == (2, 1)
    assert len(entries(client, rid, h)) == 1
    assert uploads_of(rid) == 1
    assert upload(client, rid, WEEK_1, h).json()["entries_new"] == 2  # the preview was right


def test_names_match_despite_case_spacing_initials_and_order(client: Any, council: Council) -> None:
    rid, h = recipient_with_workers(client, council), council.auth()
    workers = {w["name"]: w["id"] for w in
               client.get(f"/v1/recipients/{rid}/workers", headers=h).json()["items"]}
    sheet = ("Worker,Date,Hours\n"
             "J Smith,05/01/2026,1\n"
             '"SMITH, JANE",06/01/2026,2\n'
             "  jane   SMITH ,07/01/2026,3\n"
             "sam carter,08/01/2026,4\n"
             "S. Carter,09/01/2026,5\n"
             "Alex Nobody,10/01/2026,6\n")
    result = upload(client, rid, sheet, h).json()
    by_name = {r["worker_name"]: r["worker_id"] for r in entries(client, rid, h)}
    jane, sam = workers["Jane Smith"], workers["Samuel Carter"]
    assert by_name == {"J Smith": jane, "SMITH, JANE": jane, "jane   SMITH": jane,
                       "sam carter": sam, "S. Carter": sam, "Alex Nobody": None}
    assert result["unmatched_workers"] == ["Alex Nobody"]
    hours = {(w["worker_id"], w["worker_name"]): w["hours"] for w in result["hours_by_worker"]}
    assert hours == {(jane, "Jane Smith"): "6.00", (sam, "Samuel Carter"): "9.00",
                     (None, "Alex Nobody"): "6.00"}
    only_jane = entries(client, rid, h, f"&worker_id={jane}&from=2026-01-06&to=2026-01-07")
    assert [r["worked_on"] for r in only_jane] == ["2026-01-06", "2026-01-07"]


def test_two_workers_sharing_initials_match_neither(client: Any, council: Council) -> None:
    rid, h = recipient_with_workers(client, council), council.auth()
    post_ok(client, f"/v1/recipients/{rid}/workers", h, {"name": "John Smith"})
    upload(client, rid, "Worker,Date,Hours\nJ Smith,05/01/2026,1\n", h)
    assert [r["worker_id"] for r in entries(client, rid, h)] == [None]


def test_sleep_in_nights_count_only_woken_hours(client: Any, council: Council) -> None:
    rid, h = recipient_with_workers(client, council), council.auth()
    sheet = ("Worker,Date,Start,End,Sleep-in,Hours\n"
             "Jane Smith,05/01/2026,22:00,07:00,yes,1.5\n"
             "Jane Smith,06/01/2026,22:00,07:00,yes,\n"
             "Jane Smith,07/01/2026,09:00,13:00,,\n")
    result = upload(client, rid, sheet, h).json()
    rows = entries(client, rid, h)
    assert [(r["sleep_in"], r["woken_hours"], r["hours"]) for r in rows] == [
        (True, "1.50", "1.50"), (True, "0.00", "0.00"), (False, None, "4.00")]
    assert rows[0]["start_time"] == "22:00" and rows[0]["end_time"] == "07:00"
    (jane,) = result["hours_by_worker"]
    assert (jane["sleep_ins"], jane["hours"], jane["entries"]) == (2, "5.50", 3)


def test_void_removes_the_rows_and_keeps_the_file(client: Any, council: Council) -> None:
    rid, h = recipient_with_workers(client, council), council.auth()
    first = upload(client, rid, WEEK_1, h).json()
    response = client.post(f"/v1/uploads/{first['upload_id']}/void", headers=h,
                           json={"reason": "wrong person"})
    assert response.status_code == 200, response.text
    record = response.json()
    assert (record["status"], record["void_reason"]) == ("voided", "wrong person")
    assert record["summary"]["rows_removed_when_voided"] == 3
    assert entries(client, rid, h) == []
    again = client.post(f"/v1/uploads/{first['upload_id']}/void", headers=h, json={"reason": "x"})
    assert again.status_code == 409
    download = client.get(f"/v1/uploads/{first['upload_id']}/file", headers=h)
    assert download.status_code == 200 and download.content == WEEK_1.encode()
    assert download.headers["content-type"] == "application/octet-stream"
    assert 'filename="timesheet.csv"' in download.headers["content-disposition"]
    # once void, the same file may be sent again and counts afresh
    reupload = upload(client, rid, WEEK_1, h)
    assert reupload.status_code == 201 and reupload.json()["entries_new"] == 3


def test_holders_void_only_their_own_uploads(client: Any, council: Council) -> None:
    rid, h = recipient_with_workers(client, council), council.auth()
    holder = make_user(client, council, "holder")
    post_ok(client, f"/v1/recipients/{rid}/representatives", h,
            {"kind": "self", "name": "Pat", "user_id": holder["id"]})
    hh = {"Authorization": f"Bearer {holder['token']}"}
    theirs = upload(client, rid, WEEK_1, hh)
    assert theirs.status_code == 201, theirs.text
    staffs = upload(client, rid, "Worker,Date,Hours\nJane Smith,20/01/2026,2\n", h).json()
    refused = client.post(f"/v1/uploads/{staffs['upload_id']}/void", headers=hh, json={"reason": "x"})
    assert refused.status_code == 403
    voided = client.post(f"/v1/uploads/{theirs.json()['upload_id']}/void", headers=hh,
                         json={"reason": "sent twice by mistake"})
    assert voided.status_code == 200, voided.text


def test_a_provider_of_another_person_gets_404(client: Any, council: Council) -> None:
    rid, h = recipient_with_workers(client, council), council.auth()
    provider = post_ok(client, "/v1/providers", h, {"reference": unique("p"), "name": "Elsewhere"})
    other = make_user(client, council, "provider", provider_id=provider["id"])
    ph = {"Authorization": f"Bearer {other['token']}"}
    mine = upload(client, rid, WEEK_1, h).json()
    assert upload(client, rid, WEEK_1, ph).status_code == 404
    assert client.get(f"/v1/recipients/{rid}/timesheet-entries", headers=ph).status_code == 404
    assert client.get(f"/v1/uploads/{mine['upload_id']}", headers=ph).status_code == 404
    assert client.get(f"/v1/uploads/{mine['upload_id']}/file", headers=ph).status_code == 404


def test_a_provider_serving_the_person_may_upload(client: Any, council: Council) -> None:
    rid, h = recipient_with_workers(client, council), council.auth()
    provider = post_ok(client, "/v1/providers", h, {"reference": unique("p"), "name": "Bureau"})
    post_ok(client, f"/v1/recipients/{rid}/accounts", h,
            {"reference": unique("a"), "kind": "managed", "provider_id": provider["id"]})
    user = make_user(client, council, "provider", provider_id=provider["id"])
    response = upload(client, rid, WEEK_1, {"Authorization": f"Bearer {user['token']}"})
    assert response.status_code == 201, response.text


def test_idempotency_key_replays_the_first_answer(client: Any, council: Council) -> None:
    rid, h = recipient_with_workers(client, council), council.auth()
    keyed = {**h, "Idempotency-Key": unique("k")}
    first = upload(client, rid, WEEK_1, keyed)
    replay = upload(client, rid, WEEK_1, keyed)
    assert (first.status_code, replay.status_code) == (201, 201)
    assert replay.headers.get("idempotent-replayed") == "true"
    assert replay.json() == first.json()
    other_file = upload(client, rid, "Worker,Date,Hours\nJane Smith,20/01/2026,2\n", keyed)
    assert other_file.status_code == 422


def test_missing_file_is_422_and_a_larger_upload_than_json_is_accepted(
    client: Any, council: Council
) -> None:
    rid, h = recipient_with_workers(client, council), council.auth()
    response = client.post(f"/v1/recipients/{rid}/timesheets", headers=h)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "file"
    # bigger than the 1 MiB JSON limit, within the upload limit
    rows = "".join(f"Jane Smith,{d:02d}/{m:02d}/2025,09:00,13:00,{'x' * 3900}\n"
                   for m in range(1, 13) for d in range(1, 29))
    assert len(rows) > 1_300_000
    big = upload(client, rid, "Worker,Date,Start,End,Notes\n" + rows, h)
    assert big.status_code == 201, big.text[:300]


def test_two_identical_untimed_shifts_on_one_day_are_two_shifts(client: Any, council: Council) -> None:
    rid, h = recipient_with_workers(client, council), council.auth()
    visits = ("Worker,Date,Hours\n"
              "Jane Smith,05/01/2026,4\n"
              "Jane Smith,05/01/2026,4\n"
              "Jane Smith,06/01/2026,4\n")
    result = upload(client, rid, visits, h).json()
    assert (result["entries_total"], result["entries_new"], result["entries_duplicate"]) == (3, 3, 0)
    assert sum(float(r["hours"]) for r in entries(client, rid, h)) == 12
    # a later sheet repeating both visits and adding a third that day adds only the third
    overlap = ("Worker,Date,Hours\n"
               "Jane Smith,05/01/2026,4\n"
               "JANE SMITH,05/01/2026,4\n"
               "Jane Smith,05/01/2026,4\n")
    again = upload(client, rid, overlap, h, name="overlap.csv")
    assert again.status_code == 201, again.text
    assert (again.json()["entries_new"], again.json()["entries_duplicate"]) == (1, 2)
    rows = entries(client, rid, h, "&from=2026-01-05&to=2026-01-05")
    assert [r["hours"] for r in rows] == ["4.00", "4.00", "4.00"]


def test_shift_dates_outside_2000_to_2099_are_refused(client: Any, council: Council) -> None:
    rid = post_ok(client, "/v1/recipients", council.auth(), {"reference": unique("R"), "name": "Pat"})["id"]
    data = b"Worker,Date,Hours\nSam Carter,01/01/1899,4\n"
    response = client.post(f"/v1/recipients/{rid}/timesheets", headers=council.auth(),
                           files={"file": ("t.csv", data)})
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["field"] == "date" and response.json()["errors"][0]["line"] == 2


def test_a_timesheet_that_completes_an_underpaid_period_raises_the_flag(
        client: Any, council: Council) -> None:
    h = council.auth()
    rid = recipient_with_workers(client, council)
    post_ok(client, f"/v1/recipients/{rid}/payroll-runs", h, {"lines": [
        {"worker": "Jane Smith", "period_start": "2026-01-05", "period_end": "2026-01-11",
         "gross": "40.00", "net": "40.00"}]})
    flagged = {"recipient_id": rid, "rule": "unlawful.below_minimum_wage", "limit": 200}
    assert client.get("/v1/flags", headers=h, params=flagged).json()["items"] == []
    # 4h + 3.5h = 7.5 hours; Jane's age is unknown, so the lowest rate (£7.55 in January
    # 2026) gives at least £56.63; £40.00 gross is £16.63 short
    assert upload(client, rid, WEEK_1, h).status_code == 201
    (flag,) = client.get("/v1/flags", headers=h, params=flagged).json()["items"]
    assert flag["explanation"].startswith(
        "You paid Jane Smith £16.63 less than the law says for 5 to 11 January 2026.")
