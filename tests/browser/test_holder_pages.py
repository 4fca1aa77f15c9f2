"""The holder's pages in a real browser, as the demo holder: every page looked at (axe, no
other origin, no console error), and the keyboard-only journey of sending a statement and
answering a question.

Tests here may run in any order and after other rooms' tests: what a test needs it makes
first (an audit, a question of its own), and it asserts nothing that another test changes.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from browser.tabs import Tab

# Shaped like the demo bank's own CSV export (day-first dates, signed amounts, balances),
# for November, after the demo's last statement. Nothing in it raises a flag: other tests
# count the demo's flags.
NOVEMBER = Path(__file__).parent / "files" / "demo-bank-november.csv"


def demo_person() -> tuple[int, int]:
    """The demo person's id, and the id of an open audit of theirs (made when there is none),
    which asks about the demo's missing month."""
    from sqlalchemy import select

    from service.audits.service import create_audit
    from service.core.db import session_scope
    from service.models import Audit, Recipient
    from service.onboarding.service import system_ctx

    with session_scope() as session:
        person = session.scalars(select(Recipient).where(Recipient.reference == "R-DEMO-1")).one()
        audit = session.scalars(select(Audit).where(Audit.recipient_id == person.id,
                                                    Audit.status == "open")
                                .order_by(Audit.id).limit(1)).first()
        if audit is None:
            audit = create_audit(system_ctx(session, person.council_id), person,
                                 date(2025, 12, 1), date(2026, 10, 31))
            session.flush()
        return person.id, audit.id


def focused(page: Any) -> dict[str, str]:
    return dict(page.evaluate("""() => { const e = document.activeElement;
        const s = e.closest('section');
        return {tag: e.tagName, id: e.id || '', type: e.type || '', text: e.innerText || '',
                href: e.getAttribute('href') || '', section: s ? s.innerText : '',
                asked: s && s.querySelector('p') ? s.querySelector('p').innerText : ''}; }"""))


def tab_to(page: Any, wanted: Any, limit: int = 80) -> dict[str, str]:
    """Press Tab until the focused element is the one wanted, as a keyboard user would."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        now = focused(page)
        if wanted(now):
            return now
    raise AssertionError("never reached by Tab")


def press_and_wait(tab: Tab, key: str) -> None:
    with tab.page.expect_navigation():
        tab.page.keyboard.press(key)
    tab.page.wait_for_load_state("networkidle")


def test_every_holder_page_as_the_demo_holder(as_holder: Tab) -> None:
    rid, audit_id = demo_person()
    tab, page = as_holder, as_holder.page
    tab.go("/")
    assert page.locator("h1").inner_text() == "Your direct payment"
    assert "Bank account at Demo Bank, ending 4321" in page.inner_text("main")
    tab.look("holder-home")

    tab.go("/upload")  # one person: straight to their form
    assert urlsplit(page.url).path == f"/for/{rid}/upload"
    tab.look("holder-upload")
    with page.expect_navigation():
        page.click("button:has-text('Send the file')")
    assert page.title().startswith("Error: ")
    assert "Choose what kind of file this is." in page.inner_text(".govuk-error-summary")
    tab.errors.clear()  # chromium logs the 400 answer itself as a failed resource
    tab.look("holder-upload-error")

    tab.go(f"/for/{rid}/questions")
    assert page.locator("h1").inner_text() == "Things we have asked you"
    tab.look("holder-questions")

    tab.go(f"/for/{rid}/letters")
    assert page.locator(f"a[href='/for/{rid}/letters/{audit_id}.pdf']").count() == 1
    tab.look("holder-letters")
    tab.go(f"/for/{rid}/letters/{audit_id}.html")
    assert "Alex Example" in page.inner_text("body")
    tab.look("holder-letter")
    pdf = page.request.get(f"{tab.base_url}/for/{rid}/letters/{audit_id}.pdf")
    assert pdf.ok and pdf.body().startswith(b"%PDF")


def test_holder_sends_a_statement_and_answers_a_question_by_keyboard(as_holder: Tab) -> None:
    rid, _audit = demo_person()
    tab, page = as_holder, as_holder.page
    tab_to(page, lambda e: e["href"] == f"/for/{rid}/upload")
    press_and_wait(tab, "Enter")
    assert urlsplit(page.url).path == f"/for/{rid}/upload"

    tab_to(page, lambda e: e["id"] == "kind")  # "A bank or card statement"
    page.keyboard.press("Space")
    assert page.is_checked("#kind")
    account = tab_to(page, lambda e: e["id"] == "account_id")  # revealed: which account
    assert account["type"] == "radio" and page.is_visible("#account_id")
    page.keyboard.press("Space")
    assert "Demo Bank" in page.inner_text("label[for='account_id']") and page.is_checked("#account_id")
    tab_to(page, lambda e: e["id"] == "file")
    page.set_input_files("#file", NOVEMBER)  # a keyboard user picks it in the system's dialog
    tab_to(page, lambda e: e["tag"] == "BUTTON" and e["text"].strip() == "Send the file")
    press_and_wait(tab, "Enter")

    main = page.inner_text("main")
    assert "We read 8 payments from 2 November to 13 November 2026." in main, main
    assert "The balance at the end was £5,856.00." in main
    tab.look("holder-upload-result")

    tab_to(page, lambda e: e["href"] == f"/for/{rid}/questions")
    press_and_wait(tab, "Enter")
    box = tab_to(page, lambda e: e["tag"] == "TEXTAREA" and e["id"].startswith("answer-q-"))
    asked = box["asked"]
    assert asked.startswith("We do not have a bank statement for"), asked
    page.keyboard.type("The bank lost that month. I will ask them for it again.")
    tab_to(page, lambda e: e["tag"] == "BUTTON" and e["text"].strip() == "Send your answer")
    press_and_wait(tab, "Enter")

    assert "Thank you. We have your answer." in page.inner_text(".govuk-notification-banner")
    answered = page.locator("section", has_text=asked)
    assert "You told us: The bank lost that month." in answered.inner_text()
    assert page.locator(f"#{box['id']}").count() == 0  # answered: no box any more
    tab.look("holder-questions-answered")
