"""Authorization is data, checked here and nowhere else.

A user's memberships give a ``Scope``. Each rule is one SQL condition per kind
of object and action (``rules``): every list query is filtered by it
(``visible``), every object load goes through ``load()``, which answers 404 for
what the user may not see and 403 for what they may see but not do.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement

from fundapp.auth.policy import (
    grant_rules,  # noqa: F401 - registers the rules of grants and guarantees
    pipeline_rules,  # noqa: F401 - registers the pipeline's rules
)
from fundapp.auth.policy import instruments as _instruments  # noqa: F401 - registers the instruments' rules
from fundapp.auth.policy.core import RULES, can, load, never, permitted_ids, require, require_admin, visible
from fundapp.auth.policy.rules import (
    acting_payers,
    acting_providers,
    attached_it,
    fund_choices,
    investee_choices,
    is_manager_or_admin,
    is_officer_or_admin,
    is_provider_side,
    may_add_shared_indicator,
    may_set_up_contract,
    memberships,
    payer_rows_of,
    payers_represented,
    provider_rows_of,
    sees_results,
    sees_the_whole_system,
    takes_part,
    verifies_results,
)
from fundapp.auth.policy.scope import Scope


def managed_fund_ids(scope: Scope) -> frozenset[int]:
    """The funds the user manages (an administrator manages none): the consolidated view's funds."""
    return scope.fund_ids


def visible_funds(scope: Scope) -> ColumnElement[bool]:
    from fundapp.funds.models import Fund

    return visible(scope, Fund)


def visible_investees(scope: Scope) -> ColumnElement[bool]:
    from fundapp.investees.models import Investee

    return visible(scope, Investee)


def visible_payers(scope: Scope) -> ColumnElement[bool]:
    from fundapp.payers.models import OutcomePayer

    return visible(scope, OutcomePayer)


def visible_loans(scope: Scope) -> ColumnElement[bool]:
    from fundapp.loans.models import Loan

    return visible(scope, Loan)


def reads_loans(scope: Scope) -> bool:
    """Whether the reader sees loans at all: an administrator, a fund's manager or an enterprise's member; a payer's
    officer or a contract's validator does not (an enterprise's loans are its fund's and its own business)."""
    return scope.is_admin or scope.is_fund_manager or bool(scope.investee_ids)


def visible_contracts(scope: Scope) -> ColumnElement[bool]:
    from fundapp.outcomes.models import OutcomeContract

    return visible(scope, OutcomeContract)


def visible_claims(scope: Scope) -> ColumnElement[bool]:
    from fundapp.outcomes.models import Claim

    return visible(scope, Claim)


def visible_results(scope: Scope) -> ColumnElement[bool]:
    from fundapp.outcomes.models import OutcomeResult

    return visible(scope, OutcomeResult)


def visible_indicators(scope: Scope) -> ColumnElement[bool]:
    from fundapp.impact.models import Indicator

    return visible(scope, Indicator)


def can_see_participants(scope: Scope, investee: Any) -> bool:
    return can(scope, "participants", investee)


__all__ = [
    "RULES",
    "Scope",
    "acting_payers",
    "acting_providers",
    "attached_it",
    "can",
    "can_see_participants",
    "fund_choices",
    "investee_choices",
    "is_manager_or_admin",
    "is_officer_or_admin",
    "is_provider_side",
    "load",
    "may_add_shared_indicator",
    "may_set_up_contract",
    "memberships",
    "never",
    "payer_rows_of",
    "payers_represented",
    "permitted_ids",
    "provider_rows_of",
    "reads_loans",
    "require",
    "require_admin",
    "sees_results",
    "sees_the_whole_system",
    "takes_part",
    "verifies_results",
    "visible",
    "visible_claims",
    "visible_contracts",
    "visible_funds",
    "visible_indicators",
    "visible_investees",
    "visible_loans",
    "visible_payers",
    "visible_results",
]
