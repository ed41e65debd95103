"""Helpers shared by the result-financing pages."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from fundapp.outcomes.contract_schemas import (
    DecisionReasonSchema,
)
from fundapp.outcomes.models import (
    OutcomeContract,
)
from fundapp.web import confirm_with_reason


def officer_or_admin(scope: Any) -> bool:
    return scope.is_admin or scope.is_payer_officer


def provider_side(scope: Any) -> bool:
    return scope.is_admin or scope.is_fund_manager or scope.is_investee_member


def my_providers(contract: OutcomeContract, scope: Any) -> list[tuple[int, str]]:
    """The contract's providers the user acts for: their own enterprise, or their fund's."""
    return [
        (p.investee_id, p.investee.name)
        for p in contract.providers
        if scope.is_admin or p.investee_id in scope.investee_ids or p.investee.fund_id in scope.fund_ids
    ]


def reason_confirm(title: str, button: str, back: str, question: str, act: Any, message: str) -> Any:
    return confirm_with_reason(
        DecisionReasonSchema(), act, message, back, _("Reason"), title=title, button=button, question=question
    )
