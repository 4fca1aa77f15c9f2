"""The documented settings change what a new council gets, and create-user is careful."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from conftest import unique

ROOT = Path(__file__).resolve().parents[2]


def dpaudit(*args: str, database_url: str, **settings: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DPAUDIT_ENV": "test", "DPAUDIT_SECRET_KEY": "test-secret-key-not-for-production",
           "DPAUDIT_DATABASE_URL": database_url, **settings}
    return subprocess.run([sys.executable, "-m", "service.cli.main", *args], capture_output=True,
                          text=True, env=env, cwd=ROOT, timeout=120, check=False)


def document(code: str) -> dict[str, Any]:
    """A council that sets none of its own settings, one person paid £700 a week."""
    return {
        "council": {"code": code, "name": "Settingshire"},
        "recipients": [{
            "reference": "S1", "name": "Sal One", "dp_start_date": "2026-01-05",
            "accounts": [{"reference": f"{code}-bank", "kind": "bank"}],
            "plans": [{"effective_from": "2026-01-05", "period": "week", "actual_budget": "700.00",
                       "approved": True, "lines": [{"category": "agency_care", "description": "Agency",
                                                    "amount": "700.00", "amount_basis": "week"}]}],
        }],
    }


def load(tmp_path: Path, code: str, database_url: str, **settings: str) -> None:
    path = tmp_path / f"{code}.json"
    path.write_text(json.dumps(document(code)))
    result = dpaudit("load", str(path), database_url=database_url, **settings)
    assert result.returncode == 0, result.stderr


def council_row(code: str) -> Any:
    from sqlalchemy import select

    from service.core.db import session_scope
    from service.models import Council

    with session_scope() as session:
        council = session.scalars(select(Council).where(Council.code == code)).one()
        session.expunge(council)
        return council


def audit_of(code: str, tmp_path: Path, database_url: str) -> dict[str, Any]:
    statement = tmp_path / f"{code}.csv"
    statement.write_text("Date,Description,Amount,Balance\n05/01/2026,OPENING,0.00,9000.00\n"
                         "30/01/2026,AGENCY CARE LTD,-100.00,8900.00\n")
    imported = dpaudit("import", str(statement), "--account", f"{code}-bank", database_url=database_url)
    assert imported.returncode == 0, imported.stderr
    result = dpaudit("audit", "--account", f"{code}-bank", "--from", "2026-01-05", "--to", "2026-01-31",
                     "--json", database_url=database_url)
    assert result.returncode == 0, result.stderr
    return dict(json.loads(result.stdout))


def test_contingency_weeks_setting_is_a_new_councils_default(database_url: str, tmp_path: Path) -> None:
    six, plain = unique("six"), unique("plain")
    load(tmp_path, six, database_url, DPAUDIT_CONTINGENCY_WEEKS="6")
    load(tmp_path, plain, database_url)
    assert council_row(six).contingency_weeks == 6
    assert council_row(plain).contingency_weeks == 8  # the documented default
    body = audit_of(six, tmp_path, database_url)
    assert body["contingency_weeks"] == 6
    assert Decimal(body["contingency"]) == 6 * Decimal(body["weekly_plan_value"]) == Decimal("4200.00")
    # loading the document again with another setting leaves the council's own setting alone
    load(tmp_path, six, database_url, DPAUDIT_CONTINGENCY_WEEKS="2")
    assert council_row(six).contingency_weeks == 6


def test_a_council_that_sets_its_contingency_keeps_it(database_url: str, tmp_path: Path) -> None:
    code = unique("own")
    doc = document(code)
    doc["council"]["contingency_weeks"] = 3
    path = tmp_path / "own.json"
    path.write_text(json.dumps(doc))
    result = dpaudit("load", str(path), database_url=database_url, DPAUDIT_CONTINGENCY_WEEKS="6")
    assert result.returncode == 0, result.stderr
    assert council_row(code).contingency_weeks == 3


def test_review_settings_decide_when_reviews_fall_due(database_url: str, tmp_path: Path) -> None:
    from service.audits.cadence import next_review_for
    from service.audits.service import due
    from service.core.db import session_scope
    from service.onboarding.service import system_ctx
    from service.people.context import council_settings

    quick, plain = unique("quick"), unique("plain")
    load(tmp_path, quick, database_url, DPAUDIT_FIRST_REVIEW_WEEKS="4", DPAUDIT_REVIEW_INTERVAL_MONTHS="3")
    load(tmp_path, plain, database_url)
    first = date(2026, 1, 5)
    five_weeks_on = first + timedelta(weeks=5)
    with session_scope() as session:
        in_quick = [d.recipient.reference for d in due(system_ctx(session, council_row(quick).id), five_weeks_on)]
        in_plain = [d.recipient.reference for d in due(system_ctx(session, council_row(plain).id), five_weeks_on)]
    assert in_quick == ["S1"]  # due 4 weeks after the first payment
    assert in_plain == []  # the default, 12 weeks, is not reached yet
    settings = council_settings(council_row(quick))
    assert next_review_for(settings, first, date(2026, 3, 31)) == date(2026, 6, 30)
    assert next_review_for(council_settings(council_row(plain)), first, date(2026, 3, 31)) == date(2027, 3, 31)


def test_create_user_new_council_takes_the_settings(database_url: str) -> None:
    code = unique("cu")
    made = dpaudit("create-user", f"a@{code}.example.org", "--council", code, "--new-council",
                   database_url=database_url, DPAUDIT_CONTINGENCY_WEEKS="5", DPAUDIT_FIRST_REVIEW_WEEKS="7",
                   DPAUDIT_REVIEW_INTERVAL_MONTHS="6")
    assert made.returncode == 0, made.stderr
    council = council_row(code)
    assert (council.contingency_weeks, council.first_review_weeks, council.review_interval_months) == (5, 7, 6)


def test_create_user_refuses_an_unknown_council_in_one_line(database_url: str) -> None:
    code = unique("typo")
    refused = dpaudit("create-user", f"a@{code}.example.org", "--council", code, database_url=database_url)
    assert refused.returncode == 2
    assert refused.stderr.strip() == f"error: no council '{code}' (add --new-council to create it)"
    assert refused.stdout == ""
    from sqlalchemy import select

    from service.core.db import session_scope
    from service.models import Council, User

    with session_scope() as session:
        assert session.scalar(select(Council.id).where(Council.code == code)) is None
        assert session.scalar(select(User.id).where(User.email == f"a@{code}.example.org")) is None


def test_create_user_makes_a_holder_who_sees_nobody_by_default(database_url: str, client: Any) -> None:
    code = unique("least")
    made = dpaudit("create-user", f"h@{code}.example.org", "--council", code, "--new-council",
                   database_url=database_url)
    assert made.returncode == 0, made.stderr
    assert made.stdout.startswith(f"created holder h@{code}.example.org")
    token = made.stdout.split("(shown once): ")[1].strip()
    auth = {"Authorization": f"Bearer {token}"}
    assert client.get("/v1/recipients", headers=auth).json()["items"] == []
    assert client.post("/v1/users", headers=auth, json={"email": f"x@{code}.example.org", "name": "X",
                                                        "role": "admin"}).status_code == 403
    admin = dpaudit("create-user", f"a@{code}.example.org", "--council", code, "--role", "admin",
                    database_url=database_url)
    assert admin.returncode == 0 and "created admin" in admin.stdout
