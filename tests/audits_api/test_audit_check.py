"""An officer can prove, years later, that an audit still rests on what it was decided on:
`GET /v1/audits/{id}/check` and `dpaudit check-audit ID` hash its lines as stored today and
work a closed audit's frozen digest out again."""

from __future__ import annotations

import json
from typing import Any

from audits_api_setup import END, START, WEEKLY, audit, make_person, upload, weeks
from sqlalchemy import select, text
from test_audit_cli import dpaudit
from test_audit_storage import closed_audit

from service.core.db import session_scope
from service.models import Transaction


def first_wage(account_id: int) -> int:
    with session_scope() as session:
        return int(session.scalars(select(Transaction.id).where(
            Transaction.account_id == account_id, Transaction.category == "pa_wages")
            .order_by(Transaction.id).limit(1)).one())


def test_a_closed_audit_checks_unchanged_until_a_stored_amount_is_altered(
        client: Any, council: Any) -> None:
    person, closed = closed_audit(client, council)
    url = f"/v1/audits/{closed['id']}/check"
    checked = client.get(url, headers=council.auth())
    assert checked.status_code == 200, checked.text
    assert checked.json() == {
        "audit_id": closed["id"], "status": "closed", "unchanged": True,
        "lines": len(weeks()), "missing_lines": 0, "lines_unchanged": True,
        "frozen_digest": closed["frozen_digest"], "digest_matches": True,
        "message": f"The {len(weeks())} lines this audit used are unchanged. What it was closed "
                   "on matches its frozen digest."}

    wage = first_wage(person.account_id)
    with session_scope() as session:  # someone alters a stored amount behind the service's back
        session.execute(text("UPDATE transactions SET amount = amount + 1 WHERE id = :id"), {"id": wage})
    altered = client.get(url, headers=council.auth()).json()
    assert (altered["unchanged"], altered["lines_unchanged"], altered["digest_matches"]) == (False, False, False)
    assert altered["message"].startswith(f"The {len(weeks())} lines this audit used have changed")


def test_an_open_audit_has_nothing_frozen_yet(client: Any, council: Any) -> None:
    person = make_person(client, council)
    upload(client, person, weeks(), 14 * WEEKLY, START, END)
    body = audit(client, person)
    checked = client.get(f"/v1/audits/{body['id']}/check", headers=council.auth()).json()
    assert checked["unchanged"] is True and checked["digest_matches"] is None
    assert checked["frozen_digest"] is None and checked["lines"] == len(weeks())
    assert checked["message"].endswith("The audit is open, so nothing is frozen yet.")


def test_the_command_line_exits_0_when_unchanged_1_when_a_line_is_gone_2_when_unknown(
        client: Any, council: Any, database_url: str) -> None:
    person, closed = closed_audit(client, council)
    done = dpaudit(database_url, "check-audit", str(closed["id"]))
    assert done.returncode == 0, done.stderr
    assert done.stdout == (f"audit {closed['id']}: The {len(weeks())} lines this audit used are "
                           "unchanged. What it was closed on matches its frozen digest.\n")

    with session_scope() as session:  # a line deleted behind the service's back
        session.execute(text("DELETE FROM flags WHERE transaction_id = :id"), {"id": first_wage(person.account_id)})
        session.execute(text("DELETE FROM transactions WHERE id = :id"), {"id": first_wage(person.account_id)})
    gone = dpaudit(database_url, "check-audit", str(closed["id"]), "--json")
    assert gone.returncode == 1, gone.stderr
    body = json.loads(gone.stdout)
    assert (body["unchanged"], body["missing_lines"], body["digest_matches"]) == (False, 1, False)
    assert body["message"].startswith(f"1 of the {len(weeks())} lines this audit used are no longer stored.")

    unknown = dpaudit(database_url, "check-audit", "987654321")
    assert unknown.returncode == 2 and unknown.stderr.strip() == "error: audit 987654321: no such audit"
