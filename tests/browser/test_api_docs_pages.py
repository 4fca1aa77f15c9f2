"""The API's own documentation renders offline, in a real browser, from this server alone."""

from __future__ import annotations

from browser.tabs import Tab


def test_swagger_ui_lists_the_operations_without_any_other_site(tab: Tab) -> None:
    tab.go("/docs")
    tab.page.wait_for_selector(".opblock-summary", timeout=30_000)
    paths = tab.page.locator(".opblock-summary-path").all_inner_texts()
    assert "/v1/recipients" in [path.replace("\u200b", "") for path in paths]
    assert len(paths) > 50
    own = tab.base_url
    assert all(url.startswith((own, "data:", "blob:")) for url in tab.requests), tab.requests
    tab.page.screenshot(path="var/screenshots/api-docs.png")


def test_redoc_lists_the_operations_without_any_other_site(tab: Tab) -> None:
    tab.go("/redoc")
    tab.page.wait_for_selector("[data-section-id^='tag/'], [data-section-id^='operation/']",
                               timeout=30_000)
    assert tab.page.locator("[data-section-id^='operation/']").count() > 50
    assert all(url.startswith((tab.base_url, "data:", "blob:")) for url in tab.requests), tab.requests
