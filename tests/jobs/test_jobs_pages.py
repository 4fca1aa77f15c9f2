"""An officer starts an audit run and a letter run from a page and follows them to the end,
without JavaScript (the run's page reloads itself by a Refresh header, or by a link)."""

from __future__ import annotations

import io
import re
import time
import zipfile
from typing import Any

from conftest import Council
from jobs_setup import END, START, drain, small_council
from web.conftest import browser_client, hidden_token, make_person, sign_in

__all__ = ["browser_client"]


def _follow(browser: Any, url: str, words: str) -> Any:
    """The run's page once the run has ended (it stops reloading itself) and says ``words``.
    Progress can read "3 of 3" a moment before the run ends, so the words alone are not enough."""
    drain()
    deadline = time.monotonic() + 30
    while True:
        page = browser.get(url)
        assert page.status_code == 200
        ended = "Refresh" not in page.headers
        if (ended and words in page.text) or time.monotonic() > deadline:
            assert ended and words in page.text, page.text
            return page
        assert "Refresh" in page.headers and f'href="{url}"' in page.text  # still going
        time.sleep(0.1)


def _start(browser: Any, kind: str, start: str, end: str) -> Any:
    form = browser.get("/runs")
    return browser.post("/runs", data={"csrf_token": hidden_token(form.text), "kind": kind,
                                       "period_start": start, "period_end": end})


def test_an_officer_runs_the_audits_and_letters_from_pages(client: Any, council: Council,
                                                           browser_client: Any) -> None:
    small_council(client, council)
    officer = make_person(council, "officer")
    assert sign_in(browser_client, officer.email, officer.password).status_code == 303
    assert 'href="/runs"' in browser_client.get("/").text

    refused = browser_client.post("/runs", data={"kind": "audit_run", "period_start": str(START),
                                                 "period_end": str(END)})
    assert refused.status_code in (400, 403)
    wrong = _start(browser_client, "audit_run", "2026-05-03", "2026-04-06")
    assert wrong.status_code == 400 and "Period_end is before period_start" in wrong.text

    started = _start(browser_client, "audit_run", str(START), str(END))
    assert started.status_code == 303
    run_url = started.headers["location"]
    assert re.fullmatch(r"/runs/\d+", run_url)
    done = _follow(browser_client, run_url, "3 of 3 people done")
    assert "Refresh" not in done.headers and "3 audited" in done.text
    assert _start(browser_client, "audit_run", str(START), str(END)).headers["location"] == run_url

    letters = _start(browser_client, "letter_run", str(START), str(END))
    letters_url = letters.headers["location"]
    page = _follow(browser_client, letters_url, "3 of 3 letters done")
    assert f'href="{letters_url}/letters.zip"' in page.text
    listing = browser_client.get("/runs").text
    assert f'href="{run_url}"' in listing and f'href="{letters_url}"' in listing
    zipped = browser_client.get(f"{letters_url}/letters.zip")
    assert zipped.status_code == 200 and zipped.headers["content-type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(zipped.content)) as bundle:
        assert len(bundle.namelist()) == 3
    assert browser_client.get(f"{run_url}/letters.zip").status_code == 404


def test_a_holder_finds_no_runs(council: Council, browser_client: Any) -> None:
    holder = make_person(council, "holder")
    assert sign_in(browser_client, holder.email, holder.password).status_code == 303
    assert browser_client.get("/runs").status_code == 404
    assert browser_client.get("/runs/1").status_code == 404
