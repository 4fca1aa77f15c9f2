"""An audit refers to the lines it used, it does not copy them: read back years later it
shows exactly what was decided, its hash proves the lines unchanged, and it is small."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal
from typing import Any

from audits_api_setup import END, START, WEEKLY, audit, make_person, upload, weeks
from conftest import post_ok
from sqlalchemy import select, text

from service.audits.report_model import build_report
from service.audits.storage import check_lines, frozen_digest
from service.core.db import session_scope
from service.models import Audit, AuditLines, Transaction


def closed_audit(client: Any, council: Any) -> tuple[Any, dict[str, Any]]:
    person = make_person(client, council)
    upload(client, person, weeks(), 14 * WEEKLY, START, END)
    body = audit(client, person)
    url = f"/v1/audits/{body['id']}"
    post_ok(client, f"{url}/decision", person.auth, {"agreed_recovery": "0.00", "reason": "checked"})
    closed = post_ok(client, f"{url}/close", person.auth, {})
    assert closed["status"] == "closed" and closed["frozen_digest"]
    return person, closed


def read_back(audit_id: int) -> tuple[list[tuple[str, str, str]], str, bool, str]:
    """The lines the report shows (day, amount, category), the digest taken now, and the check."""
    with session_scope() as session:
        kept = session.get(Audit, audit_id)
        assert kept is not None
        shown = [(t.date.isoformat(), str(t.amount), t.category_code) for t in build_report(kept).transactions]
        check = check_lines(session, kept)
        return shown, frozen_digest(kept), check.unchanged, check.message


def test_a_closed_audit_reads_back_as_decided_and_a_changed_amount_is_detected(
        client: Any, council: Any) -> None:
    person, closed = closed_audit(client, council)
    shown, digest, unchanged, _ = read_back(closed["id"])
    assert digest == closed["frozen_digest"] and unchanged
    assert ("2026-04-10", "-300.00", "pa_wages") in shown and len(shown) == len(weeks())

    # the line is put in another category today, then its upload is voided: the audit still
    # shows what it decided, and its lines and digest still verify
    with session_scope() as session:
        wage = session.scalars(select(Transaction.id).where(
            Transaction.account_id == person.account_id, Transaction.category == "pa_wages")
            .order_by(Transaction.id).limit(1)).one()
        upload_id = session.get(Transaction, wage).upload_id  # type: ignore[union-attr]
    post_ok(client, f"/v1/transactions/{wage}/category", person.auth,
            {"category": "flexible_use", "reason": "a person said so"})
    voided = client.post(f"/v1/uploads/{upload_id}/void", headers=person.auth, json={"reason": "x"})
    assert voided.status_code == 200, voided.text
    assert read_back(closed["id"])[:3] == (shown, closed["frozen_digest"], True)

    with session_scope() as session:  # someone changes a stored amount behind the service's back
        session.execute(text("UPDATE transactions SET amount = amount + 1 WHERE id = :id"), {"id": wage})
    after, digest, unchanged, message = read_back(closed["id"])
    assert not unchanged and "changed since it was decided" in message
    assert digest != closed["frozen_digest"]
    assert after != shown


def test_a_2000_line_audit_keeps_at_most_6_bytes_a_line(client: Any, council: Any) -> None:
    person = make_person(client, council)
    shops = ("TESCO STORES 2231", "SAINSBURYS", "BOOTS", "GREGGS", "CO-OP", "LIDL")
    extra = [(START + timedelta(days=n % 84), shops[n % len(shops)], Decimal("-0.05"))
             for n in range(2000 - len(weeks()))]
    upload(client, person, [*weeks(), *extra], 14 * WEEKLY, START, END)
    body = audit(client, person)
    with session_scope() as session:
        kept = session.get(AuditLines, body["id"])
        stored = session.get(Audit, body["id"])
        assert kept is not None and stored is not None
        per_line = len(kept.line_ids) + len(kept.decisions) + len(json.dumps(kept.decided))
        assert kept.line_count == 2000
        assert per_line / kept.line_count <= 6, per_line / kept.line_count
        assert "transactions" not in stored.inputs  # no copy of the lines
        # nothing else the audit stores grows with its lines
        whole = per_line + len(json.dumps(stored.inputs)) + len(json.dumps(stored.result))
        assert whole / kept.line_count <= 12, whole / kept.line_count
        print(f"bytes a line: {per_line / kept.line_count:.2f} for the lines, "
              f"{whole / kept.line_count:.2f} with the whole audit")
