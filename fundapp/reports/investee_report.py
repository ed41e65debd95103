"""The investee's impact report for a period (Impactpad style): what the page, the PDF and the workbook show."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from fundapp.i18n import unit_label
from fundapp.impact import plans
from fundapp.impact.catalog_data import SDGS
from fundapp.impact.models import ImpactPlan, Indicator, TocLevel
from fundapp.impact.periods import Frequency, Period
from fundapp.investees.models import Investee
from fundapp.reports import charts, frames, queries
from fundapp.reports.periods import as_of, covered_labels, sub_periods, trend_window
from fundapp.reports.social import SocialValue, social_value

LEVELS = tuple(level.value for level in TocLevel)


@dataclass
class Cell:
    period: str
    target: Decimal | None
    actual: Decimal | None


@dataclass
class IndicatorLine:
    """One indicator of the plan: baseline, target and actual per period, the period's total, its trend."""

    indicator_id: int
    code: str
    name: str
    unit: str
    level: str
    rule: str
    theme_code: str
    measurement: str
    sdg_targets: list[str]
    baseline: Decimal | None
    cells: list[Cell]
    total_target: Decimal | None
    total_actual: Decimal | None
    trend: list[Cell] = field(default_factory=list)
    chart: charts.Chart | None = None

    @property
    def has_trend(self) -> bool:
        return any(c.actual is not None or c.target is not None for c in self.trend)


@dataclass
class SdgRow:
    sdg: int
    name: str
    targets: list[str]
    indicators: list[str]
    chosen: bool  # the investee names this SDG itself


@dataclass
class InvesteeReport:
    investee: Investee
    period: Period
    as_of: date
    generated_on: date
    locale: str
    plan: ImpactPlan | None
    periods: list[str]
    lines: list[IndicatorLine]
    themes: list[str]
    sdgs: list[SdgRow]
    claims: list[queries.ClaimRow]
    social: SocialValue
    loans: list[queries.LoanRow] | None  # None: the reader sees no loans (a payer's officer, a validator)

    @property
    def by_level(self) -> list[tuple[str, list[IndicatorLine]]]:
        return [(level, [line for line in self.lines if line.level == level]) for level in LEVELS]

    @property
    def claims_total(self) -> Decimal:
        return sum((claim.amount for claim in self.claims), Decimal("0.00"))

    @property
    def claims_paid(self) -> Decimal:
        return sum((claim.paid for claim in self.claims), Decimal("0.00"))


def build(
    session: Session,
    investee: Investee,
    period: Period,
    locale: str,
    names: tuple[str, str, str],
    today: date,
    with_charts: bool = True,
    claims_seen: Any = None,
    loans_seen: Any = None,
) -> InvesteeReport:
    """Every part of the report, in a fixed number of queries; ``names`` label the chart lines.

    A workbook draws its own native charts, so it asks for none (a second per chart set saved). ``claims_seen``
    (a WHERE clause on claims) keeps the outcome payments to those the reader may see; ``loans_seen`` (one on
    loans) the loan summary, which is left out (None) for ``False``: a reader who sees no loans at all.
    """
    plan = plans.plan_of(session, investee)
    frequency = plan.frequency if plan else Frequency.QUARTERLY
    periods = [str(p) for p in sub_periods(period, frequency)]
    window = [str(p) for p in trend_window(period, frequency)]
    covered = covered_labels(period)
    rows = queries.kpi_rows(session, [investee.id], sorted(set(covered) | set(window)))
    lines = _lines(session, plan, rows, periods, window, locale)
    for line in lines if with_charts else []:
        line.chart = _chart(line, names, locale)
    as_of_day = as_of(period, today)
    return InvesteeReport(
        investee=investee,
        period=period,
        as_of=as_of_day,
        generated_on=today,
        locale=locale,
        plan=plan,
        periods=periods,
        lines=lines,
        themes=[t.name_nl if locale == "nl" else t.name_en for t in investee.themes],
        sdgs=_sdgs(lines, investee.sdg_numbers, locale),
        claims=queries.investee_claims(session, investee.id, covered, *([] if claims_seen is None else [claims_seen])),
        social=social_value(
            queries.participant_rows(session, [investee.id], covered), period, investee.region, investee.municipality
        ),
        loans=None
        if loans_seen is False
        else queries.loan_rows(
            session, investee.fund_id, as_of_day, investee.id, *([] if loans_seen is None else [loans_seen])
        ),
    )


def _lines(
    session: Session,
    plan: ImpactPlan | None,
    rows: Sequence[tuple[int, str, int, Decimal]],
    periods: list[str],
    window: list[str],
    locale: str,
) -> list[IndicatorLine]:
    items = list(plan.indicators) if plan else []
    known = {item.indicator_id for item in items}
    extra = queries.indicators(session, {row[2] for row in rows} - known)
    catalog: list[tuple[Indicator, Any]] = [(item.indicator, item) for item in items]
    catalog += [(indicator, None) for indicator in extra.values()]
    actuals = {(indicator_id, label): value for _i, label, indicator_id, value in rows}
    rules = {indicator.id: indicator.aggregation.value for indicator, _ in catalog}
    in_period = [row for row in rows if row[1] in periods]
    actual_totals = frames.totals(frames.values_frame(in_period), rules)
    targets = _targets(items)
    target_rows = [(0, label, i, v) for (i, label), v in targets.items() if label in periods]
    target_totals = frames.totals(frames.values_frame(target_rows), rules)
    result = []
    for indicator, item in catalog:

        def cell(label: str, indicator_id: int = indicator.id) -> Cell:
            return Cell(label, targets.get((indicator_id, label)), actuals.get((indicator_id, label)))

        result.append(
            IndicatorLine(
                indicator_id=indicator.id,
                code=indicator.code,
                name=indicator.name(locale),
                unit=indicator.unit,
                level=indicator.toc_level.value,
                rule=indicator.aggregation.value,
                theme_code=indicator.theme_code,
                measurement=indicator.measurement(locale),
                sdg_targets=list(indicator.sdg_targets or []),
                baseline=item.baseline if item is not None else None,
                cells=[cell(label) for label in periods],
                total_target=target_totals.get(indicator.id, (None, 0))[0],
                total_actual=actual_totals.get(indicator.id, (None, 0))[0],
                trend=[cell(label) for label in window],
            )
        )
    return result


def _targets(items: list[Any]) -> dict[tuple[int, str], Decimal]:
    return {(item.indicator_id, t.period): t.target for item in items for t in item.targets}


def _chart(line: IndicatorLine, names: tuple[str, str, str], locale: str) -> charts.Chart | None:
    if not line.has_trend:
        return None
    return charts.trend_chart(
        f"{line.name} ({unit_label(line.unit, locale)})",
        [c.period for c in line.trend],
        [c.actual for c in line.trend],
        [c.target for c in line.trend],
        line.baseline,
        names,
        locale,
    )


def sdg_name(number: int, locale: str) -> str:
    found = next((row for row in SDGS if row[0] == number), None)
    if found is None:
        return str(number)
    return found[1] if locale == "nl" else found[2]


def _sdgs(lines: list[IndicatorLine], chosen: list[int], locale: str) -> list[SdgRow]:
    rows: dict[int, SdgRow] = {n: SdgRow(n, sdg_name(n, locale), [], [], True) for n in chosen}
    for line in lines:
        for target in line.sdg_targets:
            number = int(target.split(".")[0])
            row = rows.setdefault(number, SdgRow(number, sdg_name(number, locale), [], [], False))
            if target not in row.targets:
                row.targets.append(target)
            if line.name not in row.indicators:
                row.indicators.append(line.name)
    return [rows[n] for n in sorted(rows)]
