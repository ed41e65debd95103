"""Social value: bouwblokken and avoided benefit cost, worked by hand."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fundapp.impact.catalog_data import BENEFIT_TYPE_CODES
from fundapp.reports.social_value import (
    BONUS_CODES,
    BOUWBLOKKEN_SEED,
    NORMS_SEED,
    BenefitNorm,
    Block,
    Bonus,
    BouwblokTable,
    NoNormError,
    NoTableError,
    Person,
    SocialValueError,
    UnknownSituationError,
    avoided_benefit_cost,
    avoided_benefit_cost_breakdown,
    bouwblok_breakdown,
    bouwblok_value,
    pick_norm,
    pick_table,
)

D = Decimal

UTRECHT = pick_table(BOUWBLOKKEN_SEED, "Utrecht", date(2025, 1, 1))
LEIDEN = pick_table(BOUWBLOKKEN_SEED, "Leiden", date(2025, 1, 1))
NORM_2025 = pick_norm(NORMS_SEED, date(2025, 7, 1))


def person(situation="bijstand", hours="36", months="12", disability=False, bonuses=()):
    return Person(
        situation=situation,
        hours_per_week=D(hours),
        months=D(months),
        occupational_disability=disability,
        bonuses=frozenset(bonuses),
    )


# --------------------------------------------------------------------------
# Seed tables
# --------------------------------------------------------------------------


def test_seed_has_utrecht_and_leiden_with_dates_and_notes():
    assert {(t.region, t.valid_from) for t in BOUWBLOKKEN_SEED} == {
        ("Utrecht", date(2022, 1, 1)),
        ("Leiden", date(2023, 9, 1)),
    }
    for table in BOUWBLOKKEN_SEED:
        assert "36 hours" in table.source_note
    utrecht = next(t for t in BOUWBLOKKEN_SEED if t.region == "Utrecht")
    assert "ASSUMPTION" in utrecht.source_note


@pytest.mark.parametrize(
    "table, situation, disability, value",
    [
        (UTRECHT, "bijstand", False, "40000"),
        (UTRECHT, "doelgroepregister", False, "50000"),
        (UTRECHT, "wia", False, "40000"),
        (UTRECHT, "wao", False, "40000"),
        (UTRECHT, "ww", False, "20000"),
        (UTRECHT, "none", False, "10000"),
        (LEIDEN, "bijstand", False, "30000"),
        (LEIDEN, "bijstand", True, "50000"),
        (LEIDEN, "wia", False, "40000"),
        (LEIDEN, "wao", False, "40000"),
        (LEIDEN, "wajong", False, "25000"),
        (LEIDEN, "ww", False, "15000"),
        (LEIDEN, "none", False, "5000"),
        (LEIDEN, "none", True, "10000"),
    ],
)
def test_seed_blocks_match_the_published_tables(table, situation, disability, value):
    block = table.block_for(situation, disability)
    assert block.value == D(value)
    assert block.with_disability is disability


def test_seed_bonuses_match_the_published_tables():
    assert {(b.code, b.value) for b in UTRECHT.bonuses} == {
        ("age_50_plus", D(10000)),
        ("status_holder_language", D(10000)),
        ("permanent_contract", D(10000)),
    }
    assert {(b.code, b.value) for b in LEIDEN.bonuses} == {("age_55_plus", D(15000))}
    assert {b.code for t in BOUWBLOKKEN_SEED for b in t.bonuses} == set(BONUS_CODES)


def test_seed_situations_are_benefit_types_or_the_doelgroepregister():
    allowed = set(BENEFIT_TYPE_CODES) | {"doelgroepregister"}
    for table in BOUWBLOKKEN_SEED:
        assert set(table.situations) <= allowed


# --------------------------------------------------------------------------
# Worked examples
# --------------------------------------------------------------------------


def test_utrecht_bijstand_24_hours_6_months():
    # 40,000 × 24/36 × 6/12 = 13,333.333... -> 13,333.33
    assert bouwblok_value(UTRECHT, person("bijstand", "24", "6")) == D("13333.33")


def test_utrecht_bijstand_24_hours_6_months_with_50_plus_bonus():
    # (40,000 + 10,000) × 24/36 × 6/12 = 16,666.666... -> 16,666.67
    assert bouwblok_value(UTRECHT, person("bijstand", "24", "6", bonuses=["age_50_plus"])) == D("16666.67")


def test_a_four_hour_job_earns_a_bonus_scaled_by_its_hours_not_a_full_bonus():
    # (40,000 + 10,000) × 4/36 × 12/12 = 5,555.555... ; the bonus part is 10,000 × 4/36 = 1,111.11
    breakdown = bouwblok_breakdown(UTRECHT, person("bijstand", "4", "12", bonuses=["age_50_plus"]))
    assert breakdown.base_amount == D("4444.44")
    assert [(b.code, b.amount) for b in breakdown.bonuses] == [("age_50_plus", D("1111.11"))]
    assert breakdown.value == D("5555.56")


def test_a_bonus_scales_with_hours_and_months_like_the_block():
    # (40,000 + 10,000) × 12/36 × 12/12 = 16,666.67; 12 hours a week earn a third of the bonus too
    assert bouwblok_value(UTRECHT, person("bijstand", "12", "12", bonuses=["age_50_plus"])) == D("16666.67")


def test_utrecht_doelgroepregister_full_year_with_all_bonuses():
    p = person("doelgroepregister", bonuses=BONUS_CODES)
    breakdown = bouwblok_breakdown(UTRECHT, p)
    assert breakdown.value == D("80000.00")
    assert [b.code for b in breakdown.bonuses] == [
        "age_50_plus",
        "permanent_contract",
        "status_holder_language",
    ]
    assert breakdown.ignored_bonus_codes == ("age_55_plus",)


def test_utrecht_ww_20_hours_9_months():
    # 20,000 × 20/36 × 9/12 = 8,333.333... -> 8,333.33
    assert bouwblok_value(UTRECHT, person("ww", "20", "9")) == D("8333.33")


def test_leiden_bijstand_with_and_without_disability():
    assert bouwblok_value(LEIDEN, person("bijstand")) == D("30000.00")
    assert bouwblok_value(LEIDEN, person("bijstand", disability=True)) == D("50000.00")


def test_leiden_no_benefit_with_and_without_disability_part_time():
    # 5,000 × 20/36 × 3/12 = 694.444... ; 10,000 × 20/36 × 3/12 = 1,388.888...
    assert bouwblok_value(LEIDEN, person("none", "20", "3")) == D("694.44")
    assert bouwblok_value(LEIDEN, person("none", "20", "3", disability=True)) == D("1388.89")


def test_disability_falls_back_to_the_plain_row_where_there_is_no_variant():
    assert bouwblok_value(LEIDEN, person("wia", disability=True)) == D("40000.00")
    assert bouwblok_value(UTRECHT, person("bijstand", disability=True)) == D("40000.00")
    assert bouwblok_breakdown(LEIDEN, person("wia", disability=True)).disability_variant is False


def test_leiden_wajong_half_time_with_55_plus_bonus_for_8_months():
    # 25,000 × 18/36 × 8/12 = 8,333.333... ; 15,000 × 18/36 × 8/12 = 5,000 ; total 13,333.33
    p = person("wajong", "18", "8", bonuses=["age_55_plus", "age_50_plus"])
    breakdown = bouwblok_breakdown(LEIDEN, p)
    assert breakdown.base_amount == D("8333.33")
    assert [(b.code, b.amount) for b in breakdown.bonuses] == [("age_55_plus", D("5000.00"))]
    assert breakdown.ignored_bonus_codes == ("age_50_plus",)
    assert breakdown.value == D("13333.33")


def test_hours_are_capped_at_36():
    capped = bouwblok_breakdown(UTRECHT, person("bijstand", "40", "12"))
    assert capped.value == D("40000.00")
    assert capped.hours_capped is True
    assert capped.hours_used == D(36)
    assert capped.hours_per_week == D(40)


def test_months_are_capped_at_12():
    capped = bouwblok_breakdown(UTRECHT, person("bijstand", "36", "18", bonuses=["age_50_plus"]))
    assert capped.value == D("50000.00")
    assert capped.months_capped is True
    assert capped.months_used == D(12)


def test_zero_hours_or_months_give_zero_even_with_a_bonus():
    assert bouwblok_value(UTRECHT, person("bijstand", "0", "12", bonuses=["age_50_plus"])) == D("0.00")
    assert bouwblok_value(UTRECHT, person("bijstand", "36", "0", bonuses=["age_50_plus"])) == D("0.00")


def test_fractional_months_and_hours():
    # 40,000 × 32.5/36 × 2.5/12 = 7,523.148... -> 7,523.15
    assert bouwblok_value(UTRECHT, person("bijstand", "32.5", "2.5")) == D("7523.15")


def test_breakdown_shows_table_dates_and_factors():
    breakdown = bouwblok_breakdown(UTRECHT, person("bijstand", "24", "6"))
    assert breakdown.region == "Utrecht"
    assert breakdown.valid_from == date(2022, 1, 1)
    assert breakdown.source_note == UTRECHT.source_note
    assert breakdown.block_value == D(40000)
    assert breakdown.hours_factor == D("0.666667")
    assert breakdown.months_factor == D("0.500000")
    assert breakdown.base_amount == D("13333.33")
    assert breakdown.bonuses == ()
    assert breakdown.hours_capped is False and breakdown.months_capped is False


def test_rounding_is_half_up_at_the_end():
    table = BouwblokTable(
        region="Test",
        valid_from=date(2020, 1, 1),
        source_note="test",
        blocks=(Block("bijstand", D("100.01")),),
        bonuses=(Bonus("b", "b", "b", D("0.01")),),
    )
    # 100.01 × 18/36 = 50.005 -> 50.01 (banker's rounding would give 50.00)
    assert bouwblok_value(table, person("bijstand", "18", "12")) == D("50.01")
    # 100.01 × 18/36 × 6/12 = 25.0025 ; bonus 0.01 × 18/36 × 6/12 = 0.0025 ; 25.005 -> 25.01 (banker's: 25.00)
    assert bouwblok_value(table, person("bijstand", "18", "6", bonuses=["b"])) == D("25.01")


def test_value_is_rounded_once_so_parts_may_differ_by_a_cent():
    table = BouwblokTable(
        region="Test",
        valid_from=date(2020, 1, 1),
        source_note="test",
        blocks=(Block("bijstand", D("0.03")),),
        bonuses=(Bonus("b", "b", "b", D("0.03")),),
    )
    breakdown = bouwblok_breakdown(table, person("bijstand", "36", "2", bonuses=["b"]))
    # 0.03 × 2/12 = 0.005 each; parts show 0.01 + 0.01, the total is 0.01
    assert breakdown.base_amount == D("0.01")
    assert breakdown.bonuses[0].amount == D("0.01")
    assert breakdown.value == D("0.01")


# --------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------


def test_unknown_situation_names_it_and_the_table():
    with pytest.raises(UnknownSituationError) as info:
        bouwblok_value(UTRECHT, person("wajong"))
    message = str(info.value)
    assert "'wajong'" in message and "Utrecht" in message and "2022-01-01" in message
    assert "doelgroepregister" in message  # lists what the table has


def test_situation_only_known_with_disability_is_refused_without_one():
    table = BouwblokTable("Test", date(2020, 1, 1), "test", blocks=(Block("none", D(10000), with_disability=True),))
    assert bouwblok_value(table, person("none", disability=True)) == D("10000.00")
    with pytest.raises(UnknownSituationError, match="occupational disability"):
        bouwblok_value(table, person("none"))


def test_unknown_situation_is_a_value_error():
    with pytest.raises(ValueError):
        bouwblok_value(LEIDEN, person("doelgroepregister"))


@pytest.mark.parametrize(
    "kwargs",
    [
        {"hours_per_week": D(-1)},
        {"months": D("-0.5")},
        {"hours_per_week": 24.0},
        {"months": "abc"},
        {"hours_per_week": D("NaN")},
        {"situation": ""},
        {"bonuses": "age_50_plus"},
    ],
)
def test_person_refuses_bad_input(kwargs):
    args = {"situation": "bijstand", "hours_per_week": D(24), "months": D(6)}
    args.update(kwargs)
    with pytest.raises(SocialValueError):
        Person(**args)


def test_person_accepts_ints_and_strings():
    p = Person("bijstand", 24, "6")
    assert p.hours_per_week == D(24) and p.months == D(6)
    assert p.bonuses == frozenset()


@pytest.mark.parametrize(
    "blocks, bonuses",
    [
        ((), ()),
        ((Block("ww", D(1)), Block("ww", D(2))), ()),
        ((Block("ww", D(1)),), (Bonus("x", "x", "x", D(1)), Bonus("x", "y", "y", D(2)))),
    ],
)
def test_table_refuses_empty_or_duplicate_rows(blocks, bonuses):
    with pytest.raises(SocialValueError):
        BouwblokTable("Test", date(2020, 1, 1), "test", blocks=blocks, bonuses=bonuses)


def test_block_refuses_negative_value():
    with pytest.raises(SocialValueError):
        Block("ww", D(-1))


# --------------------------------------------------------------------------
# Picking a table by date
# --------------------------------------------------------------------------

UTRECHT_2026 = BouwblokTable(
    region="Utrecht",
    valid_from=date(2026, 1, 1),
    source_note="hypothetical later version",
    blocks=(Block("bijstand", D(42000)),),
)
TABLES = (*BOUWBLOKKEN_SEED, UTRECHT_2026)


def test_pick_table_takes_the_newest_valid_on_the_date():
    assert pick_table(TABLES, "Utrecht", date(2025, 12, 31)).valid_from == date(2022, 1, 1)
    assert pick_table(TABLES, "Utrecht", date(2026, 1, 1)) is UTRECHT_2026
    assert pick_table(TABLES, "Utrecht", date(2030, 6, 1)) is UTRECHT_2026


def test_pick_table_order_of_input_does_not_matter():
    assert pick_table(tuple(reversed(TABLES)), "Utrecht", date(2026, 3, 1)) is UTRECHT_2026


def test_pick_table_region_is_case_insensitive():
    assert pick_table(TABLES, "  leiden ", date(2024, 1, 1)).region == "Leiden"


def test_leiden_table_starts_on_1_september_2023():
    assert pick_table(TABLES, "Leiden", date(2023, 9, 1)).valid_from == date(2023, 9, 1)
    with pytest.raises(NoTableError) as info:
        pick_table(TABLES, "Leiden", date(2023, 8, 31))
    assert "2023-08-31" in str(info.value) and "2023-09-01" in str(info.value)


def test_pick_table_unknown_region():
    with pytest.raises(NoTableError, match="Rotterdam"):
        pick_table(TABLES, "Rotterdam", date(2025, 1, 1))


def test_pick_table_refuses_two_versions_on_the_same_date():
    twin = BouwblokTable("Leiden", date(2023, 9, 1), "twin", blocks=(Block("ww", D(1)),))
    with pytest.raises(SocialValueError, match="two"):
        pick_table((*BOUWBLOKKEN_SEED, twin), "Leiden", date(2024, 1, 1))


def test_a_new_version_changes_the_value_for_later_dates_only():
    p = person("bijstand", "36", "12")
    assert bouwblok_value(pick_table(TABLES, "Utrecht", date(2025, 6, 1)), p) == D("40000.00")
    assert bouwblok_value(pick_table(TABLES, "Utrecht", date(2026, 6, 1)), p) == D("42000.00")


# --------------------------------------------------------------------------
# Avoided benefit cost
# --------------------------------------------------------------------------


def test_seed_norm_2025_07_01():
    assert NORM_2025.valid_from == date(2025, 7, 1)
    assert NORM_2025.monthly_norm == D("1300.61")
    assert NORM_2025.holiday_allowance_factor == D("1.05")
    assert NORM_2025.implementation_cost_per_year == D(2900)
    assert NORM_2025.household == "single"


def test_avoided_cost_six_months_with_implementation():
    # 6 × 1,300.61 × 1.05 = 8,193.843 ; 2,900 × 6/12 = 1,450.00 ; total 9,643.843 -> 9,643.84
    breakdown = avoided_benefit_cost_breakdown(NORM_2025, D(6))
    assert breakdown.benefit_amount == D("8193.84")
    assert breakdown.implementation_amount == D("1450.00")
    assert breakdown.implementation_included is True
    assert breakdown.value == D("9643.84")
    assert avoided_benefit_cost(NORM_2025, D(6)) == D("9643.84")


def test_avoided_cost_six_months_without_implementation():
    assert avoided_benefit_cost(NORM_2025, D(6), include_implementation=False) == D("8193.84")
    breakdown = avoided_benefit_cost_breakdown(NORM_2025, D(6), include_implementation=False)
    assert breakdown.implementation_included is False
    assert breakdown.implementation_amount == D("0.00")


def test_avoided_cost_full_year():
    # 12 × 1,300.61 × 1.05 = 16,387.686 ; + 2,900 = 19,287.686 -> 19,287.69
    assert avoided_benefit_cost(NORM_2025, D(12)) == D("19287.69")


def test_avoided_cost_norm_without_implementation_cost():
    norm = BenefitNorm(date(2025, 7, 1), D("1300.61"), source_note="no cost known")
    breakdown = avoided_benefit_cost_breakdown(norm, D(6))
    assert breakdown.value == D("8193.84")
    assert breakdown.implementation_included is False
    assert breakdown.implementation_cost_per_year is None


def test_avoided_cost_is_rounded_half_up_once_at_the_end():
    norm = BenefitNorm(date(2020, 1, 1), D("0.10"), implementation_cost_per_year=D("0.06"))
    # 1 × 0.10 × 1.05 = 0.105 -> 0.11 (banker's would give 0.10)
    assert avoided_benefit_cost(norm, D(1), include_implementation=False) == D("0.11")
    # 0.105 + 0.06/12 = 0.105 + 0.005 = 0.110 -> 0.11 (rounding parts first: 0.11 + 0.01 = 0.12)
    assert avoided_benefit_cost(norm, D(1)) == D("0.11")


def test_avoided_cost_zero_months_and_fractional_months():
    assert avoided_benefit_cost(NORM_2025, D(0)) == D("0.00")
    # 2.5 × 1,300.61 × 1.05 = 3,414.10125 ; 2,900 × 2.5/12 = 604.1666... ; 4,018.2679... -> 4,018.27
    assert avoided_benefit_cost(NORM_2025, D("2.5")) == D("4018.27")


def test_avoided_cost_refuses_negative_or_float_months():
    with pytest.raises(SocialValueError):
        avoided_benefit_cost(NORM_2025, D(-1))
    with pytest.raises(SocialValueError):
        avoided_benefit_cost(NORM_2025, 6.0)  # type: ignore[arg-type]


def test_benefit_norm_refuses_bad_settings():
    with pytest.raises(SocialValueError):
        BenefitNorm(date(2025, 7, 1), D(-1))
    with pytest.raises(SocialValueError):
        BenefitNorm(date(2025, 7, 1), D("1300.61"), holiday_allowance_factor=D("0.95"))
    with pytest.raises(SocialValueError):
        BenefitNorm(date(2025, 7, 1), D("1300.61"), implementation_cost_per_year=D(-2900))


def test_pick_norm_by_date():
    later = BenefitNorm(date(2026, 1, 1), D("1320.00"), source_note="hypothetical")
    norms = (*NORMS_SEED, later)
    assert pick_norm(norms, date(2025, 12, 31)) is NORM_2025
    assert pick_norm(norms, date(2026, 1, 1)) is later
    with pytest.raises(NoNormError) as info:
        pick_norm(norms, date(2025, 6, 30))
    assert "2025-06-30" in str(info.value) and "2025-07-01" in str(info.value)


def test_pick_norm_by_household():
    couple = BenefitNorm(date(2025, 7, 1), D("1858.01"), household="couple")
    norms = (*NORMS_SEED, couple)
    assert pick_norm(norms, date(2025, 8, 1), household="couple") is couple
    assert pick_norm(norms, date(2025, 8, 1)) is NORM_2025
    with pytest.raises(NoNormError, match="single_parent"):
        pick_norm(norms, date(2025, 8, 1), household="single_parent")


def test_pick_norm_refuses_two_norms_on_the_same_date():
    twin = BenefitNorm(date(2025, 7, 1), D(1))
    with pytest.raises(SocialValueError, match="two"):
        pick_norm((*NORMS_SEED, twin), date(2025, 8, 1))


# --------------------------------------------------------------------------
# Properties
# --------------------------------------------------------------------------

amounts = st.decimals(min_value=0, max_value=60, places=2, allow_nan=False, allow_infinity=False)
month_amounts = st.decimals(min_value=0, max_value=24, places=2, allow_nan=False, allow_infinity=False)
situations = st.sampled_from(["bijstand", "wia", "wao", "ww", "none"])
bonus_sets = st.frozensets(st.sampled_from(BONUS_CODES))
tables = st.sampled_from([UTRECHT, LEIDEN])


@given(tables, situations, st.booleans(), bonus_sets, amounts, amounts, month_amounts)
def test_value_is_monotone_in_hours(table, situation, disability, bonuses, h1, h2, months):
    low, high = sorted((h1, h2))
    a = bouwblok_value(table, Person(situation, low, months, disability, bonuses))
    b = bouwblok_value(table, Person(situation, high, months, disability, bonuses))
    assert D(0) <= a <= b


@given(tables, situations, st.booleans(), bonus_sets, amounts, month_amounts, month_amounts)
def test_value_is_monotone_in_months(table, situation, disability, bonuses, hours, m1, m2):
    low, high = sorted((m1, m2))
    a = bouwblok_value(table, Person(situation, hours, low, disability, bonuses))
    b = bouwblok_value(table, Person(situation, hours, high, disability, bonuses))
    assert D(0) <= a <= b


@given(tables, situations, st.booleans(), bonus_sets, amounts, month_amounts)
def test_value_is_bounded_by_a_full_year_and_has_cents(table, situation, disability, bonuses, hours, months):
    p = Person(situation, hours, months, disability, bonuses)
    breakdown = bouwblok_breakdown(table, p)
    ceiling = breakdown.block_value + sum((b.value for b in table.bonuses if b.code in bonuses), D(0))
    assert D(0) <= breakdown.value <= ceiling
    assert breakdown.value == breakdown.value.quantize(D("0.01"))
    parts = breakdown.base_amount + sum((b.amount for b in breakdown.bonuses), D(0))
    assert abs(parts - breakdown.value) <= D("0.01") * (1 + len(breakdown.bonuses))


@given(month_amounts, month_amounts, st.booleans())
def test_avoided_cost_is_monotone_and_never_negative(m1, m2, include):
    low, high = sorted((m1, m2))
    a = avoided_benefit_cost(NORM_2025, low, include)
    b = avoided_benefit_cost(NORM_2025, high, include)
    assert D(0) <= a <= b
    assert avoided_benefit_cost(NORM_2025, high, False) <= avoided_benefit_cost(NORM_2025, high, True)
