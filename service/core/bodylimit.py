"""Make the framework's own 413 answers speak problem+json like every other error.

FastAPI's ``max_body_size`` refuses an oversized body (with or without Content-Length) before
our handlers run, answering in plain text. This wraps the outermost app and rewrites that
answer; nothing else passes through it changed.
"""

from __future__ import annotations

import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from service.core.errors import PROBLEM_BASE, PROBLEM_JSON


class ProblemTooLarge:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        rewriting = False

        async def send_problem(message: Message) -> None:
            nonlocal rewriting
            if message["type"] == "http.response.start" and message["status"] == 413:
                headers = dict(message.get("headers", []))
                if not headers.get(b"content-type", b"").startswith(PROBLEM_JSON.encode()):
                    rewriting = True
                    return
            if rewriting:
                if message["type"] == "http.response.body" and not message.get("more_body"):
                    await _send_problem(scope, send)
                return
            await send(message)

        await self.app(scope, receive, send_problem)


async def _send_problem(scope: Scope, send: Send) -> None:
    body = json.dumps({
        "type": PROBLEM_BASE + "too-large",
        "title": "Too large",
        "status": 413,
        "detail": "The request is larger than this route accepts.",
        "instance": scope.get("path", ""),
    }).encode()
    await send({"type": "http.response.start", "status": 413, "headers": [
        (b"content-type", PROBLEM_JSON.encode()), (b"content-length", str(len(body)).encode()),
        (b"connection", b"close"),
    ]})
    await send({"type": "http.response.body", "body": body})
