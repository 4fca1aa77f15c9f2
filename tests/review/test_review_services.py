"""Service functions other domains call: period checks for audits, letting flags go of
voided lines, and the council rule settings. Data goes in through the API."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from conftest import Council, post_ok
from review_helpers import Person, flags, make_person, statement, upload
from sqlalchemy import delete, select

from service.core.db import session_scope
from service.core.errors import Unprocessable
from service.models import Council as CouncilRow
from service.models import Flag, Recipient, Transaction
from service.onboarding.service import system_ctx
from service.review.flags import release_transactions, run_period_rules
from service.review.rule_settings import council_ruleset, optional_settings
from service.review.service import validate_optional_rules


@pytest.fixture
def person(client: Any, council: Council) -> Person:
    return make_person(client, council)


def test_check_period_compares_wage_payments_with_timesheet_hours(
        client: Any, person: Person) -> None:
    h = person.council.auth()
    post_ok(client, f"/v1/recipients/{person.recipient_id}/workers", h,
            {"name": "Jane Smith", "age_band": "21_plus"})
    sheet = "Worker,Date,Hours\n" + "".join(f"Jane Smith,0{d}/03/2026,4\n" for d in range(2, 7))
    response = client.post(f"/v1/recipients/{person.recipient_id}/timesheets", headers=h,
                           files={"file": ("mar.csv", sheet.encode())})
    assert response.status_code == 201, response.text
    # 20 hours for £150 is £7.50 an hour (21+ rate £12.21); £150 for 2 to 9 March is under
    # the £192 a week below which nothing is taken off, so £150 was the whole gross pay
    upload(client, person, statement([("09/03/2026", "J SMITH WAGES", "-150.00")]))
    with session_scope() as session:
        ctx = system_ctx(session, person.council.id)
        recipient = session.get(Recipient, person.recipient_id)
        assert recipient is not None
        found = run_period_rules(ctx, recipient, dt.date(2026, 3, 1), dt.date(2026, 3, 31))
        again = run_period_rules(ctx, recipient, dt.date(2026, 3, 1), dt.date(2026, 3, 31))
        assert [f.rule_id for f in found] == ["unlawful.below_minimum_wage"]
        assert [f.id for f in again] == [f.id for f in found]
        assert found[0].evidence["pay_source"] == "bank"
        assert run_period_rules(ctx, recipient, dt.date(2026, 4, 1), dt.date(2026, 4, 30)) == []


def test_flags_let_go_of_lines_that_are_deleted(client: Any, person: Person) -> None:
    upload(client, person, statement([("06/01/2026", "BET365", "-20.00")]))
    (flag,) = flags(client, person)
    with session_scope() as session:
        ctx = system_ctx(session, person.council.id)
        ids = list(session.scalars(select(Transaction.id).where(
            Transaction.account_id == person.account_id)))
        assert release_transactions(ctx, ids, clear_open=True) == 1
        session.execute(delete(Transaction).where(Transaction.id.in_(ids)))
    (after,) = flags(client, person)
    assert after["id"] == flag["id"] and after["transaction_id"] is None
    assert after["status"] == "cleared" and after["evidence"]["description"] == "BET365"


def test_council_rule_settings_are_validated_and_read_tolerantly() -> None:
    stored = validate_optional_rules({"local.cash_over_limit": {"monthly_limit": "300"},
                                      "local.alcohol": True})
    assert stored == {"local.cash_over_limit": {"on": True, "parameters": {"monthly_limit": "300.00"}},
                      "local.alcohol": {"on": True, "parameters": {}}}
    with pytest.raises(Unprocessable):
        validate_optional_rules({"local.nope": True})
    with pytest.raises(Unprocessable):
        validate_optional_rules({"harmful.gambling": False})
    # whatever was stored by other means, reading it never fails and unknown ids are skipped
    enabled, overrides = optional_settings({"local.nope": True, "local.pawn_shop": {"on": True},
                                            "local.cash_over_limit": {"monthly_limit": "NaN"}})
    assert enabled == ["local.pawn_shop", "local.cash_over_limit"] and overrides == {}
    council = CouncilRow(code="x", name="x", optional_rules=stored, risk_weights={})
    ruleset = council_ruleset(council)
    assert ruleset.is_on("local.alcohol") and str(
        ruleset.param("local.cash_over_limit", "monthly_limit")) == "300.00"


def test_flags_of_a_person_are_one_per_rule_and_line(client: Any, person: Person) -> None:
    data = statement([("06/01/2026", "BET365", "-20.00"), ("06/01/2026", "BET365", "-20.00")])
    result = upload(client, person, data)
    assert len(result["flags_raised"]) == 2  # two identical lines are two transactions
    again = client.post(f"/v1/accounts/{person.account_id}/statements",
                        headers=person.council.auth(), files={"file": ("again.csv", data)})
    assert again.status_code == 200  # the same file again adds nothing
    with session_scope() as session:
        count = len(session.scalars(select(Flag).where(
            Flag.recipient_id == person.recipient_id)).all())
    assert count == 2
