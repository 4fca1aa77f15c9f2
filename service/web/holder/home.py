"""The holder's home: each person they hold the direct payment for."""

from __future__ import annotations

from fastapi.responses import Response

from service.web.page import Page
from service.web.render import render


def home_page(page: Page) -> Response:
    return render(page.request, "holder/home.html.j2")
