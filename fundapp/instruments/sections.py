"""The grants and guarantees shown beside the loans: on the fund's portfolio page and on an investee's page."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from fundapp import clock
from fundapp.auth.policy import Scope, can, visible
from fundapp.instruments import exposure
from fundapp.instruments.grant_models import Grant
from fundapp.instruments.guarantee_models import Guarantee
from fundapp.investees.models import Investee


def _rows(session: Session, model: Any, *where: Any) -> list[Any]:
    query = select(model).options(joinedload(model.investee)).where(*where)
    return list(session.scalars(query.order_by(model.reference)))


def portfolio(session: Session, fund_id: int) -> dict[str, Any]:
    """The fund's grants and guarantees, two queries whatever their number."""
    return {
        "grants": _rows(session, Grant, Grant.fund_id == fund_id),
        "guarantees": _rows(session, Guarantee, Guarantee.fund_id == fund_id),
        "today": clock.today(),
    }


def investee(session: Session, scope: Scope, investee: Investee) -> dict[str, Any]:
    """The investee's grants and guarantees the user may see, and its exposure for who may see its loans."""
    shown = can(scope, "exposure", investee)
    rows = exposure.exposures(session, investee.fund_id, clock.today(), investee.id) if shown else []
    return {
        "instrument_grants": _rows(session, Grant, Grant.investee_id == investee.id, visible(scope, Grant)),
        "instrument_guarantees": _rows(
            session, Guarantee, Guarantee.investee_id == investee.id, visible(scope, Guarantee)
        ),
        "exposure_shown": shown,
        "exposure": rows[0] if rows else exposure.Exposure(investee.id, investee.name),
    }
