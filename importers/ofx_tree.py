"""A linear reader for OFX bodies, SGML (v1) and XML (v2) alike.

OFX v1 leaves leaf tags unclosed (``<TRNAMT>-5.00``) and ofxparse 0.21 repairs that
with a list lookup per tag, which is quadratic. Here one pass over the tags builds a
small tree: a tag followed by text is a leaf (its closing tag is optional); a tag
followed by another tag is an aggregate, closed by its end tag or by its parent's.
Every value is length-checked here, before any other code runs a regex over it.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator

from .errors import LimitExceeded, UnreadableFile
from .records import Limits

_TOKEN = re.compile(
    r"<!--.*?-->|<\?.*?\?>|<!\[CDATA\[(?P<cdata>.*?)\]\]>|<!(?:[^>]*)>"
    r"|<(?P<close>/?)(?P<tag>[A-Za-z][A-Za-z0-9_.:]*)(?P<attrs>\s[^<>]*?)?\s*(?P<empty>/?)>",
    re.DOTALL,
)
MAX_DEPTH = 64
LEAF_LIMITS = {"TRNAMT": 32, "BALAMT": 32, "TOTAL": 32, "FITID": 255, "NAME": 255, "MEMO": 1024,
               "DTPOSTED": 64, "DTUSER": 64, "DTSTART": 64, "DTEND": 64, "DTASOF": 64}


class Node:
    __slots__ = ("children", "line", "tag", "value")

    def __init__(self, tag: str, line: int, value: str | None = None) -> None:
        self.tag = tag
        self.line = line
        self.value = value  # None for aggregates
        self.children: list[Node] = []

    def child(self, tag: str) -> Node | None:
        return next((c for c in self.children if c.tag == tag), None)

    def text(self, tag: str) -> str:
        node = self.child(tag)
        return node.value or "" if node is not None else ""

    def find(self, *path: str) -> Node | None:
        node: Node | None = self
        for tag in path:
            node = node.child(tag) if node is not None else None
        return node

    def iter(self, tags: frozenset[str]) -> Iterator[Node]:
        """Matching descendants in document order (not descending into a match)."""
        stack = list(reversed(self.children))
        while stack:
            node = stack.pop()
            if node.tag in tags:
                yield node
            else:
                stack.extend(reversed(node.children))


def build_tree(body: str, first_line: int, limits: Limits) -> Node:
    root = Node("#ROOT", first_line)
    stack = [root]
    line, position = first_line, 0
    pending: Node | None = None  # an open tag whose kind (leaf or aggregate) is not known yet
    for match in _TOKEN.finditer(body):
        between = body[position:match.start()]
        line += body.count("\n", position, match.start())
        if pending is not None:
            stack, pending = _settle(stack, pending, between, limits), None
        elif between.strip() and len(stack) > 1:
            _append_text(stack[-1], between, limits)
        position = match.end()
        tag = match.group("tag")
        if tag is None:
            if match.group("cdata") is not None and stack[-1].value is not None:
                stack[-1].value += match.group("cdata")
            line += match.group(0).count("\n")
            continue
        tag = tag.upper()
        if match.group("close"):
            stack = _close(stack, tag)
        elif match.group("empty"):
            line += match.group(0).count("\n")
            continue  # <MEMO/>: an empty field carries nothing
        else:
            stack = pop_leaves(stack)
            pending = Node(tag, line)
            if len(stack) > MAX_DEPTH:
                raise LimitExceeded("the OFX tags are nested too deeply", line=line)
        line += match.group(0).count("\n")
    if pending is not None:
        _settle(stack, pending, body[position:], limits)
    return root


def _settle(stack: list[Node], node: Node, between: str, limits: Limits) -> list[Node]:
    parent = stack[-1]
    if between.strip():
        value = between.strip()
        _check_length(node, value, limits)
        node.value = html.unescape(value) if "&" in value else value
        parent.children.append(node)
        stack.append(node)  # a leaf stays "open" so an explicit </TAG> can close it
        return stack
    parent.children.append(node)
    stack.append(node)
    return stack


def _append_text(node: Node, text: str, limits: Limits) -> None:
    if node.value is None:
        return  # stray text inside an aggregate (e.g. after a closed leaf) carries nothing
    node.value = (node.value + " " + text.strip()).strip()
    _check_length(node, node.value, limits)


def _check_length(node: Node, value: str, limits: Limits) -> None:
    cap = LEAF_LIMITS.get(node.tag, limits.max_cell_chars)
    if len(value) > cap:
        raise LimitExceeded(
            f"the {node.tag} value is {len(value):,} characters long; at most {cap} allowed",
            line=node.line, field=node.tag,
        )


def _close(stack: list[Node], tag: str) -> list[Node]:
    for depth in range(len(stack) - 1, 0, -1):
        if stack[depth].tag == tag:
            return stack[:depth]
    return stack  # a stray closing tag: ignore it, as SGML readers do


def pop_leaves(stack: list[Node]) -> list[Node]:
    while len(stack) > 1 and stack[-1].value is not None:
        stack.pop()
    return stack


def require_ofx(root: Node) -> Node:
    ofx = root.child("OFX")
    if ofx is None:
        raise UnreadableFile("no <OFX> element found: this is not an OFX statement")
    return ofx
