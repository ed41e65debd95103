"""Social value for reports: bouwblokken and avoided benefit cost.

Pure calculations (stdlib ``decimal`` and ``dataclasses`` only). The rules
and every decision are in docs/social_value_rules.md; in short:

Bouwblokken (social return value)
    value = (block + Σ bonus) × min(hours, 36) / 36 × min(months, 12) / 12
    The block is the table's value per full-time year (36 hours a week) for
    the person's situation before; a bonus scales with hours and months
    exactly like the block it belongs to. Tables are data: a region and a
    valid-from date, never code (see ``BOUWBLOKKEN_SEED``). One call values
    one person for one reporting year; a longer span is valued per year with
    the table valid in that year.

Avoided benefit cost
    value = months off benefit × monthly norm × holiday allowance factor
            + implementation cost per year × months / 12   (optional)

Both are computed exactly and rounded half-up to the cent once, at the end.
The breakdown's parts are shown rounded to the cent, so they may differ from
the total by a cent.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, localcontext

from fundapp.money import round_cent, round_places, to_decimal

FULL_TIME_HOURS = Decimal(36)
MONTHS_PER_YEAR = Decimal(12)
HOLIDAY_ALLOWANCE_FACTOR = Decimal("1.05")
_FACTOR_PLACES = 6
_PRECISION = 50


class SocialValueError(ValueError):
    """A social-value calculation that cannot be done as asked."""


class NoTableError(SocialValueError):
    """No bouwblokken table for the region is valid on the date."""


class UnknownSituationError(SocialValueError):
    """The person's situation before is not a row of the table."""


class NoNormError(SocialValueError):
    """No benefit norm is valid on the date."""


def _amount(value: object, what: str) -> Decimal:
    """A non-negative finite Decimal from int/str/Decimal; floats refused."""
    try:
        result = to_decimal(value)
    except ValueError as exc:
        raise SocialValueError(f"{what}: {exc}") from None
    if result < 0:
        raise SocialValueError(f"{what} must not be negative, got {result}")
    return result


# ---------------------------------------------------------------------------
# Bouwblokken
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Block:
    """One row of a bouwblokken table: value per full-time year (36 h/week)."""

    situation: str
    value: Decimal
    with_disability: bool = False

    def __post_init__(self) -> None:
        if not isinstance(self.situation, str) or not self.situation.strip():
            raise SocialValueError("a block needs a situation code")
        object.__setattr__(self, "value", _amount(self.value, f"block {self.situation}"))


@dataclass(frozen=True)
class Bonus:
    """A bonus on top of the block, per full-time year (36 h/week) like the block."""

    code: str
    name_nl: str
    name_en: str
    value: Decimal

    def __post_init__(self) -> None:
        if not isinstance(self.code, str) or not self.code.strip():
            raise SocialValueError("a bonus needs a code")
        object.__setattr__(self, "value", _amount(self.value, f"bonus {self.code}"))


@dataclass(frozen=True)
class BouwblokTable:
    """A published bouwblokken table of one labour-market region, from a date."""

    region: str
    valid_from: date
    source_note: str
    blocks: tuple[Block, ...]
    bonuses: tuple[Bonus, ...] = ()

    def __post_init__(self) -> None:
        if not isinstance(self.region, str) or not self.region.strip():
            raise SocialValueError("a bouwblokken table needs a region")
        if not isinstance(self.valid_from, date):
            raise SocialValueError("valid_from must be a date")
        object.__setattr__(self, "blocks", tuple(self.blocks))
        object.__setattr__(self, "bonuses", tuple(self.bonuses))
        if not self.blocks:
            raise SocialValueError(f"bouwblokken table {self.region} has no blocks")
        keys = [(b.situation, b.with_disability) for b in self.blocks]
        if len(set(keys)) != len(keys):
            raise SocialValueError(f"bouwblokken table {self.region} {self.valid_from}: a situation appears twice")
        codes = [b.code for b in self.bonuses]
        if len(set(codes)) != len(codes):
            raise SocialValueError(f"bouwblokken table {self.region} {self.valid_from}: a bonus appears twice")

    @property
    def situations(self) -> tuple[str, ...]:
        """The situation codes of the table, sorted, each once."""
        return tuple(sorted({b.situation for b in self.blocks}))

    def block_for(self, situation: str, occupational_disability: bool = False) -> Block:
        """The row for a situation: the disability variant if the person has an
        occupational disability and the table has one, else the plain row."""
        rows = [b for b in self.blocks if b.situation == situation]
        if occupational_disability:
            for row in rows:
                if row.with_disability:
                    return row
        for row in rows:
            if not row.with_disability:
                return row
        if rows:
            raise UnknownSituationError(
                f"situation {situation!r} has only a value with an occupational "
                f"disability in the bouwblokken table {self.region} (valid from "
                f"{self.valid_from.isoformat()}), and the person has none"
            )
        raise UnknownSituationError(
            f"situation {situation!r} is not in the bouwblokken table {self.region} "
            f"(valid from {self.valid_from.isoformat()}); the table has: "
            f"{', '.join(self.situations)}"
        )

    def bonus(self, code: str) -> Bonus | None:
        for bonus in self.bonuses:
            if bonus.code == code:
                return bonus
        return None


@dataclass(frozen=True)
class Person:
    """One person's year: situation before, hours a week, months in the year."""

    situation: str
    hours_per_week: Decimal
    months: Decimal
    occupational_disability: bool = False
    bonuses: frozenset[str] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        if not isinstance(self.situation, str) or not self.situation.strip():
            raise SocialValueError("a person needs a situation code")
        object.__setattr__(self, "hours_per_week", _amount(self.hours_per_week, "hours_per_week"))
        object.__setattr__(self, "months", _amount(self.months, "months"))
        if isinstance(self.bonuses, str):
            raise SocialValueError("bonuses must be a set of codes, not one string")
        object.__setattr__(self, "bonuses", frozenset(self.bonuses))


@dataclass(frozen=True)
class BonusLine:
    code: str
    name_nl: str
    name_en: str
    value_per_year: Decimal
    amount: Decimal  # value_per_year × hours factor × months factor, rounded to the cent (display)


@dataclass(frozen=True)
class BouwblokBreakdown:
    """How a bouwblok value came about, for a report to show."""

    region: str
    valid_from: date
    source_note: str
    situation: str
    disability_variant: bool  # the "with occupational disability" row was used
    block_value: Decimal  # per full-time year
    hours_per_week: Decimal  # as given
    hours_used: Decimal  # capped at 36
    hours_capped: bool
    months: Decimal  # as given
    months_used: Decimal  # capped at 12
    months_capped: bool
    hours_factor: Decimal  # hours_used / 36, 6 decimals (display only)
    months_factor: Decimal  # months_used / 12, 6 decimals (display only)
    base_amount: Decimal  # block part, rounded to the cent (display)
    bonuses: tuple[BonusLine, ...]
    ignored_bonus_codes: tuple[str, ...]  # person's codes the table does not know
    value: Decimal  # exact total, rounded half-up to the cent


def pick_table(tables: Iterable[BouwblokTable], region: str, on: date) -> BouwblokTable:
    """The table of ``region`` in force on ``on``: newest valid_from <= on.

    Regions match case-insensitively. Raises NoTableError if the region has
    no table valid on that date, and SocialValueError if two tables of the
    region share that valid_from (ambiguous data).
    """
    wanted = region.strip().casefold()
    of_region = [t for t in tables if t.region.strip().casefold() == wanted]
    if not of_region:
        raise NoTableError(f"no bouwblokken table for region {region!r}")
    valid = [t for t in of_region if t.valid_from <= on]
    if not valid:
        first = min(t.valid_from for t in of_region)
        raise NoTableError(
            f"no bouwblokken table for region {region!r} is valid on "
            f"{on.isoformat()}; the earliest starts {first.isoformat()}"
        )
    newest = max(t.valid_from for t in valid)
    chosen = [t for t in valid if t.valid_from == newest]
    if len(chosen) > 1:
        raise SocialValueError(f"two bouwblokken tables for region {region!r} start on {newest.isoformat()}")
    return chosen[0]


def bouwblok_breakdown(table: BouwblokTable, person: Person) -> BouwblokBreakdown:
    """The value of one person's year by the table, with its parts: amounts half-up to the cent, factors to 6 decimals."""
    block = table.block_for(person.situation, person.occupational_disability)
    hours_used = min(person.hours_per_week, FULL_TIME_HOURS)
    months_used = min(person.months, MONTHS_PER_YEAR)

    applied: list[tuple[Bonus, Decimal]] = []
    ignored: list[str] = []
    with localcontext(prec=_PRECISION):  # exact far below a cent before the one rounding, by fundapp.money
        share_of_full_year = hours_used * months_used / (FULL_TIME_HOURS * MONTHS_PER_YEAR)
        base = block.value * share_of_full_year
        total = base
        for code in sorted(person.bonuses):
            bonus = table.bonus(code)
            if bonus is None:
                ignored.append(code)
                continue
            amount = bonus.value * share_of_full_year
            applied.append((bonus, amount))
            total += amount
        hours_factor = round_places(hours_used / FULL_TIME_HOURS, _FACTOR_PLACES)
        months_factor = round_places(months_used / MONTHS_PER_YEAR, _FACTOR_PLACES)
        value = round_cent(total)
        base_amount = round_cent(base)
        lines = tuple(BonusLine(b.code, b.name_nl, b.name_en, b.value, round_cent(a)) for b, a in applied)

    return BouwblokBreakdown(
        region=table.region,
        valid_from=table.valid_from,
        source_note=table.source_note,
        situation=person.situation,
        disability_variant=block.with_disability,
        block_value=block.value,
        hours_per_week=person.hours_per_week,
        hours_used=hours_used,
        hours_capped=person.hours_per_week > FULL_TIME_HOURS,
        months=person.months,
        months_used=months_used,
        months_capped=person.months > MONTHS_PER_YEAR,
        hours_factor=hours_factor,
        months_factor=months_factor,
        base_amount=base_amount,
        bonuses=lines,
        ignored_bonus_codes=tuple(ignored),
        value=value,
    )


def bouwblok_value(table: BouwblokTable, person: Person) -> Decimal:
    """The value of one person's year by the table, half-up to the cent."""
    return bouwblok_breakdown(table, person).value


def _d(text: str) -> Decimal:
    return Decimal(text)


BOUWBLOKKEN_SEED: tuple[BouwblokTable, ...] = (
    BouwblokTable(
        region="Utrecht",
        valid_from=date(2022, 1, 1),
        source_note=(
            "Bouwblokken of the Utrecht labour-market region, the published "
            "example in fundapp's domain rules (values per full-time year of 36 "
            "hours a week). ASSUMPTION: valid from 2022-01-01; the source gives no "
            "date. Check the date and values against the region's own "
            "publication and add a new table version when they change. 'WIA / "
            "WAO' is one published row, seeded as two situations (wia, wao) with "
            "the same value."
        ),
        blocks=(
            Block("bijstand", _d("40000")),
            Block("doelgroepregister", _d("50000")),
            Block("wia", _d("40000")),
            Block("wao", _d("40000")),
            Block("ww", _d("20000")),
            Block("none", _d("10000")),
        ),
        bonuses=(
            Bonus("age_50_plus", "50 jaar of ouder", "Aged 50 or over", _d("10000")),
            Bonus(
                "status_holder_language",
                "Statushouder / taalachterstand",
                "Status holder / language gap",
                _d("10000"),
            ),
            Bonus("permanent_contract", "Vast contract", "Permanent contract", _d("10000")),
        ),
    ),
    BouwblokTable(
        region="Leiden",
        valid_from=date(2023, 9, 1),
        source_note=(
            "Bouwblokken of the Leiden region, the published example in "
            "fundapp's domain rules, valid from 2023-09-01 (values per full-time "
            "year of 36 hours a week). Participatiewet and 'no benefit' "
            "have a higher value for a person with an occupational disability "
            "(arbeidsbeperking). 'WIA / WAO' is one published row, seeded as two "
            "situations (wia, wao) with the same value."
        ),
        blocks=(
            Block("bijstand", _d("30000")),
            Block("bijstand", _d("50000"), with_disability=True),
            Block("wia", _d("40000")),
            Block("wao", _d("40000")),
            Block("wajong", _d("25000")),
            Block("ww", _d("15000")),
            Block("none", _d("5000")),
            Block("none", _d("10000"), with_disability=True),
        ),
        bonuses=(Bonus("age_55_plus", "55 jaar of ouder", "Aged 55 or over", _d("15000")),),
    ),
)

#: Bonus codes used by the seeded tables (a person may carry codes for several
#: regions; a table ignores the codes it does not know).
BONUS_CODES: tuple[str, ...] = (
    "age_50_plus",
    "age_55_plus",
    "status_holder_language",
    "permanent_contract",
)


# ---------------------------------------------------------------------------
# Avoided benefit cost
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class BenefitNorm:
    """The monthly social-assistance norm from a date (a dated setting)."""

    valid_from: date
    monthly_norm: Decimal  # net per month, excluding holiday allowance
    holiday_allowance_factor: Decimal = HOLIDAY_ALLOWANCE_FACTOR
    implementation_cost_per_year: Decimal | None = None
    source_note: str = ""
    household: str = "single"  # the household type the norm is for

    def __post_init__(self) -> None:
        if not isinstance(self.valid_from, date):
            raise SocialValueError("valid_from must be a date")
        object.__setattr__(self, "monthly_norm", _amount(self.monthly_norm, "monthly_norm"))
        factor = _amount(self.holiday_allowance_factor, "holiday_allowance_factor")
        if factor < 1:
            raise SocialValueError("holiday_allowance_factor must be at least 1")
        object.__setattr__(self, "holiday_allowance_factor", factor)
        object.__setattr__(
            self,
            "implementation_cost_per_year",
            None
            if self.implementation_cost_per_year is None
            else _amount(self.implementation_cost_per_year, "implementation_cost_per_year"),
        )


@dataclass(frozen=True)
class AvoidedCostBreakdown:
    valid_from: date
    source_note: str
    household: str
    monthly_norm: Decimal
    holiday_allowance_factor: Decimal
    months_off_benefit: Decimal
    benefit_amount: Decimal  # months × norm × factor, rounded to the cent (display)
    implementation_cost_per_year: Decimal | None
    implementation_included: bool  # asked for and the norm has a cost
    implementation_amount: Decimal  # cost × months / 12, rounded (display); 0 if not included
    value: Decimal  # exact total, rounded half-up to the cent


NORMS_SEED: tuple[BenefitNorm, ...] = (
    BenefitNorm(
        valid_from=date(2025, 7, 1),
        monthly_norm=_d("1300.61"),
        holiday_allowance_factor=HOLIDAY_ALLOWANCE_FACTOR,
        implementation_cost_per_year=_d("2900"),
        source_note=(
            "Participatiewet norm for a single adult (alleenstaande, 21 to state "
            "pension age) from 2025-07-01: EUR 1,300.61 net a month excluding "
            "holiday allowance. Holiday allowance as a 5% factor, per fundapp's "
            "rule (the published amount including holiday allowance can differ "
            "by a few euros). Implementation "
            "cost per case EUR 2,900 a year is a commonly used estimate, not a "
            "published norm; replace it with the municipality's own figure."
        ),
        household="single",
    ),
)


def pick_norm(norms: Iterable[BenefitNorm], on: date, household: str = "single") -> BenefitNorm:
    """The norm for ``household`` in force on ``on``: newest valid_from <= on."""
    of_household = [n for n in norms if n.household == household]
    valid = [n for n in of_household if n.valid_from <= on]
    if not valid:
        if of_household:
            first = min(n.valid_from for n in of_household)
            raise NoNormError(
                f"no benefit norm for household {household!r} is valid on "
                f"{on.isoformat()}; the earliest starts {first.isoformat()}"
            )
        raise NoNormError(f"no benefit norm for household {household!r}")
    newest = max(n.valid_from for n in valid)
    chosen = [n for n in valid if n.valid_from == newest]
    if len(chosen) > 1:
        raise SocialValueError(f"two benefit norms for household {household!r} start on {newest.isoformat()}")
    return chosen[0]


def avoided_benefit_cost_breakdown(
    norm: BenefitNorm, months_off_benefit: Decimal, include_implementation: bool = True
) -> AvoidedCostBreakdown:
    """Avoided benefit cost with its parts, each half-up to the cent."""
    months = _amount(months_off_benefit, "months_off_benefit")
    included = include_implementation and norm.implementation_cost_per_year is not None
    with localcontext(prec=_PRECISION):  # exact far below a cent before the one rounding, by fundapp.money
        benefit = months * norm.monthly_norm * norm.holiday_allowance_factor
        cost_per_year = norm.implementation_cost_per_year
        implementation = (
            cost_per_year * months / MONTHS_PER_YEAR
            if include_implementation and cost_per_year is not None
            else Decimal(0)
        )
        value = round_cent(benefit + implementation)
        benefit_amount = round_cent(benefit)
        implementation_amount = round_cent(implementation)
    return AvoidedCostBreakdown(
        valid_from=norm.valid_from,
        source_note=norm.source_note,
        household=norm.household,
        monthly_norm=norm.monthly_norm,
        holiday_allowance_factor=norm.holiday_allowance_factor,
        months_off_benefit=months,
        benefit_amount=benefit_amount,
        implementation_cost_per_year=norm.implementation_cost_per_year,
        implementation_included=included,
        implementation_amount=implementation_amount,
        value=value,
    )


def avoided_benefit_cost(
    norm: BenefitNorm, months_off_benefit: Decimal, include_implementation: bool = True
) -> Decimal:
    """months × norm × holiday factor (+ implementation cost × months/12),
    half-up to the cent at the end."""
    return avoided_benefit_cost_breakdown(norm, months_off_benefit, include_implementation).value
