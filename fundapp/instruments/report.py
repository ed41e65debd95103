"""Grants and guarantees in the fund report: what happened in the period, and what stands at its end."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fundapp.instruments import exposure
from fundapp.instruments.grant_models import Grant, GrantEvent, GrantEventKind, GrantStatus
from fundapp.instruments.guarantee_models import GuaranteeEvent, GuaranteeEventKind
from fundapp.money import ZERO


@dataclass(frozen=True)
class InstrumentFigures:
    grants_paid: Decimal
    grants_met: Decimal  # amounts of the grants judged in the period
    grants_not_met: Decimal
    clawed_back: Decimal
    received: Decimal
    grant_receivables: Decimal  # at the end of the period
    guarantees_outstanding: Decimal  # contingent, at the end of the period
    fee_income: Decimal
    called: Decimal


def figures(session: Session, fund_id: int, start: date, end: date, rows: list[exposure.Exposure]) -> InstrumentFigures:
    """Four queries; the standing figures are the totals of the exposure on the period's last day (``rows``)."""
    paid = session.scalar(
        select(func.sum(Grant.amount)).where(Grant.fund_id == fund_id, Grant.paid_on.between(start, end))
    )
    judged = dict(
        session.execute(
            select(Grant.status, func.sum(Grant.amount))
            .where(Grant.fund_id == fund_id, Grant.decided_on.between(start, end))
            .group_by(Grant.status)
        ).all()
    )
    grant_events = dict(
        session.execute(
            select(GrantEvent.kind, func.sum(GrantEvent.amount))
            .where(GrantEvent.fund_id == fund_id, GrantEvent.on.between(start, end))
            .group_by(GrantEvent.kind)
        ).all()
    )
    guarantee_events = dict(
        session.execute(
            select(GuaranteeEvent.kind, func.sum(GuaranteeEvent.amount))
            .where(GuaranteeEvent.fund_id == fund_id, GuaranteeEvent.on.between(start, end))
            .group_by(GuaranteeEvent.kind)
        ).all()
    )
    standing = exposure.totals(rows)
    return InstrumentFigures(
        grants_paid=paid or ZERO,
        grants_met=judged.get(GrantStatus.MET) or ZERO,
        grants_not_met=judged.get(GrantStatus.NOT_MET) or ZERO,
        clawed_back=grant_events.get(GrantEventKind.CLAWBACK) or ZERO,
        received=grant_events.get(GrantEventKind.RECEIPT) or ZERO,
        grant_receivables=standing["grant_receivables"],
        guarantees_outstanding=standing["guarantees"],
        fee_income=guarantee_events.get(GuaranteeEventKind.FEE_PAYMENT) or ZERO,
        called=guarantee_events.get(GuaranteeEventKind.CALL) or ZERO,
    )
