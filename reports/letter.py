"""The letter to the person: plain English, HTML first, with an accessible PDF copy.

The words live in ``templates/letter.html.j2`` (autoescaped: names and payees come from
bank statements). Aim for a reading age of about 9: short sentences, "you" and "we", and
no audit words ("surplus", "recovery", "reconciliation").
"""

from __future__ import annotations

from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined

from reports.formatting import long_date, pounds
from reports.model import AuditReport, Tier

LETTER_TEMPLATE = "letter.html.j2"
PDF_VARIANT = "pdf/ua-1"  # tagged PDF: screen readers can follow it

# What happens next, when the service has not written its own words.
DEFAULT_NEXT_STEPS = {
    Tier.LIGHT: (
        "You do not need to do anything. We will write to you when it is time for your next check.",
    ),
    Tier.STANDARD: ("When we have your answers, we will read them. Then we will write to you again.",),
    Tier.FULL: ("When we have these papers, we will look at them. Then we will write to you again.",),
}
TALK_FIRST = "We will talk to you before we ask for any money back."


@cache
def environment() -> Environment:
    """Templates ship inside the package, so the letter looks the same wherever it runs."""
    env = Environment(
        loader=PackageLoader("reports", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["pounds"] = pounds
    env.filters["long_date"] = long_date
    env.filters["sentence"] = sentence
    return env


def sentence(text: str) -> str:
    """End a phrase with a full stop, so list items and reasons read as sentences."""
    text = text.strip()
    return text if not text or text[-1] in ".!?" else f"{text}."


def next_steps(report: AuditReport) -> tuple[str, ...]:
    """The service's own words if it gave any, else ours; money back is never a surprise."""
    paragraphs = tuple(p.strip() for p in report.next_steps.split("\n\n") if p.strip())
    paragraphs = paragraphs or DEFAULT_NEXT_STEPS[report.tier]
    if report.proposed_recovery > 0 and not report.recovery_held:
        paragraphs = (*paragraphs, TALK_FIRST)
    return paragraphs


def letter_title(report: AuditReport) -> str:
    return f"Your direct payment check: {report.council_name}"


def letter_context(report: AuditReport) -> dict[str, Any]:
    contact = report.council_contact.strip().rstrip(".") or f"contact {report.council_name}"
    return {
        "report": report,
        "title": letter_title(report),
        "open_flags": report.open_flags,
        "next_steps": next_steps(report),
        "contact": contact,
    }


def render_letter_html(report: AuditReport) -> str:
    """The letter as a whole HTML page (``lang="en-GB"``, a title, styles inline)."""
    return environment().get_template(LETTER_TEMPLATE).render(letter_context(report))


def render_letter_pdf(report: AuditReport) -> bytes:
    """The same letter as a tagged PDF (PDF/UA-1), A4.

    WeasyPrint is imported here, not at the top: it takes about a second to import and
    most callers of this package only want a workbook or the HTML.
    """
    import weasyprint

    document = weasyprint.HTML(string=render_letter_html(report))
    pdf = document.write_pdf(pdf_variant=PDF_VARIANT)
    if pdf is None:  # only when a target is given, which we never do
        raise RuntimeError("WeasyPrint returned no PDF")
    return bytes(pdf)
