"""Payroll runs through the API: pushed as JSON or uploaded as CSV, added once however often
they are sent, refused with the line at fault, and only for those who serve the person."""

from __future__ import annotations

from typing import Any

from conftest import Council, make_user, post_ok, unique
from sqlalchemy import func, select

from service.core.db import session_scope
from service.models import Upload

RUN = {"lines": [
    {"worker": "Jane Smith", "period_start": "2026-01-05", "period_end": "2026-01-18",
     "gross": "520.00", "paye": "0.00", "employee_ni": "0.00", "employer_ni": "0.00",
     "employee_pension": "15.60", "employer_pension": "10.40", "net": "504.40", "hours": "40.00"},
    {"worker": "A Stranger", "period_start": "2026-01-05", "period_end": "2026-01-18",
     "gross": "130.00", "net": "130.00"},
]}
CSV = ("Employee,Pay Period Start,Pay Period End,Gross Pay,PAYE,EE NI,ER NI,EE Pension,"
       "ER Pension,Net Pay,Hours\n"
       "SMITH JANE,19/01/2026,01/02/2026,520.00,0.00,0.00,0.00,15.60,10.40,504.40,40\n"
       "Jane Smith,02/02/2026,15/02/2026,\"£1,040.00\",20.00,0,0,31.20,20.80,988.80,80\n")


def recipient(client: Any, council: Council) -> int:
    h = council.auth()
    rid = post_ok(client, "/v1/recipients", h, {"reference": unique("R"), "name": "Pat"})["id"]
    post_ok(client, f"/v1/recipients/{rid}/workers", h, {"name": "Jane Smith"})
    return int(rid)


def lines(client: Any, rid: int, headers: dict[str, str]) -> list[dict[str, Any]]:
    response = client.get(f"/v1/recipients/{rid}/payroll-lines?limit=200", headers=headers)
    assert response.status_code == 200, response.text
    return list(response.json()["items"])


def upload_csv(client: Any, rid: int, data: str, headers: dict[str, str], query: str = "") -> Any:
    return client.post(f"/v1/recipients/{rid}/payroll-runs:upload{query}", headers=headers,
                       files={"file": ("payroll.csv", data.encode(), "text/csv")})


def uploads_of(rid: int) -> int:
    with session_scope() as session:
        return session.scalar(select(func.count()).select_from(Upload)
                              .where(Upload.recipient_id == rid)) or 0


def test_a_run_pushed_twice_is_added_once(client: Any, council: Council) -> None:
    rid, h = recipient(client, council), council.auth()
    first = client.post(f"/v1/recipients/{rid}/payroll-runs", headers=h, json=RUN)
    assert first.status_code == 201, first.text
    result = first.json()
    assert (result["lines_total"], result["lines_new"], result["lines_duplicate"]) == (2, 2, 0)
    assert (result["period_start"], result["period_end"]) == ("2026-01-05", "2026-01-18")
    assert result["unmatched_workers"] == ["A Stranger"]
    again = client.post(f"/v1/recipients/{rid}/payroll-runs", headers=h, json=RUN)
    assert again.status_code == 200, again.text
    assert again.json()["duplicate_file"] is True
    assert again.json()["upload_id"] == result["upload_id"]
    stored = lines(client, rid, h)
    assert len(stored) == 2 and uploads_of(rid) == 1
    jane = next(line for line in stored if line["worker_name"] == "Jane Smith")
    assert (jane["gross"], jane["employer_pension"], jane["net"], jane["hours"]) == (
        "520.00", "10.40", "504.40", "40.00")
    assert jane["worker_id"] is not None
    record = client.get(f"/v1/uploads/{result['upload_id']}", headers=h).json()
    assert (record["kind"], record["format"]) == ("payroll", "json")


def test_a_resent_period_keeps_the_first_figures_and_says_so(client: Any, council: Council) -> None:
    rid, h = recipient(client, council), council.auth()
    post_ok(client, f"/v1/recipients/{rid}/payroll-runs", h, RUN)
    changed = {"lines": [{**RUN["lines"][0], "gross": "530.00", "net": "514.40"},
                         {"worker": "Jane Smith", "period_start": "2026-01-19",
                          "period_end": "2026-02-01", "gross": "260.00", "net": "260.00"}]}
    response = client.post(f"/v1/recipients/{rid}/payroll-runs", headers=h, json=changed)
    assert response.status_code == 201, response.text
    result = response.json()
    assert (result["lines_new"], result["lines_duplicate"]) == (1, 1)
    (warning,) = result["warnings"]
    assert "already recorded with other figures" in warning
    grosses = sorted(line["gross"] for line in lines(client, rid, h))
    assert grosses == ["130.00", "260.00", "520.00"]


def test_a_csv_run_is_read_and_matched(client: Any, council: Council) -> None:
    rid, h = recipient(client, council), council.auth()
    response = upload_csv(client, rid, CSV, h)
    assert response.status_code == 201, response.text
    result = response.json()
    assert (result["format"], result["lines_new"], result["unmatched_workers"]) == ("csv", 2, [])
    (jane,) = result["pay_by_worker"]
    assert (jane["worker_name"], jane["lines"], jane["gross"], jane["hours"]) == (
        "Jane Smith", 2, "1560.00", "120.00")
    stored = lines(client, rid, h)
    assert [line["source_line"] for line in stored] == [2, 3]
    assert len({line["worker_id"] for line in stored}) == 1
    again = upload_csv(client, rid, CSV, h)
    assert again.status_code == 200 and again.json()["duplicate_file"] is True
    download = client.get(f"/v1/uploads/{result['upload_id']}/file", headers=h)
    assert download.content == CSV.encode()


def test_a_bad_csv_row_is_refused_with_its_line(client: Any, council: Council) -> None:
    rid, h = recipient(client, council), council.auth()
    bad = CSV + "Jane Smith,16/02/2026,01/03/2026,12.345,0,0,0,0,0,12.34,\n"
    response = upload_csv(client, rid, bad, h)
    assert response.status_code == 422, response.text
    (error,) = response.json()["errors"]
    assert (error["line"], error["field"]) == (4, "gross")
    assert lines(client, rid, h) == [] and uploads_of(rid) == 0


def test_a_csv_period_backwards_or_negative_gross_is_refused(client: Any, council: Council) -> None:
    rid, h = recipient(client, council), council.auth()
    header = "worker,period_start,period_end,gross,net\n"
    for row, field in (("Jane Smith,01/02/2026,31/01/2026,10.00,10.00", "period_end"),
                       ("Jane Smith,01/02/2026,28/02/2026,-10.00,10.00", "gross")):
        response = upload_csv(client, rid, header + row + "\n", h)
        assert response.status_code == 422, response.text
        (error,) = response.json()["errors"]
        assert (error["line"], error["field"]) == (2, field)
    assert uploads_of(rid) == 0


def test_a_dry_run_writes_nothing(client: Any, council: Council) -> None:
    rid, h = recipient(client, council), council.auth()
    response = client.post(f"/v1/recipients/{rid}/payroll-runs?dry_run=true", headers=h, json=RUN)
    assert response.status_code == 200, response.text
    assert response.json()["dry_run"] is True and response.json()["lines_new"] == 2
    assert lines(client, rid, h) == [] and uploads_of(rid) == 0


def test_bodies_that_make_no_sense_are_422(client: Any, council: Council) -> None:
    rid, h = recipient(client, council), council.auth()
    backwards = {"lines": [{**RUN["lines"][1], "period_end": "2026-01-01"}]}
    for body in (backwards, {"lines": []}, {"lines": [{**RUN["lines"][1], "gross": "1.001"}]},
                 {"lines": [{**RUN["lines"][1], "bonus": "5.00"}]}):
        response = client.post(f"/v1/recipients/{rid}/payroll-runs", headers=h, json=body)
        assert response.status_code == 422, (body, response.text)
    assert uploads_of(rid) == 0


def test_who_may_send_payroll(client: Any, council: Council) -> None:
    rid, h = recipient(client, council), council.auth()
    holder = make_user(client, council, "holder")
    post_ok(client, f"/v1/recipients/{rid}/representatives", h,
            {"kind": "self", "name": "Pat", "user_id": holder["id"]})
    hh = {"Authorization": f"Bearer {holder['token']}"}
    assert client.post(f"/v1/recipients/{rid}/payroll-runs", headers=hh, json=RUN).status_code == 403
    # the report their payroll service gave them, as a file, they may send
    assert upload_csv(client, rid, CSV, hh).status_code == 201
    assert client.get(f"/v1/recipients/{rid}/payroll-lines", headers=hh).status_code == 200

    serving = post_ok(client, "/v1/providers", h, {"reference": unique("p"), "name": "Bureau"})
    post_ok(client, f"/v1/recipients/{rid}/accounts", h,
            {"reference": unique("a"), "kind": "managed", "provider_id": serving["id"]})
    bureau = make_user(client, council, "provider", provider_id=serving["id"])
    bh = {"Authorization": f"Bearer {bureau['token']}"}
    assert client.post(f"/v1/recipients/{rid}/payroll-runs", headers=bh, json=RUN).status_code == 201

    elsewhere = post_ok(client, "/v1/providers", h, {"reference": unique("p"), "name": "Other"})
    stranger = make_user(client, council, "provider", provider_id=elsewhere["id"])
    sh = {"Authorization": f"Bearer {stranger['token']}"}
    assert client.post(f"/v1/recipients/{rid}/payroll-runs", headers=sh, json=RUN).status_code == 404
    assert upload_csv(client, rid, CSV, sh).status_code == 404
    assert client.get(f"/v1/recipients/{rid}/payroll-lines", headers=sh).status_code == 404


def test_void_takes_the_lines_out(client: Any, council: Council) -> None:
    rid, h = recipient(client, council), council.auth()
    run = post_ok(client, f"/v1/recipients/{rid}/payroll-runs", h, RUN)
    response = client.post(f"/v1/uploads/{run['upload_id']}/void", headers=h, json={"reason": "test"})
    assert response.status_code == 200, response.text
    assert lines(client, rid, h) == []
    assert client.post(f"/v1/recipients/{rid}/payroll-runs", headers=h, json=RUN).status_code == 201
    assert len(lines(client, rid, h)) == 2


def test_two_lines_for_one_worker_and_period_refuse_the_run(client: Any, council: Council) -> None:
    rid, h = recipient(client, council), council.auth()
    twice = {"lines": [RUN["lines"][0], RUN["lines"][1], {**RUN["lines"][0], "gross": "100.00", "net": "84.40"}]}
    response = client.post(f"/v1/recipients/{rid}/payroll-runs", headers=h, json=twice)
    assert response.status_code == 422, response.text
    errors = response.json()["errors"]
    assert [(e["line"], e["field"]) for e in errors] == [(1, "worker"), (3, "worker")]
    rows = ("Jane Smith,05/01/2026,18/01/2026,520.00,504.40\n"
            "JANE SMITH,05/01/2026,18/01/2026,100.00,100.00\n")
    csv_response = upload_csv(client, rid, "worker,period_start,period_end,gross,net\n" + rows, h)
    assert csv_response.status_code == 422, csv_response.text
    assert [(e["line"], e["field"]) for e in csv_response.json()["errors"]] == [
        (2, "worker"), (3, "worker")]
    assert lines(client, rid, h) == [] and uploads_of(rid) == 0


def test_the_reply_totals_are_the_figures_kept(client: Any, council: Council) -> None:
    rid, h = recipient(client, council), council.auth()
    post_ok(client, f"/v1/recipients/{rid}/payroll-runs", h, RUN)
    changed = {"lines": [{**RUN["lines"][0], "gross": "530.00", "net": "514.40"},
                         {"worker": "Jane Smith", "period_start": "2026-01-19",
                          "period_end": "2026-02-01", "gross": "260.00", "net": "260.00"}]}
    for query in ("?dry_run=true", ""):
        response = client.post(f"/v1/recipients/{rid}/payroll-runs{query}", headers=h, json=changed)
        assert response.status_code in (200, 201), response.text
        (jane,) = response.json()["pay_by_worker"]
        assert (jane["lines"], jane["gross"], jane["net"]) == (2, "780.00", "764.40")


def test_pay_that_cannot_add_up_is_refused(client: Any, council: Council) -> None:
    rid, h = recipient(client, council), council.auth()
    base = {"worker": "Jane Smith", "period_start": "2026-01-05", "period_end": "2026-01-18", "gross": "100.00"}
    for bad, field in (({"net": "500.00"}, "net"), ({"net": "-50.00"}, "net"),
                       ({"net": "80.00", "employee_ni": "-10.00"}, "employee_ni"),
                       ({"net": "80.00", "period_start": "2025-01-01"}, "period_end")):
        response = client.post(f"/v1/recipients/{rid}/payroll-runs", headers=h, json={"lines": [{**base, **bad}]})
        assert response.status_code == 422, (bad, response.text)
        assert response.json()["errors"][0]["field"] == field, (bad, response.json())
    refund = client.post(f"/v1/recipients/{rid}/payroll-runs", headers=h,
                         json={"lines": [{**base, "paye": "-20.00", "net": "120.00"}]})
    assert refund.status_code == 201, refund.text  # a tax refund can lift net above gross
    far = client.post(f"/v1/recipients/{rid}/payroll-runs", headers=h,
                      json={"lines": [{**base, "period_start": "0001-01-01", "net": "90.00"}]})
    assert far.status_code == 422


def _wage_flags(client: Any, rid: int, headers: dict[str, str]) -> list[dict[str, Any]]:
    response = client.get("/v1/flags", headers=headers, params={
        "recipient_id": rid, "rule": "unlawful.below_minimum_wage", "limit": 200})
    assert response.status_code == 200, response.text
    return list(response.json()["items"])


def test_a_csv_run_below_the_minimum_wage_is_flagged_by_the_upload(
        client: Any, council: Council) -> None:
    h = council.auth()
    rid = recipient(client, council)
    # Jane's age is not recorded, so the lowest rate is used: 40 hours x £8.00 (April 2026)
    # = £320.00 at the least; £280.00 gross is £40.00 short
    run = (CSV.splitlines()[0] + "\n"
           "Jane Smith,01/04/2026,30/04/2026,280.00,0,0,0,0,0,280.00,40\n")
    assert upload_csv(client, rid, run, h, "?dry_run=true").status_code == 200
    assert _wage_flags(client, rid, h) == []  # a dry run writes nothing, flags included
    assert upload_csv(client, rid, run, h).status_code == 201
    (flag,) = _wage_flags(client, rid, h)
    assert flag["explanation"].startswith(
        "You paid Jane Smith £40.00 less than the law says for 1 to 30 April 2026.")
