"""The validator's home page: per contract they validate, the results awaiting their verification, oldest first.

Three queries whatever the number of results: the contracts, the results counted per contract and status, and the
oldest results awaiting verification.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fundapp.auth.policy import Scope, memberships
from fundapp.investees.models import Investee
from fundapp.outcomes.models import OutcomeContract, OutcomeResult, ResultStatus

OLDEST_SHOWN = 10  # per contract; the results page lists them all


@dataclass
class PendingResult:
    achieved_on: date
    provider: str
    item: str
    participant: str | None
    period: str | None
    units: int


@dataclass
class ValidatorPanel:
    contract: OutcomeContract
    counts: dict[str, int]
    oldest: list[PendingResult] = field(default_factory=list)


def validator_panels(session: Session, scope: Scope) -> list[ValidatorPanel]:
    if not scope.is_validator:
        return []
    contracts = session.scalars(
        select(OutcomeContract)
        .where(memberships(scope, OutcomeContract))
        .order_by(OutcomeContract.reference, OutcomeContract.id)
    ).all()
    panels = {c.id: ValidatorPanel(c, {s.value: 0 for s in ResultStatus}) for c in contracts}
    for contract_id, status, count in session.execute(
        select(OutcomeResult.contract_id, OutcomeResult.status, func.count())
        .where(OutcomeResult.contract_id.in_(panels))
        .group_by(OutcomeResult.contract_id, OutcomeResult.status)
    ):
        panels[contract_id].counts[ResultStatus(status).value] = count
    ranked = (
        select(
            OutcomeResult.id,
            func.row_number()
            .over(partition_by=OutcomeResult.contract_id, order_by=(OutcomeResult.achieved_on, OutcomeResult.id))
            .label("n"),
        )
        .where(OutcomeResult.contract_id.in_(panels), OutcomeResult.status == ResultStatus.PENDING)
        .subquery()
    )
    rows = session.execute(
        select(
            OutcomeResult.contract_id,
            OutcomeResult.achieved_on,
            Investee.name,
            OutcomeResult.item_code,
            OutcomeResult.participant,
            OutcomeResult.period,
            OutcomeResult.units,
        )
        .join(ranked, ranked.c.id == OutcomeResult.id)
        .join(Investee, Investee.id == OutcomeResult.investee_id)
        .where(ranked.c.n <= OLDEST_SHOWN)
        .order_by(OutcomeResult.achieved_on, OutcomeResult.id)
    ).all()
    for contract_id, achieved_on, provider, item, participant, period, units in rows:
        panels[contract_id].oldest.append(PendingResult(achieved_on, provider, item, participant, period, units))
    return list(panels.values())
