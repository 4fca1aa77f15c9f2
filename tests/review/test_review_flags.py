"""The flag workflow, the people rules, the minimum wage and the council's local rules."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import Council, post_ok
from review_helpers import Person, by_description, flags, make_person, statement, transactions, upload


@pytest.fixture
def person(client: Any, council: Council) -> Person:
    return make_person(client, council)


def _rerun(client: Any, person: Person) -> dict[str, Any]:
    return dict(post_ok(client, f"/v1/recipients/{person.recipient_id}/rules/rerun",
                        person.council.auth(), {}))


def _worker(client: Any, person: Person, **body: Any) -> dict[str, Any]:
    return dict(post_ok(client, f"/v1/recipients/{person.recipient_id}/workers",
                        person.council.auth(), body))


def test_officer_decides_holder_explains_and_both_add_notes(client: Any, person: Person) -> None:
    upload(client, person, statement([("06/01/2026", "BET365", "-20.00")]))
    (flag,) = flags(client, person)
    url = f"/v1/flags/{flag['id']}"
    refused = client.post(f"{url}/decision", headers=person.holder,
                          json={"outcome": "cleared", "reason": "mine"})
    assert refused.status_code == 403
    explained = post_ok(client, f"{url}/explanation", person.holder,
                        {"text": "A one-off bet for the Grand National, paid back from my own money."})
    assert explained["holder_explanation"].startswith("A one-off bet")
    post_ok(client, f"{url}/notes", person.holder, {"body": "I have the receipt."})
    post_ok(client, f"{url}/notes", person.officer, {"body": "Thank you, please send it."})
    notes = client.get(f"{url}/notes", headers=person.holder).json()["items"]
    assert [n["body"] for n in notes] == ["I have the receipt.", "Thank you, please send it."]
    decided = post_ok(client, f"{url}/decision", person.officer,
                      {"outcome": "upheld", "reason": "Gambling is not in the plan; repaid."})
    assert decided["status"] == "upheld" and decided["decided_by_id"] is not None
    assert decided["decision_reason"] == "Gambling is not in the plan; repaid."
    again = client.post(f"{url}/decision", headers=person.officer,
                        json={"outcome": "cleared", "reason": "changed my mind"})
    assert again.status_code == 409
    detail = client.get(url, headers=person.holder).json()
    assert [h["action"] for h in detail["history"]] == ["flag.raised", "flag.explained", "flag.upheld"]
    assert flags(client, person, status="upheld")[0]["id"] == flag["id"]
    assert flags(client, person, status="open") == []


def test_a_partner_or_household_relative_is_flagged_only_without_a_necessary_decision(
        client: Any, person: Person) -> None:
    _worker(client, person, name="Mary Jones", relationship="spouse_partner", lives_in_household=True)
    _worker(client, person, name="Tom Brown", relationship="parent", lives_in_household=True,
            necessary_decision_on="2026-01-02")
    _worker(client, person, name="Ann Green", relationship="sibling", lives_in_household=False)
    result = upload(client, person, statement([
        ("09/01/2026", "MARY JONES WAGES", "-150.00"),
        ("09/01/2026", "TOM BROWN WAGES", "-150.00"),
        ("09/01/2026", "ANN GREEN WAGES", "-150.00"),
    ]))
    assert [f["rule"] for f in result["flags_raised"]] == ["unlawful.household_relative"]
    (flag,) = flags(client, person)
    assert flag["severity"] == "unlawful" and flag["worker_id"] is not None
    assert "Mary Jones" in flag["explanation"]
    rows = transactions(client, person)
    assert {r["category"] for r in rows} == {"pa_wages"}
    assert by_description(rows, "TOM BROWN")["flags"] == []


def test_pay_below_the_minimum_wage_is_flagged_from_payroll_and_timesheets(
        client: Any, person: Person) -> None:
    _worker(client, person, name="Jane Smith", date_of_birth="1990-03-01")
    _worker(client, person, name="Sam Carter", date_of_birth="1985-07-01")
    days = ["02/02/2026", "03/02/2026", "04/02/2026", "05/02/2026", "06/02/2026"]
    sheet = "Worker,Date,Hours\n" + "".join(
        f"Jane Smith,{d},8\nSam Carter,{d},4\n" for d in days)
    response = client.post(f"/v1/recipients/{person.recipient_id}/timesheets",
                           headers=person.council.auth(), files={"file": ("feb.csv", sheet.encode())})
    assert response.status_code == 201, response.text
    post_ok(client, f"/v1/recipients/{person.recipient_id}/payroll-runs", person.council.auth(), {
        "lines": [
            # 40 hours at £12.21 is £488.40: £400 is too little
            {"worker": "Jane Smith", "period_start": "2026-02-02", "period_end": "2026-02-08",
             "gross": "400.00", "net": "400.00"},
            {"worker": "Sam Carter", "period_start": "2026-02-02", "period_end": "2026-02-08",
             "gross": "260.00", "net": "250.00"},
        ]})
    # the payroll run completes the pay period, so the flag is raised by the upload itself
    (flag,) = flags(client, person, rule="unlawful.below_minimum_wage")
    assert "Jane Smith" in flag["explanation"] and flag["evidence"]["hours"] == "40.00"
    assert flag["evidence"]["pay_source"] == "payroll" and flag["occurred_on"] == "2026-02-08"
    assert _rerun(client, person)["flags_raised"] == []  # the same period is one flag


def test_a_local_rule_is_off_until_the_council_switches_it_on(client: Any, person: Person) -> None:
    h = person.council.auth()
    assert _rule(client, h, "local.alcohol")["on"] is False
    upload(client, person, statement([("10/01/2026", "BARGAIN BOOZE 123", "-15.00")]))
    assert flags(client, person) == []
    switched = client.put(f"/v1/councils/{person.council.id}/rules/local.alcohol", headers=h,
                          json={"on": True})
    assert switched.status_code == 200, switched.text
    assert switched.json()["on"] is True and _rule(client, h, "local.alcohol")["on"] is True
    assert [f["rule"] for f in _rerun(client, person)["flags_raised"]] == ["local.alcohol"]
    result = upload(client, person, statement([("11/01/2026", "MAJESTIC WINE", "-30.00")]), "b.csv")
    assert [f["rule"] for f in result["flags_raised"]] == ["local.alcohol"]
    majestic = next(f for f in flags(client, person) if f["evidence"]["description"] == "MAJESTIC WINE")
    post_ok(client, f"/v1/flags/{majestic['id']}/decision", h,
            {"outcome": "upheld", "reason": "Not in the plan."})
    off = client.put(f"/v1/councils/{person.council.id}/rules/local.alcohol", headers=h,
                     json={"on": False})
    assert off.status_code == 200 and off.json()["on"] is False
    cleared = _rerun(client, person)["flags_cleared"]
    assert len(cleared) == 1
    by_id = {f["id"]: f for f in flags(client, person)}
    assert by_id[cleared[0]]["decision_reason"] == "rule no longer applies"
    assert by_id[majestic["id"]]["status"] == "upheld"  # a decision is kept
    events = client.get("/v1/events", headers=h, params={"limit": 200}).json()["items"]
    assert "council.rules_changed" in {e["action"] for e in events}


def _rule(client: Any, headers: dict[str, str], rule_id: str) -> dict[str, Any]:
    response = client.get("/v1/rules", headers=headers)
    assert response.status_code == 200
    return dict(next(r for r in response.json()["rules"] if r["id"] == rule_id))


def test_rule_settings_are_checked(client: Any, council: Council) -> None:
    h, base = council.auth(), f"/v1/councils/{council.id}/rules"
    assert client.put(f"{base}/local.no_such_rule", headers=h, json={"on": True}).status_code == 404
    assert client.put(f"{base}/harmful.gambling", headers=h, json={"on": False}).status_code == 422
    bad = [{"on": True, "parameters": {"limit": "1"}},
           {"on": True, "parameters": {"monthly_limit": 1.5}},
           {"on": True, "parameters": {"monthly_limit": "NaN"}},
           {"on": True, "parameters": {"monthly_limit": "-5"}}]
    for body in bad:
        response = client.put(f"{base}/local.cash_over_limit", headers=h, json=body)
        assert response.status_code == 422, (body, response.text)
    good = client.put(f"{base}/local.cash_over_limit", headers=h,
                      json={"on": True, "parameters": {"monthly_limit": "300"}})
    assert good.status_code == 200 and good.json()["parameters"]["monthly_limit"] == "300.00"


def test_cash_over_the_councils_limit_is_flagged_once_a_month(client: Any, person: Person) -> None:
    h = person.council.auth()
    client.put(f"/v1/councils/{person.council.id}/rules/local.cash_over_limit", headers=h,
               json={"on": True, "parameters": {"monthly_limit": "100.00"}})
    upload(client, person, statement([
        ("03/03/2026", "CASH WITHDRAWAL LINK ATM", "-80.00"),
        ("17/03/2026", "CASH WITHDRAWAL LINK ATM", "-60.00"),
        ("04/04/2026", "CASH WITHDRAWAL LINK ATM", "-60.00"),
    ]))
    assert {r["category"] for r in transactions(client, person)} == {"cash"}
    # the upload itself runs the period rules: March's 140.00 is flagged as it arrives, and a
    # re-run raises nothing new
    (flag,) = flags(client, person)
    assert flag["rule_id"] == "local.cash_over_limit"
    assert _rerun(client, person)["flags_raised"] == []
    assert flag["occurred_on"] == "2026-03-01" and flag["evidence"]["total"] == "140.00"
