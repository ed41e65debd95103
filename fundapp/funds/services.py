"""Funds and their capital sources: the verbs. They change state and audit; they never commit."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from fundapp import audit
from fundapp.db import name_taken
from fundapp.errors import Conflict, ValidationFailed
from fundapp.funds.models import CapitalSource, Fund


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


def add_capital_source(session: Session, actor: audit.Who, fund: Fund, data: dict[str, Any]) -> CapitalSource:
    data = dict(data)
    if data.get("paid_in") is None:
        data["paid_in"] = Decimal("0.00")
    source = CapitalSource(fund=fund, **data)
    session.add(source)
    session.flush()
    audit.record(
        session,
        actor,
        "capital_source.added",
        source,
        {"fund_id": [None, fund.id], **{k: [None, v] for k, v in data.items()}},
    )
    return source


def update_capital_source(
    session: Session, actor: audit.Who, source: CapitalSource, data: dict[str, Any]
) -> CapitalSource:
    data = dict(data)
    if "paid_in" in data and data["paid_in"] is None:
        data["paid_in"] = Decimal("0.00")
    committed = data.get("committed", source.committed)
    paid_in = data.get("paid_in", source.paid_in)
    if paid_in > committed:
        raise ValidationFailed.field("paid_in", "Paid in cannot exceed the commitment.")
    changes = audit.apply_changes(source, data)
    if changes:
        session.flush()
        audit.record(session, actor, "capital_source.updated", source, changes)
    return source
