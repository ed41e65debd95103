"""Who is asking, as data: the memberships of one user."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Scope:
    user_id: int | None = None
    is_admin: bool = False
    fund_ids: frozenset[int] = field(default_factory=frozenset)
    payer_ids: frozenset[int] = field(default_factory=frozenset)
    investee_ids: frozenset[int] = field(default_factory=frozenset)
    # Contracts whose results this user validates independently (role validator).
    contract_ids: frozenset[int] = field(default_factory=frozenset)

    @property
    def authenticated(self) -> bool:
        return self.user_id is not None

    @property
    def is_fund_manager(self) -> bool:
        return bool(self.fund_ids)

    @property
    def is_payer_officer(self) -> bool:
        return bool(self.payer_ids)

    @property
    def is_investee_member(self) -> bool:
        return bool(self.investee_ids)

    @property
    def is_validator(self) -> bool:
        return bool(self.contract_ids)

    @classmethod
    def anonymous(cls) -> Scope:
        return cls()

    @classmethod
    def of_user(cls, user: Any) -> Scope:
        from fundapp.auth.models import Role

        if user is None or not getattr(user, "is_authenticated", False):
            return cls()
        roles = user.memberships
        return cls(
            user_id=user.id,
            is_admin=any(m.role == Role.ADMIN for m in roles),
            fund_ids=frozenset(m.fund_id for m in roles if m.role == Role.FUND_MANAGER),
            payer_ids=frozenset(m.payer_id for m in roles if m.role == Role.PAYER_OFFICER),
            investee_ids=frozenset(m.investee_id for m in roles if m.role == Role.INVESTEE_MEMBER),
            contract_ids=frozenset(m.contract_id for m in roles if m.role == Role.VALIDATOR),
        )
