"""Events written before personal values were kept apart are moved apart by the migration,
and moved back by its downgrade (on PostgreSQL: SQLite's rebuild of a table for a dropped
column fails while other tables refer to its rows, for every migration alike)."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Engine, text
from test_migrations import scratch_engine  # noqa: F401  (the fixture)

from service.core.migrate import downgrade, upgrade

NOW = "2026-01-05 10:00:00+00:00"


def _old_database(engine: Engine) -> None:
    with engine.begin() as conn:
        upgrade(conn, "0007")
        conn.execute(text(
            "INSERT INTO councils (id, code, name, contingency_weeks, first_review_weeks, "
            "review_interval_months, optional_rules, risk_weights, created_at, updated_at) "
            "VALUES (1, 'old', 'Old Council', 8, 12, 12, '{}', '{}', :now, :now)"), {"now": NOW})
        conn.execute(text(
            "INSERT INTO recipients (id, council_id, reference, name, dp_end_date, created_at, "
            "updated_at) VALUES (1, 1, 'OLD-1', 'Olive Oldname', '2017-03-31', :now, :now)"),
            {"now": NOW})
        after = {"id": 1, "council_id": 1, "reference": "OLD-1", "name": "Olive Oldname",
                 "dp_end_date": "2017-03-31"}
        conn.execute(text(
            "INSERT INTO events (council_id, recipient_id, at, action, subject_type, subject_id, "
            "\"after\") VALUES (1, 1, :now, 'recipient.created', 'recipients', '1', :after)"),
            {"now": NOW, "after": json.dumps(after)})


def _event(engine: Engine) -> dict[str, Any]:
    with engine.connect() as conn:
        value = conn.execute(text('SELECT "after" FROM events')).scalar_one()
    loaded = json.loads(value) if isinstance(value, str) else value
    assert isinstance(loaded, dict)
    return loaded


def test_the_migration_moves_personal_values_out_of_old_events(scratch_engine: Engine) -> None:  # noqa: F811
    _old_database(scratch_engine)
    with scratch_engine.begin() as conn:
        upgrade(conn)
    moved = _event(scratch_engine)
    assert "Olive Oldname" not in json.dumps(moved) and "OLD-1" not in json.dumps(moved)
    assert moved["dp_end_date"] == "2017-03-31" and moved["_personal"] == ["name", "reference"]
    with scratch_engine.connect() as conn:
        kept = conn.execute(text('SELECT recipient_id, "after" FROM event_personal_values')).one()
    assert kept.recipient_id == 1 and "Olive Oldname" in str(kept.after)
    with scratch_engine.begin() as conn:  # the log is append-only again afterwards
        refused = conn.begin_nested()
        try:
            conn.execute(text("UPDATE events SET action = 'x'"))
            raise AssertionError("an event was changed")
        except Exception as exc:  # the database's own refusal
            assert "append-only" in str(exc)
            refused.rollback()
    if scratch_engine.dialect.name == "postgresql":  # SQLite cannot drop a column others refer to
        with scratch_engine.begin() as conn:
            downgrade(conn, "0007")
        assert _event(scratch_engine)["name"] == "Olive Oldname"
