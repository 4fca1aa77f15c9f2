"""What the council settles about a person reaches their flags and open audits at once: the
family is not asked about a relative the council has agreed to, nor measured against a plan
or payments that have changed."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from audits_api_setup import END, START, WEEKLY, audit, make_person, upload, weeks
from conftest import make_user, post_ok

ASKED = "Did the council agree this was necessary?"
RELATIVE = "unlawful.household_relative"


def _letter(client: Any, council: Any, audit_id: int) -> str:
    return str(client.get(f"/v1/audits/{audit_id}/letter.html", headers=council.auth()).text)


def _open_flags(client: Any, council: Any, audit_id: int) -> list[str]:
    body = client.get(f"/v1/audits/{audit_id}", headers=council.auth()).json()
    return [f["rule_id"] for f in body["summary"]["flags"] if f["status"] == "open"]


def _partner_paid_weekly(client: Any, council: Any) -> tuple[Any, dict[str, Any], dict[str, Any]]:
    """A person who pays their partner, who lives with them, £40 a week for 12 weeks, with
    an open audit of those weeks: the person, the partner as a worker, and the audit."""
    person = make_person(client, council)
    partner = post_ok(client, f"/v1/recipients/{person.recipient_id}/workers", council.auth(), {
        "name": "Mary Jones", "aliases": ["M JONES"], "age_band": "21_plus",
        "relationship": "spouse_partner", "lives_in_household": True})
    paid = [(START + timedelta(days=2 + 7 * n), "M JONES", Decimal("-40.00")) for n in range(12)]
    upload(client, person, [*weeks(), *paid], 14 * WEEKLY, START, END)
    return person, partner, audit(client, person)


def test_recording_that_paying_a_partner_is_necessary_clears_the_question(
        client: Any, council: Any) -> None:
    person, partner, opened = _partner_paid_weekly(client, council)
    assert set(_open_flags(client, council, opened["id"])) == {RELATIVE}  # one for each payment
    assert ASKED in _letter(client, council, opened["id"])

    patched = client.patch(f"/v1/workers/{partner['id']}", headers=council.auth(), json={
        "necessary_decision_on": str(START), "necessary_decision_note": "Agreed at the review."})
    assert patched.status_code == 200, patched.text

    assert _open_flags(client, council, opened["id"]) == []
    assert ASKED not in _letter(client, council, opened["id"])
    flags = client.get("/v1/flags", headers=council.auth(),
                       params={"recipient_id": person.recipient_id}).json()["items"]
    assert len(flags) == 12 and {f["status"] for f in flags} == {"cleared"}


def test_a_holder_changing_a_worker_never_clears_a_flag_by_itself(client: Any, council: Any) -> None:
    person, partner, opened = _partner_paid_weekly(client, council)
    holder = make_user(client, council, "holder")
    post_ok(client, f"/v1/recipients/{person.recipient_id}/representatives", person.auth,
            {"kind": "self", "name": "Pat", "user_id": holder["id"]})

    changed = client.patch(f"/v1/workers/{partner['id']}", headers={
        "Authorization": f"Bearer {holder['token']}"}, json={"relationship": "none",
                                                              "lives_in_household": False})
    assert changed.status_code == 200, changed.text
    assert len(_open_flags(client, council, opened["id"])) == 12  # still for the council to decide


def test_a_new_approved_plan_reaches_the_open_audit(client: Any, council: Any) -> None:
    person = make_person(client, council)
    upload(client, person, weeks(), 14 * WEEKLY, START, END)
    opened = audit(client, person)
    before = client.get(f"/v1/audits/{opened['id']}", headers=council.auth()).json()["summary"]

    # from the fifth week the plan pays for more hours
    plan = post_ok(client, f"/v1/recipients/{person.recipient_id}/plans", council.auth(), {
        "effective_from": str(START + timedelta(days=28)), "period": "week", "actual_budget": "400.00",
        "lines": [{"category": "pa_wages", "description": "Personal assistant", "amount": "400.00",
                   "amount_basis": "week"}]})
    post_ok(client, f"/v1/plans/{plan['id']}/approve", council.auth(), {})

    after = client.get(f"/v1/audits/{opened['id']}", headers=council.auth()).json()["summary"]
    assert before["weekly_plan_value"] == "325.00"
    assert after["weekly_plan_value"] == "375.00", after  # (4 x 325 + 8 x 400) / 12 weeks
