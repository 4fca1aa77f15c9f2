"""Officer and admin pages in a real browser: each one looked at (axe, no other origin, a
screenshot), and an officer deciding a flag, agreeing a recovery and closing an audit with
the keyboard alone."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from urllib.parse import urlsplit

import pytest

from browser.tabs import Tab

PAGES = ("queue", "people", "person", "audit", "flags")


def fresh_audit() -> tuple[int, int, int]:
    """A new person in the demo council whose September statement has a gambling line,
    audited: (recipient id, audit id, flag id). Made here, so no test depends on another."""
    from sqlalchemy import select

    from service.audits import service as audits
    from service.core.db import session_scope
    from service.ingest.statements import Declared, import_statement
    from service.models import Account, Flag, Recipient
    from service.onboarding import service as onboarding
    from service.onboarding.schemas import LoadDocument

    reference = f"R-{uuid.uuid4().hex[:8]}"
    doc = LoadDocument.model_validate({
        "council": {"code": "demo", "name": "Demo Borough Council"},
        "recipients": [{
            "reference": reference, "name": "Robin Fresh", "dp_start_date": "2026-09-01",
            "accounts": [{"reference": f"{reference}-bank", "kind": "bank", "opened_on": "2026-09-01"}],
            "plans": [{"effective_from": "2026-09-01", "period": "four_weeks", "actual_budget": "400.00",
                       "approved": True, "lines": [{"category": "day_activities", "description": "Day trips",
                                                    "amount": "100.00", "amount_basis": "week"}]}],
        }],
    })
    statement = (b"Date,Description,Amount,Balance\n"
                 b"01/09/2026,DEMO BOROUGH COUNCIL,400.00,600.00\n"
                 b"10/09/2026,BET365,-25.00,575.00\n"
                 b"20/09/2026,LEISURE CENTRE SWIM,-12.00,563.00\n")
    with session_scope() as session:
        onboarding.apply(session, doc)
        recipient = session.scalar(select(Recipient).where(Recipient.reference == reference))
        assert recipient is not None
        ctx = onboarding.system_ctx(session, recipient.council_id)
        account = session.scalar(select(Account).where(Account.recipient_id == recipient.id))
        assert account is not None
        import_statement(ctx, account, statement, "september.csv", declared=Declared(
            date(2026, 9, 1), date(2026, 9, 30), Decimal("200.00"), Decimal("563.00")))
        audit = audits.create_audit(ctx, recipient, date(2026, 9, 1), date(2026, 9, 30), "on_demand")
        session.flush()
        flag = session.scalar(select(Flag).where(Flag.recipient_id == recipient.id))
        assert flag is not None and flag.rule_id == "harmful.gambling"
        return recipient.id, audit.id, flag.id


def demo_person_id() -> int:
    from sqlalchemy import select

    from service.core.db import session_scope
    from service.models import Recipient

    with session_scope() as session:
        found = session.scalar(select(Recipient.id).where(Recipient.reference == "R-DEMO-1"))
        assert found is not None
        return int(found)


def look_at_every_page(tab: Tab, role: str) -> None:
    person, audit, _ = fresh_audit()
    paths = {"queue": "/", "people": "/people", "person": f"/people/{demo_person_id()}",
             "audit": f"/audits/{audit}", "flags": "/flags"}
    for name in PAGES:
        response = tab.go(paths[name])
        assert response.status == 200, (name, response.status)
        tab.look(f"officer-{name}-{role}")
    tab.go(f"/people/{person}")
    assert "Robin Fresh" in tab.page.inner_text("h1")
    tab.look(f"officer-person-fresh-{role}")


def test_every_officer_page_as_an_officer(as_officer: Tab) -> None:
    look_at_every_page(as_officer, "officer")


def test_every_officer_page_as_an_admin(as_admin: Tab) -> None:
    look_at_every_page(as_admin, "admin")


def test_the_queue_filters_without_javascript(as_officer: Tab) -> None:
    fresh_audit()
    as_officer.go("/?tier=standard&status=decide_flags&rule=harmful.gambling")
    page = as_officer.page
    assert page.locator("#tier").input_value() == "standard"
    assert page.locator("#status").input_value() == "decide_flags"
    assert "Robin Fresh" in page.inner_text("main table")
    as_officer.look("officer-queue-filtered")


def tab_to(tab: Tab, selector: str, most: int = 300) -> None:
    """Press Tab until the element ``selector`` names has the focus, as a keyboard user would."""
    page = tab.page
    for _ in range(most):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement && document.activeElement.matches(s)", selector):
            return
    pytest.fail(f"Tab never reached {selector}")


def submit_by_keyboard(tab: Tab, button: str) -> None:
    tab_to(tab, button)
    with tab.page.expect_navigation():
        tab.page.keyboard.press("Enter")
    tab.page.wait_for_load_state("networkidle")


def test_an_officer_decides_a_flag_agrees_a_recovery_and_closes_by_keyboard(as_officer: Tab) -> None:
    _, audit, flag = fresh_audit()
    tab, page = as_officer, as_officer.page
    tab.go(f"/audits/{audit}")
    assert "Gambling" in page.inner_text(f"#flag-{flag}")

    tab_to(tab, f"#flag-{flag}-outcome")  # the radios are one stop: an arrow picks the other
    page.keyboard.press("ArrowRight")
    assert page.is_checked(f"#flag-{flag}-outcome-upheld")
    tab_to(tab, f"#flag-{flag}-reason")
    page.keyboard.type("Paid from the account by mistake; the person has paid it back.")
    submit_by_keyboard(tab, f"#flag-{flag} button[type=submit]")
    assert "You upheld the flag." in page.inner_text(".govuk-notification-banner")
    assert "Upheld" in page.inner_text(f"#flag-{flag}")

    tab_to(tab, "#agreed-recovery")
    page.keyboard.press("Control+A")
    page.keyboard.type("25.00")
    tab_to(tab, "#decision-reason")
    page.keyboard.type("The gambling payment is recovered; the rest stays as contingency.")
    submit_by_keyboard(tab, f"form[action='/audits/{audit}/decision'] button[type=submit]")
    assert "Your decision about the money was recorded." in page.inner_text(".govuk-notification-banner")
    assert "Recover £25.00" in page.inner_text("main")

    submit_by_keyboard(tab, "form[action$='/close'] button[type=submit]")
    assert "The audit is closed." in page.inner_text(".govuk-notification-banner")
    assert urlsplit(page.url).path == f"/audits/{audit}"
    assert "Closed" in page.inner_text("main .govuk-tag")
    tab.look("officer-audit-closed-by-keyboard")
