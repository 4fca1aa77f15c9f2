"""All ORM models, one module per table, sharing one ``Base``."""

from service.models.account import Account
from service.models.api_key import ApiKey
from service.models.audit import Audit
from service.models.audit_lines import AuditLines
from service.models.audit_refresh import AuditRefresh
from service.models.base import Base
from service.models.blob import Blob
from service.models.commitment import Commitment
from service.models.council import Council
from service.models.event import Event
from service.models.flag import Flag
from service.models.idempotency import IdempotencyKey
from service.models.job import Job, JobItem
from service.models.note import Note
from service.models.payee_category import PayeeCategory
from service.models.payment_schedule import PaymentSchedule
from service.models.payroll import PayrollLine
from service.models.plan import PlanLine, SupportPlan
from service.models.privacy import Erasure, EventPersonal
from service.models.provider import Provider
from service.models.recipient import Recipient
from service.models.representative import Representative
from service.models.timesheet import TimesheetEntry
from service.models.transaction import Transaction
from service.models.underspend import UnderspendReason
from service.models.upload import Upload
from service.models.user import User
from service.models.web_session import OneTimeLink, SignInThrottle, WebSession
from service.models.worker import Worker

__all__ = [
    "Account",
    "ApiKey",
    "Audit",
    "AuditLines",
    "AuditRefresh",
    "Base",
    "Blob",
    "Commitment",
    "Council",
    "Erasure",
    "Event",
    "EventPersonal",
    "Flag",
    "IdempotencyKey",
    "Job",
    "JobItem",
    "Note",
    "OneTimeLink",
    "PayeeCategory",
    "PaymentSchedule",
    "PayrollLine",
    "PlanLine",
    "Provider",
    "Recipient",
    "Representative",
    "SignInThrottle",
    "SupportPlan",
    "TimesheetEntry",
    "Transaction",
    "UnderspendReason",
    "Upload",
    "User",
    "WebSession",
    "Worker",
]
