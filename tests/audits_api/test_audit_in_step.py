"""An open audit follows the person's data; closing needs a decision; the queue says what to do.

The person (audits_api_setup.py): plan £325.00 a week, £1,300.00 every 4 weeks in, the same
out; 6 April to 28 June 2026. Here April and June are uploaded first and May later: the
May statement is what the audit asks for, and once it arrives it is no longer asked for.
A £20.00 bet on 16 May is flagged (harmful.gambling).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D
from typing import Any

from audits_api_setup import START, audit, make_person, upload, weeks
from conftest import post_ok

APRIL_END, MAY_END = date(2026, 5, 3), date(2026, 5, 31)
END = date(2026, 6, 28)
LINES = [*weeks(), (date(2026, 5, 16), "BET365", D("-20.00"))]


def _events(client: Any, person: Any, action: str) -> list[dict[str, Any]]:
    items = client.get("/v1/events?limit=200", headers=person.auth).json()["items"]
    return [e for e in items if e["action"] == action]


def _questions(body: dict[str, Any]) -> list[str]:
    return list(body["result"]["decision"]["questions"])


def test_the_open_audit_follows_uploads_and_decisions_and_then_closes(client: Any, council: Any) -> None:
    person = make_person(client, council)
    after_april = upload(client, person, LINES, D("2000.00"), START, APRIL_END)
    # the May statement is not in yet: 2,000.00 carries to June's opening (May nets to -20.00)
    upload(client, person, LINES, after_april - D("20.00"), date(2026, 6, 1), END)
    body = audit(client, person)
    assert body["summary"]["gaps"] == ["no statement from 4 May to 31 May 2026"]
    assert any("please upload it" in q for q in _questions(body))

    # the family sends May: the open audit is worked out again and stops asking for it
    upload(client, person, LINES, after_april, date(2026, 5, 4), MAY_END)
    again = client.get(f"/v1/audits/{body['id']}", headers=person.auth).json()
    assert again["summary"]["gaps"] == []
    assert not any("please upload it" in q for q in _questions(again))
    assert again["summary"]["flags"][0]["rule_id"] == "harmful.gambling"
    assert _events(client, person, "audit.refreshed")

    # the close is refused, naming the open flag and the missing decision
    url = f"/v1/audits/{body['id']}"
    refused = client.post(f"{url}/close", headers=person.auth, json={})
    assert refused.status_code == 409
    assert [e["field"] for e in refused.json()["errors"]] == ["flags", "decision"]

    # the officer clears the flag: the audit changes at once. With the flag cleared and May in,
    # nothing is left to ask (score: first audit 1 + bank 1 = 2), so it is light and may close
    # with no decision
    (flag,) = client.get(f"/v1/flags?recipient_id={person.recipient_id}", headers=person.auth).json()["items"]
    post_ok(client, f"/v1/flags/{flag['id']}/decision", person.auth,
            {"outcome": "cleared", "reason": "A present for a friend, paid back the next day."})
    cleared = client.get(url, headers=person.auth).json()
    assert [f["status"] for f in cleared["summary"]["flags"]] == ["cleared"]
    assert cleared["tier"] == "light" and _questions(cleared) == []
    closed = post_ok(client, f"{url}/close", person.auth, {})
    assert closed["status"] == "closed" and closed["closed_at"] and len(closed["frozen_digest"]) == 64
    assert closed["agreed_recovery"] == "0.00" and closed["decided_at"] is None


def test_a_changed_proposal_clears_the_decision(client: Any, council: Any) -> None:
    person = make_person(client, council)
    upload(client, person, weeks(), D("4550.00"), START, END)
    body = audit(client, person)
    # surplus 4,550.00 - 2,600.00 = 1,950.00; the council's share 1,950.00 x 3,600 / 3,900 = 1,800.00
    assert body["proposed_recovery"] == "1800.00"
    url = f"/v1/audits/{body['id']}"
    post_ok(client, f"{url}/decision", person.auth, {"agreed_recovery": "1800.00", "reason": "As proposed."})
    # an invoice already owed lowers the surplus, so the proposal changes and the decision goes
    post_ok(client, f"/v1/recipients/{person.recipient_id}/commitments", person.auth,
            {"kind": "invoice", "description": "Hoist repair", "amount": "300.00"})
    changed = client.get(url, headers=person.auth).json()
    assert changed["proposed_recovery"] != "1800.00"
    assert changed["agreed_recovery"] is None and changed["decided_at"] is None


def test_a_hold_is_a_decision_and_every_decision_needs_a_reason(client: Any, council: Any) -> None:
    person = make_person(client, council)
    upload(client, person, weeks(), D("4550.00"), START, END)
    url = f"/v1/audits/{audit(client, person)['id']}"
    no_reason = client.post(f"{url}/decision", headers=person.auth, json={"agreed_recovery": "1800.00"})
    assert no_reason.status_code == 422
    held = post_ok(client, f"{url}/decision", person.auth,
                   {"hold": True, "reason": "The person could not recruit a PA; we are helping."})
    assert held["recovery_held"] is True and held["agreed_recovery"] == "0.00"
    assert post_ok(client, f"{url}/close", person.auth, {})["status"] == "closed"


def test_a_clean_light_audit_closes_without_a_decision(client: Any, council: Any) -> None:
    person = make_person(client, council)
    upload(client, person, weeks(), D("2000.00"), START, END)
    body = audit(client, person)
    assert body["tier"] == "light" and _questions(body) == []
    closed = post_ok(client, f"/v1/audits/{body['id']}/close", person.auth, {})
    assert closed["status"] == "closed" and closed["agreed_recovery"] == "0.00"


def test_only_this_audits_open_flags_can_be_carried(client: Any, council: Any) -> None:
    person = make_person(client, council)
    upload(client, person, LINES, D("2000.00"), START, END)
    url = f"/v1/audits/{audit(client, person)['id']}"
    post_ok(client, f"{url}/decision", person.auth, {"agreed_recovery": "0.00", "reason": "Nothing owed."})
    wrong = client.post(f"{url}/close", headers=person.auth,
                        json={"carry_flags": [{"flag_id": 999999, "reason": "?"}]})
    assert wrong.status_code == 422 and wrong.json()["errors"][0]["field"] == "carry_flags"
    (flag,) = client.get(f"/v1/flags?recipient_id={person.recipient_id}", headers=person.auth).json()["items"]
    closed = post_ok(client, f"{url}/close", person.auth,
                     {"carry_flags": [{"flag_id": flag["id"], "reason": "Asked; we will look next time."}]})
    assert closed["status"] == "closed"
    # the next audit asks about the carried flag again, and will not close until it is decided
    upload(client, person, weeks(date(2026, 6, 29), date(2026, 9, 20)), D("1980.00"),
           date(2026, 6, 29), date(2026, 9, 20))
    following = audit(client, person, date(2026, 6, 29), date(2026, 9, 20))
    assert [f["rule_id"] for f in following["summary"]["flags"]] == ["harmful.gambling"]
    refused = client.post(f"/v1/audits/{following['id']}/close", headers=person.auth, json={})
    assert refused.status_code == 409 and refused.json()["errors"][0]["field"] == "flags"
