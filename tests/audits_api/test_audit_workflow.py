"""Decide, close, correct; the notes thread; what is due; the council's figures."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal as D
from typing import Any

from audits_api_setup import END, START, WEEKLY, audit, make_person, upload, weeks
from conftest import make_user, post_ok


def surplus_audit(client: Any, council: Any) -> tuple[Any, dict[str, Any]]:
    person = make_person(client, council)
    upload(client, person, weeks(), 14 * WEEKLY, START, END)
    return person, audit(client, person)


def test_decide_then_close_and_a_closed_audit_never_changes(client: Any, council: Any) -> None:
    person, body = surplus_audit(client, council)
    url = f"/v1/audits/{body['id']}"
    changed = client.post(f"{url}/decision", headers=person.auth, json={"agreed_recovery": "1500.00"})
    assert changed.status_code == 422  # a changed recovery needs a reason
    decided = post_ok(client, f"{url}/decision", person.auth,
                      {"agreed_recovery": "1500.00", "reason": "Agreed to keep £300 for a hoist."})
    assert decided["agreed_recovery"] == "1500.00" and decided["proposed_recovery"] == "1800.00"
    closed = post_ok(client, f"{url}/close", person.auth, {})
    assert closed["status"] == "closed" and closed["closed_at"]
    for path, payload in (("decision", {"agreed_recovery": "0.00", "reason": "x"}), ("close", {})):
        response = client.post(f"{url}/{path}", headers=person.auth, json=payload)
        assert response.status_code == 409, response.text
    assert client.get(url, headers=person.auth).json()["agreed_recovery"] == "1500.00"
    actions = [e["action"] for e in client.get("/v1/events", headers=person.auth).json()["items"]]
    assert {"audit.created", "audit.decided", "audit.closed"} <= set(actions)


def test_a_standard_audit_closes_only_with_a_decision(client: Any, council: Any) -> None:
    person, body = surplus_audit(client, council)
    refused = client.post(f"/v1/audits/{body['id']}/close", headers=person.auth, json={})
    assert refused.status_code == 409
    assert [e["field"] for e in refused.json()["errors"]] == ["decision"]
    post_ok(client, f"/v1/audits/{body['id']}/decision", person.auth,
            {"agreed_recovery": "1800.00", "reason": "Agreed with the person on the phone."})
    closed = post_ok(client, f"/v1/audits/{body['id']}/close", person.auth, {})
    assert closed["agreed_recovery"] == "1800.00" and closed["frozen_digest"]


def test_a_correction_is_a_new_audit_that_references_the_original(client: Any, council: Any) -> None:
    person, body = surplus_audit(client, council)
    post_ok(client, f"/v1/audits/{body['id']}/decision", person.auth,
            {"agreed_recovery": "1800.00", "reason": "Agreed."})
    post_ok(client, f"/v1/audits/{body['id']}/close", person.auth, {})
    post_ok(client, f"/v1/recipients/{person.recipient_id}/commitments", person.auth,
            {"kind": "invoice", "description": "Hoist repair", "amount": "300.00"})
    fixed = post_ok(client, f"/v1/audits/{body['id']}/corrections", person.auth,
                    {"reason": "An invoice was due at the period end."})
    assert fixed["corrects_audit_id"] == body["id"] and fixed["kind"] == "correction"
    assert fixed["id"] != body["id"] and fixed["status"] == "open"
    # 4,550 - 2,600 - 300 = 1,650; x 3,600 / 3,900 = 1,523.08
    assert (fixed["summary"]["commitments"], fixed["summary"]["surplus"]) == ("300.00", "1650.00")
    assert fixed["proposed_recovery"] == "1523.08"
    original = client.get(f"/v1/audits/{body['id']}", headers=person.auth).json()
    assert original["proposed_recovery"] == "1800.00" and original["status"] == "closed"
    listed = client.get(f"/v1/recipients/{person.recipient_id}/audits", headers=person.auth).json()
    assert [a["id"] for a in listed["items"]] == [body["id"], fixed["id"]]


def test_holder_and_officer_share_a_notes_thread(client: Any, council: Any) -> None:
    person, body = surplus_audit(client, council)
    holder = make_user(client, council, "holder")
    post_ok(client, f"/v1/recipients/{person.recipient_id}/representatives", person.auth,
            {"kind": "self", "name": "Pat", "user_id": holder["id"]})
    url = f"/v1/audits/{body['id']}/notes"
    post_ok(client, url, person.auth, {"body": "Is any of the surplus spoken for?"})
    post_ok(client, url, {"Authorization": f"Bearer {holder['token']}"},
            {"body": "Yes: a new hoist next month."})
    thread = client.get(url, headers={"Authorization": f"Bearer {holder['token']}"}).json()["items"]
    assert [n["body"] for n in thread] == ["Is any of the surplus spoken for?", "Yes: a new hoist next month."]
    assert thread[1]["author_id"] == holder["id"]


def test_commitments_reduce_the_surplus(client: Any, council: Any) -> None:
    person = make_person(client, council)
    upload(client, person, weeks(), 14 * WEEKLY, START, END)
    post_ok(client, f"/v1/recipients/{person.recipient_id}/commitments", person.auth,
            {"kind": "invoice", "description": "Respite invoice", "amount": "650.00", "due_on": "2026-07-10"})
    post_ok(client, f"/v1/recipients/{person.recipient_id}/commitments", person.auth,
            {"kind": "invoice", "description": "Paid already", "amount": "99.00", "settled_on": "2026-06-01"})
    s = audit(client, person)["summary"]
    assert (s["commitments"], s["surplus"]) == ("650.00", "1300.00")  # 4,550 - 2,600 - 650


def test_audits_due_riskiest_first(client: Any, council: Any) -> None:
    risky = make_person(client, council, "Risky")
    upload(client, risky, [*weeks(), (date(2026, 5, 16), "BET365", D("-20.00"))], D("2000.00"), START, END)
    risky_audit = audit(client, risky)
    assert risky_audit["tier"] == "standard"
    clean = make_person(client, council, "Clean")
    upload(client, clean, weeks(), D("2000.00"), START, END)
    clean_audit = audit(client, clean)
    assert clean_audit["tier"] == "light"
    never = make_person(client, council, "Never audited")
    # open audits come first with what they need: the risky one has a flag to decide
    queue = client.get("/v1/audits/due?on=2026-07-01", headers=council.auth()).json()["items"]
    assert [(d["recipient_id"], d["audit_id"], d["action"]) for d in queue] == [
        (risky.recipient_id, risky_audit["id"], "decide_flags"),
        (clean.recipient_id, clean_audit["id"], "ready_to_close"),
        (never.recipient_id, None, "start_review")]
    (flag,) = client.get(f"/v1/flags?recipient_id={risky.recipient_id}", headers=council.auth()).json()["items"]
    post_ok(client, f"/v1/audits/{risky_audit['id']}/decision", council.auth(),
            {"agreed_recovery": "0.00", "reason": "Nothing above contingency."})
    post_ok(client, f"/v1/audits/{risky_audit['id']}/close", council.auth(),
            {"carry_flags": [{"flag_id": flag["id"], "reason": "We have asked; the answer can wait."}]})
    post_ok(client, f"/v1/audits/{clean_audit['id']}/close", council.auth(), {})  # light: no decision
    # first review 12 weeks after 6 April 2026; later ones 12 months after 28 June 2026
    due = client.get("/v1/audits/due?on=2026-07-01", headers=council.auth()).json()["items"]
    assert [(d["recipient_id"], d["due_on"], d["action"]) for d in due] == [
        (never.recipient_id, "2026-06-29", "start_review")]
    assert (due[0]["next_period_start"], due[0]["next_period_end"]) == ("2026-04-06", "2026-06-28")
    later = client.get("/v1/audits/due?on=2027-07-01", headers=council.auth()).json()["items"]
    assert [d["recipient_id"] for d in later] == [risky.recipient_id, clean.recipient_id,
                                                   never.recipient_id]
    assert later[0]["last_tier"] == "standard" and later[0]["due_on"] == "2027-06-28"
    assert later[2]["last_audit_id"] is None and later[2]["days_overdue"] == 367


def test_council_summary_figures(client: Any, council: Any) -> None:
    held = make_person(client, council, "Held")
    upload(client, held, weeks(), 14 * WEEKLY, START, END)
    post_ok(client, f"/v1/recipients/{held.recipient_id}/underspend-reasons", held.auth, {
        "period_start": START.isoformat(), "period_end": END.isoformat(),
        "reason": "could_not_recruit", "hold_recovery": True})
    audit(client, held)
    surplus = make_person(client, council, "Surplus")
    upload(client, surplus, [*weeks(), (date(2026, 5, 16), "BET365", D("-20.00"))], 14 * WEEKLY, START, END)
    closed = audit(client, surplus)
    (flag,) = client.get(f"/v1/flags?recipient_id={surplus.recipient_id}", headers=council.auth()).json()["items"]
    post_ok(client, f"/v1/audits/{closed['id']}/decision", council.auth(),
            {"agreed_recovery": "1781.54", "reason": "As proposed."})
    post_ok(client, f"/v1/audits/{closed['id']}/close", council.auth(),
            {"carry_flags": [{"flag_id": flag["id"], "reason": "Waiting to hear from the person."}]})
    url = f"/v1/councils/{council.id}/summary?from=2026-01-01&to=2026-12-31"
    body = client.get(url, headers=council.auth()).json()
    assert body["audits"]["done"] == 2
    assert {t["tier"]: t["done"] for t in body["audits"]["by_tier"]} == {"light": 0, "standard": 2, "full": 0}
    # held: 1,800.00 (its proposal is 0.00); the other proposes and agrees 1,781.54
    assert body["surplus"] == {"proposed": "1781.54", "agreed": "1781.54", "held": "1800.00"}
    assert [(f["rule_id"], f["open"], f["total"]) for f in body["flags_by_rule"]] == [("harmful.gambling", 1, 1)]
    assert body["unmet_need"] == [{"reason": "Could not recruit a personal assistant", "people": 1,
                                   "amount": "1950.00"}]
    # 1,400.00 and 1,300.00 every 4 weeks, 13 times a year, for two people
    assert body["budgets"]["indicative_total"] == "36400.00"
    assert body["budgets"]["actual_total"] == "33800.00"
    xlsx = client.get(f"/v1/councils/{council.id}/summary.xlsx?from=2026-01-01&to=2026-12-31",
                      headers=council.auth())
    assert xlsx.status_code == 200
    from openpyxl import load_workbook

    assert load_workbook(io.BytesIO(xlsx.content), read_only=True).sheetnames


def test_summary_of_another_council_is_not_found(client: Any, council: Any) -> None:
    assert client.get(f"/v1/councils/{council.id + 100000}/summary", headers=council.auth()).status_code == 404
    response = client.get(f"/v1/councils/{council.id}/summary?from=2026-12-31&to=2026-01-01",
                          headers=council.auth())
    assert response.status_code == 422
