"""Spend categories: short fixed codes with a plain-English label each.

No national standard exists (DOMAIN.md, "Spend categories"); these are ours. The labels are
written for the holder and reused by the CLI help and the OpenAPI schema.
"""

from __future__ import annotations

from types import MappingProxyType

INCOME: MappingProxyType[str, str] = MappingProxyType(
    {
        "council_payment": "Direct payment from the council",
        "client_contribution": "Your contribution paid into the account",
        "refund": "Money refunded to the account",
        "other_income": "Other money paid in",
    }
)

OUTGOINGS: MappingProxyType[str, str] = MappingProxyType(
    {
        "pa_wages": "Wages for a personal assistant",
        "hmrc": "Tax and National Insurance paid to HMRC",
        "pension": "Workplace pension for a personal assistant",
        "payroll_service": "Payroll service",
        "insurance": "Employer's liability insurance",
        "dbs_training": "DBS checks and training",
        "agency_care": "Care from an agency",
        "respite": "Respite and short breaks",
        "day_activities": "Day activities",
        "equipment": "Equipment and adaptations",
        "transport": "Transport",
        "dp_support_fees": "Direct payment support or managed account fees",
        "cash": "Cash taken out",
        "flexible_use": "Spent flexibly, outside the support plan lines",
        "repayment_to_council": "Money paid back to the council",
        "transfer": "Moved between your own direct payment accounts",
    }
)

LABELS: MappingProxyType[str, str] = MappingProxyType({**INCOME, **OUTGOINGS})
CODES: frozenset[str] = frozenset(LABELS)

def label(code: str) -> str:
    """Plain-English label for a category code; KeyError for an unknown code."""
    return LABELS[code]


def is_income(code: str) -> bool:
    return code in INCOME
