"""Who is calling, and the rule for what they may see.

Admins and officers see their council. Holders see the recipients they hold for. Providers
serve people: a managed-account provider (or prepaid-card platform) by holding one of their
accounts, a payroll bureau by being named as their payroll provider. What a provider then sees
of them is only what it serves (``service.core.scope``). Anything outside that is 404 (existence
never leaks); inside it but not allowed for the role is 403.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, or_, select

from service.core.errors import Forbidden
from service.models import Account, Recipient, Representative

# council staff: they see the whole council and run its reviews
STAFF = ("admin", "officer")
COUNCIL_WIDE = frozenset(STAFF)


@dataclass(frozen=True, slots=True)
class Principal:
    user_id: int
    council_id: int
    role: str
    provider_id: int | None
    key_id: int | None

    @property
    def council_wide(self) -> bool:
        return self.role in COUNCIL_WIDE

    def require(self, *roles: str) -> None:
        if self.role not in roles:
            raise Forbidden(f"Your role ({self.role}) cannot do this.")


def visible_recipient_ids(principal: Principal) -> Select[int]:
    """The recipients a holder or provider may see; council-wide roles are filtered by council."""
    if principal.role == "holder":
        return select(Representative.recipient_id).where(
            Representative.user_id == principal.user_id,
            Representative.council_id == principal.council_id,
        )
    if principal.role == "provider":
        return select(Recipient.id).where(
            Recipient.council_id == principal.council_id,
            or_(Recipient.payroll_provider_id == principal.provider_id,
                Recipient.id.in_(held_account_ids(principal, Account.recipient_id))),
        )
    raise ValueError("council-wide roles are scoped by council, not by recipient")


def held_account_ids(principal: Principal, column: Any = Account.id) -> Select[Any]:
    """The accounts a provider holds (``column`` of them): the only accounts it ever sees."""
    return select(column).where(
        Account.provider_id == principal.provider_id,
        Account.council_id == principal.council_id,
    )
