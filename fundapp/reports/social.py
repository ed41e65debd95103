"""Social value of a period's participants: which table, which situation, how many months; then the pure rules.

The values themselves are computed by ``fundapp.reports.social_value`` (pure).
This module decides what goes in, from the participant rows of approved KPI
reports (README "Calculation rules", Reports):

* **Table**: the bouwblokken table of the investee's labour-market region: its
  ``region`` if a table has that name, else its municipality or region looked
  up in ``LABOUR_MARKET_REGIONS``; otherwise the Utrecht table, the origin of
  the method and the most widely used, and the report says it is a default. The
  table and the benefit norm are the ones valid on the period's last day.
* **Situation before** from the recorded benefit type: bijstand, ww, wia, wao
  and none map to themselves (no benefit recorded counts as none); IOAW counts
  as bijstand (municipal income support at the social-assistance level); Wajong
  counts as doelgroepregister where the table has no Wajong row (every Wajong
  recipient is in the doelgroepregister by law); "other" is not valued.
* **Months** in work: per approved report, the share of its period from the
  participant's start (or the period's start) to its end, in months (days
  covered ÷ days in the period × months in the period, to 0.01). A person is
  recognised across the periods of a year by their reference and valued once,
  with the months added up and hours averaged by months.
* No occupational disability or bonus is recorded, so none is applied.
* **Avoided benefit cost** counts only people on bijstand before (the
  municipality pays it), for the same months, with the implementation cost.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from fundapp.impact.periods import Period
from fundapp.money import round_places
from fundapp.reports import social_value as rules
from fundapp.reports.queries import ParticipantRow

DEFAULT_TABLE_REGION = "Utrecht"
MONTH_PLACES = 2
ZERO = Decimal("0.00")

# Municipalities of the labour-market regions that have a table (Midden-Utrecht, Holland Rijnland).
LABOUR_MARKET_REGIONS: dict[str, str] = {
    **dict.fromkeys(
        (
            "midden-utrecht",
            "bunnik",
            "de bilt",
            "de ronde venen",
            "houten",
            "ijsselstein",
            "lopik",
            "montfoort",
            "nieuwegein",
            "oudewater",
            "stichtse vecht",
            "utrecht",
            "utrechtse heuvelrug",
            "vijfheerenlanden",
            "wijk bij duurstede",
            "woerden",
            "zeist",
        ),
        "Utrecht",
    ),
    **dict.fromkeys(
        (
            "holland rijnland",
            "leiden",
            "alphen aan den rijn",
            "hillegom",
            "kaag en braassem",
            "katwijk",
            "leiderdorp",
            "lisse",
            "nieuwkoop",
            "noordwijk",
            "oegstgeest",
            "teylingen",
            "voorschoten",
            "zoeterwoude",
        ),
        "Leiden",
    ),
}
SAME_SITUATION = ("bijstand", "ww", "wia", "wao", "none")
AVOIDED_BENEFIT_TYPES = ("bijstand",)


@dataclass(frozen=True)
class TableChoice:
    region: str
    basis: str  # "region", "municipality" or "default"
    asked: str  # what the investee (or payer) names


def choose_region(region: str, municipality: str, tables: Iterable[rules.BouwblokTable]) -> TableChoice:
    names = {t.region.casefold(): t.region for t in tables}
    for basis, asked in (("region", region), ("municipality", municipality)):
        key = (asked or "").strip().casefold()
        if key in names:
            return TableChoice(names[key], basis, asked)
        if key in LABOUR_MARKET_REGIONS:
            return TableChoice(LABOUR_MARKET_REGIONS[key], basis, asked)
    return TableChoice(DEFAULT_TABLE_REGION, "default", municipality or region)


def situation_for(benefit_type: str | None, table: rules.BouwblokTable) -> str | None:
    code = (benefit_type or "none").strip().casefold()
    if code in SAME_SITUATION:
        return code
    if code == "ioaw":
        return "bijstand"
    if code == "wajong":
        return "wajong" if "wajong" in table.situations else "doelgroepregister"
    return None


def months_in(period_label: str, start: date) -> Decimal:
    """Months of the period from the start (or the period's start) to its end, half-up to 2 decimals."""
    period = Period.parse(period_label)
    first = max(start, period.start)
    if first > period.end:
        return ZERO
    covered = (period.end - first).days + 1
    length = (period.end - period.start).days + 1
    months = period.months[1] - period.months[0] + 1
    return round_places(Decimal(months) * covered / length, MONTH_PLACES)


@dataclass
class PersonSpan:
    benefit_type: str | None
    months: Decimal = ZERO
    hour_months: Decimal = ZERO
    months_with_hours: Decimal = ZERO
    first_period: date = date.max

    @property
    def hours(self) -> Decimal | None:
        """Mean hours per week over the months with hours, half-up to 2 decimals."""
        if not self.months_with_hours:
            return None
        return round_places(self.hour_months / self.months_with_hours, MONTH_PLACES)


def people(rows: Iterable[ParticipantRow]) -> list[PersonSpan]:
    """One span per person (investee and reference), months added up over the reports of the period."""
    spans: dict[tuple[int, str], PersonSpan] = {}
    for row in rows:
        span = spans.setdefault((row.investee_id, row.reference.casefold()), PersonSpan(row.benefit_type))
        months = months_in(row.period, row.start_date)
        starts = Period.parse(row.period).start
        if starts < span.first_period:
            span.first_period, span.benefit_type = starts, row.benefit_type  # the situation before: the earliest
        span.months += months
        if row.hours_per_week is not None:
            span.hour_months += row.hours_per_week * months
            span.months_with_hours += months
    return list(spans.values())


@dataclass
class SituationLine:
    situation: str
    block_value: Decimal
    people: int = 0
    months: Decimal = ZERO
    value: Decimal = ZERO
    avoided: Decimal = ZERO
    avoided_months: Decimal = ZERO


@dataclass
class SocialValue:
    on: date
    choice: TableChoice
    table: rules.BouwblokTable | None
    norm: rules.BenefitNorm | None
    lines: list[SituationLine] = field(default_factory=list)
    not_valued: dict[str, int] = field(default_factory=dict)  # reason -> people

    @property
    def people(self) -> int:
        return sum(line.people for line in self.lines)

    @property
    def total_value(self) -> Decimal:
        return sum((line.value for line in self.lines), ZERO)

    @property
    def total_avoided(self) -> Decimal:
        return sum((line.avoided for line in self.lines), ZERO)

    @property
    def avoided_months(self) -> Decimal:
        return sum((line.avoided_months for line in self.lines), ZERO)


def social_value(
    rows: Iterable[ParticipantRow],
    period: Period,
    region: str,
    municipality: str,
    tables: tuple[rules.BouwblokTable, ...] = rules.BOUWBLOKKEN_SEED,
    norms: tuple[rules.BenefitNorm, ...] = rules.NORMS_SEED,
) -> SocialValue:
    on = period.end
    choice = choose_region(region, municipality, tables)
    table, choice = _table(tables, choice, on)
    result = SocialValue(on, choice, table, _norm(norms, on))
    by_situation: dict[str, SituationLine] = {}
    for span in people(rows):
        reason = _value_person(result, by_situation, span)
        if reason:
            result.not_valued[reason] = result.not_valued.get(reason, 0) + 1
    result.lines = sorted(by_situation.values(), key=lambda line: -line.block_value)
    return result


def _table(
    tables: tuple[rules.BouwblokTable, ...], choice: TableChoice, on: date
) -> tuple[rules.BouwblokTable | None, TableChoice]:
    try:
        return rules.pick_table(tables, choice.region, on), choice
    except rules.NoTableError:
        fallback = TableChoice(DEFAULT_TABLE_REGION, "default", choice.asked)
        try:
            return rules.pick_table(tables, DEFAULT_TABLE_REGION, on), fallback
        except rules.NoTableError:
            return None, fallback


def _norm(norms: tuple[rules.BenefitNorm, ...], on: date) -> rules.BenefitNorm | None:
    try:
        return rules.pick_norm(norms, on)
    except rules.NoNormError:
        return None


def _value_person(result: SocialValue, lines: dict[str, SituationLine], span: PersonSpan) -> str | None:
    """Add one person to their situation's line; or say why they cannot be valued."""
    if result.table is None:
        return "no_table"
    situation = situation_for(span.benefit_type, result.table)
    if situation is None or situation not in result.table.situations:
        return "situation_not_in_table"
    if span.hours is None:
        return "no_hours"
    block = result.table.block_for(situation)
    value = rules.bouwblok_value(result.table, rules.Person(situation, span.hours, span.months))
    line = lines.setdefault(situation, SituationLine(situation, block.value))
    line.people += 1
    line.months += span.months
    line.value += value
    if result.norm is not None and (span.benefit_type or "").casefold() in AVOIDED_BENEFIT_TYPES:
        line.avoided += rules.avoided_benefit_cost(result.norm, span.months)
        line.avoided_months += span.months
    return None
