"""Statement uploads through the HTTP API: atomic, layered dedup, nothing counted twice."""

from __future__ import annotations

import threading
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from conftest import Council, post_ok, unique

START = date(2026, 1, 1)


def lloyds_csv(days: range, *, opening: Decimal = Decimal("1000.00"), extra: list[str] | None = None) -> bytes:
    """A Lloyds-layout statement, one coffee a day, newest first, with running balances."""
    rows = []
    for n in days:
        day = START + timedelta(days=n)
        balance = opening - Decimal("3.10") * (n + 1)
        rows.append(f"{day:%d/%m/%Y},DEB,'30-91-74,12345678,COFFEE SHOP {n % 7},3.10,,{balance}")
    header = "Transaction Date,Transaction Type,Sort Code,Account Number,Transaction Description,Debit Amount,Credit Amount,Balance,"
    return "\n".join([header, *reversed(rows), *(extra or [])]).encode()


def generic_csv(lines: list[tuple[str, str, str]]) -> bytes:
    return ("Date,Description,Amount\n" + "\n".join(",".join(line) for line in lines)).encode()


def ofx(transactions: list[tuple[str, str, str, str]], acct: str = "12345678") -> bytes:
    body = "".join(
        f"<STMTTRN><TRNTYPE>DEBIT<DTPOSTED>{d}<TRNAMT>{a}<FITID>{f}<NAME>{n}</STMTTRN>"
        for f, d, a, n in transactions)
    return (
        "OFXHEADER:100\nDATA:OFXSGML\nVERSION:102\nSECURITY:NONE\nENCODING:USASCII\nCHARSET:1252\n"
        "COMPRESSION:NONE\nOLDFILEUID:NONE\nNEWFILEUID:NONE\n\n"
        "<OFX><BANKMSGSRSV1><STMTTRNRS><TRNUID>1<STATUS><CODE>0<SEVERITY>INFO</STATUS><STMTRS>"
        f"<CURDEF>GBP<BANKACCTFROM><BANKID>309174<ACCTID>{acct}<ACCTTYPE>CHECKING</BANKACCTFROM>"
        f"<BANKTRANLIST><DTSTART>20260101<DTEND>20260131{body}</BANKTRANLIST>"
        "<LEDGERBAL><BALAMT>100.00<DTASOF>20260131</LEDGERBAL></STMTRS></STMTTRNRS></BANKMSGSRSV1></OFX>"
    ).encode()


@pytest.fixture
def account(client: Any, council: Council) -> dict[str, Any]:
    rid = post_ok(client, "/v1/recipients", council.auth(), {"reference": unique("R"), "name": "Pat"})["id"]
    return post_ok(client, f"/v1/recipients/{rid}/accounts", council.auth(),
                   {"reference": unique("acct"), "kind": "bank", "number_last4": "5678"})


def upload(client: Any, council: Council, account: dict[str, Any], data: bytes, name: str = "statement.csv",
           dry_run: bool = False, **form: str) -> Any:
    return client.post(f"/v1/accounts/{account['id']}/statements", headers=council.auth(),
                       params={"dry_run": "true"} if dry_run else None,
                       files={"file": (name, data)}, data=form)


def stored(client: Any, council: Council, account: dict[str, Any], data: bytes, name: str = "check.csv") -> int:
    """How many of a file's lines are already stored, asked through a dry run."""
    result = upload(client, council, account, data + b"\n", name, dry_run=True)
    assert result.status_code == 200, result.text
    return int(result.json()["rows"]["duplicate"])


def test_a_statement_imports_and_says_what_it_found(client: Any, council: Council, account: dict[str, Any]) -> None:
    response = upload(client, council, account, lloyds_csv(range(31)))
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["format"] == "csv:lloyds"
    assert body["rows"] == {"total": 31, "new": 31, "duplicate": 0, "possible_duplicate": 0, "id_collision": 0}
    assert body["period"] == {"start": "2026-01-01", "end": "2026-01-31"}
    assert body["opening_balance"] == "1000.00" and body["closing_balance"] == "903.90"
    assert body["balances_reconcile"] is True and body["balance_chain_breaks"] == []
    events = client.get("/v1/events", headers=council.auth(), params={"subject_type": "uploads"}).json()
    assert [e["action"] for e in events["items"]] == ["upload.imported"]


def test_same_file_twice_changes_nothing(client: Any, council: Council, account: dict[str, Any]) -> None:
    data = lloyds_csv(range(10))
    first = upload(client, council, account, data)
    again = upload(client, council, account, data)
    assert first.status_code == 201 and again.status_code == 200
    assert again.json()["duplicate_file"] is True
    assert again.json()["upload_id"] == first.json()["upload_id"]
    assert stored(client, council, account, data) == 10
    uploads = client.get(f"/v1/accounts/{account['id']}/uploads", headers=council.auth()).json()["items"]
    assert len(uploads) == 1


def test_same_file_to_another_account_is_its_own_upload(client: Any, council: Council, account: dict[str, Any]) -> None:
    other = post_ok(client, f"/v1/recipients/{account['recipient_id']}/accounts", council.auth(),
                    {"reference": unique("acct"), "kind": "bank"})
    data = lloyds_csv(range(5))
    first = upload(client, council, account, data)
    second = upload(client, council, other, data)
    assert second.status_code == 201 and second.json()["upload_id"] != first.json()["upload_id"]


def test_overlapping_statements_add_only_what_is_new(client: Any, council: Council, account: dict[str, Any]) -> None:
    assert upload(client, council, account, lloyds_csv(range(0, 59))).status_code == 201
    second = upload(client, council, account, lloyds_csv(range(31, 90)), "later.csv").json()
    assert second["rows"]["new"] == 31 and second["rows"]["duplicate"] == 28
    assert {d["outcome"] for d in second["decisions"]} == {"duplicate"}
    assert {d["key"] for d in second["decisions"]} == {"balance_chain"}
    assert stored(client, council, account, lloyds_csv(range(90))) == 90


def test_identical_lines_on_one_day_are_two_transactions(client: Any, council: Council, account: dict[str, Any]) -> None:
    coffee = ("05/01/2026", "COSTA COFFEE", "-2.50")
    first = upload(client, council, account, generic_csv([coffee, coffee])).json()
    assert first["rows"]["new"] == 2
    second = upload(client, council, account, generic_csv([coffee, ("06/01/2026", "GREGGS", "-3.00")]), "b.csv").json()
    assert second["rows"]["new"] == 1 and second["rows"]["duplicate"] == 1


def test_bank_ids_dedup_and_a_reused_id_is_kept_for_review(client: Any, council: Council, account: dict[str, Any]) -> None:
    lines = [("FIT1", "20260105", "-10.00", "TESCO"), ("FIT2", "20260106", "-20.00", "BOOTS")]
    assert upload(client, council, account, ofx(lines), "jan.ofx").json()["rows"]["new"] == 2
    reused = [*lines, ("FIT1", "20260120", "-99.00", "ARGOS")]
    body = upload(client, council, account, ofx(reused), "jan2.ofx").json()
    assert body["rows"]["duplicate"] == 2 and body["rows"]["id_collision"] == 1 and body["rows"]["new"] == 1
    collision = next(d for d in body["decisions"] if d["outcome"] == "id_collision")
    assert collision["key"] == "bank_id" and collision["transaction_id"] is not None


def test_near_duplicates_from_another_upload_are_stored_and_listed(client: Any, council: Council, account: dict[str, Any]) -> None:
    upload(client, council, account, generic_csv([("05/01/2026", "TESCO STORES 2231", "-41.20")]))
    body = upload(client, council, account, ofx([("X9", "20260107", "-41.20", "TESCO STORES 2231")]), "a.ofx").json()
    assert body["rows"]["new"] == 1 and body["rows"]["possible_duplicate"] == 1
    assert body["decisions"][0]["outcome"] == "possible_duplicate"


def test_weekly_wages_of_one_amount_are_not_near_duplicates(client: Any, council: Council, account: dict[str, Any]) -> None:
    upload(client, council, account, generic_csv([("02/01/2026", "S CARTER WAGES", "-250.00")]))
    body = upload(client, council, account, generic_csv([("09/01/2026", "S CARTER WAGES", "-250.00")]), "b.csv").json()
    assert body["rows"]["new"] == 1 and body["rows"]["possible_duplicate"] == 0


def test_a_bad_file_writes_nothing_and_names_the_line(client: Any, council: Council, account: dict[str, Any]) -> None:
    bad = generic_csv([("05/01/2026", "TESCO", "-4.00"), ("06/01/2026", "BOOTS", "lots")])
    response = upload(client, council, account, bad)
    assert response.status_code == 422
    problem = response.json()
    assert problem["errors"][0]["line"] == 3 and "amount" in problem["errors"][0]["field"].lower()
    assert client.get(f"/v1/accounts/{account['id']}/uploads", headers=council.auth()).json()["items"] == []
    assert stored(client, council, account, generic_csv([("05/01/2026", "TESCO", "-4.00")])) == 0


def test_a_pdf_is_refused_as_a_pdf(client: Any, council: Council, account: dict[str, Any]) -> None:
    response = upload(client, council, account, b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "statement.csv")
    assert response.status_code == 422 and "PDF" in response.json()["detail"]


def test_a_file_for_another_account_is_refused(client: Any, council: Council, account: dict[str, Any]) -> None:
    response = upload(client, council, account, ofx([("F1", "20260105", "-1.00", "X")], acct="99990000"), "x.ofx")
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "account"


def test_dry_run_stores_nothing(client: Any, council: Council, account: dict[str, Any]) -> None:
    data = lloyds_csv(range(5))
    preview = upload(client, council, account, data, dry_run=True)
    assert preview.status_code == 200 and preview.json()["rows"]["new"] == 5
    assert preview.json()["upload_id"] is None
    assert upload(client, council, account, data).status_code == 201


def test_declared_balances_fill_what_the_file_lacks(client: Any, council: Council, account: dict[str, Any]) -> None:
    data = generic_csv([("05/01/2026", "TESCO", "-4.00"), ("06/01/2026", "REFUND", "1.50")])
    body = upload(client, council, account, data, period_start="2026-01-01", period_end="2026-01-31",
                  opening_balance="100.00", closing_balance="97.50").json()
    assert body["period"] == {"start": "2026-01-01", "end": "2026-01-31"}
    assert body["balances_reconcile"] is True
    wrong = upload(client, council, account, data + b"\n", opening_balance="100.00", closing_balance="90.00").json()
    assert wrong["balances_reconcile"] is False and wrong["reconciliation_difference"] == "-7.50"


def test_gaps_between_statements_are_listed_in_words(client: Any, council: Council, account: dict[str, Any]) -> None:
    upload(client, council, account, lloyds_csv(range(0, 31)))
    body = upload(client, council, account, lloyds_csv(range(59, 90)), "march.csv").json()
    assert [g["words"] for g in body["gaps"]] == ["no statement from 1 February 2026 to 28 February 2026"]


def test_broken_balance_chain_is_reported(client: Any, council: Council, account: dict[str, Any]) -> None:
    data = lloyds_csv(range(3)).replace(b"COFFEE SHOP 1,3.10,,993.80", b"COFFEE SHOP 1,3.10,,990.00")
    body = upload(client, council, account, data).json()
    assert body["balance_chain_breaks"], body


def test_provider_batches_are_idempotent(client: Any, council: Council, account: dict[str, Any]) -> None:
    batch = {"transactions": [
        {"id": "p-1", "date": "2026-01-05", "amount": "-12.34", "description": "AGENCY CARE LTD"},
        {"id": "p-2", "date": "2026-01-06", "amount": "1500.00", "description": "COUNCIL DP"}]}
    url = f"/v1/accounts/{account['id']}/transactions:batch"
    first = client.post(url, headers=council.auth(), json=batch)
    again = client.post(url, headers=council.auth(), json=batch)
    assert first.status_code == 201 and first.json()["rows"]["new"] == 2
    assert again.status_code == 200 and again.json()["duplicate_file"] is True
    more = {"transactions": [*batch["transactions"], {"id": "p-3", "date": "2026-01-07", "amount": "-1.00",
                                                       "description": "FEE"}]}
    assert client.post(url, headers=council.auth(), json=more).json()["rows"] == {
        "total": 3, "new": 1, "duplicate": 2, "possible_duplicate": 0, "id_collision": 0}
    bad = client.post(url, headers=council.auth(), json={"transactions": [{**batch["transactions"][0], "amount": "1.234"}]})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "transactions.0.amount"


def test_idempotency_key_replays_an_upload(client: Any, council: Council, account: dict[str, Any]) -> None:
    headers = {**council.auth(), "Idempotency-Key": "stmt-1"}
    data = lloyds_csv(range(3))
    url = f"/v1/accounts/{account['id']}/statements"
    first = client.post(url, headers=headers, files={"file": ("a.csv", data)})
    again = client.post(url, headers=headers, files={"file": ("a.csv", data)})
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    other = client.post(url, headers=headers, files={"file": ("a.csv", lloyds_csv(range(4)))})
    assert other.status_code == 422


def test_two_overlapping_files_at_once_give_their_union(app: Any, council: Council, account: dict[str, Any]) -> None:
    from fastapi.testclient import TestClient

    files = [lloyds_csv(range(0, 60)), lloyds_csv(range(30, 90))]
    results: list[int] = []

    def send(data: bytes) -> None:
        with TestClient(app) as own_client:
            results.append(upload(own_client, council, account, data, "concurrent.csv").status_code)

    threads = [threading.Thread(target=send, args=(data,)) for data in files]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [201, 201]
    with TestClient(app) as check:
        assert stored(check, council, account, lloyds_csv(range(90))) == 90
        assert upload(check, council, account, lloyds_csv(range(90)) + b"\n\n", "all.csv").json()["rows"]["new"] == 0


def test_voiding_a_statement_with_flags_and_twins_removes_its_lines(client: Any, council: Council, account: dict[str, Any]) -> None:
    first = upload(client, council, account, generic_csv([("05/01/2026", "TESCO STORES 2231", "-41.20")])).json()
    second = upload(client, council, account, ofx([("X9", "20260107", "-41.20", "TESCO STORES 2231"),
                                                   ("X10", "20260108", "-20.00", "BET365")]), "a.ofx").json()
    assert second["rows"]["possible_duplicate"] == 1 and second["flags_raised"]
    for upload_id in (first["upload_id"], second["upload_id"]):
        voided = client.post(f"/v1/uploads/{upload_id}/void", headers=council.auth(), json={"reason": "sent in error"})
        assert voided.status_code == 200, voided.text
    assert stored(client, council, account, generic_csv([("05/01/2026", "TESCO STORES 2231", "-41.20")])) == 0
    flags = client.get("/v1/flags", headers=council.auth(), params={"account_id": account["id"]}).json()["items"]
    assert flags and all(f["status"] == "cleared" for f in flags)


def test_council_rules_setting_is_checked(client: Any, council: Council) -> None:
    bad = client.patch(f"/v1/councils/{council.id}", headers=council.auth(),
                       json={"optional_rules": {"local.no_such_rule": {"on": True}}})
    assert bad.status_code == 422


def test_impossible_dates_and_periods_are_refused(client: Any, council: Council, account: dict[str, Any]) -> None:
    future = upload(client, council, account, generic_csv([("31/12/2999", "TESCO", "-1.00")]))
    assert future.status_code == 422 and future.json()["errors"][0]["line"] == 2
    data = generic_csv([("05/01/2026", "TESCO", "-4.00")])
    backwards = upload(client, council, account, data, period_start="2026-01-31", period_end="2026-01-01")
    assert backwards.status_code == 422 and backwards.json()["errors"][0]["field"] == "period_end"
    outside = upload(client, council, account, data, period_start="2026-02-01", period_end="2026-02-28")
    assert outside.status_code == 422 and outside.json()["errors"][0]["line"] == 2
    ancient = upload(client, council, account, data, period_start="0001-01-01")
    assert ancient.status_code == 422
    batch = client.post(f"/v1/accounts/{account['id']}/transactions:batch", headers=council.auth(), json={
        "transactions": [{"id": "x", "date": "9999-12-31", "amount": "-1.00", "description": "X"}]})
    assert batch.status_code == 422
    long_name = upload(client, council, account, data, name="s" * 300 + ".csv")
    assert long_name.status_code == 201 and len(long_name.json()["filename"]) == 255


def test_voiding_one_of_two_overlapping_uploads_keeps_the_shared_lines(client: Any, council: Council, account: dict[str, Any]) -> None:
    url = f"/v1/accounts/{account['id']}/transactions:batch"
    line = {"date": "2026-01-05", "amount": "-6.00", "description": "GREGGS"}
    first = client.post(url, headers=council.auth(), json={"transactions": [
        {**line, "id": "v1", "amount": "-1.00"}, {**line, "id": "v2"}]}).json()
    second = client.post(url, headers=council.auth(), json={"transactions": [
        {**line, "id": "v2"}, {**line, "id": "v3", "amount": "-3.00"}]}).json()
    assert second["rows"]["new"] == 1 and second["rows"]["duplicate"] == 1
    assert client.post(f"/v1/uploads/{first['upload_id']}/void", headers=council.auth(),
                       json={"reason": "wrong file"}).status_code == 200
    left = client.get(f"/v1/accounts/{account['id']}/transactions", headers=council.auth()).json()["items"]
    assert sorted(t["amount"] for t in left) == ["-3.00", "-6.00"]


def test_upload_size_limits(client: Any, council: Council, account: dict[str, Any]) -> None:
    rows = "".join(f"{1 + n % 28:02d}/01/2026,SHOP {n},-1.{n % 100:02d}\n" for n in range(60_000))
    big = ("Date,Description,Amount\n" + rows).encode()  # about 1.8 MB: above the JSON limit
    assert upload(client, council, account, big).status_code == 201
    too_big = upload(client, council, account, b"x" * (11 * 1024 * 1024))
    assert too_big.status_code == 413
    assert too_big.headers["content-type"].startswith("application/problem+json")


def test_a_file_with_two_accounts_ending_alike_is_refused(client: Any, council: Council, account: dict[str, Any]) -> None:
    one = ofx([("F1", "20260105", "-1.00", "TESCO")], acct="11115678")
    two = ofx([("F2", "20260106", "-2.00", "BOOTS")], acct="22225678")
    start = two.index(b"<BANKMSGSRSV1>") + len(b"<BANKMSGSRSV1>")
    end = two.index(b"</BANKMSGSRSV1>")
    both = one.replace(b"</BANKMSGSRSV1>", two[start:end] + b"</BANKMSGSRSV1>")
    response = upload(client, council, account, both, "two.ofx")
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["field"] == "account"
