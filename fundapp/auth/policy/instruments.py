"""The rules of the instruments beside the loan: a fund's equity participations are its managers'; the investee's
members see their own."""

from __future__ import annotations

from sqlalchemy import ColumnElement, or_, select

from fundapp.auth.policy.core import ids_in, rule
from fundapp.auth.policy.scope import Scope
from fundapp.instruments.models import EquityEvent, EquityParticipation

P = EquityParticipation


@rule(P, "view")
def _participation_view(scope: Scope) -> ColumnElement[bool]:
    return or_(ids_in(P.fund_id, scope.fund_ids), ids_in(P.investee_id, scope.investee_ids))


@rule(P, "edit")
def _participation_edit(scope: Scope) -> ColumnElement[bool]:
    return ids_in(P.fund_id, scope.fund_ids)


@rule(EquityEvent, "view")
def _event_view(scope: Scope) -> ColumnElement[bool]:
    return EquityEvent.participation_id.in_(select(P.id).where(_participation_view(scope)))
