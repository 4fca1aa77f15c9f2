"""Who is calling, and the rule for what they may see.

Admins and officers see their council. Holders see the recipients they hold for. Providers see
the recipients whose accounts they serve. Anything outside that is 404 (existence never leaks);
inside it but not allowed for the role is 403.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, select

from service.core.errors import Forbidden
from service.models import Account, Representative

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
        return select(Account.recipient_id).where(
            Account.provider_id == principal.provider_id,
            Account.council_id == principal.council_id,
        )
    raise ValueError("council-wide roles are scoped by council, not by recipient")
