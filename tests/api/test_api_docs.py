"""The API's own documentation pages and the headers on every answer, over HTTP.

/docs (Swagger UI) and /redoc (ReDoc) must work on a council network that cannot reach a CDN:
every asset comes from this service, under a Content-Security-Policy that names no other site
and allows no inline script. Whether the pages render is checked in a browser elsewhere.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser
from typing import Any

import pytest
from conftest import Council
from fastapi.testclient import TestClient

PAGES = ("/docs", "/redoc")
# Addresses the vendored viewers would fetch at run time if left as published.
RUNTIME_FETCHES = ("fonts.googleapis.com", "fonts.gstatic.com", "cdn.redoc.ly", "cdn.redocly.com",
                   "cdn.jsdelivr.net", "unpkg.com", "otel.cloud.redocly.com")
TYPES = {".js": "text/javascript", ".css": "text/css", ".png": "image/png"}


class _References(HTMLParser):
    """Every URL a page makes the browser load, and its inline scripts."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.inline_scripts: list[dict[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        for name in ("src", "href", "data-openapi-url"):
            if found.get(name):
                self.urls.append(str(found[name]))
        if tag == "script" and not found.get("src"):
            self.inline_scripts.append(found)


def _references(html: str) -> _References:
    parser = _References()
    parser.feed(html)
    return parser


def _csp(response: Any) -> dict[str, list[str]]:
    header = response.headers["content-security-policy"]
    directives = (part.strip().split() for part in header.split(";") if part.strip())
    return {words[0]: words[1:] for words in directives}


@pytest.fixture(scope="module")
def production_app(database_url: str) -> Any:
    from service.app import create_app
    from service.core.config import Settings

    return create_app(Settings(env="production", database_url=database_url,
                               secret_key="a-long-random-production-secret-for-tests-only"))


@pytest.fixture
def production(production_app: Any) -> Iterator[TestClient]:
    with TestClient(production_app, raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.mark.parametrize("page", PAGES)
def test_docs_page_loads_only_this_services_assets(client: Any, page: str) -> None:
    response = client.get(page)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    references = _references(response.text)
    assert references.inline_scripts == []
    assert len(references.urls) >= 3
    for url in references.urls:
        assert url.startswith("/") and not url.startswith("//"), url
        asset = client.get(url)
        assert asset.status_code == 200, url
        suffix = url[url.rfind("."):]
        if suffix in TYPES:
            assert asset.headers["content-type"].startswith(TYPES[suffix]), url
        if suffix in (".js", ".css"):
            found = [host for host in RUNTIME_FETCHES if host in asset.text]
            assert found == [], (url, found)
            assert not re.search(r"url\(\s*['\"]?(https?:)?//", asset.text), url


@pytest.mark.parametrize("page", PAGES)
def test_docs_page_content_security_policy_allows_no_other_site(client: Any, page: str) -> None:
    policy = _csp(client.get(page))
    assert policy["default-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    scripts = policy["script-src"]
    assert "'unsafe-inline'" not in scripts and "'unsafe-eval'" not in scripts
    assert all(source == "'self'" or source.startswith(("'nonce-", "'sha256-")) for source in scripts)
    for sources in policy.values():
        assert not [s for s in sources if "://" in s or s in ("*", "https:", "http:")], policy


def test_swagger_ui_asks_no_validator(client: Any) -> None:
    start_up = client.get("/docs/assets/swagger-init.js").text
    assert "validatorUrl: null" in start_up


def test_vendored_licences_are_served_beside_the_code(client: Any) -> None:
    for path in ("/docs/assets/swagger-ui/LICENSE", "/docs/assets/redoc/LICENSE",
                 "/docs/assets/swagger-ui/package.json", "/docs/assets/redoc/package.json"):
        assert client.get(path).status_code == 200, path
    assert client.get("/docs/assets/redoc/package.json").json()["name"] == "redoc"


@pytest.mark.parametrize("path", ["/v1/recipients", "/v1/users/me", "/healthz", "/readyz",
                                  "/openapi.json", "/v1/no-such-thing"])
def test_api_answers_are_never_stored(client: Any, council: Council, path: str) -> None:
    for headers in ({}, council.auth()):
        response = client.get(path, headers=headers)
        assert response.headers["cache-control"] == "no-store", (path, response.status_code)
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["referrer-policy"] == "no-referrer"


@pytest.mark.parametrize("path", ["/docs", "/redoc", "/docs/assets/swagger-ui/swagger-ui.css",
                                  "/no-such-page"])
def test_every_answer_says_nosniff_and_no_referrer(client: Any, path: str) -> None:
    response = client.get(path)
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "no-referrer"


def test_refused_body_still_carries_the_headers(client: Any, council: Council) -> None:
    response = client.post("/v1/recipients", headers={**council.auth(), "Content-Type": "application/json"},
                           content=b"{" + b" " * (2 * 1024 * 1024) + b"}")
    assert response.status_code == 413
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["x-content-type-options"] == "nosniff"


# --- Strict-Transport-Security ----------------------------------------------------------------

HSTS = "max-age=31536000; includeSubDomains"


def test_production_sends_hsts_over_https(production_app: Any) -> None:
    with TestClient(production_app, base_url="https://testserver") as https:
        assert https.get("/healthz").headers["strict-transport-security"] == HSTS


def test_production_sends_hsts_when_a_trusted_proxy_says_https(production_app: Any) -> None:
    with TestClient(production_app, client=("127.0.0.1", 40000)) as behind_proxy:
        forwarded = behind_proxy.get("/healthz", headers={"X-Forwarded-Proto": "https"})
        plain = behind_proxy.get("/healthz")
    assert forwarded.headers["strict-transport-security"] == HSTS
    assert "strict-transport-security" not in plain.headers


def test_forwarded_proto_from_anyone_else_is_not_believed(production_app: Any) -> None:
    with TestClient(production_app, client=("203.0.113.9", 40000)) as stranger:
        response = stranger.get("/healthz", headers={"X-Forwarded-Proto": "https"})
    assert "strict-transport-security" not in response.headers


def test_trusted_proxies_setting_names_who_is_believed(database_url: str) -> None:
    from service.app import create_app
    from service.core.config import Settings

    app = create_app(Settings(env="production", database_url=database_url,
                              secret_key="a-long-random-production-secret-for-tests-only",
                              trusted_proxies="10.1.0.0/16"))
    with TestClient(app, client=("10.1.2.3", 40000)) as proxy:
        assert "strict-transport-security" in proxy.get(
            "/healthz", headers={"X-Forwarded-Proto": "https"}).headers
    with TestClient(app, client=("127.0.0.1", 40000)) as loopback:
        assert "strict-transport-security" not in loopback.get(
            "/healthz", headers={"X-Forwarded-Proto": "https"}).headers


def test_a_trusted_proxy_that_is_not_an_address_is_refused() -> None:
    from pydantic import ValidationError

    from service.core.config import Settings

    with pytest.raises(ValidationError, match="not an IP address"):
        Settings(trusted_proxies="127.0.0.1,proxy.internal")


def test_development_sends_no_hsts(client: Any) -> None:
    response = client.get("/healthz", headers={"X-Forwarded-Proto": "https"})
    assert "strict-transport-security" not in response.headers


# --- who may read the documentation -----------------------------------------------------------

def test_docs_are_public_outside_production(client: Any) -> None:
    assert client.get("/openapi.json").status_code == 200
    for page in PAGES:
        assert client.get(page).status_code == 200


def test_production_schema_needs_an_api_key(production: TestClient, council: Council) -> None:
    refused = production.get("/openapi.json")
    assert refused.status_code == 401
    assert refused.headers["content-type"].startswith("application/problem+json")
    allowed = production.get("/openapi.json", headers=council.auth())
    assert allowed.status_code == 200
    assert allowed.json()["info"]["title"] == "dpaudit"
    token = council.auth()["Authorization"].removeprefix("Bearer ")
    assert production.get("/openapi.json", headers={"X-API-Key": token}).status_code == 200


@pytest.mark.parametrize("page", PAGES)
def test_production_docs_pages_send_people_to_sign_in(production: TestClient, council: Council,
                                                      page: str) -> None:
    for headers in ({}, council.auth()):  # a browser page is for a web session, not a key
        response = production.get(page, headers=headers, follow_redirects=False)
        assert response.status_code == 303
        assert response.headers["location"] == f"/sign-in?next={page}"


def test_public_docs_setting_opens_them_in_production(database_url: str) -> None:
    from service.app import create_app
    from service.core.config import Settings

    app = create_app(Settings(env="production", database_url=database_url, public_docs=True,
                              secret_key="a-long-random-production-secret-for-tests-only"))
    with TestClient(app) as open_docs:
        assert open_docs.get("/openapi.json").status_code == 200
        assert open_docs.get("/docs").status_code == 200


@pytest.mark.parametrize("page", [*PAGES, "/openapi.json"])
def test_production_docs_open_to_a_signed_in_person(production_app: Any, council: Council,
                                                    page: str) -> None:
    from web.conftest import make_person, sign_in

    officer = make_person(council, "officer")
    with TestClient(production_app, base_url="https://testserver", follow_redirects=False) as browser:
        assert browser.get(page).status_code in (303, 401)
        signed_in = sign_in(browser, officer.email, officer.password)
        assert signed_in.status_code == 303
        assert "secure" in signed_in.headers["set-cookie"].lower()  # production cookies are Secure
        assert browser.get(page).status_code == 200
