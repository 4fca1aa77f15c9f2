"""The council summary and the rules settings in a real browser, as an officer and an admin."""

from __future__ import annotations

import pytest

from browser.tabs import Tab


@pytest.mark.parametrize("role", ["officer", "admin"])
def test_council_summary_draws_its_charts_under_the_csp(request: pytest.FixtureRequest, role: str) -> None:
    tab: Tab = request.getfixturevalue(f"as_{role}")
    tab.go("/")
    tab.page.click("a:has-text('Council summary')")
    tab.page.wait_for_load_state("networkidle")
    assert tab.page.locator("h1").inner_text() == "Council summary"
    charts = tab.page.locator("figure.dpaudit-council-chart svg[role='img']")
    assert charts.count() >= 3
    first = charts.first
    # the static stylesheet paints the bars: a computed fill, not black, means no CSP loss
    bar = first.locator("rect.reactive").first
    assert bar.evaluate("node => getComputedStyle(node).fill") == "rgb(29, 112, 184)"
    assert "Audits due and done by tier" in first.evaluate(
        "svg => document.getElementById(svg.getAttribute('aria-labelledby').split(' ')[0]).textContent")
    tab.look(f"council-summary-{role}")


def test_a_period_in_the_wrong_order_is_shown_in_an_error_summary(as_officer: Tab) -> None:
    as_officer.go("/summary?from=2026-06-01&to=2026-01-01")
    assert "There is a problem" in as_officer.page.inner_text(".govuk-error-summary")
    as_officer.errors.clear()  # chromium logs the 400 answer itself as a failed resource
    as_officer.look("council-summary-error")


@pytest.mark.parametrize("role", ["officer", "admin"])
def test_rules_page(request: pytest.FixtureRequest, role: str) -> None:
    tab: Tab = request.getfixturevalue(f"as_{role}")
    tab.go("/")
    tab.page.click("a:has-text('Rules')")
    tab.page.wait_for_load_state("networkidle")
    assert tab.page.locator("h1").inner_text() == "Rules"
    switches = tab.page.locator("form.dpaudit-council-rule__form")
    assert switches.count() == (0 if role == "officer" else 5)
    tab.look(f"council-rules-{role}")


def test_an_admin_switches_a_local_rule_on_and_off_by_keyboard(as_admin: Tab) -> None:
    as_admin.go("/rules")
    page = as_admin.page
    section = page.locator("#rule-local\\.pawn_shop")
    was_on = "On" in section.locator(".govuk-tag").inner_text()
    for want_on in (not was_on, was_on):
        page.focus("#rule-local\\.pawn_shop button")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        page.wait_for_load_state("networkidle")
        banner = page.inner_text(".govuk-notification-banner")
        assert ("is now on" if want_on else "is now off") in banner
        assert section.locator(".govuk-tag").inner_text() == ("On" if want_on else "Off")
    as_admin.look("council-rules-switched")
