"""The demo's year of activity: imported through the importers, once, and every part shows."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any


def test_demo_year_shows_a_gap_a_flag_and_a_surplus(database_url: str, capsys: Any) -> None:
    from sqlalchemy import select

    from service.audits import service
    from service.cli import demo
    from service.cli.demo_activity import load_activity
    from service.core.db import session_scope
    from service.models import Account, Recipient, Upload
    from service.onboarding.service import system_ctx

    today = date(2026, 11, 23)
    demo.run(today)  # loads the year's activity
    capsys.readouterr()
    with session_scope() as session:
        account = session.scalars(select(Account).where(Account.reference == demo.DEMO_ACCOUNT)).one()
        statements = session.scalars(select(Upload.kind).where(Upload.account_id == account.id)).all()
        again = load_activity(session, account.council_id, today)
    with session_scope() as session:
        recipient = session.get(Recipient, account.recipient_id)
        end = today.replace(day=1) - timedelta(days=1)
        audit = service.create_audit(system_ctx(session, account.council_id), recipient,
                                     end - timedelta(days=364), end)
        body = service.headline(audit)
        session.rollback()  # this audit was only to look; the demo's activity stays
    assert statements.count("statement") == 12  # a year of months, less the missing one
    assert again == {"statements": 0, "timesheets": 0}
    assert body["gaps"] == ["no statement for account demo-account from 1 May to 31 May 2026"]
    assert [f["rule_id"] for f in body["flags"]] == ["harmful.gambling"]
    assert Decimal(body["closing_balance"]) > Decimal(body["contingency"]) > 0
    assert Decimal(body["surplus"]) > 0 and Decimal(body["proposed_recovery"]) > 0
    assert not [f for f in body["findings"] if f["code"] == "wages_differ_from_timesheets"]



def test_demo_letter_puts_the_missing_money_down_to_the_missing_statement(database_url: str, capsys: Any) -> None:
    from sqlalchemy import select

    from reports import render_letter_html
    from service.audits import service
    from service.audits.report_model import build_report
    from service.cli import demo
    from service.core.db import session_scope
    from service.models import Account, Recipient
    from service.onboarding.service import system_ctx

    today = date(2026, 11, 23)
    demo.run(today)
    capsys.readouterr()
    with session_scope() as session:
        account = session.scalars(select(Account).where(Account.reference == demo.DEMO_ACCOUNT)).one()
        recipient = session.get(Recipient, account.recipient_id)
        end = today.replace(day=1) - timedelta(days=1)
        audit = service.create_audit(system_ctx(session, account.council_id), recipient,
                                     end - timedelta(days=364), end)
        letter = render_letter_html(build_report(audit))
        reasons = [r["label"] for r in service.headline(audit)["tier_reasons"]]
        session.rollback()
    assert "While no statement came in, the balance went " in letter
    assert "do not add up" not in letter
    assert not any("balance" in reason for reason in reasons)


def test_an_audit_of_three_months_asks_nothing_about_statements_before_them(database_url: str,
                                                                            capsys: Any) -> None:
    """A quarter's audit reads only that quarter's statements: the year before it was read by
    earlier audits, and its lines are not even loaded, so it must not be asked about again."""
    from sqlalchemy import select

    from service.audits import service
    from service.cli import demo
    from service.core.db import session_scope
    from service.models import Account, Recipient
    from service.onboarding.service import system_ctx

    today = date(2026, 11, 23)
    demo.run(today)
    capsys.readouterr()
    with session_scope() as session:
        account = session.scalars(select(Account).where(Account.reference == demo.DEMO_ACCOUNT)).one()
        recipient = session.get(Recipient, account.recipient_id)
        audit = service.create_audit(system_ctx(session, account.council_id), recipient,
                                     date(2026, 8, 1), date(2026, 10, 31))
        body = service.headline(audit)
        session.rollback()
    codes = [f["code"] for f in body["findings"]]
    assert "statement_does_not_add_up" not in codes, body["findings"]
    assert "balance_chain_break" not in codes, body["findings"]
    assert body["gaps"] == []
