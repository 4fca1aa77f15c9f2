"""Audits kept before they referred to their lines are converted by the migration: the copy
goes, the lines are referred to, and a closed audit's frozen digest still verifies."""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal

from sqlalchemy import Engine, text
from sqlalchemy.orm import Session
from test_migrations import scratch_engine  # noqa: F401  (the fixture)

from service.audits.storage import check_lines, frozen_digest, shown_lines
from service.core.migrate import upgrade
from service.models import Audit, AuditLines

NOW = "2026-01-05 10:00:00+00:00"
ROWS = [[1, "ACC-1", "2026-01-02", "500.00", "NORTHSHIRE COUNCIL DP", "council_payment", "", []],
        [2, "ACC-1", "2026-01-03", "-41.20", "TESCO STORES 2231", "flexible_use", "Shopping", []],
        [3, "ACC-1", "2026-01-03", "-20.00", "BET365", "gambling", "Betting", ["unlawful.gambling"]]]


def _old_database(engine: Engine) -> dict[int, str]:
    """Before 0012: two closed audits copying their lines, one of whose lines a void deleted."""
    digests = {}
    with engine.begin() as conn:
        upgrade(conn, "0010")
        run = conn.execute
        run(text("INSERT INTO councils (id, code, name, contingency_weeks, first_review_weeks, "
                 "review_interval_months, optional_rules, risk_weights, created_at, updated_at) "
                 "VALUES (1, 'old', 'Old Council', 8, 12, 12, '{}', '{}', :now, :now)"), {"now": NOW})
        run(text("INSERT INTO recipients (id, council_id, reference, name, created_at, updated_at) "
                 "VALUES (1, 1, 'OLD-1', 'Olive', :now, :now)"), {"now": NOW})
        run(text("INSERT INTO accounts (id, council_id, recipient_id, reference, kind, created_at, "
                 "updated_at) VALUES (1, 1, 1, 'ACC-1', 'bank', :now, :now)"), {"now": NOW})
        run(text("INSERT INTO blobs (sha256, size, data, created_at) VALUES ('ab', 1, :d, :now)"),
            {"d": b"x", "now": NOW})
        run(text("INSERT INTO uploads (id, council_id, recipient_id, account_id, kind, sha256, status, "
                 "summary, created_at) VALUES (1, 1, 1, 1, 'statement', 'ab', 'imported', '{}', :now)"),
            {"now": NOW})
        for tid, _acct, day, amount, description, *_ in ROWS:
            run(text("INSERT INTO transactions (id, council_id, account_id, upload_id, posted_on, "
                     "amount, description, balance, dedup_key, occurrence, created_at) VALUES (:id, 1, 1, "
                     "1, :day, :amount, :text, NULL, :key, 0, :now)"),
                {"id": tid, "day": day, "amount": int(Decimal(amount) * 100), "text": description,
                 "key": f"k{tid}", "now": NOW})
        for audit_id, rows in ((1, ROWS), (2, [*ROWS[:2], [99, "ACC-1", "2026-01-04", "-5.00", "GONE",
                                                          "flexible_use", "", []]])):
            inputs = {"accounts": [{"id": 1, "reference": "ACC-1", "kind": "bank"}],
                      "recipient": {"id": 1, "reference": "OLD-1", "name": "Olive"}, "transactions": rows}
            result = {"tier": "light", "surplus": "0.00", "score": 0}
            digest = hashlib.sha256(json.dumps({"result": result, "inputs": inputs}, sort_keys=True,
                                               default=str).encode()).hexdigest()
            digests[audit_id] = digest
            run(text("INSERT INTO audits (id, council_id, recipient_id, period_start, period_end, kind, "
                     "status, tier, result, inputs, frozen_digest, recovery_held, created_at, updated_at) "
                     "VALUES (:id, 1, 1, '2026-01-01', '2026-01-31', 'scheduled', 'closed', 'light', "
                     ":result, :inputs, :digest, false, :now, :now)"),
                {"id": audit_id, "result": json.dumps(result), "inputs": json.dumps(inputs),
                 "digest": digest, "now": NOW})
    return digests


def test_copied_lines_become_references_and_the_frozen_digest_still_verifies(
        scratch_engine: Engine) -> None:  # noqa: F811
    digests = _old_database(scratch_engine)
    with scratch_engine.begin() as conn:
        upgrade(conn)
    with Session(scratch_engine) as session:
        converted, kept_copy = session.get(Audit, 1), session.get(Audit, 2)
        assert converted is not None and kept_copy is not None
        assert "transactions" not in converted.inputs
        lines = session.get(AuditLines, 1)
        assert lines is not None and lines.line_count == 3
        assert [list(row) for row in shown_lines(converted)] == ROWS
        assert frozen_digest(converted) == converted.frozen_digest == digests[1]
        assert check_lines(session, converted).unchanged
        # a line of the second was deleted by a void before lines were kept: its copy stays
        assert session.get(AuditLines, 2) is None and len(kept_copy.inputs["transactions"]) == 3
        assert frozen_digest(kept_copy) == digests[2]
    with scratch_engine.begin() as conn:
        conn.execute(text("UPDATE transactions SET description = 'TESCO' WHERE id = 2"))
    with Session(scratch_engine) as session:
        converted = session.get(Audit, 1)
        assert converted is not None
        assert frozen_digest(converted) != digests[1]
        assert not check_lines(session, converted).unchanged
