"""The officer's work queue: due and open audits, riskiest first."""

from __future__ import annotations

from fastapi.responses import Response

from service.audits import service as audits
from service.web.page import Page
from service.web.render import render


def queue_page(page: Page) -> Response:
    due = audits.due(page.ctx)
    return render(page.request, "officer/queue.html.j2", due=due)
