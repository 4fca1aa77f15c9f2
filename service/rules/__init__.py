"""The light-touch classification and rule engine: pure functions over plain records.

No database, no web framework. The service layer loads records, calls these, and saves.
"""

from service.rules.categories import CODES, INCOME, LABELS, OUTGOINGS, label
from service.rules.check import check_line
from service.rules.classify import FLEXIBLE, classify, txn_subject
from service.rules.model import (
    CareStay,
    Classification,
    Hit,
    PaymentSchedule,
    PayRecord,
    PlanContext,
    PlanLine,
    TimesheetEntry,
    Txn,
    Worker,
    flag_key,
)
from service.rules.normalise import normalise, payee_key
from service.rules.people import is_barred, relationship_code
from service.rules.ruleset import Rule, RuleSet, Source, load_default_rules, ruleset_for_council

__all__ = [
    "CODES", "FLEXIBLE", "INCOME", "LABELS", "OUTGOINGS",
    "CareStay", "Classification", "Hit", "PayRecord", "PaymentSchedule", "PlanContext",
    "PlanLine", "Rule", "RuleSet", "Source", "TimesheetEntry", "Txn", "Worker",
    "check_line", "classify", "flag_key", "is_barred", "label", "load_default_rules",
    "normalise", "payee_key", "relationship_code", "ruleset_for_council", "txn_subject",
]
