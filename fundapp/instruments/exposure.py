"""Exposure per investee on a date: what the fund has at stake with each, by rank.

- senior and subordinated loans: outstanding principal on the date (as the portfolio reads it);
- grant receivables: clawed back and not yet received by the date;
- guarantees: contingent, the guaranteed amount less what was called by the date, for guarantees in force
  (started, not expired); a call is from then on a (senior) loan, so it is counted once.

Four queries for the whole fund, whatever the number of investees.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, case, func, select, true
from sqlalchemy.orm import Session

from fundapp.instruments.grant_models import Grant, GrantEvent, GrantEventKind
from fundapp.instruments.guarantee_models import Guarantee, GuaranteeEvent, GuaranteeEventKind
from fundapp.investees.models import Investee
from fundapp.loans import portfolio
from fundapp.loans.models import Loan
from fundapp.money import ZERO, round_cent

PARTS = ("senior", "subordinated", "grant_receivables", "guarantees")


@dataclass(frozen=True)
class Exposure:
    investee_id: int
    investee: str
    senior: Decimal = ZERO
    subordinated: Decimal = ZERO
    grant_receivables: Decimal = ZERO
    guarantees: Decimal = ZERO

    @property
    def total(self) -> Decimal:
        return self.senior + self.subordinated + self.grant_receivables + self.guarantees


def exposures(session: Session, fund_id: int, as_of: date, investee_id: int | None = None) -> list[Exposure]:
    """One row per investee of the fund with anything at stake on the date, by name."""
    figures: dict[int, dict[str, Decimal]] = {}

    def add(rows: Iterable[Any], part: str) -> None:
        for who, amount in rows:
            if amount:
                figures.setdefault(who, dict.fromkeys(PARTS, ZERO))[part] += round_cent(Decimal(amount))

    per_loan = portfolio._per_loan(fund_id, as_of)
    loans = session.execute(
        select(Loan.investee_id, Loan.subordinated, func.sum(per_loan.c.outstanding))
        .join(per_loan, per_loan.c.loan_id == Loan.id)
        .where(per_loan.c.gone == 0, _of(Loan, investee_id))
        .group_by(Loan.investee_id, Loan.subordinated)
    ).all()
    add(((who, amount) for who, subordinated, amount in loans if subordinated), "subordinated")
    add(((who, amount) for who, subordinated, amount in loans if not subordinated), "senior")
    signed = case((GrantEvent.kind == GrantEventKind.CLAWBACK, GrantEvent.amount), else_=-GrantEvent.amount)
    add(
        session.execute(
            select(Grant.investee_id, func.sum(signed))
            .join(Grant, Grant.id == GrantEvent.grant_id)
            .where(GrantEvent.fund_id == fund_id, GrantEvent.on <= as_of, _of(Grant, investee_id))
            .group_by(Grant.investee_id)
        ),
        "grant_receivables",
    )
    called = (
        select(func.coalesce(func.sum(GuaranteeEvent.amount), 0))
        .where(
            GuaranteeEvent.guarantee_id == Guarantee.id,
            GuaranteeEvent.kind == GuaranteeEventKind.CALL,
            GuaranteeEvent.on <= as_of,
        )
        .scalar_subquery()
    )
    add(
        session.execute(
            select(Guarantee.investee_id, func.sum(Guarantee.guaranteed_amount - called))
            .where(
                Guarantee.fund_id == fund_id,
                Guarantee.starts_on <= as_of,
                Guarantee.expires_on >= as_of,
                _of(Guarantee, investee_id),
            )
            .group_by(Guarantee.investee_id)
        ),
        "guarantees",
    )
    names = dict(session.execute(select(Investee.id, Investee.name).where(Investee.id.in_(sorted(figures)))).all())
    rows = [Exposure(who, names[who], **parts) for who, parts in figures.items()]
    return sorted(rows, key=lambda row: (row.investee.casefold(), row.investee_id))


def _of(model: Any, investee_id: int | None) -> ColumnElement[bool]:
    return true() if investee_id is None else model.investee_id == investee_id


def totals(rows: list[Exposure]) -> dict[str, Decimal]:
    return {part: sum((getattr(row, part) for row in rows), ZERO) for part in (*PARTS, "total")}
