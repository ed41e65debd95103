"""Authorization is data, checked here and nowhere else.

A user's memberships give a ``Scope``. Every list query is filtered by a
``visible_*`` clause, every object load goes through ``load()``, which answers
404 for what the user may not see and 403 for what they may see but not do.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, false, select, true
from sqlalchemy.orm import Session

from fundapp.errors import Forbidden, NotFound

T = TypeVar("T")


@dataclass(frozen=True)
class Scope:
    user_id: int | None = None
    is_admin: bool = False
    fund_ids: frozenset[int] = field(default_factory=frozenset)
    payer_ids: frozenset[int] = field(default_factory=frozenset)
    investee_ids: frozenset[int] = field(default_factory=frozenset)

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
        )


def _ids_clause(column: Any, ids: frozenset[int]) -> ColumnElement[bool]:
    return column.in_(sorted(ids)) if ids else false()


# --- visibility of lists -------------------------------------------------------


def visible_funds(scope: Scope) -> ColumnElement[bool]:
    from fundapp.funds.models import Fund

    if scope.is_admin:
        return true()
    return _ids_clause(Fund.id, scope.fund_ids)


def contracted_investee_ids(scope: Scope) -> Any:
    """Investees that provide under a contract of one of the user's payers (a subquery)."""
    from fundapp.outcomes import links

    return links.provider_investee_ids_for_payers(scope.payer_ids)


def visible_investees(scope: Scope) -> ColumnElement[bool]:
    from fundapp.investees.models import Investee

    if scope.is_admin:
        return true()
    clauses = [_ids_clause(Investee.fund_id, scope.fund_ids), _ids_clause(Investee.id, scope.investee_ids)]
    if scope.payer_ids:
        clauses.append(Investee.id.in_(contracted_investee_ids(scope)))
    from sqlalchemy import or_

    return or_(*clauses)


def visible_payers(scope: Scope) -> ColumnElement[bool]:
    from fundapp.payers.models import OutcomePayer

    if scope.is_admin:
        return true()
    return _ids_clause(OutcomePayer.id, scope.payer_ids)


# --- object rules ------------------------------------------------------------

Rule = Callable[[Scope, Any], bool]
_RULES: dict[tuple[str, str], Rule] = {}


def rule(kind: str, action: str) -> Callable[[Rule], Rule]:
    def register(fn: Rule) -> Rule:
        _RULES[(kind, action)] = fn
        return fn

    return register


# Deciding on public money is for the payer's own officers: an administrator runs the system, not the budget.
NO_ADMIN_BYPASS = frozenset({("Claim", "decide")})


def can(scope: Scope, action: str, obj: Any) -> bool:
    kind = type(obj).__name__
    check = _RULES.get((kind, action))
    if check is None:
        raise LookupError(f"no authorization rule for {kind}.{action}")
    if scope.is_admin and (kind, action) not in NO_ADMIN_BYPASS:
        return True
    return check(scope, obj)


def require(scope: Scope, action: str, obj: Any) -> None:
    """Raise 404 if the user may not even see ``obj``, 403 if they may see it but not do ``action``."""
    if can(scope, action, obj):
        return
    if action != "view" and can(scope, "view", obj):
        raise Forbidden("You may see this, but not change it.")
    raise NotFound("Not found, or not yours to see.")


def load(
    session: Session, model: type[T], object_id: Any, scope: Scope, action: str = "view", options: tuple[Any, ...] = ()
) -> T:
    obj = session.get(model, object_id, options=list(options)) if options else session.get(model, object_id)
    if obj is None:
        raise NotFound("Not found, or not yours to see.")
    require(scope, action, obj)
    return obj


def require_admin(scope: Scope) -> None:
    if not scope.is_admin:
        raise Forbidden("Only an administrator may do this.")


@rule("Fund", "view")
def _fund_view(scope: Scope, fund: Any) -> bool:
    return fund.id in scope.fund_ids


@rule("Fund", "edit")
def _fund_edit(scope: Scope, fund: Any) -> bool:
    return fund.id in scope.fund_ids


@rule("Investee", "view")
def _investee_view(scope: Scope, investee: Any) -> bool:
    if investee.fund_id in scope.fund_ids or investee.id in scope.investee_ids:
        return True
    if scope.payer_ids:
        from fundapp.outcomes import links

        return links.investee_contracted_by_payers(investee.id, scope.payer_ids)
    return False


@rule("Investee", "edit")
def _investee_edit(scope: Scope, investee: Any) -> bool:
    return investee.fund_id in scope.fund_ids


@rule("OutcomePayer", "view")
def _payer_view(scope: Scope, payer: Any) -> bool:
    return payer.id in scope.payer_ids


@rule("OutcomePayer", "edit")
def _payer_edit(scope: Scope, payer: Any) -> bool:
    return payer.id in scope.payer_ids


__all__ = [
    "Scope",
    "can",
    "load",
    "require",
    "require_admin",
    "rule",
    "select",
    "visible_funds",
    "visible_investees",
    "visible_payers",
]


@rule("CapitalSource", "view")
def _capital_source_view(scope: Scope, source: Any) -> bool:
    return source.fund_id in scope.fund_ids


@rule("CapitalSource", "edit")
def _capital_source_edit(scope: Scope, source: Any) -> bool:
    return source.fund_id in scope.fund_ids


@rule("Label", "view")
def _label_view(scope: Scope, label: Any) -> bool:
    return can(scope, "view", label.investee)


@rule("Label", "edit")
def _label_edit(scope: Scope, label: Any) -> bool:
    return can(scope, "edit", label.investee)


@rule("Loan", "view")
def _loan_view(scope: Scope, loan: Any) -> bool:
    return loan.fund_id in scope.fund_ids or loan.investee_id in scope.investee_ids


@rule("Loan", "edit")
def _loan_edit(scope: Scope, loan: Any) -> bool:
    return loan.fund_id in scope.fund_ids


@rule("LoanEvent", "view")
def _loan_event_view(scope: Scope, event: Any) -> bool:
    return _loan_view(scope, event.loan)


@rule("LoanEvent", "edit")
def _loan_event_edit(scope: Scope, event: Any) -> bool:
    return _loan_edit(scope, event.loan)


def visible_loans(scope: Scope) -> ColumnElement[bool]:
    from sqlalchemy import or_

    from fundapp.loans.models import Loan

    if scope.is_admin:
        return true()
    return or_(_ids_clause(Loan.fund_id, scope.fund_ids), _ids_clause(Loan.investee_id, scope.investee_ids))


@rule("Investee", "report")
def _investee_report(scope: Scope, investee: Any) -> bool:
    """Who may upload and submit the investee's KPI reports: its members and its fund's managers."""
    return investee.id in scope.investee_ids or investee.fund_id in scope.fund_ids


@rule("Submission", "view")
def _submission_view(scope: Scope, submission: Any) -> bool:
    return _investee_view(scope, submission.investee)


@rule("Submission", "submit")
def _submission_submit(scope: Scope, submission: Any) -> bool:
    return _investee_report(scope, submission.investee)


@rule("Submission", "review")
def _submission_review(scope: Scope, submission: Any) -> bool:
    return submission.investee.fund_id in scope.fund_ids


@rule("Indicator", "view")
def _indicator_view(scope: Scope, indicator: Any) -> bool:
    return indicator.fund_id is None or indicator.fund_id in scope.fund_ids


def can_see_participants(scope: Scope, investee: Any) -> bool:
    """Participant rows are personal data: the investee, its fund's managers, officers of payers that contract it.

    No administrator bypass: an administrator runs the system, not the programme.
    """
    if investee.id in scope.investee_ids or investee.fund_id in scope.fund_ids:
        return True
    if scope.payer_ids:
        from fundapp.outcomes import links

        return links.investee_contracted_by_payers(investee.id, scope.payer_ids)
    return False


# --- result financing ---------------------------------------------------------------------


def _contract_payers(contract: Any) -> set[int]:
    return {p.payer_id for p in contract.payers}


def _contract_provider_funds(contract: Any) -> set[int]:
    return {p.investee.fund_id for p in contract.providers}


@rule("OutcomeContract", "view")
def _contract_view(scope: Scope, contract: Any) -> bool:
    return bool(
        _contract_payers(contract) & scope.payer_ids
        or _contract_provider_funds(contract) & scope.fund_ids
        or contract.provider_ids & scope.investee_ids
    )


@rule("OutcomeContract", "edit")
def _contract_edit(scope: Scope, contract: Any) -> bool:
    return bool(_contract_payers(contract) & scope.payer_ids)


@rule("OutcomeContract", "claim")
def _contract_claim(scope: Scope, contract: Any) -> bool:
    """Providers' side: the managers of their funds and the investees themselves compute and submit claims."""
    return bool(_contract_provider_funds(contract) & scope.fund_ids or contract.provider_ids & scope.investee_ids)


@rule("RateCard", "view")
def _rate_card_view(scope: Scope, card: Any) -> bool:
    return card.payer_id in scope.payer_ids


@rule("RateCard", "edit")
def _rate_card_edit(scope: Scope, card: Any) -> bool:
    return card.payer_id in scope.payer_ids


@rule("OutcomeResult", "view")
def _result_view(scope: Scope, result: Any) -> bool:
    return _contract_view(scope, result.contract) and (
        bool(_contract_payers(result.contract) & scope.payer_ids)
        or result.investee.fund_id in scope.fund_ids
        or result.investee_id in scope.investee_ids
    )


@rule("OutcomeResult", "verify")
def _result_verify(scope: Scope, result: Any) -> bool:
    return result.investee.fund_id in scope.fund_ids


@rule("Claim", "view")
def _claim_view(scope: Scope, claim: Any) -> bool:
    return (
        bool(_contract_payers(claim.contract) & scope.payer_ids)
        or claim.investee.fund_id in scope.fund_ids
        or claim.investee_id in scope.investee_ids
    )


@rule("Claim", "submit")
def _claim_submit(scope: Scope, claim: Any) -> bool:
    return claim.investee.fund_id in scope.fund_ids or claim.investee_id in scope.investee_ids


@rule("Claim", "decide")
def _claim_decide(scope: Scope, claim: Any) -> bool:
    return bool(_contract_payers(claim.contract) & scope.payer_ids)


def visible_contracts(scope: Scope) -> ColumnElement[bool]:
    from sqlalchemy import or_

    from fundapp.investees.models import Investee
    from fundapp.outcomes.models import ContractPayer, ContractProvider, OutcomeContract

    if scope.is_admin:
        return true()
    by_payer = select(ContractPayer.contract_id).where(ContractPayer.payer_id.in_(sorted(scope.payer_ids)))
    by_provider = (
        select(ContractProvider.contract_id)
        .join(Investee, Investee.id == ContractProvider.investee_id)
        .where(or_(Investee.fund_id.in_(sorted(scope.fund_ids)), Investee.id.in_(sorted(scope.investee_ids))))
    )
    return or_(OutcomeContract.id.in_(by_payer), OutcomeContract.id.in_(by_provider))


def _payers_contracts(scope: Scope) -> Any:
    from fundapp.outcomes.models import ContractPayer

    return select(ContractPayer.contract_id).where(ContractPayer.payer_id.in_(sorted(scope.payer_ids)))


def _own_investees(scope: Scope) -> Any:
    from sqlalchemy import or_

    from fundapp.investees.models import Investee

    return select(Investee.id).where(
        or_(Investee.fund_id.in_(sorted(scope.fund_ids)), Investee.id.in_(sorted(scope.investee_ids)))
    )


def _contract_or_provider(scope: Scope, model: Any) -> ColumnElement[bool]:
    """Rows of a payer's contracts, or of the user's own investees (as provider)."""
    from sqlalchemy import or_

    if scope.is_admin:
        return true()
    return or_(model.contract_id.in_(_payers_contracts(scope)), model.investee_id.in_(_own_investees(scope)))


def visible_claims(scope: Scope) -> ColumnElement[bool]:
    from fundapp.outcomes.models import Claim

    return _contract_or_provider(scope, Claim)


def visible_results(scope: Scope) -> ColumnElement[bool]:
    from fundapp.outcomes.models import OutcomeResult

    return _contract_or_provider(scope, OutcomeResult)
