"""NAV of a fund on a date, and each investor's capital account on it.

NAV = cash + loans at outstanding principal − loan-loss provision + equity at its last valuation + other
receivables. Everything but the provision is read from the journal's balances up to the date (so every
instrument that journals its events counts without this module knowing it); the provision is the provision on
the date itself (``provision.provision_on``), which the journal books only at month ends.

An investor's share of the NAV is its fixed share where it has one; the rest of the NAV is shared by paid-in
capital on the date among the investors without a fixed share. Each NAV share is rounded half-up to the cent.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from itertools import groupby

from sqlalchemy import select
from sqlalchemy.orm import Session

from fundapp.banking import journal, ledger
from fundapp.capital import provision
from fundapp.capital.models import CapitalCall, Distribution, Investor
from fundapp.loans.arrears import xirr
from fundapp.money import ZERO, round_cent, round_places

RATIO_PLACES, IRR_PLACES = 4, 6


@dataclass(frozen=True)
class Nav:
    as_of: dt.date
    cash: Decimal
    loans_outstanding: Decimal
    provision: Decimal
    equity_value: Decimal
    receivables: Decimal

    @property
    def nav(self) -> Decimal:
        return self.cash + self.loans_outstanding - self.provision + self.equity_value + self.receivables


def balances(session: Session, fund_id: int, as_of: dt.date) -> dict[str, Decimal]:
    """The journal's balance per role up to the date (``ledger.role_balances``) of the sources that move money,
    each source's events summed in SQL (``ledger.TOTALS``): a fixed number of queries whatever the number of
    loans and payments. The month-end provision changes are left out (``ledger.NO_MONEY``): the NAV takes the
    provision of the day itself."""
    chart = ledger.chart_for(session, fund_id)
    summed = ledger.events(session, fund_id, dt.date.min, as_of, money_only=True, summed=True)
    return journal.role_balances(journal.entries_for(summed, chart), chart)


def cash_free(session: Session, fund_id: int, on: dt.date) -> Decimal:
    """What the fund can still pay out on a day: its cash then, or less where payments already recorded after
    that day draw on it (the lowest day-end bank balance from that day on). Without this, a back-dated
    distribution could pay out cash that a later distribution had already paid out."""
    chart = ledger.chart_for(session, fund_id)
    balance = lowest = balances(session, fund_id, on)["bank"]
    later = ledger.events(session, fund_id, on + dt.timedelta(days=1), dt.date.max, money_only=True)
    for _day, entries in groupby(journal.entries_for(later, chart), key=lambda entry: entry.date):
        balance += journal.balances(entries).get(chart.bank.code, ZERO)
        lowest = min(lowest, balance)
    return lowest


def nav(session: Session, fund_id: int, as_of: dt.date) -> Nav:
    balances_then = balances(session, fund_id, as_of)
    return Nav(
        as_of=as_of,
        cash=balances_then["bank"],
        loans_outstanding=balances_then["loans_receivable"],
        provision=provision.provision_on(session, fund_id, as_of),
        equity_value=balances_then["equity_investments"],
        receivables=balances_then["other_receivables"],
    )


@dataclass(frozen=True)
class CapitalAccount:
    investor_id: int
    as_of: dt.date
    committed: Decimal
    paid_in: Decimal
    distributed: Decimal
    nav_share: Decimal
    irr: Decimal | None

    @property
    def unfunded(self) -> Decimal:
        return self.committed - self.paid_in

    def _ratio(self, amount: Decimal) -> Decimal | None:
        return round_places(amount / self.paid_in, RATIO_PLACES) if self.paid_in else None

    @property
    def dpi(self) -> Decimal | None:
        return self._ratio(self.distributed)

    @property
    def rvpi(self) -> Decimal | None:
        return self._ratio(self.nav_share)

    @property
    def tvpi(self) -> Decimal | None:
        """DPI + RVPI as shown, so the three ratios on a statement add up."""
        return None if self.dpi is None or self.rvpi is None else self.dpi + self.rvpi


Flow = tuple[dt.date, Decimal]


@dataclass(frozen=True)
class Position:
    """Pure input of one investor: what it committed, its calls and distributions up to the date."""

    investor_id: int
    committed: Decimal
    fixed_share_percent: Decimal | None
    calls: list[Flow]
    distributions: list[Flow]


def shares(positions: list[Position]) -> dict[int, Decimal]:
    """Each investor's share of the NAV (a fraction): fixed where set, the rest by paid-in capital."""
    fixed = {p.investor_id: p.fixed_share_percent / 100 for p in positions if p.fixed_share_percent is not None}
    rest = 1 - sum(fixed.values(), ZERO)
    paid = {p.investor_id: sum((a for _, a in p.calls), ZERO) for p in positions if p.investor_id not in fixed}
    total = sum(paid.values(), ZERO)
    return {**fixed, **{i: (rest * amount / total if total else ZERO) for i, amount in paid.items()}}


def accounts_of(positions: list[Position], fund_nav: Decimal, as_of: dt.date) -> dict[int, CapitalAccount]:
    """Pure: every investor's capital account on the date, given the fund's NAV on it."""
    result, fractions = {}, shares(positions)
    for position in positions:
        nav_share = round_cent(fund_nav * fractions[position.investor_id])
        paid_in = sum((a for _, a in position.calls), ZERO)
        flows = [(d, -a) for d, a in position.calls] + list(position.distributions) + [(as_of, nav_share)]
        rate = xirr(flows) if paid_in else None
        result[position.investor_id] = CapitalAccount(
            investor_id=position.investor_id,
            as_of=as_of,
            committed=position.committed,
            paid_in=paid_in,
            distributed=sum((a for _, a in position.distributions), ZERO),
            nav_share=nav_share,
            irr=None if rate is None else round_places(rate, IRR_PLACES),
        )
    return result


def positions(session: Session, fund_id: int, as_of: dt.date) -> list[Position]:
    """Every investor of the fund with its calls and distributions up to the date (three queries)."""
    calls: dict[int, list[Flow]] = defaultdict(list)
    paid_out: dict[int, list[Flow]] = defaultdict(list)
    for target, model in ((calls, CapitalCall), (paid_out, Distribution)):
        for investor_id, on, amount in session.execute(
            select(model.investor_id, model.on, model.amount)
            .where(model.fund_id == fund_id, model.on <= as_of)
            .order_by(model.on, model.id)
        ):
            target[investor_id].append((on, amount))
    investors = session.execute(
        select(Investor.id, Investor.commitment, Investor.fixed_share_percent)
        .where(Investor.fund_id == fund_id)
        .order_by(Investor.id)
    )
    return [Position(i, committed, fixed, calls[i], paid_out[i]) for i, committed, fixed in investors]


def capital_accounts(session: Session, fund_id: int, as_of: dt.date) -> tuple[Nav, dict[int, CapitalAccount]]:
    fund_nav = nav(session, fund_id, as_of)
    return fund_nav, accounts_of(positions(session, fund_id, as_of), fund_nav.nav, as_of)
