"""Helpers shared by the result-financing pages."""

from __future__ import annotations

from typing import Any

from fundapp.auth.policy import acting_providers
from fundapp.i18n import gettext as _
from fundapp.outcomes.contract_schemas import DecisionReasonSchema
from fundapp.outcomes.models import OutcomeContract
from fundapp.web import confirm_with_reason


def my_providers(contract: OutcomeContract, scope: Any) -> list[tuple[int, str]]:
    """The contract's providers the user acts for, as choices."""
    return [(p.investee_id, p.investee.name) for p in acting_providers(scope, contract)]


def reason_confirm(title: str, button: str, back: str, question: str, act: Any, message: str) -> Any:
    return confirm_with_reason(
        DecisionReasonSchema(), act, message, back, _("Reason"), title=title, button=button, question=question
    )
