"""The financing rounds a user may see, filtered and in order (one query, parties loaded with them)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from fundapp.auth.policy import Scope, visible
from fundapp.cofinancing.models import FinancingRound, RoundParticipant


def round_query(scope: Scope, investee_id: int | None = None, fund_id: int | None = None) -> Any:
    query = select(FinancingRound).where(visible(scope, FinancingRound))
    if investee_id:
        query = query.where(FinancingRound.investee_id == investee_id)
    if fund_id:
        query = query.where(
            FinancingRound.id.in_(select(RoundParticipant.round_id).where(RoundParticipant.fund_id == fund_id))
        )
    return query.order_by(FinancingRound.on.desc(), FinancingRound.id.desc())
