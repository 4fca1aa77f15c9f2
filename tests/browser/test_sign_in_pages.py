"""Signing in and out in a real browser, with every page checked (axe, no other origin)."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from browser.tabs import ROLES_EMAIL, Live, Tab


def test_sign_in_page_is_accessible_and_self_contained(tab: Tab) -> None:
    tab.go("/sign-in")
    assert tab.page.locator("h1").inner_text() == "Sign in"
    assert tab.page.evaluate("document.body.classList.contains('govuk-frontend-supported')")
    tab.look("sign-in")


@pytest.mark.parametrize("role", ["officer", "holder", "admin"])
def test_each_role_signs_in_by_keyboard_and_signs_out(tab: Tab, live: Live, role: str) -> None:
    tab.go("/sign-in")
    page = tab.page
    page.keyboard.press("Tab")  # the skip link comes first
    assert page.evaluate("document.activeElement.className").startswith("govuk-skip-link")
    page.focus("#email")
    page.keyboard.type(ROLES_EMAIL[role])
    page.keyboard.press("Tab")
    page.keyboard.type(live.passwords[role])
    with page.expect_navigation(url="**/"):
        page.keyboard.press("Enter")
    page.wait_for_load_state("networkidle")
    assert urlsplit(page.url).path == "/"
    assert "Signed in as" in page.inner_text(".dpaudit-account-bar")
    tab.look(f"home-{role}")
    with page.expect_navigation(url="**/sign-in*"):
        page.click("button:has-text('Sign out')")
    page.wait_for_load_state("networkidle")
    assert urlsplit(page.url).path == "/sign-in"
    assert "You have signed out" in page.inner_text("main")
    tab.go("/")
    assert urlsplit(page.url).path == "/sign-in"


def test_a_wrong_password_is_shown_in_an_error_summary(tab: Tab) -> None:
    tab.go("/sign-in")
    tab.page.fill("#email", "nobody@demo-council.example.org")
    tab.page.fill("#password", "not the password")
    with tab.page.expect_navigation():
        tab.page.click("button:has-text('Sign in')")
    tab.page.wait_for_load_state("networkidle")
    assert tab.page.title().startswith("Error: ")
    assert "There is a problem" in tab.page.inner_text(".govuk-error-summary")
    tab.errors.clear()  # the 401 answer itself is logged by chromium as a failed resource
    tab.look("sign-in-error")
