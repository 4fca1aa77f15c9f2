"""The council summary (charts beside their tables) and the rules settings, over HTTP."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta
from decimal import Decimal as D
from html.parser import HTMLParser
from typing import Any

import pytest
from audits_api.audits_api_setup import END, START, WEEKLY, audit, upload, weeks
from audits_api.audits_api_setup import make_person as make_recipient
from conftest import Council, post_ok

from web.conftest import hidden_token, make_person, sign_in

GOOD = "correct horse battery"
PERIOD = "from=2026-01-01&to=2026-12-31"


class Tables(HTMLParser):
    """Every table on a page as {caption: [[cell text, ...], ...]} (header row first)."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self._caption: str | None = None
        self._rows: list[list[str]] = []
        self._text: list[str] | None = None
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self._caption, self._rows = "", []
        elif tag == "tr":
            self._rows.append([])
        elif tag in ("th", "td", "caption"):
            self._text = []

    def handle_data(self, data: str) -> None:
        if self._text is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        text = " ".join("".join(self._text or []).split())
        if tag == "caption":
            self._caption = text
        elif tag in ("th", "td"):
            self._rows[-1].append(text)
        elif tag == "table":
            self.tables[self._caption or ""] = self._rows
        if tag in ("th", "td", "caption"):
            self._text = None


def signed_in(client: Any, council: Council, role: str) -> None:
    person = make_person(council, role)
    assert sign_in(client, person.email, GOOD).status_code == 303


def known_council(client: Any, council: Council) -> None:
    """Two people audited for 6 April to 28 June 2026, as in the API's summary test.

    "Held" could not recruit a PA and the recovery is held: surplus £1,950.00 less the
    contingency share, so £1,800.00 held. "Surplus" paid a bookmaker £20.00 (a gambling
    flag, left open); the proposal and the agreed recovery are £1,781.54. Each plan is
    £1,400.00 indicative and £1,300.00 actual every 4 weeks: 13 times a year, twice.
    """
    held = make_recipient(client, council, "Held")
    upload(client, held, weeks(), 14 * WEEKLY, START, END)
    post_ok(client, f"/v1/recipients/{held.recipient_id}/underspend-reasons", council.auth(), {
        "period_start": START.isoformat(), "period_end": END.isoformat(),
        "reason": "could_not_recruit", "hold_recovery": True})
    audit(client, held)
    surplus = make_recipient(client, council, "Surplus")
    upload(client, surplus, [*weeks(), (date(2026, 5, 16), "BET365", D("-20.00"))], 14 * WEEKLY, START, END)
    done = audit(client, surplus)
    (flag,) = client.get(f"/v1/flags?recipient_id={surplus.recipient_id}",
                         headers=council.auth()).json()["items"]
    post_ok(client, f"/v1/audits/{done['id']}/decision", council.auth(),
            {"agreed_recovery": "1781.54", "reason": "As proposed."})
    post_ok(client, f"/v1/audits/{done['id']}/close", council.auth(),
            {"carry_flags": [{"flag_id": flag["id"], "reason": "Waiting to hear from the person."}]})


def test_the_summary_shows_the_same_figures_as_the_api(client: Any, browser_client: Any,
                                                        web_council: Council) -> None:
    known_council(client, web_council)
    api = client.get(f"/v1/councils/{web_council.id}/summary?{PERIOD}", headers=web_council.auth()).json()
    signed_in(browser_client, web_council, "officer")
    page = browser_client.get(f"/summary?{PERIOD}")
    assert page.status_code == 200
    assert "from 1 January 2026 to 31 December 2026: 2 done" in page.text
    tables = Tables(page.text).tables
    due = {t["tier"]: t["due"] for t in api["audits"]["by_tier"]}
    assert tables["Audits due and done by tier"] == [
        ["Tier", "Due", "Done"], ["Light", str(due["light"]), "0"],
        ["Standard", str(due["standard"]), "2"], ["Full", str(due["full"]), "0"]]
    assert tables["Surplus proposed, agreed and held"] == [
        ["Surplus", "Amount"], ["Proposed for recovery", "£1,781.54"],
        ["Agreed for recovery", "£1,781.54"], ["Held back", "£1,800.00"]]
    assert api["surplus"] == {"proposed": "1781.54", "agreed": "1781.54", "held": "1800.00"}
    assert tables["Flags by rule and outcome"] == [
        ["Rule", "Open", "Cleared", "Upheld", "Total"], ["Gambling", "1", "0", "0", "1"]]
    assert [(f["title"], f["open"], f["total"]) for f in api["flags_by_rule"]] == [("Gambling", 1, 1)]
    assert tables["Unmet need by reason"] == [
        ["Reason", "People", "Surplus"], ["Could not recruit a personal assistant", "1", "£1,950.00"]]
    assert api["unmet_need"][0]["amount"] == "1950.00"
    # 1,400.00 and 1,300.00 every 4 weeks, 13 times a year, for two people
    assert tables["Indicative and actual budgets, totals a year"] == [
        ["Budget", "Total a year"], ["Indicative (early estimate)", "£36,400.00"],
        ["Actual (approved plans)", "£33,800.00"]]
    assert (api["budgets"]["indicative_total"], api["budgets"]["actual_total"]) == ("36400.00", "33800.00")
    by_person = tables["Yearly budgets for each person, by reference"]
    assert by_person[1:] == [[line["recipient_reference"], "£18,200.00", "£16,900.00", "-£1,300.00"]
                             for line in api["budgets"]["people"]]


def test_each_chart_is_named_has_its_table_and_needs_no_inline_style_or_script(
        client: Any, browser_client: Any, web_council: Council) -> None:
    import xml.etree.ElementTree as ET

    known_council(client, web_council)
    signed_in(browser_client, web_council, "admin")
    # ElementTree's prefixes are process-wide: once any code names one for SVG, the charts
    # must still come out as plain <svg> (this failed only in the whole suite before)
    ET.register_namespace("svg", "http://www.w3.org/2000/svg")
    html = browser_client.get(f"/summary?{PERIOD}").text
    sections = re.findall(r'<section class="dpaudit-council-part".*?</section>', html, re.S)
    assert len(sections) == 5
    for section in sections:
        (svg,) = re.findall(r"<svg\b.*?</svg>", section, re.S)
        opening = svg[:svg.index(">")]
        assert 'role="img"' in opening
        title_id, desc_id = re.search(r'aria-labelledby="([^" ]+) ([^"]+)"', opening).groups()  # type: ignore[union-attr]
        title = re.search(rf'<title id="{title_id}">([^<]+)</title>', svg)
        assert title and re.search(rf'<desc id="{desc_id}">[^<]+</desc>', svg)
        assert "<style" not in svg and "<script" not in svg and "<title>" not in svg
        assert '<table class="govuk-table">' in section and "<caption" in section
    assert " style=" not in html and "<style" not in html
    assert 'aria-labelledby="chart-tiers-title chart-tiers-desc"' in html
    assert "Standard: 0 due, 2 done" in html or "Standard: 1 due, 2 done" in html


def test_the_period_defaults_like_the_api_and_wrong_dates_are_explained(
        browser_client: Any, web_council: Council) -> None:
    signed_in(browser_client, web_council, "officer")
    page = browser_client.get("/summary")
    from service.core.types import today_uk

    end = today_uk()
    assert page.status_code == 200
    assert f'value="{(end - timedelta(days=365)).isoformat()}"' in page.text
    assert f'value="{end.isoformat()}"' in page.text
    assert "No audits were due or done in this period." in page.text
    assert "No flags were raised in this period." in page.text
    backwards = browser_client.get("/summary?from=2026-06-01&to=2026-01-01")
    assert backwards.status_code == 400
    assert "The end date must be the same as or after the start date" in backwards.text
    assert 'href="#to"' in backwards.text
    nonsense = browser_client.get("/summary?from=2026-02-30")
    assert nonsense.status_code == 400 and "The start date must be a real date" in nonsense.text
    too_long = browser_client.get("/summary?from=2020-01-01&to=2026-01-01")
    assert too_long.status_code == 400 and "three years or less" in too_long.text


def test_the_workbook_download_is_the_api_workbook(client: Any, browser_client: Any,
                                                   web_council: Council) -> None:
    from openpyxl import load_workbook

    known_council(client, web_council)
    signed_in(browser_client, web_council, "officer")
    page = browser_client.get(f"/summary?{PERIOD}")
    assert 'href="/summary.xlsx?from=2026-01-01&amp;to=2026-12-31"' in page.text
    mine = browser_client.get(f"/summary.xlsx?{PERIOD}")
    theirs = client.get(f"/v1/councils/{web_council.id}/summary.xlsx?{PERIOD}", headers=web_council.auth())
    assert mine.status_code == 200 and mine.headers["content-type"].startswith("application/vnd.openxml")
    assert "council-summary.xlsx" in mine.headers["content-disposition"]

    def cells(data: bytes) -> list[list[Any]]:
        book = load_workbook(io.BytesIO(data), read_only=True)
        return [[list(row) for row in book[name].iter_rows(values_only=True)] for name in book.sheetnames]

    assert cells(mine.content) == cells(theirs.content)
    assert browser_client.get("/summary.xlsx?from=2026-06-01&to=2026-01-01").status_code == 400


@pytest.mark.parametrize("path", ["/summary", "/summary.xlsx", "/rules"])
def test_holders_do_not_find_the_council_pages(browser_client: Any, web_council: Council, path: str) -> None:
    signed_in(browser_client, web_council, "holder")
    response = browser_client.get(path)
    assert response.status_code == 404 and "Page not found" in response.text


def rule_is_on(client: Any, council: Council, rule_id: str) -> bool:
    rules = client.get("/v1/rules", headers=council.auth()).json()["rules"]
    return next(rule["on"] for rule in rules if rule["id"] == rule_id)


def test_an_admin_switches_a_local_rule_and_the_api_sees_it(client: Any, browser_client: Any,
                                                             web_council: Council) -> None:
    signed_in(browser_client, web_council, "admin")
    page = browser_client.get("/rules")
    assert page.status_code == 200
    assert 'action="/rules/local.pawn_shop"' in page.text
    assert "Monthly limit" in page.text and "£250.00" in page.text
    assert not rule_is_on(client, web_council, "local.pawn_shop")
    token = hidden_token(page.text)
    on = browser_client.post("/rules/local.pawn_shop", data={"csrf_token": token, "on": "true"})
    assert on.status_code == 303 and on.headers["location"] == "/rules?switched=local.pawn_shop"
    assert rule_is_on(client, web_council, "local.pawn_shop")
    shown = browser_client.get(on.headers["location"]).text
    assert "Pawn shops (local policy) is now on." in shown
    events = client.get("/v1/events", headers=web_council.auth()).json()["items"]
    assert "council.rules_changed" in [event["action"] for event in events]
    off = browser_client.post("/rules/local.pawn_shop", data={"csrf_token": token, "on": "false"})
    assert off.status_code == 303 and not rule_is_on(client, web_council, "local.pawn_shop")


def test_a_rule_the_law_requires_cannot_be_switched_off(client: Any, browser_client: Any,
                                                        web_council: Council) -> None:
    signed_in(browser_client, web_council, "admin")
    token = hidden_token(browser_client.get("/rules").text)
    refused = browser_client.post("/rules/harmful.gambling", data={"csrf_token": token, "on": "false"})
    assert refused.status_code == 400
    assert "There is a problem" in refused.text and "cannot be switched off" in refused.text
    assert 'href="#rule-harmful.gambling"' in refused.text and 'id="rule-harmful.gambling"' in refused.text
    assert rule_is_on(client, web_council, "harmful.gambling")
    unknown = browser_client.post("/rules/local.nothing_here", data={"csrf_token": token, "on": "true"})
    assert unknown.status_code == 404
    blank = browser_client.post("/rules/local.alcohol", data={"csrf_token": token})
    assert blank.status_code == 400 and not rule_is_on(client, web_council, "local.alcohol")


def test_officers_see_the_rules_but_cannot_switch_them(client: Any, browser_client: Any,
                                                       web_council: Council) -> None:
    signed_in(browser_client, web_council, "officer")
    page = browser_client.get("/rules")
    assert page.status_code == 200
    assert "Shops that sell only alcohol (local policy)" in page.text
    assert "<form method=\"post\" action=\"/rules/" not in page.text
    assert "Only an admin can switch local rules on or off." in page.text
    token = hidden_token(page.text)  # the sign-out form's token: a real one for this session
    refused = browser_client.post("/rules/local.pawn_shop", data={"csrf_token": token, "on": "true"})
    assert refused.status_code == 404
    assert not rule_is_on(client, web_council, "local.pawn_shop")


def test_a_switch_without_its_form_token_is_refused(client: Any, browser_client: Any,
                                                    web_council: Council) -> None:
    signed_in(browser_client, web_council, "admin")
    browser_client.get("/rules")
    missing = browser_client.post("/rules/local.pawn_shop", data={"on": "true"})
    forged = browser_client.post("/rules/local.pawn_shop", data={"on": "true", "csrf_token": "x" * 43})
    assert missing.status_code == forged.status_code == 400
    assert "This form has expired" in missing.text
    assert not rule_is_on(client, web_council, "local.pawn_shop")
