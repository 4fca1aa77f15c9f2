"""JSON log lines with a request id, and never personal data (ids only).

Every line on standard error is one JSON object, whoever logs it: our own code, uvicorn,
SQLAlchemy, asyncio or Python warnings. An exception travels as a structured ``error`` field
(type, message, database error code, statement, frames, cause), and its message is redacted
first: database drivers put the values of a row in their messages (psycopg's ``DETAIL:  Key
(email)=(x@y) already exists``, ``invalid input syntax for type integer: "..."``), SQLAlchemy
appends the statement's parameters, and Python quotes the input it could not parse. None of
that is personal-data free, so quoted values, ``Key (...)=(...)`` values, DETAIL / CONTEXT /
HINT lines, parameter blocks, email addresses and long runs of digits (account numbers, sort
codes) never reach a log line, nor does the query string of a URL. The frames carry file,
line, function and source line: code, never values.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import time
import traceback
import uuid
from collections.abc import Callable
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

logger = logging.getLogger("dpaudit")

HIDDEN = "…"
MAX_MESSAGE = 2000
MAX_STATEMENT = 2000
MAX_CHAIN = 5

# loggers that bring their own plain-text handlers; theirs are replaced by ours
_OWN_HANDLERS = ("dpaudit", "uvicorn", "uvicorn.error", "uvicorn.access", "uvicorn.asgi",
                 "sqlalchemy", "sqlalchemy.engine", "sqlalchemy.pool", "alembic")

_PARAMETERS = re.compile(r"\[(?:SQL )?parameters[: ].*?(?=\n\(Background on this error|\n\[SQL|\Z)",
                         re.DOTALL | re.IGNORECASE)
_SQL_BLOCK = re.compile(r"\[SQL: (.*?)\](?=\n|\Z)", re.DOTALL)
_DRIVER_LINES = re.compile(r"^(\s*(?:DETAIL|CONTEXT|HINT|WHERE|LINE \d+|QUERY)\b:?).*$",
                           re.MULTILINE)
_KEY_VALUES = re.compile(r"(\bKey \([^)]*\))=\(.*?\)(?= |$|\n)", re.MULTILINE)
_DOUBLE_QUOTED = re.compile(r'"(?:[^"\\\n]|\\.)*"')
_SINGLE_QUOTED = re.compile(r"'(?:[^'\\\n]|\\.)*'")
_BYTES_LITERAL = re.compile(r"\bb(?:'(?:[^'\\\n]|\\.)*'|\"(?:[^\"\\\n]|\\.)*\")")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_DIGITS = re.compile(r"\d(?:[\d -]?\d){5,}")
_QUERY_STRING = re.compile(r"(?<=[\w/])\?[^\s\"'?]*=[^\s\"']*")
_SQL_TAIL = re.compile(r"\n\[SQL: .*", re.DOTALL)
_SQL_LITERAL = re.compile(r"'(?:[^']|'')*'")


# lower-case words and spaces only (such as "request", each request's line): nothing to hide
_PLAIN_WORDS = re.compile(r"[a-z ]*")


def redact(text: str, limit: int = MAX_MESSAGE) -> str:
    """``text`` with every value it may carry replaced by ``…``: for messages of any origin."""
    if len(text) <= limit and _PLAIN_WORDS.fullmatch(text):
        return text
    text = _PARAMETERS.sub("[parameters hidden]", text)
    statements: list[str] = []

    def keep_statement(match: re.Match[str]) -> str:
        statements.append(f"[SQL: {redact_statement(match.group(1))}]")
        return f"\x00{len(statements) - 1}\x00"

    text = _SQL_BLOCK.sub(keep_statement, text)  # SQL keeps its quoted identifiers
    text = _DRIVER_LINES.sub(lambda m: f"{m.group(1)} {HIDDEN}", text)
    text = _QUERY_STRING.sub(f"?{HIDDEN}", text)  # a URL's query may carry a name searched for
    text = _KEY_VALUES.sub(lambda m: f"{m.group(1)}=({HIDDEN})", text)
    text = _BYTES_LITERAL.sub(f"b'{HIDDEN}'", text)
    text = _DOUBLE_QUOTED.sub(f'"{HIDDEN}"', text)
    text = _SINGLE_QUOTED.sub(f"'{HIDDEN}'", text)
    text = _EMAIL.sub(HIDDEN, text)
    text = _DIGITS.sub(HIDDEN, text)
    text = re.sub(r"\x00(\d+)\x00", lambda m: statements[int(m.group(1))], text)
    return text if len(text) <= limit else text[:limit] + HIDDEN


def redact_statement(sql: str) -> str:
    """A SQL statement without its string literals (parameters are never part of it)."""
    sql = _SQL_LITERAL.sub(f"'{HIDDEN}'", sql)
    sql = _EMAIL.sub(HIDDEN, sql)
    sql = _DIGITS.sub(HIDDEN, sql)
    return sql if len(sql) <= MAX_STATEMENT else sql[:MAX_STATEMENT] + HIDDEN


def describe_exception(exc: BaseException, depth: int = 0) -> dict[str, Any]:
    """An exception as a log field: its type, redacted message, frames, and what caused it."""
    kind = type(exc)
    described: dict[str, Any] = {
        "type": kind.__name__ if kind.__module__ == "builtins" else f"{kind.__module__}.{kind.__qualname__}",
        "message": redact(_message(exc)),
    }
    database = _database_fields(exc)
    if "statement" in database:  # the statement has its own field
        described["message"] = _SQL_TAIL.sub("", described["message"]).rstrip()
    described.update(database)
    frames = traceback.extract_tb(exc.__traceback__)
    if frames:
        described["traceback"] = "".join(traceback.format_list(frames)).rstrip("\n")
    notes = getattr(exc, "__notes__", None)
    if notes:
        described["notes"] = [redact(str(note)) for note in notes]
    if depth < MAX_CHAIN:
        if isinstance(exc, BaseExceptionGroup):
            described["exceptions"] = [describe_exception(e, depth + 1) for e in exc.exceptions[:5]]
        if exc.__cause__ is not None:
            described["cause"] = describe_exception(exc.__cause__, depth + 1)
        elif exc.__context__ is not None and not exc.__suppress_context__:
            described["context"] = describe_exception(exc.__context__, depth + 1)
    return described


def _message(exc: BaseException) -> str:
    try:
        return str(exc)
    except Exception:  # a broken __str__ must not lose the log line
        return ""


def _database_fields(exc: BaseException) -> dict[str, Any]:
    """What a database error says about where it happened: codes and schema names, no values."""
    fields: dict[str, Any] = {}
    statement = getattr(exc, "statement", None)
    if isinstance(statement, str):
        fields["statement"] = redact_statement(statement)
    driver = getattr(exc, "orig", None) or exc
    sqlstate = getattr(driver, "sqlstate", None)
    if isinstance(sqlstate, str):
        fields["sqlstate"] = sqlstate
    diag = getattr(driver, "diag", None)
    if diag is not None:
        for name in ("table_name", "column_name", "constraint_name", "datatype_name"):
            value = getattr(diag, name, None)
            if value:
                fields[name.removesuffix("_name")] = str(value)
    return fields


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": redact(_record_message(record)),
        }
        line.update(getattr(record, "fields", {}))
        if record.exc_info and record.exc_info[1] is not None:
            line["error"] = describe_exception(record.exc_info[1])
        if record.stack_info:
            line["stack"] = record.stack_info
        return json.dumps(line, default=str)


def _record_message(record: logging.LogRecord) -> str:
    if record.name == "uvicorn.access" and isinstance(record.args, tuple) and len(record.args) == 5:
        # client, method, path with query, version, status: the query may carry values
        client, method, path, version, status = record.args
        record.args = (client, method, str(path).split("?", 1)[0], version, status)
    try:
        return record.getMessage()
    except Exception:  # mismatched arguments: keep the template only
        return str(record.msg)


class JsonHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Our handler on the root logger (one; configuring again replaces it)."""


def configure_logging(level: str = "INFO") -> None:
    """Every logger's lines leave as JSON through one handler on the root logger."""
    handler = JsonHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    for old in [h for h in root.handlers if isinstance(h, JsonHandler)]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level.upper())
    for name in _OWN_HANDLERS:
        named = logging.getLogger(name)
        named.handlers[:] = []
        named.propagate = True
        named.disabled = False
    # statements are logged at INFO by SQLAlchemy: keep them out whatever the level
    for name in ("sqlalchemy.engine", "sqlalchemy.pool"):
        logging.getLogger(name).setLevel(logging.WARNING)
    logging.captureWarnings(True)


# told of each request as it ends: method, route template (None when no route matched),
# status and seconds; the metrics use it, so a request is timed and its status read once
RequestObserver = Callable[[str, str | None, int, float], None]


class RequestLogMiddleware:
    """Gives each request an id (``X-Request-ID``) and logs one line when it ends."""

    def __init__(self, app: ASGIApp, observe: RequestObserver | None = None) -> None:
        self.app = app
        self.observe = observe

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = _incoming_request_id(scope) or uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message.setdefault("headers", []).append((b"x-request-id", request_id.encode()))
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            seconds = time.perf_counter() - started
            principal = scope.get("state", {}).get("principal")
            route = getattr(scope.get("route"), "path", None)
            if self.observe is not None:
                self.observe(scope["method"], route, status, seconds)
            logger.info("request", extra={"fields": {
                "request_id": request_id,
                "method": scope["method"],
                "route": route,
                "status": status,
                "ms": round(seconds * 1000, 1),
                "user_id": getattr(principal, "user_id", None),
                "council_id": getattr(principal, "council_id", None),
            }})


def _incoming_request_id(scope: Scope) -> str | None:
    for name, value in scope.get("headers", []):
        if name == b"x-request-id":
            candidate: str = value.decode("latin-1")[:64]
            if candidate.replace("-", "").isalnum():
                return candidate
    return None
