"""Participations with their position on a date, in two queries whatever their number (lists, reports)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from fundapp.instruments.equity import Holding
from fundapp.instruments.models import EquityParticipation
from fundapp.instruments.services import holding_of
from fundapp.money import ZERO


@dataclass(frozen=True)
class Position:
    participation: EquityParticipation
    holding: Holding

    @property
    def shares_held(self) -> int:
        return self.holding.shares

    @property
    def cost_held(self) -> Decimal:
        return self.holding.cost

    @property
    def carrying_value(self) -> Decimal:
        return self.holding.carrying

    @property
    def value_per_share(self) -> Decimal | None:
        return self.holding.value_per_share

    @property
    def realised_result(self) -> Decimal:
        return self.holding.realised

    @property
    def unrealised_result(self) -> Decimal:
        return self.holding.unrealised

    @property
    def dividends(self) -> Decimal:
        return self.holding.dividends


@dataclass(frozen=True)
class Totals:
    cost: Decimal
    value: Decimal
    realised: Decimal
    unrealised: Decimal
    dividends: Decimal


def positions(session: Session, where: Iterable[Any], as_of: date | None = None) -> list[Position]:
    """The participations matching ``where`` (started by ``as_of``), each with its position then."""
    query = (
        select(EquityParticipation)
        .where(*where)
        .options(selectinload(EquityParticipation.events), selectinload(EquityParticipation.investee))
    )
    if as_of is not None:
        query = query.where(EquityParticipation.on <= as_of)
    rows = session.scalars(query.order_by(EquityParticipation.on, EquityParticipation.id)).all()
    return [Position(p, holding_of(p, as_of)) for p in rows]


def totals(found: Iterable[Position]) -> Totals:
    cost = value = realised = unrealised = dividends = ZERO
    for position in found:
        cost += position.cost_held
        value += position.carrying_value
        realised += position.realised_result
        unrealised += position.unrealised_result
        dividends += position.dividends
    return Totals(cost, value, realised, unrealised, dividends)


def detail(participation: EquityParticipation) -> dict[str, Any]:
    """The participation as the API answers it: its fields, its position today and its events."""
    held = holding_of(participation)
    return {
        **{name: getattr(participation, name) for name in ("id", "fund_id", "investee_id", "on", "shares")},
        **{name: getattr(participation, name) for name in ("price_per_share", "cost", "loan_id")},
        "converted_principal": participation.converted_principal,
        "converted_interest": participation.converted_interest,
        "position": Position(participation, held),
        "events": participation.events,
    }
