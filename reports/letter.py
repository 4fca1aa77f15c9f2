"""The letter to the person: plain English, HTML first, with an accessible PDF copy.

The words live in ``templates/letter.html.j2`` (autoescaped: names and payees come from
bank statements). Aim for a reading age of about 9: short sentences, "you" and "we", and
no audit words ("surplus", "recovery", "reconciliation").
"""

from __future__ import annotations

import contextlib
import threading
import warnings
from collections import deque
from collections.abc import Iterable, Iterator, Sized
from concurrent.futures import Future, ProcessPoolExecutor
from functools import cache
from importlib.resources import files
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
    env.filters["lower_first"] = lower_first
    return env


def sentence(text: str) -> str:
    """End a phrase with a full stop, so list items and reasons read as sentences."""
    text = text.strip()
    return text if not text or text[-1] in ".!?" else f"{text}."


def next_steps(report: AuditReport) -> tuple[str, ...]:
    """The service's own words if it gave any, else ours; money back is never a surprise."""
    paragraphs = tuple(p.strip() for p in report.next_steps.split("\n\n") if p.strip())
    paragraphs = paragraphs or DEFAULT_NEXT_STEPS[asked_for(report)]
    if report.recovery_to_ask > 0:
        paragraphs = (*paragraphs, TALK_FIRST)
    return paragraphs


def asked_for(report: AuditReport) -> Tier:
    """What the letter really asks, which sets its closing words: papers, answers, or nothing.
    A full audit that needs no papers asks only questions; one that asks nothing asks nothing."""
    if report.documents_needed:
        return Tier.FULL
    if report.items or report.questions:
        return Tier.STANDARD
    return Tier.LIGHT


def letter_title(report: AuditReport) -> str:
    return f"Your direct payment check: {report.council_name}"


def contact_words(report: AuditReport) -> str:
    """How to reach us, in a sentence or two: the details themselves head the letter."""
    contact = report.contact
    ways = [way for way, given in (("call", contact.phone), ("email", contact.email),
                                   ("write to", contact.address)) if given]
    if ways:
        joined = ways[0] if len(ways) == 1 else f"{', '.join(ways[:-1])} or {ways[-1]}"
        return f"You can {joined} us. Our details are at the top of this letter."
    own = report.council_contact.strip().rstrip(".")
    return f"Please {own}." if own else f"Please contact {report.council_name}."


def keep_words(report: AuditReport) -> str:
    weeks = report.contingency_weeks
    return (f"You may keep {pounds(report.contingency)} in case you need it. "
            f"That is {weeks} {'week' if weeks == 1 else 'weeks'} of care money.")


def held_because(report: AuditReport) -> str:
    """Why recovery is on hold, in the person's words where we have them."""
    return report.recovery_held_reason or lower_first(report.decision.held_reason)


def lower_first(text: str) -> str:
    """An officer's reason continues "This is because ...": "The PA left" -> "the PA left"."""
    text = text.strip()
    if len(text) > 1 and text[0].isupper() and not text[1].isupper():
        return text[0].lower() + text[1:]
    return text


def letter_context(report: AuditReport) -> dict[str, Any]:
    holder = report.holder
    acting = holder is not None and holder.acts_for_someone
    refund = report.contribution_share if report.surplus > 0 and not report.recovery_on_hold else 0
    return {
        "report": report,
        "title": letter_title(report),
        "open_flags": report.open_flags,
        "next_steps": next_steps(report),
        "contact": report.contact,
        "contact_words": contact_words(report),
        "to_name": holder.name if holder is not None else report.recipient_name,
        "acting": acting,
        "whose": f"{report.recipient_name}’s" if acting else "your",
        # the balance is the total of every account the statements show: say so
        "accounts": "accounts" if len({t.account_ref for t in report.transactions}) > 1 else "account",
        "reference": report.audit_reference or report.recipient_reference,
        "keep_words": keep_words(report),
        "held_because": held_because(report),
        "refund": refund,
        "asks_about": len(report.items) or len(report.questions),
    }


def render_letter_html(report: AuditReport, *, inline_style: bool = True) -> str:
    """The letter as a whole HTML page (``lang="en-GB"``, a title, styles inline).

    ``inline_style=False`` leaves the stylesheet out, for the PDF writer, which is given the
    same stylesheet already parsed.
    """
    context = {**letter_context(report), "inline_style": inline_style}
    return environment().get_template(LETTER_TEMPLATE).render(context)


class _Renderer:
    """What is kept from letter to letter: WeasyPrint's font configuration (fonts found and
    loaded once, not per letter) and the letter's stylesheet, parsed once."""

    def __init__(self) -> None:
        with warnings.catch_warnings():
            # WeasyPrint warns on import when the optional HarfBuzz-Subset library is absent;
            # the PDF is the same without it.
            warnings.filterwarnings("ignore", message=".*HarfBuzz-Subset.*", category=DeprecationWarning)
            import weasyprint
            from weasyprint.text.fonts import FontConfiguration

        self.weasyprint = weasyprint
        self.fonts = FontConfiguration()
        css = files("reports").joinpath("templates", "letter.css").read_text(encoding="utf-8")
        self.stylesheet = weasyprint.CSS(string=css, font_config=self.fonts)

    def pdf(self, html: str) -> bytes:
        document = self.weasyprint.HTML(string=html)
        pdf = document.write_pdf(pdf_variant=PDF_VARIANT, stylesheets=[self.stylesheet],
                                 font_config=self.fonts)
        if pdf is None:  # only when a target is given, which we never do
            raise RuntimeError("WeasyPrint returned no PDF")
        return bytes(pdf)


# Renderers not in use. Pango's font map must not be used by two threads at once, so each
# letter takes one to itself: there are as many as letters were ever rendered at the same
# time, each reused by the letters after it, whichever thread renders them.
_idle: list[_Renderer] = []
_idle_lock = threading.Lock()


@contextlib.contextmanager
def _renderer() -> Iterator[_Renderer]:
    with _idle_lock:
        renderer = _idle.pop() if _idle else None
    if renderer is None:
        renderer = _Renderer()
    try:
        yield renderer
    finally:
        with _idle_lock:
            _idle.append(renderer)


def render_letter_pdf(report: AuditReport) -> bytes:
    """The same letter as a tagged PDF (PDF/UA-1), A4.

    WeasyPrint is imported here, not at the top: it takes about a second to import and
    most callers of this package only want a workbook or the HTML. The first letter in a
    process also finds and loads the fonts; the letters after it reuse them.
    """
    return _pdf_from_html(render_letter_html(report, inline_style=False))


def _pdf_from_html(html: str) -> bytes:
    with _renderer() as renderer:
        return renderer.pdf(html)


def _warm_up() -> None:
    """A pool worker loads WeasyPrint and the fonts once, before its first letter. If they
    cannot load, the worker lives on and each letter raises the error that says why (a
    failed warm-up would only break the pool, and hide the reason)."""
    with contextlib.suppress(Exception):  # the letter itself raises it again, with its reason
        _pdf_from_html("<!DOCTYPE html><html lang=\"en-GB\"><title>-</title><p>£0.00</p></html>")


# Letters in flight per worker in a bulk run: enough to keep every worker busy while the
# caller takes the finished ones, few enough that memory stays flat however many letters.
IN_FLIGHT_PER_PROCESS = 4


def render_letter_pdfs(reports: Iterable[AuditReport], processes: int = 1) -> Iterator[bytes]:
    """Each report's letter as a PDF, in the order given: what a council's bulk run posts.

    With ``processes`` above 1 the letters are rendered by that many worker processes, each
    warmed up once. Reports are read and PDFs handed back as the run goes, with at most a
    few letters per worker in flight, so 1,000 letters take no more memory than ten.
    """
    if isinstance(reports, Sized):
        processes = min(processes, len(reports))  # no workers started for nothing
    if processes <= 1:
        for report in reports:
            yield render_letter_pdf(report)
        return
    import multiprocessing

    # spawn, not fork: the caller may be a threaded server or job worker
    pool = ProcessPoolExecutor(processes, mp_context=multiprocessing.get_context("spawn"),
                               initializer=_warm_up)
    try:
        pending: deque[Future[bytes]] = deque()
        for report in reports:
            pending.append(pool.submit(_pdf_from_html, render_letter_html(report, inline_style=False)))
            if len(pending) >= processes * IN_FLIGHT_PER_PROCESS:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
