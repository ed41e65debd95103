"""Funds: the verbs. They change state and audit; they never commit."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from fundapp import audit
from fundapp.db import name_taken
from fundapp.errors import Conflict
from fundapp.funds.models import Fund


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


def update_fund(session: Session, actor: audit.Who, fund: Fund, data: dict[str, Any]) -> Fund:
    if "name" in data:
        _check_unique_name(session, data["name"], exclude_id=fund.id)
    changes = audit.apply_changes(fund, data)
    if changes:
        session.flush()
        audit.record(session, actor, "fund.updated", fund, changes)
    return fund
