"""Who sees and moves grants and guarantees: their fund's managers; the investee's members read their own."""

from __future__ import annotations

from sqlalchemy import ColumnElement, or_

from fundapp.auth.policy.core import ids_in, rule
from fundapp.auth.policy.scope import Scope
from fundapp.instruments.grant_models import Grant
from fundapp.instruments.guarantee_models import Guarantee
from fundapp.investees.models import Investee


@rule(Grant, "view")
def _grant_view(scope: Scope) -> ColumnElement[bool]:
    return or_(ids_in(Grant.fund_id, scope.fund_ids), ids_in(Grant.investee_id, scope.investee_ids))


@rule(Grant, "edit")
def _grant_edit(scope: Scope) -> ColumnElement[bool]:
    return ids_in(Grant.fund_id, scope.fund_ids)


@rule(Guarantee, "view")
def _guarantee_view(scope: Scope) -> ColumnElement[bool]:
    return or_(ids_in(Guarantee.fund_id, scope.fund_ids), ids_in(Guarantee.investee_id, scope.investee_ids))


@rule(Guarantee, "edit")
def _guarantee_edit(scope: Scope) -> ColumnElement[bool]:
    return ids_in(Guarantee.fund_id, scope.fund_ids)


@rule(Investee, "exposure")
def _investee_exposure(scope: Scope) -> ColumnElement[bool]:
    """What the fund has at stake with an investee (its loans among it): its fund's managers and its own members."""
    return or_(ids_in(Investee.fund_id, scope.fund_ids), ids_in(Investee.id, scope.investee_ids))
