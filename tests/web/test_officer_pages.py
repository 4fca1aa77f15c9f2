"""Officer pages over HTTP: figures worked out by hand, every form (and its CSRF refusal),
and 404 for holders and for another council's ids.

The person: a plan of £325.00 a week (audits_api_setup), £3,000.00 in the bank on 6 April
2026. Statements for 6 April to 3 May and 1 June to 28 June; none for 4 to 31 May (a gap).
Each 4 weeks £1,300.00 comes in (£1,200.00 council, £100.00 the person) and £1,300.00 goes
out, and on 15 April £40.00 went to BET365 (a gambling flag). So over the statements:
opening £3,000.00, in 2 x £1,300.00 = £2,600.00, out £1,340.00 + £1,300.00 = £2,640.00,
closing £2,960.00, which adds up (3,000 + 2,600 - 2,640). The person may keep 8 weeks x
£325.00 = £2,600.00, so £360.00 is above it; the council paid £2,400.00 of the £2,600.00
paid in, so its share is £360.00 x 2,400 / 2,600 = £332.31 and the person's £27.69.
"""

from __future__ import annotations

import html
import logging
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from audits_api.audits_api_setup import START, audit, upload, weeks
from audits_api.audits_api_setup import make_person as make_recipient
from conftest import Council, make_council, post_ok

from web.conftest import hidden_token, make_person, sign_in

GOOD = "correct horse battery"
OPENING = Decimal("3000.00")
GAMBLING = (date(2026, 4, 15), "BET365", Decimal("-40.00"))


@dataclass
class Case:
    council: Council
    recipient_id: int
    audit_id: int
    flag_id: int


def build_case(client: Any, council: Council) -> Case:
    person = make_recipient(client, council, name="Pat Person")
    lines = [*weeks(), GAMBLING]
    closing = upload(client, person, lines, OPENING, START, date(2026, 5, 3))
    upload(client, person, lines, closing, date(2026, 6, 1), date(2026, 6, 28))
    made = audit(client, person)
    flags = client.get(f"/v1/flags?recipient_id={person.recipient_id}", headers=council.auth()).json()
    (flag,) = flags["items"]
    return Case(council, person.recipient_id, made["id"], flag["id"])


@pytest.fixture
def case(browser_client: Any, web_council: Council) -> Case:
    return build_case(browser_client, web_council)


def signed_in(client: Any, council: Council, role: str = "officer") -> None:
    person = make_person(council, role)
    assert sign_in(client, person.email, GOOD).status_code == 303
    client.get("/")


def token(client: Any, path: str = "/") -> str:
    return hidden_token(client.get(path).text)


def words(page: str) -> str:
    """The page's text with tags dropped and spaces folded, to read like the screen."""
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))
    return html.unescape(text).replace(" .", ".").replace(" ,", ",")


def test_the_audit_page_shows_the_figures_worked_out_by_hand(browser_client: Any, case: Case) -> None:
    signed_in(browser_client, case.council)
    page = browser_client.get(f"/audits/{case.audit_id}")
    assert page.status_code == 200
    text = words(page.text)
    assert ("The accounts opened the period at £3,000.00. £2,600.00 came in and £2,640.00 went out, "
            "so they should close at £2,960.00. The statements show £2,960.00 at the end.") in text
    assert "They add up to the penny." in text
    assert "No statement from 4 May to 31 May 2026" in text
    for step in ("Closing balance", "£2,960.00", "Less contingency", "-£2,600.00", "8 weeks x £325.00",
                 "Surplus", "£360.00", "Council share", "£332.31", "Contribution share", "£27.69",
                 "Proposed recovery"):
        assert step in text, step
    assert "15 April 2026: BET365, -£40.00" in text
    assert "Gambling (harmful.gambling)" in text
    assert "Before you can close it" in text and "Record a decision about the money" in text
    assert ' style="' not in page.text and "<style" not in page.text
    assert "/v1/" not in page.text


def test_an_officer_decides_the_flag_agrees_a_recovery_and_closes(browser_client: Any, case: Case) -> None:
    signed_in(browser_client, case.council)
    base = f"/audits/{case.audit_id}"
    csrf = token(browser_client, base)
    refused = browser_client.post(f"{base}/flags/{case.flag_id}/decision",
                                  data={"csrf_token": csrf, "outcome": "cleared", "reason": "  "})
    assert refused.status_code == 400
    assert "There is a problem" in refused.text
    assert f'href="#flag-{case.flag_id}-reason"' in refused.text
    assert "Enter a reason for clearing or upholding this flag" in refused.text
    flag = browser_client.get(f"/v1/flags/{case.flag_id}", headers=case.council.auth()).json()
    assert flag["status"] == "open"

    cleared = browser_client.post(f"{base}/flags/{case.flag_id}/decision",
                                  data={"csrf_token": csrf, "outcome": "cleared",
                                        "reason": "A birthday present bought through the site."})
    assert cleared.status_code == 303
    assert cleared.headers["location"] == f"{base}?done=flag-cleared#flag-{case.flag_id}"
    text = words(browser_client.get(cleared.headers["location"]).text)
    assert "You cleared the flag." in text
    assert "Cleared by Officer Person: A birthday present bought through the site." in text

    too_early = browser_client.post(f"{base}/close", data={"csrf_token": csrf})
    assert too_early.status_code == 400
    assert "Record a decision about the money, with a reason" in words(too_early.text)

    no_reason = browser_client.post(f"{base}/decision", data={
        "csrf_token": csrf, "outcome": "agree", "agreed_recovery": "332.31", "reason": ""})
    assert no_reason.status_code == 400 and "Enter the reason for your decision" in no_reason.text
    bad_amount = browser_client.post(f"{base}/decision", data={
        "csrf_token": csrf, "outcome": "agree", "agreed_recovery": "-5", "reason": "Agreed"})
    assert bad_amount.status_code == 400 and "cannot be less than 0.00" in bad_amount.text
    agreed = browser_client.post(f"{base}/decision", data={
        "csrf_token": csrf, "outcome": "agree", "agreed_recovery": "£332.31",
        "reason": "Agreed with Pat on the phone."})
    assert agreed.status_code == 303
    api = browser_client.get(f"/v1/audits/{case.audit_id}", headers=case.council.auth()).json()
    assert api["agreed_recovery"] == "332.31" and api["decision_reason"] == "Agreed with Pat on the phone."
    assert "Recover £332.31" in words(browser_client.get(base).text)

    note = browser_client.post(f"{base}/notes", data={"csrf_token": csrf, "body": ""})
    assert note.status_code == 400 and "Enter your note" in note.text
    assert browser_client.post(f"{base}/notes", data={"csrf_token": csrf,
                                                      "body": "Letter to follow."}).status_code == 303
    assert "Letter to follow." in browser_client.get(base).text

    closed = browser_client.post(f"{base}/close", data={"csrf_token": csrf})
    assert closed.status_code == 303 and closed.headers["location"] == f"{base}?done=closed"
    text = words(browser_client.get(closed.headers["location"]).text)
    assert "The audit is closed." in text and "Record the decision" not in text
    assert browser_client.get(f"/v1/audits/{case.audit_id}", headers=case.council.auth()).json()["status"] == "closed"

    pdf = browser_client.get(f"{base}/letter.pdf")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert 'filename="audit-' in pdf.headers["content-disposition"]
    workbook = browser_client.get(f"{base}/workbook.xlsx")
    assert workbook.status_code == 200 and workbook.content.startswith(b"PK")
    letter = browser_client.get(f"{base}/letter.html")
    api_letter = browser_client.get(f"/v1/audits/{case.audit_id}/letter.html", headers=case.council.auth())
    assert letter.status_code == 200 and letter.text == api_letter.text
    # the letter runs no script, whoever opens it
    assert letter.headers["content-security-policy"].startswith("default-src 'none'")


def test_a_flag_carried_to_the_next_audit_needs_a_reason(browser_client: Any, case: Case) -> None:
    signed_in(browser_client, case.council)
    base = f"/audits/{case.audit_id}"
    csrf = token(browser_client, base)
    assert browser_client.post(f"{base}/decision", data={
        "csrf_token": csrf, "outcome": "hold", "agreed_recovery": "", "reason": "Waiting to hear back."
    }).status_code == 303
    no_reason = browser_client.post(f"{base}/close", data={"csrf_token": csrf, "carry": str(case.flag_id)})
    assert no_reason.status_code == 400 and "Enter why this flag waits for the next audit" in no_reason.text
    carried = browser_client.post(f"{base}/close", data={
        "csrf_token": csrf, "carry": str(case.flag_id), f"carry-{case.flag_id}-reason": "Asked the bank."})
    assert carried.status_code == 303
    assert "Recovery on hold" in words(browser_client.get(base).text)


def test_the_queue_filters_and_links_to_the_audit(browser_client: Any, case: Case) -> None:
    signed_in(browser_client, case.council)
    queue = browser_client.get("/")
    assert f'href="/audits/{case.audit_id}"' in queue.text and "Decide the flags" in queue.text
    assert f'href="/people/{case.recipient_id}"' in queue.text
    assert f'href="/audits/{case.audit_id}"' in browser_client.get(
        "/?tier=standard&rule=harmful.gambling&status=decide_flags").text
    for narrower in ("/?status=ready_to_close", "/?rule=harmful.tobacco", "/?tier=light"):
        assert f'href="/audits/{case.audit_id}"' not in browser_client.get(narrower).text, narrower
    anything = browser_client.get("/?tier=nonsense&rule=%3Cscript%3E")
    assert anything.status_code == 200 and f'href="/audits/{case.audit_id}"' in anything.text


def test_the_person_page_draws_coverage_with_its_gap(browser_client: Any, case: Case) -> None:
    signed_in(browser_client, case.council, "admin")
    people = browser_client.get("/people")
    assert f'href="/people/{case.recipient_id}"' in people.text
    page = browser_client.get(f"/people/{case.recipient_id}")
    assert page.status_code == 200
    text = words(page.text)
    assert "<svg" in page.text and "<rect" in page.text and ' style="' not in page.text
    assert "6 April 2026 3 May 2026 Covered 28" in text
    assert "4 May 2026 31 May 2026 None 28" in text
    assert "1 June 2026 28 June 2026 Covered 28" in text
    assert f'href="/audits/{case.audit_id}"' in page.text
    assert "Personal assistant" in text and "Swimming" in text
    assert "Gambling" in text and "Open" in text


def test_an_officer_starts_an_audit_from_the_person_page(browser_client: Any, case: Case) -> None:
    signed_in(browser_client, case.council)
    csrf = token(browser_client, f"/people/{case.recipient_id}")
    wrong = browser_client.post(f"/people/{case.recipient_id}/audits",
                                data={"csrf_token": csrf, "period_start": "2026-06-28", "period_end": "2026-04-06"})
    assert wrong.status_code == 400 and "There is a problem" in wrong.text
    started = browser_client.post(f"/people/{case.recipient_id}/audits",
                                  data={"csrf_token": csrf, "period_start": "2026-04-06", "period_end": "2026-05-03"})
    assert started.status_code == 303 and started.headers["location"].startswith("/audits/")
    assert "Audit of 6 April 2026 to 3 May 2026" in words(browser_client.get(started.headers["location"]).text)


def test_an_invitation_goes_to_the_representative(browser_client: Any, web_council: Council,
                                                  caplog: pytest.LogCaptureFixture) -> None:
    case = build_case(browser_client, web_council)
    holder = make_person(web_council, "holder")
    rep = post_ok(browser_client, f"/v1/recipients/{case.recipient_id}/representatives", web_council.auth(),
                  {"kind": "nominee", "name": "Sam Nominee", "user_id": holder.id})
    signed_in(browser_client, web_council)
    page = f"/people/{case.recipient_id}"
    csrf = token(browser_client, page)
    with caplog.at_level(logging.INFO, logger="dpaudit.mail"):
        sent = browser_client.post(f"{page}/invitations", data={"csrf_token": csrf, "representative_id": rep["id"]})
    assert sent.status_code == 303
    assert "We have sent an invitation to Sam Nominee" in browser_client.get(sent.headers["location"]).text
    links = [getattr(r, "fields", {}).get("link") for r in caplog.records]
    assert any(link and "/invitations/" in link for link in links)
    nobody = browser_client.post(f"{page}/invitations", data={"csrf_token": csrf, "representative_id": "999999"})
    assert nobody.status_code == 404


def test_the_flags_page_decides_with_a_reason(browser_client: Any, case: Case) -> None:
    signed_in(browser_client, case.council)
    listing = browser_client.get("/flags?rule=harmful.gambling")
    assert f'href="/audits/{case.audit_id}#flag-{case.flag_id}"' in listing.text
    assert f'href="/people/{case.recipient_id}"' in listing.text
    csrf = hidden_token(listing.text)
    refused = browser_client.post(f"/flags/{case.flag_id}/decision",
                                  data={"csrf_token": csrf, "outcome": "upheld", "reason": ""})
    assert refused.status_code == 400 and "Enter a reason for clearing or upholding this flag" in refused.text
    upheld = browser_client.post(f"/flags/{case.flag_id}/decision", data={
        "csrf_token": csrf, "outcome": "upheld", "reason": "Not a care cost.", "status": "open"})
    assert upheld.status_code == 303
    assert f"#flag-{case.flag_id}" not in browser_client.get(upheld.headers["location"]).text
    assert "Not a care cost." in browser_client.get("/flags?status=upheld").text
    again = browser_client.post(f"/flags/{case.flag_id}/decision", data={
        "csrf_token": csrf, "outcome": "cleared", "reason": "Changed my mind."})
    assert again.status_code == 400 and "already upheld" in again.text


def forms(case: Case) -> list[tuple[str, dict[str, str]]]:
    base = f"/audits/{case.audit_id}"
    return [
        (f"{base}/flags/{case.flag_id}/decision", {"outcome": "cleared", "reason": "Fine."}),
        (f"{base}/notes", {"body": "A note."}),
        (f"{base}/decision", {"outcome": "agree", "agreed_recovery": "0.00", "reason": "Fine."}),
        (f"{base}/close", {}),
        (f"/flags/{case.flag_id}/decision", {"outcome": "cleared", "reason": "Fine."}),
        (f"/people/{case.recipient_id}/audits", {"period_start": "2026-04-06", "period_end": "2026-06-28"}),
        (f"/people/{case.recipient_id}/invitations", {"representative_id": "1"}),
    ]


def test_every_form_refuses_a_post_without_its_token(browser_client: Any, case: Case) -> None:
    signed_in(browser_client, case.council)
    for path, data in forms(case):
        for sent in (data, {**data, "csrf_token": "x" * 32}):
            refused = browser_client.post(path, data=sent)
            assert refused.status_code == 400 and "This form has expired" in refused.text, path
    after = browser_client.get(f"/v1/audits/{case.audit_id}", headers=case.council.auth()).json()
    assert after["status"] == "open" and after["agreed_recovery"] is None
    flag = browser_client.get(f"/v1/flags/{case.flag_id}", headers=case.council.auth()).json()
    assert flag["status"] == "open"


def pages(case: Case) -> list[str]:
    base = f"/audits/{case.audit_id}"
    return ["/people", f"/people/{case.recipient_id}", base, f"{base}/workbook.xlsx",
            f"{base}/letter.pdf", f"{base}/letter.html", "/flags"]


def test_a_holder_gets_not_found_everywhere(browser_client: Any, case: Case) -> None:
    signed_in(browser_client, case.council, "holder")
    for path in pages(case):
        assert browser_client.get(path).status_code == 404, path
    csrf = token(browser_client)
    for path, data in forms(case):
        assert browser_client.post(path, data={**data, "csrf_token": csrf}).status_code == 404, path
    assert browser_client.get(f"/v1/audits/{case.audit_id}", headers=case.council.auth()).json()["status"] == "open"


def test_another_councils_officer_gets_not_found(browser_client: Any, case: Case, database_url: str) -> None:
    other = make_council(database_url)
    signed_in(browser_client, other, "officer")
    for path in pages(case)[1:-1]:
        response = browser_client.get(path)
        assert response.status_code == 404 and "Page not found" in response.text, path
    csrf = token(browser_client)
    for path, data in forms(case):
        assert browser_client.post(path, data={**data, "csrf_token": csrf}).status_code == 404, path
    assert f'href="/audits/{case.audit_id}"' not in browser_client.get("/").text
    for nonsense in ("/audits/abc", "/audits/99999999999999999999", "/people/0", "/audits/-1/letter.pdf"):
        response = browser_client.get(nonsense)
        assert response.status_code == 404 and "Page not found" in response.text, nonsense
    assert f"/people/{case.recipient_id}" not in browser_client.get("/flags?status=all").text

