"""The consolidated view of a fund manager's funds: portfolio, journal balances, NAV and impact, per fund and in total.

Each fund's figures are the ones its own pages show (``loans.portfolio``, ``banking.ledger.role_balances``, the
fund report's impact totals), so every figure can be traced to its fund. The totals add the funds' amounts; PAR is
the arrears over the total outstanding principal (not an average of the funds' ratios); an indicator's total applies
its aggregation rule to the investees of all the funds together, as the fund report does for one fund.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fundapp.banking import ledger
from fundapp.capital import nav
from fundapp.funds.models import Fund
from fundapp.impact.periods import Period
from fundapp.investees.models import Investee
from fundapp.loans import portfolio as book
from fundapp.money import ZERO, round_places
from fundapp.reports import frames, queries
from fundapp.reports.periods import covered_labels

OVER_30 = ("31-60", "61-90", "90+")


@dataclass(frozen=True)
class Figures:
    """One fund's figures on the date, or the total of several (``fund`` None)."""

    fund: Fund | None
    investees: int
    loans: int  # loans with principal outstanding
    outstanding: Decimal
    over_30: Decimal  # outstanding principal of loans more than 30 days past due
    over_90: Decimal
    cash: Decimal
    loans_receivable: Decimal
    equity: Decimal
    receivables: Decimal
    nav: Decimal | None

    @property
    def par30(self) -> Decimal:
        return _ratio(self.over_30, self.outstanding)

    @property
    def par90(self) -> Decimal:
        return _ratio(self.over_90, self.outstanding)


@dataclass(frozen=True)
class ImpactTotal:
    """One indicator: its value per fund (fund id → value, only funds whose investees reported) and in total."""

    indicator_id: int
    code: str
    name: str
    unit: str
    rule: str
    per_fund: dict[int, Decimal]
    total: Decimal

    @property
    def fund_values(self) -> list[dict[str, object]]:
        return [{"fund_id": fund, "value": value} for fund, value in sorted(self.per_fund.items())]


@dataclass(frozen=True)
class Consolidated:
    as_of: dt.date
    period: Period  # the impact period: the calendar year of the date
    funds: list[Figures]
    total: Figures
    impact: list[ImpactTotal] = field(default_factory=list)


def _ratio(part: Decimal, whole: Decimal) -> Decimal:
    return round_places(part / whole if whole else ZERO, book.RATIO_PLACES)


def fund_nav(session: Session, fund_id: int, as_of: dt.date) -> Decimal | None:
    """The fund's NAV on the date, as its investors' capital accounts use it (``fundapp.capital.nav``)."""
    return nav.nav(session, fund_id, as_of).nav


def consolidated(session: Session, fund_ids: Iterable[int], as_of: dt.date, locale: str) -> Consolidated:
    """The funds' figures: a fixed number of queries per fund (portfolio, journal), and three for all their impact."""
    funds = session.scalars(select(Fund).where(Fund.id.in_(sorted(fund_ids))).order_by(Fund.name, Fund.id)).all()
    investees = dict(
        session.execute(
            select(Investee.fund_id, func.count())
            .where(Investee.fund_id.in_([f.id for f in funds]))
            .group_by(Investee.fund_id)
        ).all()
    )
    rows = [_figures(session, fund, investees.get(fund.id, 0), as_of) for fund in funds]
    period = Period(as_of.year, "")
    return Consolidated(as_of, period, rows, _total(rows), _impact(session, [f.id for f in funds], period, locale))


def _figures(session: Session, fund: Fund, investees: int, as_of: dt.date) -> Figures:
    loans = book.portfolio(session, fund.id, as_of)
    balances = ledger.role_balances(session, fund.id, as_of)
    return Figures(
        fund=fund,
        investees=investees,
        loans=loans.active_loans,
        outstanding=loans.outstanding_principal,
        over_30=sum((loans.buckets[name]["outstanding"] for name in OVER_30), ZERO),
        over_90=loans.buckets["90+"]["outstanding"],
        cash=balances["bank"],
        loans_receivable=balances["loans_receivable"],
        equity=balances["equity_investments"],
        receivables=balances["other_receivables"],
        nav=fund_nav(session, fund.id, as_of),
    )


def _total(rows: list[Figures]) -> Figures:
    def add(name: str) -> Decimal:
        return sum((getattr(row, name) for row in rows), ZERO)

    navs = [row.nav for row in rows]
    return Figures(
        fund=None,
        investees=sum(row.investees for row in rows),
        loans=sum(row.loans for row in rows),
        outstanding=add("outstanding"),
        over_30=add("over_30"),
        over_90=add("over_90"),
        cash=add("cash"),
        loans_receivable=add("loans_receivable"),
        equity=add("equity"),
        receivables=add("receivables"),
        nav=sum((nav for nav in navs if nav is not None), ZERO) if navs and None not in navs else None,
    )


def _impact(session: Session, fund_ids: list[int], period: Period, locale: str) -> list[ImpactTotal]:
    """The fund report's impact totals for the period, per fund and over all the funds' investees together."""
    if not fund_ids:
        return []
    owner = dict(session.execute(select(Investee.id, Investee.fund_id).where(Investee.fund_id.in_(fund_ids))).all())
    ids = select(Investee.id).where(Investee.fund_id.in_(fund_ids))
    rows = queries.kpi_rows(session, ids, covered_labels(period))
    frame = frames.values_frame(rows, {investee: {"fund_id": fund} for investee, fund in owner.items()})
    catalog = queries.indicators(session, set(frame["indicator_id"]))
    rules = {i: indicator.aggregation.value for i, indicator in catalog.items()}
    per_fund: dict[int, dict[int, Decimal]] = {}
    for fund, indicator, value, _count in frames.grouped_totals(frame, rules, "fund_id"):
        per_fund.setdefault(indicator, {})[int(fund)] = value
    lines = [
        ImpactTotal(
            indicator_id=indicator_id,
            code=catalog[indicator_id].code,
            name=catalog[indicator_id].name(locale),
            unit=catalog[indicator_id].unit,
            rule=rules[indicator_id],
            per_fund=per_fund.get(indicator_id, {}),
            total=value,
        )
        for indicator_id, (value, _count) in frames.totals(frame, rules).items()
    ]
    return sorted(lines, key=lambda line: (catalog[line.indicator_id].theme_code, line.code))
