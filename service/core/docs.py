"""Who may read the API's description, and the pages that show it (served offline).

``/openapi.json`` is open to anyone when ``DPAUDIT_PUBLIC_DOCS`` is on (the default outside
production; the app keeps it in ``app.state.public_docs``). When it is off, the document needs
an API key or a signed-in web session, and the ``/docs`` and ``/redoc`` pages need a signed-in
web session (anyone else is sent to sign in).
The pages load Swagger UI and ReDoc from ``service/static/docs``, never from a CDN, under a
Content-Security-Policy that allows no other site and no inline script.
"""

from __future__ import annotations

from html import escape
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy.orm import Session

from service.core.deps import SessionDep, UnitOfWorkRoute, authenticate_here
from service.core.errors import Unauthorized

ASSETS_DIR = Path(__file__).resolve().parent.parent / "static" / "docs"
ASSETS_URL = "/docs/assets"
OPENAPI_URL = "/openapi.json"
SIGN_IN = "/sign-in"

DOCS_CSP = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",  # both viewers set style attributes as they render
    "img-src 'self' data:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "worker-src 'self' blob:",  # ReDoc's search index runs in a worker made from its own bundle
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])


def signed_in_to_web(request: Request, session: Session) -> bool:
    """True when the request carries a live web session (any role that signs in to the pages)."""
    from service.web.auth import find_session  # the pages build on core, not the other way
    from service.web.page import SESSION_COOKIE

    return find_session(session, request.cookies.get(SESSION_COOKIE)) is not None


def has_api_key(request: Request, session: Session) -> bool:
    try:
        authenticate_here(request, session)
    except Unauthorized:
        return False
    return True


def docs_allowed(request: Request, session: Session, *, api_key_accepted: bool = True) -> bool:
    """May this request read the API's description? ``/docs`` and ``/redoc`` pass
    ``api_key_accepted=False``: a browser page cannot send a key, only a web session."""
    if request.app.state.public_docs or signed_in_to_web(request, session):
        return True
    return api_key_accepted and has_api_key(request, session)


def _page(title: str, head: str, body: str) -> HTMLResponse:
    html = f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)}</title>
<link rel="icon" type="image/png" href="{ASSETS_URL}/swagger-ui/favicon-32x32.png">
{head}
</head>
<body>
{body}
</body>
</html>
"""
    return HTMLResponse(html, headers={"Content-Security-Policy": DOCS_CSP, "Cache-Control": "no-store"})


def swagger_page(title: str) -> HTMLResponse:
    return _page(
        f"{title} - API (Swagger UI)",
        f'<link rel="stylesheet" href="{ASSETS_URL}/swagger-ui/swagger-ui.css">',
        f'<div id="swagger-ui" data-openapi-url="{OPENAPI_URL}"></div>\n'
        f'<script src="{ASSETS_URL}/swagger-ui/swagger-ui-bundle.js"></script>\n'
        f'<script src="{ASSETS_URL}/swagger-init.js"></script>',
    )


def redoc_page(title: str) -> HTMLResponse:
    return _page(
        f"{title} - API (ReDoc)",
        "",
        f'<div id="redoc" data-openapi-url="{OPENAPI_URL}"></div>\n'
        f'<script src="{ASSETS_URL}/redoc/redoc.standalone.js"></script>\n'
        f'<script src="{ASSETS_URL}/redoc-init.js"></script>',
    )


def _sign_in_first(path: str) -> RedirectResponse:
    return RedirectResponse(f"{SIGN_IN}?next={path}", status_code=303)


router = APIRouter(include_in_schema=False, route_class=UnitOfWorkRoute)


@router.get(OPENAPI_URL)
def openapi_document(request: Request, session: SessionDep) -> Response:
    if not docs_allowed(request, session):
        authenticate_here(request, session)  # answers 401 with the reason
    schema: dict[str, Any] = request.app.openapi()
    return JSONResponse(schema)


@router.get("/docs")
def swagger_ui(request: Request, session: SessionDep) -> Response:
    if not docs_allowed(request, session, api_key_accepted=False):
        return _sign_in_first("/docs")
    return swagger_page(request.app.title)


@router.get("/redoc")
def redoc(request: Request, session: SessionDep) -> Response:
    if not docs_allowed(request, session, api_key_accepted=False):
        return _sign_in_first("/redoc")
    return redoc_page(request.app.title)


def assets() -> StaticFiles:
    return StaticFiles(directory=ASSETS_DIR)
