"""Apply an onboarding document in one transaction, reusing the same steps as the API."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.accounts import service as accounts
from service.accounts.schemas import AccountIn, PaymentScheduleIn
from service.core.config import get_settings
from service.core.context import Ctx
from service.core.context import system_ctx as system_ctx  # it lived here; callers still find it
from service.core.errors import Unprocessable, field_error
from service.models import (
    Account,
    Council,
    PaymentSchedule,
    Provider,
    Recipient,
    Representative,
    SupportPlan,
    User,
    Worker,
)
from service.onboarding.schemas import LoadDocument, RecipientDoc
from service.people import service as people
from service.people.schemas import (
    RecipientIn,
    RecipientPatch,
    RepresentativeIn,
    UserIn,
    WorkerIn,
)
from service.plans import service as plans
from service.plans.schemas import PlanIn


def council_defaults() -> dict[str, int]:
    """The settings a new council starts with when it names none: DPAUDIT_CONTINGENCY_WEEKS,
    DPAUDIT_FIRST_REVIEW_WEEKS and DPAUDIT_REVIEW_INTERVAL_MONTHS."""
    configured = get_settings()
    return {"contingency_weeks": configured.contingency_weeks,
            "first_review_weeks": configured.first_review_weeks,
            "review_interval_months": configured.review_interval_months}


def ensure_council(session: Session, code: str, name: str, **settings: Any) -> Council:
    """The council with this code, made if new with the configured defaults; ``settings``
    given (not None) are applied to it, new or not."""
    council = session.scalar(select(Council).where(Council.code == code))
    if council is None:
        council = Council(code=code, name=name, optional_rules={}, risk_weights={},
                          **council_defaults())
        session.add(council)
        session.flush()
    for key, value in settings.items():
        if value is not None:
            setattr(council, key, value)
    return council


READ_CHUNK = 1024 * 1024


class DocumentTooLarge(Exception):
    """The onboarding document is larger than ``DPAUDIT_MAX_LOAD_BYTES``; nothing was read."""

    def __init__(self, size: int, limit: int) -> None:
        super().__init__(f"the document is {size:,} bytes or more; dpaudit load reads at most "
                         f"{limit:,} bytes (DPAUDIT_MAX_LOAD_BYTES). Split it by recipients "
                         "(loading is repeatable) or raise the setting.")


def read_document(path: Path, limit: int, on_chunk: Callable[[int], None] | None = None) -> bytes:
    """The document's bytes, read in chunks; refused before reading when its size says so,
    and while reading should it grow (or not say: a pipe) past ``limit``."""
    size = path.stat().st_size
    if size > limit:
        raise DocumentTooLarge(size, limit)
    chunks: list[bytes] = []
    total = 0
    with path.open("rb") as stream:
        while chunk := stream.read(READ_CHUNK):
            total += len(chunk)
            if total > limit:
                raise DocumentTooLarge(total, limit)
            chunks.append(chunk)
            if on_chunk:
                on_chunk(len(chunk))
    return b"".join(chunks)


def apply(session: Session, doc: LoadDocument,
          on_recipient: Callable[[], None] | None = None) -> Counter[str]:
    """Create what the document describes and does not exist yet; return what was created.

    ``on_recipient`` is called after each recipient (the command line's progress bar)."""
    council = ensure_council(session, doc.council.code, doc.council.name,
                             **doc.council.model_dump(exclude={"code", "name"}))
    ctx = system_ctx(session, council.id)
    created: Counter[str] = Counter()
    providers = {p.reference: _provider(ctx, p.reference, p.name, created) for p in doc.providers}
    for user in doc.users:
        _user(ctx, user.model_dump(), providers, created)
    for number, recipient in enumerate(doc.recipients):
        _recipient(ctx, recipient, providers, created, f"recipients.{number}")
        if on_recipient:
            on_recipient()
    session.flush()
    return created


def _provider(ctx: Ctx, reference: str, name: str, created: Counter[str]) -> Provider:
    provider = ctx.session.scalar(select(Provider).where(
        Provider.council_id == ctx.principal.council_id, Provider.reference == reference))
    if provider is None:
        provider = Provider(council_id=ctx.principal.council_id, reference=reference, name=name)
        ctx.session.add(provider)
        ctx.session.flush()
        created["providers"] += 1
    return provider


def _ref(mapping: dict[str, Any], ref: str | None, where: str) -> Any:
    if ref is None:
        return None
    if ref not in mapping:
        raise Unprocessable(f"{where}: no such reference '{ref}' in this document or council.",
                            errors=[field_error(where, f"unknown reference '{ref}'")])
    return mapping[ref]


def _user(ctx: Ctx, data: dict[str, Any], providers: dict[str, Provider], created: Counter[str]) -> User:
    existing = ctx.session.scalar(select(User).where(User.email == data["email"].lower()))
    if existing is not None:
        if existing.council_id != ctx.principal.council_id:
            raise Unprocessable(f"{data['email']} belongs to another council.",
                                errors=[field_error("users.email", "belongs to another council")])
        return existing
    provider = _ref(providers, data.pop("provider"), "users.provider")
    user = people.create_user(ctx, UserIn(**data, provider_id=provider.id if provider else None))
    ctx.session.flush()
    created["users"] += 1
    return user


def _recipient(ctx: Ctx, doc: RecipientDoc, providers: dict[str, Provider],
               created: Counter[str], where: str) -> None:
    recipient = ctx.session.scalar(select(Recipient).where(
        Recipient.council_id == ctx.principal.council_id, Recipient.reference == doc.reference))
    bureau = _ref(providers, doc.payroll_provider, f"{where}.payroll_provider")
    if recipient is None:
        fields = doc.model_dump(include=set(RecipientIn.model_fields))
        recipient = people.create_recipient(ctx, RecipientIn(
            **fields, payroll_provider_id=bureau.id if bureau else None))
        ctx.session.flush()
        created["recipients"] += 1
    elif bureau is not None and recipient.payroll_provider_id is None:
        people.update_recipient(ctx, recipient, RecipientPatch(payroll_provider_id=bureau.id))
    accounts_by_ref = _accounts(ctx, recipient, doc, providers, created)
    _representatives(ctx, recipient, doc, created, where)
    _workers(ctx, recipient, doc, created)
    _schedules(ctx, recipient, doc, accounts_by_ref, created, where)
    _plans(ctx, recipient, doc, created)


def _accounts(ctx: Ctx, recipient: Recipient, doc: RecipientDoc,
              providers: dict[str, Provider], created: Counter[str]) -> dict[str, Account]:
    found = {}
    for account_doc in doc.accounts:
        account = ctx.session.scalar(select(Account).where(
            Account.council_id == recipient.council_id, Account.reference == account_doc.reference))
        if account is None:
            provider = _ref(providers, account_doc.provider, "accounts.provider")
            body = AccountIn(**account_doc.model_dump(exclude={"provider"}),
                             provider_id=provider.id if provider else None)
            account = accounts.create_account(ctx, recipient, body)
            ctx.session.flush()
            created["accounts"] += 1
        found[account.reference] = account
    return found


def _representatives(ctx: Ctx, recipient: Recipient, doc: RecipientDoc,
                     created: Counter[str], where: str) -> None:
    for rep in doc.representatives:
        exists = ctx.session.scalar(select(Representative.id).where(
            Representative.recipient_id == recipient.id, Representative.name == rep.name,
            Representative.kind == rep.kind))
        if exists is not None:
            continue
        user_id = None
        if rep.user is not None:
            user = ctx.session.scalar(select(User).where(User.email == rep.user.lower()))
            user_id = _ref({rep.user: user} if user else {}, rep.user, f"{where}.representatives.user").id
        people.add_representative(ctx, recipient, RepresentativeIn(
            **rep.model_dump(exclude={"user"}), user_id=user_id))
        created["representatives"] += 1


def _workers(ctx: Ctx, recipient: Recipient, doc: RecipientDoc, created: Counter[str]) -> None:
    for worker in doc.workers:
        exists = ctx.session.scalar(select(Worker.id).where(
            Worker.recipient_id == recipient.id, Worker.reference == worker.reference))
        if exists is None:
            people.add_worker(ctx, recipient, WorkerIn(**worker.model_dump()))
            created["workers"] += 1


def _schedules(ctx: Ctx, recipient: Recipient, doc: RecipientDoc,
               accounts_by_ref: dict[str, Account], created: Counter[str], where: str) -> None:
    for schedule in doc.payment_schedules:
        exists = ctx.session.scalar(select(PaymentSchedule.id).where(
            PaymentSchedule.recipient_id == recipient.id,
            PaymentSchedule.first_payment_on == schedule.first_payment_on,
            PaymentSchedule.frequency == schedule.frequency))
        if exists is not None:
            continue
        account = _ref(accounts_by_ref, schedule.account, f"{where}.payment_schedules.account")
        accounts.create_schedule(ctx, recipient, PaymentScheduleIn(
            **schedule.model_dump(exclude={"account"}), account_id=account.id if account else None))
        created["payment_schedules"] += 1


def _plans(ctx: Ctx, recipient: Recipient, doc: RecipientDoc, created: Counter[str]) -> None:
    for plan_doc in doc.plans:
        exists = ctx.session.scalar(select(SupportPlan.id).where(
            SupportPlan.recipient_id == recipient.id,
            SupportPlan.effective_from == plan_doc.effective_from))
        if exists is not None:
            continue
        plan = plans.create_version(ctx, recipient, PlanIn(**plan_doc.model_dump(exclude={"approved"})))
        if plan_doc.approved:
            plans.approve(ctx, plan)
        created["plans"] += 1
