"""The fund report's portfolio split by impact orientation and by Impactpad growth level (issue #14, item 14)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fundapp.investees.models import GrowthLevel, Investee, Orientation, SupportEntry
from fundapp.investees.support import current_levels
from fundapp.reports.queries import LoanRow

ZERO = Decimal("0.00")
# An investee whose orientation or level was never set is counted under this key, so each split adds up.
NOT_SET = ""


@dataclass
class SplitRow:
    key: str  # an Orientation or GrowthLevel value, or NOT_SET
    investees: int
    outstanding: Decimal
    support_hours: Decimal


@dataclass
class Splits:
    by_orientation: list[SplitRow]
    by_level: list[SplitRow]


def splits(session: Session, fund_id: int, loans: list[LoanRow], start: date, as_of: date) -> Splits:
    """Investees, outstanding principal and each investee's growth level on ``as_of``, and the support hours
    given from ``start`` to ``as_of``, per group: three queries whatever the number of investees."""
    orientation = {
        i: (o.value if o else NOT_SET)
        for i, o in session.execute(select(Investee.id, Investee.orientation).where(Investee.fund_id == fund_id))
    }
    ids = select(Investee.id).where(Investee.fund_id == fund_id)
    level = {i: lvl.value for i, lvl in current_levels(session, ids, as_of).items()}
    hours = {
        row[0]: row[1]
        for row in session.execute(
            select(SupportEntry.investee_id, func.sum(SupportEntry.hours))
            .where(SupportEntry.investee_id.in_(ids), SupportEntry.given_on.between(start, as_of))
            .group_by(SupportEntry.investee_id)
        )
    }
    outstanding: dict[int, Decimal] = {}
    for loan in loans:
        outstanding[loan.investee_id] = outstanding.get(loan.investee_id, ZERO) + loan.outstanding
    keys_orientation = [o.value for o in Orientation] + [NOT_SET]
    keys_level = [lvl.value for lvl in GrowthLevel] + [NOT_SET]
    return Splits(
        _rows(keys_orientation, orientation, outstanding, hours),
        _rows(keys_level, {i: level.get(i, NOT_SET) for i in orientation}, outstanding, hours),
    )


def _rows(
    keys: list[str], group_of: dict[int, str], outstanding: dict[int, Decimal], hours: dict[int, Decimal]
) -> list[SplitRow]:
    rows = []
    for key in keys:
        members = [i for i, group in group_of.items() if group == key]
        rows.append(
            SplitRow(
                key,
                len(members),
                sum((outstanding.get(i, ZERO) for i in members), ZERO),
                sum((Decimal(hours.get(i) or 0) for i in members), ZERO),
            )
        )
    return rows
