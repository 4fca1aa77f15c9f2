from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import Field, model_validator

from service.core.schemas import IdRef, In, Money, Out, PositiveMoneyIn, Text, example

AuditKindIn = Literal["scheduled", "on_demand", "final"]
AuditKind = Literal["scheduled", "on_demand", "final", "correction"]
TierName = Literal["light", "standard", "full"]
ReasonCode = Literal["could_not_recruit", "hospital_stay", "provider_let_down", "other"]
CommitmentKind = Literal["invoice", "wages", "hmrc", "pension", "other"]
LongText = Field(min_length=1, max_length=4000)
# Audits are of real direct payments: dates outside this range are typing mistakes.
EARLIEST = date(2000, 1, 1)
LATEST = date(2099, 12, 31)
MAX_PERIOD_DAYS = 3 * 366


def check_audit_period(start: date, end: date) -> None:
    if not (EARLIEST <= start <= LATEST and EARLIEST <= end <= LATEST):
        raise ValueError(f"dates must be between {EARLIEST} and {LATEST}")
    if end < start:
        raise ValueError("period_end is before period_start")
    if (end - start).days >= MAX_PERIOD_DAYS:
        raise ValueError("an audit covers at most three years")


class AuditIn(In):
    model_config = example({"period_start": "2026-04-01", "period_end": "2027-03-31", "kind": "scheduled"})
    period_start: date = Field(description="First day of the period audited.")
    period_end: date = Field(description="Last day of the period audited (inclusive).")
    kind: AuditKindIn = Field(default="on_demand", description=(
        "scheduled or on_demand; final when the direct payment has ended (no contingency)."))

    @model_validator(mode="after")
    def _period(self) -> AuditIn:
        check_audit_period(self.period_start, self.period_end)
        return self


class AuditDecisionIn(In):
    model_config = example({
        "agreed_recovery": "420.00",
        "reason": "Agreed with Mrs Example on the phone on 3 May.",
    })
    agreed_recovery: PositiveMoneyIn | None = Field(default=None, description=(
        "What the council will ask back; 0.00 when nothing is owed. Leave out with hold."))
    hold: bool = Field(default=False, description=(
        "Put recovery on hold instead (for example while unmet need is looked into)."))
    reason: str = Field(min_length=1, max_length=4000, description=(
        "Why: every decision, including agreeing the proposal or £0.00, gives its reason."))


class CarriedFlagIn(In):
    flag_id: int = Field(description="An open flag of this audit.")
    reason: str = Field(min_length=1, max_length=4000, description="Why it waits for the next audit.")


class CloseIn(In):
    model_config = example({"carry_flags": [
        {"flag_id": 17, "reason": "Waiting for the receipt, promised for next month."},
    ]})
    carry_flags: list[CarriedFlagIn] = Field(default_factory=list, max_length=500, description=(
        "Open flags carried to the next audit, each with a reason; every other open flag must "
        "be cleared or upheld first."))


class CorrectionIn(In):
    model_config = example({"reason": "The March statement arrived after the audit closed."})
    reason: str = LongText


class AuditNoteIn(In):
    model_config = example({"body": "The missing statement for March is attached to the upload of 2 May."})
    body: str = LongText
    internal: bool = Field(default=False, description=(
        "For council staff only: the holder never sees it, nor receives it in their export."))


class AuditNoteOut(Out):
    id: int
    recipient_id: int
    audit_id: int
    author_id: int
    body: str
    internal: bool
    created_at: datetime


class UnderspendReasonIn(In):
    model_config = example({
        "period_start": "2026-06-01",
        "period_end": "2026-08-31",
        "reason": "could_not_recruit",
        "note": "Our PA left in May; we are advertising.",
    })
    period_start: date
    period_end: date
    reason: ReasonCode
    note: str | None = Field(default=None, max_length=4000)
    hold_recovery: bool = Field(default=False, description=(
        "Hold any recovery until people have talked (council staff only)."))
    audit_id: IdRef | None = None

    @model_validator(mode="after")
    def _period(self) -> UnderspendReasonIn:
        check_audit_period(self.period_start, self.period_end)
        return self


class UnderspendReasonOut(Out):
    id: int
    recipient_id: int
    audit_id: int | None
    period_start: date
    period_end: date
    reason: ReasonCode
    note: str | None
    hold_recovery: bool
    recorded_by_id: int | None
    created_at: datetime


class CommitmentIn(In):
    model_config = example({
        "kind": "hmrc",
        "description": "PAYE for the quarter to June",
        "amount": "186.40",
        "due_on": "2026-07-22",
    })
    kind: CommitmentKind
    description: Text
    amount: PositiveMoneyIn
    due_on: date | None = None
    settled_on: date | None = None


class CommitmentOut(Out):
    id: int
    recipient_id: int
    kind: CommitmentKind
    description: str
    amount: Money
    due_on: date | None
    settled_on: date | None
    created_at: datetime


class AuditOut(Out):
    id: int
    council_id: int
    recipient_id: int
    period_start: date
    period_end: date
    kind: AuditKind
    status: Literal["open", "closed"]
    tier: TierName | None
    proposed_recovery: Money | None
    agreed_recovery: Money | None
    decision_reason: str | None
    recovery_held: bool = False
    decided_at: datetime | None = None
    corrects_audit_id: int | None
    closed_at: datetime | None
    frozen_digest: str | None = Field(default=None, description=(
        "SHA-256 of the figures and inputs a closed audit froze: what was decided on."))
    created_at: datetime
    summary: dict[str, Any] = Field(description=(
        "The headline figures (money as decimal strings): opening and closing balance, money "
        "in and out, reconciliation difference, contingency, commitments, surplus, proposed "
        "recovery, tier and its reasons, gaps and flags."))
    result: dict[str, Any] = Field(description="Every figure and the working behind it.")


class AuditCheckOut(Out):
    """Whether an audit still rests on exactly what it was decided on."""

    audit_id: int = Field(examples=[12])
    status: Literal["open", "closed"]
    unchanged: bool = Field(description=(
        "True when the lines are unchanged and, for a closed audit, the frozen digest matches."))
    lines: int = Field(description="How many statement lines the audit used.", examples=[412])
    missing_lines: int = Field(description="How many of them are no longer stored.", examples=[0])
    lines_unchanged: bool = Field(description=(
        "Whether the lines, read as stored today, hash to the value the audit kept."))
    frozen_digest: str | None = Field(description="The digest kept when the audit closed.")
    digest_matches: bool | None = Field(description=(
        "For a closed audit, whether its result, inputs and lines hash to the frozen digest "
        "again; null while it is open."))
    message: str = Field(examples=[
        "The 412 lines this audit used are unchanged. What it was closed on matches its frozen "
        "digest."])


class DueOut(Out):
    recipient_id: int
    recipient_reference: str
    recipient_name: str
    due_on: date | None = Field(description="When the next review is due; null for an open audit.")
    days_overdue: int | None
    last_audit_id: int | None = Field(description="The last closed audit.")
    last_tier: TierName | None
    last_score: int | None
    audit_id: int | None = Field(default=None, description="The open audit that needs action.")
    action: Literal["decide_flags", "agree_recovery", "waiting_for_person", "ready_to_close",
                    "start_review"] = Field(description=(
        "What is needed: decide_flags, agree_recovery, waiting_for_person (questions asked, "
        "nothing else to do yet), ready_to_close, or start_review (a review is due)."))
    tier: TierName | None = Field(default=None, description="The open audit's tier, else the last one's.")
    score: int = Field(default=0, description="The risk score the queue is ordered by.")
    next_period_start: date | None = Field(default=None, description=(
        "For a review: the day after the last closed audit ends (else the first payment)."))
    next_period_end: date | None = None


class DueList(Out):
    items: list[DueOut]
    next_cursor: str | None = Field(default=None, description=(
        "Pass as ?cursor= to get the next page; null on the last page."))


# The names the endpoints use; the prefixed names keep the published schema unambiguous.
DecisionIn = AuditDecisionIn
NoteIn = AuditNoteIn
NoteOut = AuditNoteOut
