"""Rules in force, flags, their notes and decisions, and classified transactions."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, StrictBool, StrictInt, field_validator

from service.core.schemas import In, Money, Out, example
from service.rules import LABELS

# Every spend category code, with its plain-English label in the schema's description.
CATEGORY_HELP = "Spend category: " + "; ".join(f"{code} = {text}" for code, text in LABELS.items())
CategoryCode = Annotated[
    Literal[
        "council_payment", "client_contribution", "refund", "other_income", "pa_wages", "hmrc",
        "pension", "payroll_service", "insurance", "dbs_training", "agency_care", "respite",
        "day_activities", "equipment", "transport", "dp_support_fees", "cash", "flexible_use",
        "repayment_to_council", "transfer",
    ],
    Field(description=CATEGORY_HELP),
]
FlagStatus = Literal["open", "cleared", "upheld"]
Severity = Literal["unlawful", "harmful", "local"]
ReviewKind = Literal["possible_duplicate", "id_collision", "any"]
RuleId = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[a-z_]+\.[a-z0-9_]+$",
                              examples=["harmful.gambling"])]
Reason = Annotated[str, Field(min_length=1, max_length=2000)]
ParameterValue = StrictBool | StrictInt | str


def _no_fractional_number(value: Any) -> Any:
    """A JSON number with a point or exponent is a binary float by now (``1e-9999`` is 0.0):
    money comes as a string."""
    if isinstance(value, float):
        raise ValueError('money must be a decimal string such as "12.34", not a number')
    return value


class SourceOut(Out):
    kind: Literal["law", "guidance", "council_policy"]
    citation: str


class RuleOut(Out):
    id: str
    version: int
    title: str
    explanation: str
    source: SourceOut
    severity: Severity
    default_on: bool
    on: bool = Field(description="In force for your council.")
    parameters: dict[str, ParameterValue] = Field(
        description="Settings; money as decimal strings.")


class RulesOut(Out):
    council_id: int
    rules: list[RuleOut]


class RuleSettingIn(In):
    model_config = example({"on": True})
    on: StrictBool = Field(description="Switch a default-off local rule on or off. "
                                       "Default-on rules cannot be switched off.")
    parameters: dict[Annotated[str, Field(max_length=64)],
                     Annotated[ParameterValue, Field(union_mode="left_to_right"),
                               BeforeValidator(_no_fractional_number)]] = Field(
        default_factory=dict, max_length=20,
        description="Settings to change, e.g. {\"monthly_limit\": \"300.00\"}. Money as strings.")

    @field_validator("parameters")
    @classmethod
    def _short_text(cls, value: dict[str, Any]) -> dict[str, Any]:
        if any(isinstance(v, str) and (len(v) > 64 or "\x00" in v) for v in value.values()):
            raise ValueError("parameter values must be at most 64 characters")
        return value


class FlagOut(Out):
    id: int
    council_id: int
    recipient_id: int
    account_id: int | None
    transaction_id: int | None
    worker_id: int | None
    rule_id: str
    rule_version: int
    severity: Severity
    status: FlagStatus
    explanation: str = Field(description="Why this was flagged, written to the holder.")
    evidence: dict[str, Any]
    occurred_on: date | None
    holder_explanation: str | None
    decided_by_id: int | None
    decided_at: datetime | None
    decision_reason: str | None
    created_at: datetime
    updated_at: datetime


class HistoryOut(Out):
    at: datetime
    action: str
    actor_user_id: int | None


class FlagDetailOut(FlagOut):
    history: list[HistoryOut] = Field(description="Every change to this flag, oldest first.")


class FlagDecisionIn(In):
    outcome: Literal["cleared", "upheld"]
    reason: Reason


class ExplanationIn(In):
    text: Annotated[str, Field(min_length=1, max_length=5000)]


class FlagNoteIn(In):
    model_config = example({
        "body": "This was a one-off payment for a day trip, agreed with my social worker.",
    })
    body: Annotated[str, Field(min_length=1, max_length=5000)]


class FlagNoteOut(Out):
    id: int
    council_id: int
    recipient_id: int
    subject_type: str
    subject_id: int
    author_id: int
    body: str
    created_at: datetime


class FlagBrief(Out):
    id: int
    rule_id: str
    severity: Severity
    status: FlagStatus


class TransactionOut(Out):
    id: int
    account_id: int
    recipient_id: int
    upload_id: int
    posted_on: date
    amount: Money
    description: str
    reference: str | None
    balance: Money | None
    mcc: str | None
    category: CategoryCode | None
    label: str | None = Field(description="The category in words.")
    reason: str | None = Field(description="Why it has this category, in words.")
    worker_id: int | None
    plan_line_id: int | None
    review: str | None
    flags: list[FlagBrief]


class RecategoriseIn(In):
    model_config = example({"category": "day_activities", "reason": "Swimming lessons, in the plan."})
    category: CategoryCode
    reason: Reason


class RaisedOut(Out):
    rule: str
    reason: str
    transaction_id: int | None


class RerunOut(Out):
    classified: int
    categories: dict[str, int]
    flags_raised: list[RaisedOut]
    flags_cleared: list[int]


# The names the endpoints use; the prefixed names keep the published schema unambiguous.
DecisionIn = FlagDecisionIn
NoteIn = FlagNoteIn
NoteOut = FlagNoteOut
