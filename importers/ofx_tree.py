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


Leaf = tuple[str, int, str]  # (tag, line, value): a leaf is kept as a plain tuple


class Node:
    """An aggregate (``value`` None) with its items in document order: aggregates as
    Nodes, leaves as ``Leaf`` tuples. ``child``, ``find``, ``iter`` and ``children``
    present a leaf as a childless Node with its value."""

    __slots__ = ("items", "line", "tag", "value")

    def __init__(self, tag: str, line: int, value: str | None = None,
                 items: list[Node | Leaf] | None = None) -> None:
        self.tag = tag
        self.line = line
        self.value = value  # None for aggregates
        self.items: list[Node | Leaf] = [] if items is None else items

    @property
    def children(self) -> list[Node]:
        return [item if isinstance(item, Node) else Node(*item) for item in self.items]

    def child(self, tag: str) -> Node | None:
        for item in self.items:
            if isinstance(item, Node):
                if item.tag == tag:
                    return item
            elif item[0] == tag:
                return Node(*item)
        return None

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
        stack = list(reversed(self.items))
        while stack:
            item = stack.pop()
            if isinstance(item, Node):
                if item.tag in tags:
                    yield item
                else:
                    stack.extend(reversed(item.items))
            elif item[0] in tags:
                yield Node(*item)


def build_tree(body: str, first_line: int, limits: Limits) -> Node:
    root = Node("#ROOT", first_line)
    stack = [root]  # the open aggregates
    leaf_open = False  # the last item of stack[-1] is a leaf its </TAG> may still close
    line, position = first_line, 0
    pending: str | None = None  # an open tag whose kind (leaf or aggregate) is not known yet
    pending_line = 0
    count = body.count
    default_cap = limits.max_cell_chars
    caps = LEAF_LIMITS
    for match in _TOKEN.finditer(body):
        start, end = match.span()
        between = body[position:start]
        if between:
            line += count("\n", position, start)
        if pending is not None:
            value = between.strip()
            if value:
                if len(value) > caps.get(pending, default_cap):
                    _check_length(pending, pending_line, value, limits)
                stack[-1].items.append(
                    (pending, pending_line, html.unescape(value) if "&" in value else value))
                leaf_open = True
            else:
                node = Node(pending, pending_line)
                stack[-1].items.append(node)
                stack.append(node)
            pending = None
        elif leaf_open and between.strip():
            items = stack[-1].items
            tag, leaf_line, value = items[-1]  # type: ignore[misc]
            value = (value + " " + between.strip()).strip()
            _check_length(tag, leaf_line, value, limits)
            items[-1] = (tag, leaf_line, value)
        position = end
        cdata, close, tag, _attrs, empty = match.groups()
        if tag is None:
            if cdata is not None and leaf_open:
                items = stack[-1].items
                leaf_tag, leaf_line, value = items[-1]  # type: ignore[misc]
                items[-1] = (leaf_tag, leaf_line, value + cdata)
        elif close:
            leaf_open = _close(stack, tag.upper(), leaf_open)
        elif not empty:
            leaf_open = False
            pending, pending_line = tag.upper(), line
            if len(stack) > MAX_DEPTH:
                raise LimitExceeded("the OFX tags are nested too deeply", line=line)
        line += count("\n", start, end)
    if pending is not None:
        value = body[position:].strip()
        if value:
            _check_length(pending, pending_line, value, limits)
            stack[-1].items.append(
                (pending, pending_line, html.unescape(value) if "&" in value else value))
        else:
            stack[-1].items.append(Node(pending, pending_line))
    return root


def _check_length(tag: str, line: int, value: str, limits: Limits) -> None:
    cap = LEAF_LIMITS.get(tag, limits.max_cell_chars)
    if len(value) > cap:
        raise LimitExceeded(
            f"the {tag} value is {len(value):,} characters long; at most {cap} allowed",
            line=line, field=tag,
        )


def _close(stack: list[Node], tag: str, leaf_open: bool) -> bool:
    """Close the open leaf or the innermost open aggregate named ``tag``; a stray closing
    tag is ignored, as SGML readers do. Returns whether a leaf is still open."""
    if leaf_open:
        last = stack[-1].items[-1]
        if not isinstance(last, Node) and last[0] == tag:
            return False
    for depth in range(len(stack) - 1, 0, -1):
        if stack[depth].tag == tag:
            del stack[depth:]
            return False
    return leaf_open


def require_ofx(root: Node) -> Node:
    ofx = root.child("OFX")
    if ofx is None:
        raise UnreadableFile("no <OFX> element found: this is not an OFX statement")
    return ofx
