"""Audits through the API, as arithmetic a reviewer can check by hand (see audits_api_setup)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D
from typing import Any

from audits_api_setup import (
    CONTINGENCY,
    END,
    START,
    WEEKLY,
    audit,
    make_person,
    upload,
    weeks,
)
from conftest import make_user, post_ok


def figures(body: dict[str, Any]) -> dict[str, D]:
    names = ("opening_balance", "closing_balance", "money_in", "money_out",
             "reconciliation_difference", "contingency", "commitments", "surplus",
             "proposed_recovery", "council_share", "contribution_share")
    return {name: D(body["summary"][name]) for name in names}


def test_a_clean_account_is_light_with_nothing_to_recover(client: Any, council: Any) -> None:
    person = make_person(client, council)
    upload(client, person, weeks(), D("2000.00"), START, END)
    body = audit(client, person)
    f = figures(body)
    # 2,000 + 3 x 1,300 in - 12 x 325 out = 2,000; 2,000 - 2,600 contingency < 0: no surplus
    assert (f["opening_balance"], f["money_in"], f["money_out"], f["closing_balance"]) == (
        D("2000.00"), D("3900.00"), D("3900.00"), D("2000.00"))
    assert f["reconciliation_difference"] == 0
    assert f["contingency"] == CONTINGENCY == D("2600.00")
    assert f["surplus"] == D("-600.00") and f["proposed_recovery"] == 0
    assert body["tier"] == "light" and body["summary"]["gaps"] == [] and body["summary"]["flags"] == []
    assert [r["label"] for r in body["summary"]["tier_reasons"]] == ["1 first audit", "bank account"]
    assert body["result"]["decision"]["questions"] == []


def test_fourteen_weeks_surplus_recovers_what_is_above_eight_split_by_contribution(
    client: Any, council: Any
) -> None:
    person = make_person(client, council)
    opening = 14 * WEEKLY  # the balance stays at 14 weeks of plan value: £4,550.00
    upload(client, person, weeks(), opening, START, END)
    f = figures(audit(client, person))
    assert f["closing_balance"] == D("4550.00")
    # 4,550 - 2,600 = 1,950 (6 weeks); the council paid in 3,600 of 3,900: 1,950 x 3,600 / 3,900
    assert f["surplus"] == D("1950.00")
    assert f["council_share"] == D("1800.00") and f["contribution_share"] == D("150.00")
    assert f["proposed_recovery"] == D("1800.00")


def test_an_underspend_reason_can_hold_the_recovery(client: Any, council: Any) -> None:
    person = make_person(client, council)
    upload(client, person, weeks(), 14 * WEEKLY, START, END)
    post_ok(client, f"/v1/recipients/{person.recipient_id}/underspend-reasons", person.auth, {
        "period_start": START.isoformat(), "period_end": END.isoformat(),
        "reason": "could_not_recruit", "note": "no PA for six weeks", "hold_recovery": True})
    body = audit(client, person)
    assert body["summary"]["recovery_held"] is True
    assert D(body["summary"]["council_share"]) == D("1800.00")
    assert D(body["proposed_recovery"]) == 0
    steps = body["result"]["surplus_working"]["steps"]
    assert "could not recruit a personal assistant" in steps[-1]["explanation"]


def test_a_holder_records_a_reason_but_only_staff_hold_a_recovery(client: Any, council: Any) -> None:
    person = make_person(client, council)
    holder = make_user(client, council, "holder")
    post_ok(client, f"/v1/recipients/{person.recipient_id}/representatives", person.auth,
            {"kind": "self", "name": "Pat Person", "user_id": holder["id"]})
    url = f"/v1/recipients/{person.recipient_id}/underspend-reasons"
    h = {"Authorization": f"Bearer {holder['token']}"}
    reason = {"period_start": "2026-04-06", "period_end": "2026-05-03", "reason": "hospital_stay"}
    assert client.post(url, headers=h, json=reason).status_code == 201
    assert client.post(url, headers=h, json={**reason, "hold_recovery": True}).status_code == 403
    assert [r["reason"] for r in client.get(url, headers=h).json()["items"]] == ["hospital_stay"]


def test_a_statement_gap_is_named_in_words_and_raises_the_tier(client: Any, council: Any) -> None:
    person = make_person(client, council)
    lines = weeks()
    closing = upload(client, person, lines, D("2000.00"), START, date(2026, 5, 3))
    may = [line for line in lines if date(2026, 5, 4) <= line[0] <= date(2026, 5, 31)]
    upload(client, person, lines, closing + sum(a for _, _, a in may), date(2026, 6, 1), END)
    body = audit(client, person)
    assert body["summary"]["gaps"] == ["no statement from 4 May to 31 May 2026"]
    assert body["tier"] == "standard"
    assert {"label": "1 gap in the statements", "points": 3} in body["summary"]["tier_reasons"]
    questions = body["result"]["decision"]["questions"]
    assert any("4 May to 31 May 2026" in q for q in questions)


def test_a_gambling_payment_is_flagged_and_the_tier_rises(client: Any, council: Any) -> None:
    person = make_person(client, council)
    lines = [*weeks(), (date(2026, 5, 16), "BET365", D("-20.00"))]
    upload(client, person, lines, D("2000.00"), START, END)
    body = audit(client, person)
    flags = body["summary"]["flags"]
    assert [(f["rule_id"], f["severity"], f["status"]) for f in flags] == [
        ("harmful.gambling", "harmful", "open")]
    assert flags[0]["transaction_amount"] == "-20.00" and flags[0]["transaction_date"] == "2026-05-16"
    assert body["tier"] == "standard"  # light + 4 points for the flag
    assert {"label": "1 flag of possibly harmful spending", "points": 4} in body["summary"]["tier_reasons"]
    assert D(body["summary"]["money_out"]) == D("3920.00")


def test_holders_see_the_same_figures_as_the_officer(client: Any, council: Any) -> None:
    person = make_person(client, council)
    holder = make_user(client, council, "holder")
    post_ok(client, f"/v1/recipients/{person.recipient_id}/representatives", person.auth,
            {"kind": "self", "name": "Pat Person", "user_id": holder["id"]})
    upload(client, person, weeks(), D("2000.00"), START, END)
    made = audit(client, person)
    seen = client.get(f"/v1/audits/{made['id']}", headers={"Authorization": f"Bearer {holder['token']}"})
    assert seen.status_code == 200
    assert seen.json()["summary"] == made["summary"] and seen.json()["result"] == made["result"]


def test_the_audit_records_rules_settings_and_rates(client: Any, council: Any) -> None:
    person = make_person(client, council)
    upload(client, person, weeks(), D("2000.00"), START, END)
    result = audit(client, person)["result"]
    assert result["settings"]["contingency_weeks"] == 8
    events = client.get("/v1/events", headers=person.auth).json()["items"]
    assert "audit.created" in {e["action"] for e in events}


def test_a_final_audit_keeps_no_contingency(client: Any, council: Any) -> None:
    person = make_person(client, council)
    upload(client, person, weeks(), D("2000.00"), START, END)
    body = audit(client, person, kind="final")
    assert D(body["summary"]["contingency"]) == 0
    assert D(body["summary"]["surplus"]) == D("2000.00")


def test_refused_periods_name_the_field(client: Any, council: Any) -> None:
    person = make_person(client, council)
    url = f"/v1/recipients/{person.recipient_id}/audits"
    for body in ({"period_start": "2026-06-28", "period_end": "2026-04-06"},
                 {"period_start": "1900-01-01", "period_end": "2026-04-06"},
                 {"period_start": "2026-04-06", "period_end": "2026-04-06", "kind": "sometime"}):
        response = client.post(url, headers=person.auth, json=body)
        assert response.status_code == 422, response.text
        assert response.headers["content-type"].startswith("application/problem+json")
