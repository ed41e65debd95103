"""Who sees and moves an application: its fund's managers and its enterprise's own members (see ``rules``)."""

from __future__ import annotations

from sqlalchemy import ColumnElement, or_

from fundapp.auth.policy.core import ids_in, rule
from fundapp.auth.policy.rules import own_investees
from fundapp.auth.policy.scope import Scope
from fundapp.investees.models import Investee
from fundapp.pipeline.models import Application


@rule(Investee, "apply")
def _investee_apply(scope: Scope) -> ColumnElement[bool]:
    """An enterprise's members file for it; its fund's managers may file on its behalf."""
    return Investee.id.in_(own_investees(scope))


@rule(Application, "view")
@rule(Application, "note")
def _application_view(scope: Scope) -> ColumnElement[bool]:
    """The applicant reads its application (without the fund's internal notes) and adds notes and documents."""
    return or_(ids_in(Application.fund_id, scope.fund_ids), ids_in(Application.investee_id, scope.investee_ids))


@rule(Application, "edit")
def _application_edit(scope: Scope) -> ColumnElement[bool]:
    """Moving it through the stages, internal notes and the committee's decision are the fund's managers'."""
    return ids_in(Application.fund_id, scope.fund_ids)
