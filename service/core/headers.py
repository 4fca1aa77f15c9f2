"""Security headers on every answer, whoever produced it (a route, an error handler, a limit).

Every answer says ``nosniff`` and ``no-referrer``. The API's answers (``/v1``, health, the
OpenAPI document) are never stored by a browser or a shared cache: they hold personal data.
``Strict-Transport-Security`` goes out in production on requests that came over HTTPS, either
directly or through a proxy we trust to say so in ``X-Forwarded-Proto``; TLS usually ends at
that proxy. The header is never believed from anyone else.
"""

from __future__ import annotations

from collections.abc import Iterable
from ipaddress import IPv4Network, IPv6Network, ip_address

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

HSTS = "max-age=31536000; includeSubDomains"
ALWAYS = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer"}
NOT_STORED_PREFIXES = ("/v1/", "/healthz", "/readyz", "/openapi.json")

Network = IPv4Network | IPv6Network


def is_api_path(path: str) -> bool:
    return path == "/v1" or path.startswith(NOT_STORED_PREFIXES)


def from_trusted_proxy(client: tuple[str, int] | None, proxies: Iterable[Network]) -> bool:
    if client is None:
        return False
    try:
        address = ip_address(client[0])
    except ValueError:  # a unix socket or a test client's made-up host
        return False
    return any(address in network for network in proxies)


def arrived_over_https(scope: Scope, proxies: Iterable[Network]) -> bool:
    if scope.get("scheme") == "https":
        return True
    forwarded = Headers(scope=scope).get("x-forwarded-proto", "")
    last_hop = forwarded.split(",")[-1].strip().lower()
    return last_hop == "https" and from_trusted_proxy(scope.get("client"), proxies)


class SecurityHeaders:
    """Adds the headers above to the start of each answer."""

    def __init__(self, app: ASGIApp, *, hsts: bool, trusted_proxies: Iterable[Network]) -> None:
        self.app = app
        self.hsts = hsts
        self.trusted_proxies = tuple(trusted_proxies)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        extra = dict(ALWAYS)
        if is_api_path(scope["path"]):
            extra["Cache-Control"] = "no-store"
        if self.hsts and arrived_over_https(scope, self.trusted_proxies):
            extra["Strict-Transport-Security"] = HSTS

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in extra.items():
                    headers[name] = value
            await send(message)

        await self.app(scope, receive, send_with_headers)
