"""Errors on pages answer as pages: the same statuses as the API, in words, never JSON."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from service.core.db import is_unavailable
from service.core.errors import DpauditError
from service.web.page import SESSION_COOKIE, FormExpired, PageNotFound, SignInNeeded
from service.web.render import render

logger = logging.getLogger("dpaudit")

# paths that belong to machines: they keep their problem+json answers
_NOT_PAGES = ("/v1/", "/healthz", "/readyz", "/openapi.json", "/docs", "/redoc", "/metrics", "/static/")

Handler = Callable[[Request, Exception], Awaitable[Response] | Response]


def is_page(request: Request) -> bool:
    """A request for a page: a page route (they are left out of the API's schema), or an
    unknown address asked for by a browser. Everything else keeps problem+json."""
    if request.url.path.startswith(_NOT_PAGES):
        return False
    route = request.scope.get("route")
    if route is not None:
        return getattr(route, "include_in_schema", True) is False
    return "text/html" in request.headers.get("accept", "")


def error_page(request: Request, status: int, title: str, *paragraphs: str) -> Response:
    link = ("/", "Go to your home page") if status != 503 else None
    headers = {"Retry-After": "30"} if status == 503 else None
    return render(request, "message.html.j2", status_code=status, headers=headers, title=title,
                  paragraphs=list(paragraphs), link=link)


def not_found(request: Request) -> Response:
    return error_page(request, 404, "Page not found",
                      "If you typed the web address, check it is correct.",
                      "If you followed a link, the page may be for someone else's account.")


def _sign_in_needed(request: Request, exc: Exception) -> Response:
    ended = "&ended=1" if request.cookies.get(SESSION_COOKIE) else ""
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    response = RedirectResponse(f"/sign-in?next={quote(target)}{ended}", status_code=303)
    if ended:
        response.delete_cookie(SESSION_COOKIE, path="/")
    return response


def _page_not_found(request: Request, exc: Exception) -> Response:
    return not_found(request)


def _form_expired(request: Request, exc: Exception) -> Response:
    return error_page(request, 400, "This form has expired",
                      "For your safety, forms stop working after a while or after you sign out.",
                      "Go back, reload the page, and try again.")


def _wrap(original: Handler, on_page: Callable[[Request, Exception], Response | None]) -> Handler:
    async def handler(request: Request, exc: Exception) -> Response:
        if is_page(request):
            page = on_page(request, exc)
            if page is not None:
                return page
        result = original(request, exc)
        if isinstance(result, Response):
            return result
        return await result
    return handler


def _dpaudit_on_page(request: Request, exc: Exception) -> Response | None:
    assert isinstance(exc, DpauditError)
    if exc.status == 404:
        return not_found(request)
    if exc.status == 403:
        return error_page(request, 403, "You cannot do this", exc.detail)
    if exc.status == 503:
        return error_page(request, 503, "Sorry, the service is unavailable",
                          "Nothing was changed. Please try again in a minute.")
    return error_page(request, exc.status, "Something needs to change", exc.detail)


def _http_on_page(request: Request, exc: Exception) -> Response | None:
    assert isinstance(exc, StarletteHTTPException)
    if exc.status_code == 404:
        return not_found(request)
    if exc.status_code == 405:
        return error_page(request, 405, "Page not found", "This page cannot be opened that way.")
    return None


def _unexpected_on_page(request: Request, exc: Exception) -> Response | None:
    if is_unavailable(exc):
        logger.warning("database unavailable", exc_info=exc)
        return error_page(request, 503, "Sorry, the service is unavailable",
                          "Nothing was changed. Please try again in a minute.")
    logger.error("unexpected error", exc_info=exc,
                 extra={"fields": {"request_id": getattr(request.state, "request_id", None)}})
    return error_page(request, 500, "Sorry, something went wrong on our side",
                      "Nothing was changed. Please try again. If it happens again, contact your council.")


def install(app: FastAPI) -> None:
    """Page-shaped answers for page paths; the API's handlers stay as they are for the rest."""
    app.add_exception_handler(SignInNeeded, _sign_in_needed)
    app.add_exception_handler(PageNotFound, _page_not_found)
    app.add_exception_handler(FormExpired, _form_expired)
    handlers: dict[Any, Handler] = app.exception_handlers
    for kind, on_page in ((DpauditError, _dpaudit_on_page), (StarletteHTTPException, _http_on_page),
                          (Exception, _unexpected_on_page)):
        handlers[kind] = _wrap(handlers[kind], on_page)
