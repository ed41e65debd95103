"""The fund report for a period: capital, the loan book and the exposure per investee as of the period's end, grants
and guarantees, impact rolled up, outcome payments."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fundapp.capital.models import CapitalCall, Distribution, Investor, InvestorKind
from fundapp.funds.models import Fund
from fundapp.funds.revolving import RevolvingYear, revolving
from fundapp.gc_pause import paused_gc
from fundapp.impact.periods import Period
from fundapp.instruments import exposure
from fundapp.instruments import queries as equity_queries
from fundapp.instruments import report as instrument_report
from fundapp.instruments.models import EquityParticipation
from fundapp.investees.models import Theme
from fundapp.loans import portfolio as book
from fundapp.reports import queries, rollup
from fundapp.reports.investee_report import sdg_name
from fundapp.reports.periods import as_of, covered_labels
from fundapp.reports.splits import Splits, splits

ZERO = Decimal("0.00")


@dataclass
class ImpactLine:
    """One indicator across the fund's investees by its aggregation rule."""

    indicator_id: int
    code: str
    name: str
    unit: str
    level: str
    rule: str
    theme_code: str
    sdgs: list[int]
    value: Decimal
    target: Decimal | None
    investees: int


@dataclass
class Group:
    """Indicator lines under a heading (a theme, an SDG or a municipality) and the investees it concerns."""

    key: str
    name: str
    investees: int
    lines: list[ImpactLine] = field(default_factory=list)


@dataclass
class InvestorLine:
    """An investor's capital up to the report's as-of date."""

    name: str
    kind: InvestorKind
    committed: Decimal
    paid_in: Decimal
    distributed: Decimal


def investor_lines(session: Session, fund_id: int, day: date) -> list[InvestorLine]:
    def total(model: type[CapitalCall] | type[Distribution]) -> Any:
        return select(func.sum(model.amount)).where(model.investor_id == Investor.id, model.on <= day).scalar_subquery()

    rows = session.execute(
        select(Investor.name, Investor.kind, Investor.commitment, total(CapitalCall), total(Distribution))
        .where(Investor.fund_id == fund_id)
        .order_by(Investor.name, Investor.id)
    )
    return [
        InvestorLine(name, kind, committed, paid or ZERO, paid_out or ZERO)
        for name, kind, committed, paid, paid_out in rows
    ]


@dataclass
class FundReport:
    fund: Fund
    period: Period
    as_of: date
    generated_on: date
    locale: str
    portfolio: book.Portfolio
    loans: list[queries.LoanRow]
    investees: list[queries.InvesteeInfo]
    periods: list[str]
    impact: list[ImpactLine]
    themes: list[Group]
    sdgs: list[Group]
    municipalities: list[Group]
    by_period: dict[tuple[int, str], Decimal]
    by_investee: dict[tuple[int, int], Decimal]
    payments: list[queries.ClaimRow]
    splits: Splits
    exposure: list[exposure.Exposure]
    instruments: instrument_report.InstrumentFigures
    # The fund's equity participations on the as-of date: cost, value, realised and unrealised result.
    equity: list[equity_queries.Position] = field(default_factory=list)

    @property
    def equity_totals(self) -> equity_queries.Totals:
        return equity_queries.totals(self.equity)

    @property
    def exposure_totals(self) -> dict[str, Decimal]:
        return exposure.totals(self.exposure)

    revolving: list[RevolvingYear] = field(default_factory=list)

    @property
    def investee_count(self) -> int:
        return len(self.investees)

    investors: list[InvestorLine] = field(default_factory=list)

    @property
    def investor_totals(self) -> dict[str, Decimal]:
        return {
            key: sum((getattr(line, key) for line in self.investors), ZERO)
            for key in ("committed", "paid_in", "distributed")
        }

    @property
    def write_offs(self) -> list[queries.LoanRow]:
        return [loan for loan in self.loans if loan.written_off_on is not None]

    @property
    def payments_total(self) -> Decimal:
        return sum((p.amount for p in self.payments), ZERO)


def build(session: Session, fund: Fund, period: Period, locale: str, today: date) -> FundReport:
    """All parts in a fixed number of queries, whatever the number of investees, loans or values."""
    with paused_gc():
        return _build(session, fund, period, locale, today)


def _build(session: Session, fund: Fund, period: Period, locale: str, today: date) -> FundReport:
    day = as_of(period, today)
    investees = queries.fund_investees(session, fund.id)
    labels = covered_labels(period)
    ids = queries.fund_investee_ids(fund.id)
    rows = queries.kpi_rows(session, ids, labels, units=True)
    target_rows = queries.target_rows(session, ids, labels, units=True)
    catalog = queries.indicators(session, {row[2] for row in rows} | {row[2] for row in target_rows})
    rules = {i: indicator.aggregation.value for i, indicator in catalog.items()}
    figures = rollup.roll_up(rows, rules, {i.id: i.municipality for i in investees})
    impact = _impact_lines(catalog, figures.totals, rollup.totals(target_rows, rules), locale)
    loans = queries.loan_rows(session, fund.id, day)
    at_stake = exposure.exposures(session, fund.id, day)
    return FundReport(
        fund=fund,
        period=period,
        as_of=day,
        generated_on=today,
        locale=locale,
        portfolio=book.portfolio(session, fund.id, day),
        loans=loans,
        investees=investees,
        periods=_ordered(figures.periods),
        impact=impact,
        themes=_themes(session, impact, investees, locale),
        sdgs=_sdgs(impact, investees, locale),
        municipalities=_municipalities(figures.by_group, impact, investees),
        by_period=figures.by_period,
        by_investee=figures.by_investee,
        payments=queries.fund_payments(session, fund.id, period.start, period.end),
        splits=splits(session, fund.id, loans, period.start, day),
        equity=equity_queries.positions(session, [EquityParticipation.fund_id == fund.id], day),
        exposure=at_stake,
        instruments=instrument_report.figures(session, fund.id, period.start, day, at_stake),
        revolving=revolving(session, fund.id, day),
        investors=investor_lines(session, fund.id, day),
    )


def _ordered(labels: set[str]) -> list[str]:
    parsed = sorted((Period.parse(label) for label in labels), key=lambda p: (p.start, p.end))
    return [str(p) for p in parsed]


def _impact_lines(
    catalog: dict, actual: dict[int, tuple[Decimal, int]], target: dict[int, tuple[Decimal, int]], locale: str
) -> list[ImpactLine]:
    lines = []
    for indicator_id, indicator in catalog.items():
        if indicator_id not in actual and indicator_id not in target:
            continue
        value, count = actual.get(indicator_id, (ZERO, 0))
        lines.append(
            ImpactLine(
                indicator_id=indicator_id,
                code=indicator.code,
                name=indicator.name(locale),
                unit=indicator.unit,
                level=indicator.toc_level.value,
                rule=indicator.aggregation.value,
                theme_code=indicator.theme_code,
                sdgs=indicator.sdgs,
                value=value,
                target=target.get(indicator_id, (None, 0))[0],
                investees=count,
            )
        )
    levels = {"output": 0, "outcome": 1, "impact": 2}
    return sorted(lines, key=lambda line: (line.theme_code, levels.get(line.level, 3), line.code))


def _themes(
    session: Session, impact: list[ImpactLine], investees: list[queries.InvesteeInfo], locale: str
) -> list[Group]:
    names = {t.code: (t.name_nl if locale == "nl" else t.name_en) for t in session.scalars(select(Theme))}
    codes = sorted({line.theme_code for line in impact} | {code for i in investees for code in i.themes})
    return [
        Group(
            code,
            names.get(code, code),
            sum(1 for i in investees if code in i.themes),
            [line for line in impact if line.theme_code == code],
        )
        for code in codes
    ]


def _sdgs(impact: list[ImpactLine], investees: list[queries.InvesteeInfo], locale: str) -> list[Group]:
    numbers = sorted({n for line in impact for n in line.sdgs} | {n for i in investees for n in i.sdgs})
    return [
        Group(
            str(n),
            sdg_name(n, locale),
            sum(1 for i in investees if n in i.sdgs),
            [line for line in impact if n in line.sdgs],
        )
        for n in numbers
    ]


def _municipalities(
    rows: list[tuple[str, int, Decimal, int]], impact: list[ImpactLine], investees: list[queries.InvesteeInfo]
) -> list[Group]:
    by_id = {line.indicator_id: line for line in impact}
    sizes = Counter(i.municipality for i in investees)
    groups: dict[str, Group] = {}
    for municipality, indicator_id, value, count in rows:
        if (group := groups.get(municipality)) is None:
            group = groups[municipality] = Group(municipality, municipality, sizes[municipality])
        line = by_id[indicator_id]
        group.lines.append(
            ImpactLine(
                indicator_id,
                line.code,
                line.name,
                line.unit,
                line.level,
                line.rule,
                line.theme_code,
                line.sdgs,
                value,
                None,
                count,
            )
        )
    return [groups[name] for name in sorted(groups)]
