"""Things we have asked the holder, and their answers, through the API's own services.

Three kinds, each answered in a text box:
- a flag: the answer is the holder's explanation (``review.service.explain``);
- a question in an open audit's letter (missing statements, pay, money paid in...): the
  answer is a note on that audit (``audits.service.add_note``) that quotes the question;
- money above what may be kept: the answer is an underspend reason
  (``audits.service.add_underspend_reason``).
The questions are the letter's own (``report_model.letter_asks``), so the page never asks
what the letter does not, and a light audit asks nothing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

import reports as r
from service.audits import service as audits
from service.audits.kept import KeptFlag, inputs_of
from service.audits.report_model import flag_item, flag_items, letter_asks, surplus_items, underspend_notes
from service.audits.schemas import NoteIn, UnderspendReasonIn
from service.core.deps import Ctx
from service.core.scope import scoped_select
from service.models import Audit, Flag, Note, Recipient, Transaction
from service.review import service as review
from service.review.schemas import ExplanationIn

MAX_ANSWER = 3000
REASONS = (
    ("could_not_recruit", "I could not find a personal assistant"),
    ("hospital_stay", "I was in hospital"),
    ("provider_let_down", "A care provider let me down"),
    ("other", "Something else"),
)
FLAG_QUESTION = "Your answer"


@dataclass(frozen=True, slots=True)
class Ask:
    id: str  # stable while the question stays the same: "flag-12", "q-5-1a2b3c4d5e", "u-5"
    kind: str  # flag, question or underspend
    text: str  # what we saw
    question: str  # what we ask
    answer: str | None  # what the holder told us already
    flag: Flag | None = None
    audit: Audit | None = None


class NotAnswerable(Exception):
    """The answer cannot be taken as it is. ``part`` is "answer" or "reason"; the message
    says what to do."""

    def __init__(self, part: str, message: str) -> None:
        super().__init__(message)
        self.part, self.message = part, message


def asks_for(ctx: Ctx, recipient: Recipient) -> list[Ask]:
    return [*_flag_asks(ctx, recipient), *_audit_asks(ctx, recipient)]


def waiting(asks: list[Ask]) -> int:
    return sum(1 for ask in asks if ask.answer is None)


def _flag_asks(ctx: Ctx, recipient: Recipient) -> list[Ask]:
    flags = ctx.session.scalars(scoped_select(ctx, Flag).where(
        Flag.recipient_id == recipient.id, Flag.status == "open")
        .order_by(Flag.occurred_on, Flag.id)).all()
    asks = []
    for flag in flags:
        txn = ctx.session.get(Transaction, flag.transaction_id) if flag.transaction_id else None
        row = KeptFlag(flag.id, flag.rule_id, "", flag.severity, flag.status, flag.explanation,
                       txn.posted_on if txn else None, txn.amount if txn else None,
                       txn.description if txn else "")
        item = flag_item(flag.rule_id, flag.explanation, [row])
        asks.append(Ask(f"flag-{flag.id}", "flag", _sentence(item.text), item.ask or FLAG_QUESTION,
                        flag.holder_explanation, flag=flag))
    return asks


def _audit_asks(ctx: Ctx, recipient: Recipient) -> list[Ask]:
    open_audits = ctx.session.scalars(scoped_select(ctx, Audit).where(
        Audit.recipient_id == recipient.id, Audit.status == "open").order_by(Audit.id)).all()
    asks: list[Ask] = []
    for audit in open_audits:
        used = inputs_of(audit)
        told = underspend_notes(used)
        items, _papers = letter_asks(audit, told)
        workers = [w.name for w in used.workers]
        flagged = set(flag_items(used.flags, workers))  # asked above, live
        surplus = set(surplus_items(audit, told))
        notes = ctx.session.scalars(audits.notes_of(audit).order_by(Note.id)).all()
        for item in items:
            if item in flagged:
                continue
            if item in surplus:
                asks.append(_underspend_ask(audit, item, told))
            else:
                asks.append(_question_ask(audit, item, notes))
    return asks


def _underspend_ask(audit: Audit, item: r.LetterItem, told: tuple[r.UnderspendNote, ...]) -> Ask:
    answer = " ".join(_told_words(note) for note in told) if told else None
    question = "Tell us more. Is any of it for a bill you still have to pay?"
    return Ask(f"u-{audit.id}", "underspend", _sentence(item.text), question, answer, audit=audit)


def _told_words(note: r.UnderspendNote) -> str:
    words = _sentence(note.reason)
    return f"{words} {note.note}" if note.note and note.note not in note.reason else words


def _question_ask(audit: Audit, item: r.LetterItem, notes: Sequence[Note]) -> Ask:
    text, question = _sentence(item.text), item.ask or "Please tell us about this."
    digest = hashlib.sha256(f"{text}|{question}".encode()).hexdigest()[:10]
    quoted = _quoted(text, question)
    answer = next((n.body[len(quoted):] for n in notes if n.body.startswith(quoted)), None)
    return Ask(f"q-{audit.id}-{digest}", "question", text, question, answer, audit=audit)


def _quoted(text: str, question: str) -> str:
    """How a note starts when it answers this question, so officers read it in context."""
    return f"We asked: {text} {question}\nThe answer: "


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "?", "!")) else text + "."


def answer(ctx: Ctx, recipient: Recipient, ask: Ask, text: str, reason: str = "") -> None:
    """Record the holder's answer with the same service the API uses for it."""
    text = text.strip()
    if ask.kind == "underspend":
        _check_reason(reason)
    if not text and (ask.kind != "underspend" or reason == "other"):
        raise NotAnswerable("answer", "Write your answer in the box.")
    if len(text) > MAX_ANSWER:
        raise NotAnswerable("answer", f"Your answer is too long. Please make it shorter than "
                                      f"{MAX_ANSWER:,} letters.")
    if ask.kind == "flag" and ask.flag is not None:
        review.explain(ctx, ask.flag, ExplanationIn(text=text).text)
    elif ask.kind == "question" and ask.audit is not None:
        body = NoteIn(body=_quoted(ask.text, ask.question) + text).body
        audits.add_note(ctx, ask.audit, body)
    elif ask.kind == "underspend" and ask.audit is not None:
        audit = ask.audit
        reason_in = UnderspendReasonIn.model_validate({
            "period_start": audit.period_start, "period_end": audit.period_end,
            "reason": reason, "note": text or None, "audit_id": audit.id})
        audits.add_underspend_reason(ctx, recipient, reason_in)


def _check_reason(reason: str) -> None:
    if reason not in {code for code, _words in REASONS}:
        raise NotAnswerable("reason", "Choose why less was spent.")


def find(asks: list[Ask], ask_id: str) -> Ask | None:
    return next((ask for ask in asks if ask.id == ask_id), None)
