"""Rendering pages: one Jinja environment, a fresh CSP nonce per page, and the page headers.

Pages load nothing from any other origin. The only scripts are GOV.UK Frontend's own file
and its two start-up snippets, which run by the page's nonce, never by 'unsafe-inline'.
"""

from __future__ import annotations

import secrets
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import jinja2
from fastapi import Request
from fastapi.responses import HTMLResponse, Response

from service.audits.money import gbp
from service.audits.words import day_words

HERE = Path(__file__).parent
GOVUK_FRONTEND_VERSION = (HERE / "static" / "govuk" / "VERSION.txt").read_text().strip()

env = jinja2.Environment(
    loader=jinja2.FileSystemLoader(HERE / "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


def pounds(value: Decimal | str | int | None) -> str:
    """£1,234.56 (and -£12.00), as letters write money; a blank stays blank."""
    if value is None or value == "":
        return ""
    return gbp(Decimal(str(value)))


def long_date(value: date | None) -> str:
    """3 December 2026, as letters write days; a blank stays blank."""
    return day_words(value) if value is not None else ""


env.filters["pounds"] = pounds
env.filters["long_date"] = long_date


def nonce_of(request: Request) -> str:
    nonce = getattr(request.state, "csp_nonce", None)
    if nonce is None:
        nonce = secrets.token_urlsafe(18)
        request.state.csp_nonce = nonce
    return nonce


def content_security_policy(nonce: str) -> str:
    return "; ".join((
        "default-src 'self'",
        f"script-src 'self' 'nonce-{nonce}'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "object-src 'none'",
    ))


def page_headers(nonce: str) -> dict[str, str]:
    return {"Content-Security-Policy": content_security_policy(nonce),
            "Cache-Control": "no-store",
            "X-Frame-Options": "DENY"}


def render(request: Request, template: str, status_code: int = 200,
           headers: dict[str, str] | None = None, **context: Any) -> HTMLResponse:
    """A page from ``template``; the signed-in person (if any) comes from the request."""
    nonce = nonce_of(request)
    viewer = getattr(request.state, "viewer", None)
    html = env.get_template(template).render(
        request=request, nonce=nonce, path=request.url.path,
        me=viewer,
        csrf_token=viewer.csrf_token if viewer else context.pop("csrf_token", ""),
        council_name=viewer.council_name if viewer else None,
        govuk_frontend_version=GOVUK_FRONTEND_VERSION,
        **context,
    )
    return HTMLResponse(html, status_code=status_code, headers={**page_headers(nonce), **(headers or {})})


# a letter as a web page is the letter's own document: its styles inline, and no script at all
LETTER_CSP = ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
              "frame-ancestors 'none'; base-uri 'none'; form-action 'none'")


def letter_page(html: bytes | str) -> Response:
    """The letter as a web page, the same bytes as the API's, under the letter's own policy."""
    return Response(html, media_type="text/html",
                    headers={"Content-Security-Policy": LETTER_CSP, "Cache-Control": "no-store",
                             "X-Frame-Options": "DENY"})


def download(data: bytes, media_type: str, filename: str) -> Response:
    """A file the browser saves (a PDF letter, a workbook), never kept in a cache."""
    return Response(data, media_type=media_type,
                    headers={"Content-Disposition": f'attachment; filename="{filename}"',
                             "Cache-Control": "no-store"})
