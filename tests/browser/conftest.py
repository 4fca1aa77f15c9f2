"""Browser fixtures; they live in tabs.py so tests can import its types and helpers."""

from browser.tabs import as_admin, as_holder, as_officer, browser, live, tab  # noqa: F401
