"""Web pages for holders and officers: server-rendered, GOV.UK Frontend, signed in as people.

Pages call the same service functions as the API (through ``Page.ctx``); they never call
the API over HTTP and never hold a second copy of a rule.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from service.core.config import Settings
from service.web import errors
from service.web.council.routes import router as council_router
from service.web.holder.routes import router as holder_router
from service.web.home import router as home_router
from service.web.officer.routes import router as officer_router
from service.web.sign_in import router as sign_in_router

STATIC = Path(__file__).parent / "static"


def install(app: FastAPI, settings: Settings) -> None:
    """Add the pages, their static files and their error pages to ``app``."""
    app.state.secure_cookies = settings.env == "production"
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    for router in (sign_in_router, home_router, officer_router, holder_router, council_router):
        app.include_router(router)
    errors.install(app)
