"""Bar charts as inline SVG, drawn by pygal and made fit for a strict CSP and for screen readers.

pygal puts a <style> element, a <script> element and a few ``style`` attributes inside each
chart. Our pages allow neither inline styles nor inline scripts, so they are taken out of
the tree here; the same look comes from static/dpaudit.css, scoped under
``.dpaudit-council-chart`` (pygal's class names are stable). Each chart gets a <title> and
a <desc> and ``role="img"`` with ``aria-labelledby``; the page shows the same figures in a
table beside it.
"""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

import pygal
from defusedxml.ElementTree import fromstring
from markupsafe import Markup
from pygal.style import Style

# pygal adds an old-style import hook for its map plug-ins, which we do not use; on Python 3.11
# every import that misses then warns (ImportWarning). Take the hook out again.
sys.meta_path[:] = [finder for finder in sys.meta_path if not isinstance(finder, pygal.PluginImportFixer)]

SVG = "{http://www.w3.org/2000/svg}"
# GOV.UK colours, in the order series take them; dpaudit.css paints .color-0, .color-1...
COLOURS = ("#1d70b8", "#f47738", "#00703c", "#d4351c", "#4c2c92")
STYLE = Style(colors=COLOURS, font_family="arial, sans-serif", background="transparent",
              plot_background="transparent", title_font_size=0, legend_font_size=16,
              label_font_size=16, major_label_font_size=16, value_font_size=16)
# what the CSP refuses, and pygal's own titles and tooltips (hover text, not a name)
_DROPPED = ("style", "script", "title", "desc")
# parts of a pygal chart that only its JavaScript uses
_SCRIPT_ONLY = ("tooltip-overlay",)

Number = int | Decimal


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[Number]


def whole(value: float) -> str:
    return f"{value:,.0f}"


def pounds_axis(value: float) -> str:
    return f"£{value:,.0f}"


def bar_chart(chart_id: str, title: str, description: str, labels: Sequence[str],
              series: Sequence[Series], *, horizontal: bool = False, money: bool = False,
              stacked: bool = False) -> Markup:
    """One bar chart as safe inline SVG, named by ``title`` and described by ``description``."""
    kind = {(False, False): pygal.Bar, (True, False): pygal.HorizontalBar,
            (False, True): pygal.StackedBar, (True, True): pygal.HorizontalStackedBar}[horizontal, stacked]
    formatter: Callable[[float], str] = pounds_axis if money else whole
    chart = kind(
        js=[], css=[], no_prefix=True, disable_xml_declaration=True, style=STYLE,
        width=720, height=max(300, 60 * len(labels) + 140) if horizontal else 360,
        legend_at_bottom=True, legend_at_bottom_columns=min(len(series), 3),
        show_legend=len(series) > 1, truncate_label=-1, truncate_legend=-1,
        value_formatter=formatter, order_min=0, include_x_axis=True, margin=16,
        print_values=False, show_x_guides=False, show_y_guides=True)
    chart.x_labels = list(labels)
    for line in series:
        # Geometry only: pygal draws in floats. The exact amounts are in the table beside.
        chart.add(line.name, [float(value) for value in line.values])
    return _accessible(chart.render(is_unicode=True), chart_id, title, description)


def _accessible(svg_text: str, chart_id: str, title: str, description: str) -> Markup:
    svg = fromstring(svg_text)  # read back with the standard library, whichever tree pygal used
    _strip(svg)
    svg.attrib.pop("id", None)
    svg.set("id", chart_id)
    svg.set("class", "pygal-chart dpaudit-council-chart__svg")
    svg.set("role", "img")
    svg.set("aria-labelledby", f"{chart_id}-title {chart_id}-desc")
    svg.set("focusable", "false")
    svg.set("xmlns", SVG[1:-1])
    name = ET.Element("title", id=f"{chart_id}-title")
    name.text = title
    desc = ET.Element("desc", id=f"{chart_id}-desc")
    desc.text = description
    svg.insert(0, desc)
    svg.insert(0, name)
    # ElementTree escapes every label and title it writes, so the serialised tree is safe markup
    return Markup(ET.tostring(svg, encoding="unicode"))  # noqa: S704


def _strip(svg: ET.Element) -> None:
    """Take out style and script elements, style attributes and pygal's own titles."""
    parents = {child: parent for parent in svg.iter() for child in parent}
    for node in list(svg.iter()):
        if _dropped(node):
            parents[node].remove(node)
        else:
            # names without their namespace: ElementTree's prefixes are process-wide, and once
            # any code registers one for SVG the chart would come out as <svg:svg>
            node.tag = node.tag.removeprefix(SVG)
            node.attrib.pop("style", None)
            if node.get("class") == "":
                del node.attrib["class"]


def _dropped(node: ET.Element) -> bool:
    classes = (node.get("class") or "").split()
    return node.tag.removeprefix(SVG) in _DROPPED or any(part in classes for part in _SCRIPT_ONLY)
