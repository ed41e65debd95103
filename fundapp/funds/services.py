"""Funds: the verbs. They change state and audit; they never commit."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from fundapp import audit
from fundapp.auth.policy import Scope, can
from fundapp.db import name_taken
from fundapp.errors import Conflict, Forbidden
from fundapp.funds.models import Fund
from fundapp.messages import N_

LOOSENING_REFUSED = N_(
    "Only an administrator may raise or remove the disbursement threshold: it holds back the fund's own managers."
)


def _check_unique_name(session: Session, name: str, exclude_id: int | None = None) -> None:
    if name_taken(session, Fund, name, exclude_id):
        raise Conflict("A fund with this name already exists.", [{"field": "name", "message": "already exists"}])


def create_fund(session: Session, actor: audit.Who, data: dict[str, Any]) -> Fund:
    _check_unique_name(session, data["name"])
    fund = Fund(**data)
    session.add(fund)
    session.flush()
    audit.record(session, actor, "fund.created", fund, {k: [None, v] for k, v in data.items()})
    return fund


def update_fund(session: Session, actor: audit.Who, scope: Scope, fund: Fund, data: dict[str, Any]) -> Fund:
    if _loosens_threshold(fund, data) and not can(scope, "loosen_controls", fund):
        raise Forbidden(LOOSENING_REFUSED, [{"field": "disbursement_threshold", "message": LOOSENING_REFUSED}])
    if "name" in data:
        _check_unique_name(session, data["name"], exclude_id=fund.id)
    changes = audit.apply_changes(fund, data)
    if changes:
        session.flush()
        audit.record(session, actor, "fund.updated", fund, changes)
    return fund


def _loosens_threshold(fund: Fund, data: dict[str, Any]) -> bool:
    """Whether the change lets a loan's maker disburse more alone: the threshold raised or removed."""
    if "disbursement_threshold" not in data or fund.disbursement_threshold is None:
        return False
    new = data["disbursement_threshold"]
    return new is None or new > fund.disbursement_threshold
