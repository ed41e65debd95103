"""Loan-loss provision per arrears bucket of outstanding principal, and its month-end journal entries.

Provision on date D = Σ over the fund's active loans of outstanding principal × the percentage of the loan's
bucket on D (days past due: 0 current, 1–30, 31–90, over 90), each loan's part half-up to the cent. The journal
books the provision at each month end: one ProvisionChange for the change since the previous month end, so at
a month end the journal's loan-loss provision balance equals the provision of that day.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from fundapp import audit
from fundapp.banking import journal
from fundapp.capital.models import ProvisionRates
from fundapp.cofinancing import shares
from fundapp.funds.models import Fund
from fundapp.loans.models import Loan
from fundapp.loans.portfolio import arrears_rows
from fundapp.money import ZERO, round_cent

BUCKETS = ("current", "days_1_30", "days_31_90", "over_90")
DEFAULT_RATES = dict(zip(BUCKETS, (Decimal("1"), Decimal("5"), Decimal("25"), Decimal("50")), strict=True))


@dataclass(frozen=True)
class Rates:
    current: Decimal
    days_1_30: Decimal
    days_31_90: Decimal
    over_90: Decimal

    def percent_for(self, days_past_due: int) -> Decimal:
        if days_past_due <= 0:
            return self.current
        if days_past_due <= 30:
            return self.days_1_30
        return self.days_31_90 if days_past_due <= 90 else self.over_90


def rates_of(session: Session, fund_id: int) -> Rates:
    row = session.get(ProvisionRates, fund_id)
    if row is None:
        return Rates(**DEFAULT_RATES)
    return Rates(**{name: getattr(row, name) for name in BUCKETS})


def set_rates(session: Session, actor: audit.Who, fund: Fund, data: dict[str, Decimal]) -> Rates:
    row = session.get(ProvisionRates, fund.id)
    before = rates_of(session, fund.id)
    if row is None:
        row = ProvisionRates(fund_id=fund.id, **{name: getattr(before, name) for name in BUCKETS})
        session.add(row)
    changes = audit.apply_changes(row, {name: data[name] for name in BUCKETS if name in data})
    session.flush()
    if changes:
        audit.record(session, actor, "fund.provision_rates", fund, changes)
    return rates_of(session, fund.id)


def provision_of(rows: list[tuple[Decimal, dt.date | None]], rates: Rates, on: dt.date) -> Decimal:
    """Pure: the provision on ``on`` of loans given as (outstanding principal, oldest unpaid due date)."""
    total = ZERO
    for outstanding, oldest_due in rows:
        days = (on - oldest_due).days if oldest_due else 0
        total += round_cent(outstanding * rates.percent_for(days) / 100)
    return total


def provision_on(session: Session, fund_id: int, on: dt.date, rates: Rates | None = None) -> Decimal:
    return provision_of(arrears_rows(session, fund_id, on), rates or rates_of(session, fund_id), on)


def month_ends(first: dt.date, last: dt.date) -> list[dt.date]:
    """Every last day of a month from ``first``'s month up to ``last`` (included)."""
    found: list[dt.date] = []
    year, month = first.year, first.month
    while True:
        following = dt.date(year + month // 12, month % 12 + 1, 1)
        end = following - dt.timedelta(days=1)
        if end > last:
            return found
        found.append(end)
        year, month = following.year, following.month


def journal_events(session: Session, fund_id: int, start: dt.date, end: dt.date) -> list[journal.Event]:
    """One ProvisionChange per month end in the period whose provision differs from the previous month end's."""
    # A fund's loans include its shares of syndicated loans it does not lead (fundapp/cofinancing).
    own_or_share = or_(Loan.fund_id == fund_id, Loan.id.in_(shares.stakes(fund_id)))
    first = session.scalar(select(func.min(Loan.disbursement_date)).where(own_or_share, Loan.disbursed > 0))
    if first is None:
        return []
    rates = rates_of(session, fund_id)
    found: list[journal.Event] = []
    previous: Decimal | None = None
    for month_end in month_ends(max(first, start), end):
        if previous is None:
            before = month_end.replace(day=1) - dt.timedelta(days=1)
            previous = provision_on(session, fund_id, before, rates) if before >= first else ZERO
        current = provision_on(session, fund_id, month_end, rates)
        if current != previous:
            found.append(journal.ProvisionChange(month_end, f"PROV-{month_end:%Y-%m}", current - previous))
        previous = current
    return found
