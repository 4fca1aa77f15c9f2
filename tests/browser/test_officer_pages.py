"""Officer and admin pages in a real browser: each one looked at (axe, no other origin, a
screenshot), and an officer deciding a flag, agreeing a recovery and closing an audit with
the keyboard alone."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from urllib.parse import urlsplit

import pytest

from browser.tabs import Tab

PAGES = ("queue", "people", "person", "audit", "flags")


FRESH_PASSWORD = "a long test password"


@dataclass
class Fresh:
    """A council of its own with an officer and one audited person, so a test that decides
    and closes changes nothing the demo (or any other test) relies on."""

    officer_email: str
    recipient_id: int
    audit_id: int
    flag_id: int


def fresh_council() -> Fresh:
    """A new council whose person's September statement has a gambling line, audited."""
    from sqlalchemy import select

    from service.audits import service as audits
    from service.core.db import session_scope
    from service.ingest.statements import Declared, import_statement
    from service.models import Account, Flag, Recipient, User
    from service.onboarding import service as onboarding
    from service.onboarding.schemas import LoadDocument
    from service.web import auth

    code = f"fresh-{uuid.uuid4().hex[:8]}"
    email = f"officer@{code}.example.org"
    doc = LoadDocument.model_validate({
        "council": {"code": code, "name": "Freshfield Council"},
        "users": [{"email": email, "name": "Fern Officer", "role": "officer"}],
        "recipients": [{
            "reference": "R-FRESH-1", "name": "Robin Fresh", "dp_start_date": "2026-09-01",
            "accounts": [{"reference": "fresh-bank", "kind": "bank", "opened_on": "2026-09-01"}],
            "plans": [{"effective_from": "2026-09-01", "period": "four_weeks", "actual_budget": "400.00",
                       "approved": True, "lines": [{"category": "day_activities", "description": "Day trips",
                                                    "amount": "100.00", "amount_basis": "week"}]}],
        }],
    })
    statement = (b"Date,Description,Amount,Balance\n"
                 b"01/09/2026,FRESHFIELD COUNCIL,400.00,600.00\n"
                 b"10/09/2026,BET365,-25.00,575.00\n"
                 b"20/09/2026,LEISURE CENTRE SWIM,-12.00,563.00\n")
    with session_scope() as session:
        onboarding.apply(session, doc)
        officer = session.scalar(select(User).where(User.email == email))
        assert officer is not None
        auth.set_password(session, officer, FRESH_PASSWORD)
        recipient = session.scalar(select(Recipient).where(Recipient.council_id == officer.council_id))
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
        return Fresh(email, recipient.id, audit.id, flag.id)


def sign_in_fresh(tab: Tab) -> Fresh:
    fresh = fresh_council()
    tab.go("/sign-in")
    tab.page.fill("#email", fresh.officer_email)
    tab.page.fill("#password", FRESH_PASSWORD)
    with tab.page.expect_navigation(url=tab.base_url + "/"):
        tab.page.click("button:has-text('Sign in')")
    tab.page.wait_for_load_state("networkidle")
    return fresh


def demo_audit() -> tuple[int, int]:
    """The demo person's id and an open audit of their last three months (the same one
    again on every call: auditing a period again refreshes its open audit)."""
    from sqlalchemy import select

    from service.audits import service as audits
    from service.core.db import session_scope
    from service.models import Recipient
    from service.onboarding.service import system_ctx

    with session_scope() as session:
        person = session.scalar(select(Recipient).where(Recipient.reference == "R-DEMO-1"))
        assert person is not None
        audit = audits.create_audit(system_ctx(session, person.council_id), person,
                                    date(2026, 8, 1), date(2026, 10, 31), "on_demand")
        session.flush()
        return person.id, audit.id


def look_at_every_page(tab: Tab, role: str) -> None:
    person, audit = demo_audit()
    paths = {"queue": "/", "people": "/people", "person": f"/people/{person}",
             "audit": f"/audits/{audit}", "flags": "/flags"}
    for name in PAGES:
        response = tab.go(paths[name])
        assert response.status == 200, (name, response.status)
        tab.look(f"officer-{name}-{role}")
    assert "Alex Example" in tab.page.inner_text("main")


def test_every_officer_page_as_an_officer(as_officer: Tab) -> None:
    look_at_every_page(as_officer, "officer")


def test_every_officer_page_as_an_admin(as_admin: Tab) -> None:
    look_at_every_page(as_admin, "admin")


def test_the_queue_filters_without_javascript(tab: Tab) -> None:
    fresh = sign_in_fresh(tab)
    tab.go("/?tier=standard&status=decide_flags&rule=harmful.gambling")
    page = tab.page
    assert page.locator("#tier").input_value() == "standard"
    assert page.locator("#status").input_value() == "decide_flags"
    assert f"/audits/{fresh.audit_id}" in page.inner_html("main table")
    tab.look("officer-queue-filtered")
    tab.go("/?tier=light")
    assert "Nothing in the queue matches these filters" in page.inner_text("main")


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


def test_an_officer_decides_a_flag_agrees_a_recovery_and_closes_by_keyboard(tab: Tab) -> None:
    fresh = sign_in_fresh(tab)
    audit, flag, page = fresh.audit_id, fresh.flag_id, tab.page
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


def _until_done(tab: Tab, words: str) -> None:
    """Follow a run's page until it says ``words`` (on PostgreSQL, working its tasks here as a
    worker would; on SQLite the server's own thread runs them)."""
    import threading
    import time

    from jobs.jobs_setup import drain

    deadline = time.monotonic() + 60
    while words not in tab.page.inner_text("main"):
        assert time.monotonic() < deadline, tab.page.inner_text("main")
        worker = threading.Thread(target=drain)  # its own event loop, beside the browser's
        worker.start()
        worker.join()
        time.sleep(0.2)
        tab.go(urlsplit(tab.page.url).path)


def test_an_officer_starts_an_audit_run_and_a_letter_run_and_follows_them(tab: Tab) -> None:
    sign_in_fresh(tab)
    page = tab.page
    tab.go("/runs")
    assert "No runs yet." in page.inner_text("main")
    tab.look("officer-runs-empty")

    page.check("input[name=kind][value=audit_run]")
    page.fill("#period_start", "2026-09-01")
    page.fill("#period_end", "2026-09-30")
    with page.expect_navigation():
        page.click("button:has-text('Start the run')")
    assert urlsplit(page.url).path.startswith("/runs/")
    _until_done(tab, "1 audited")
    assert page.inner_text("#progress") == "1 of 1 person done"
    tab.look("officer-run-audit-done")

    tab.go("/runs")
    page.check("input[name=kind][value=letter_run]")
    page.fill("#period_start", "2026-09-01")
    page.fill("#period_end", "2026-09-30")
    with page.expect_navigation():
        page.click("button:has-text('Start the run')")
    _until_done(tab, "Download the letters")
    tab.look("officer-run-letters-done")

    tab.go("/runs")
    rows = page.locator("main table tbody tr")
    assert rows.count() == 2 and "Done" in rows.nth(0).inner_text()
    tab.look("officer-runs")
