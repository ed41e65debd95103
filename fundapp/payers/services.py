"""Outcome payers (municipalities, provinces): the verbs."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from fundapp import audit
from fundapp.db import name_taken
from fundapp.errors import Conflict
from fundapp.payers.models import OutcomePayer


def _check_unique_name(session: Session, name: str, exclude_id: int | None = None) -> None:
    if name_taken(session, OutcomePayer, name, exclude_id):
        raise Conflict(
            "An outcome payer with this name already exists.", [{"field": "name", "message": "already exists"}]
        )


def create_payer(session: Session, actor: audit.Who, data: dict[str, Any]) -> OutcomePayer:
    _check_unique_name(session, data["name"])
    payer = OutcomePayer(**data)
    session.add(payer)
    session.flush()
    audit.record(session, actor, "payer.created", payer, {k: [None, v] for k, v in data.items()})
    return payer


def update_payer(session: Session, actor: audit.Who, payer: OutcomePayer, data: dict[str, Any]) -> OutcomePayer:
    if "name" in data:
        _check_unique_name(session, data["name"], exclude_id=payer.id)
    changes = audit.apply_changes(payer, data)
    if changes:
        session.flush()
        audit.record(session, actor, "payer.updated", payer, changes)
    return payer
