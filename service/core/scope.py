"""Load-or-404 and list queries that only ever see what the caller may see.

Council staff see their council. A holder sees everything about the people they hold for.
A provider sees only what it serves: the accounts it holds with their transactions and the
flags on those lines; the payroll lines and timesheet entries of the people it serves; the
uploads it sent itself; and of the person only a reduced record (``ServedRecipientOut``).
Every other table (plans, audits, notes, workers, representatives...) is closed to it.
"""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select, and_, false, select
from sqlalchemy.sql.base import ExecutableOption

from service.core.deps import Ctx
from service.core.errors import NotFound
from service.core.principal import Principal, held_account_ids, visible_recipient_ids
from service.models import (
    Account,
    Flag,
    PayrollLine,
    Recipient,
    TimesheetEntry,
    Transaction,
    Upload,
    User,
)

T = TypeVar("T")


def _recipient_column(model: Any) -> Any:
    return model.id if model is Recipient else model.recipient_id


def _holder_sees(principal: Principal, model: Any) -> ColumnElement[bool]:
    people = visible_recipient_ids(principal)
    if model is Transaction:
        accounts = select(Account.id).where(Account.recipient_id.in_(people))
        return Transaction.account_id.in_(accounts)
    return _recipient_column(model).in_(people)  # type: ignore[no-any-return]


def _provider_sees(principal: Principal, model: Any) -> ColumnElement[bool]:
    people = visible_recipient_ids(principal)
    if model is Recipient or model in (PayrollLine, TimesheetEntry):
        return _recipient_column(model).in_(people)  # type: ignore[no-any-return]
    if model is Account:
        return Account.id.in_(held_account_ids(principal))
    if model is Transaction:
        return Transaction.account_id.in_(held_account_ids(principal))
    if model is Flag:  # a line's flag: not the person's period or worker flags
        return and_(Flag.account_id.in_(held_account_ids(principal)),
                    Flag.transaction_id.is_not(None))
    if model is Upload:  # what it sent itself, while it still serves the person
        senders = select(User.id).where(User.provider_id == principal.provider_id)
        return and_(Upload.uploaded_by_id.in_(senders), Upload.recipient_id.in_(people))
    return false()


def visible(principal: Principal, model: Any) -> ColumnElement[bool] | None:
    """The condition on ``model``'s rows beyond the council, or None for council-wide roles."""
    if principal.council_wide:
        return None
    if principal.role == "provider":
        return _provider_sees(principal, model)
    return _holder_sees(principal, model)


def scoped_select(ctx: Ctx, model: type[T]) -> Select[T]:
    """``SELECT model`` limited to the caller's council and, for holders and providers, to
    what they may see."""
    m: Any = model
    stmt = select(model).where(m.council_id == ctx.principal.council_id)
    condition = visible(ctx.principal, model)
    return stmt if condition is None else stmt.where(condition)


def load(ctx: Ctx, model: type[T], object_id: int, what: str | None = None,
         *options: ExecutableOption) -> T:
    """The object if the caller may see it; otherwise 404, whether or not it exists. ``options``
    are the query's loader options (``defer(...)``)."""
    m: Any = model
    stmt = scoped_select(ctx, model).where(m.id == object_id).options(*options)
    obj: T | None = ctx.session.scalars(stmt).first()
    if obj is None:
        name = what or model.__name__.lower()
        raise NotFound(f"There is no {name} {object_id} that you can see.")
    return obj
