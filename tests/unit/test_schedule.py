"""Repayment schedules, checked against numpy_financial and hand-worked figures."""

from __future__ import annotations

import ast
from dataclasses import replace
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from itertools import pairwise
from pathlib import Path

import numpy_financial as npf
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fundapp.loans import schedule as schedule_module
from fundapp.loans import servicing as servicing_module
from fundapp.loans.schedule import (
    Amortization,
    DayCount,
    Frequency,
    LoanTerms,
    TermsError,
    TermsErrors,
    add_periods,
    build_schedule,
    days_30e_360,
    due_dates,
    is_regular_period,
    plan_remaining,
    validate_terms,
)

D = Decimal
CENT = D("0.01")
WORKED = LoanTerms(
    principal=D("10000.00"), annual_rate=D("6"), disbursement_date=date(2024, 1, 15), number_of_installments=24
)


def cents(value: float) -> Decimal:
    """A numpy_financial float as an amount rounded half-up to the cent."""
    return D(repr(float(value))).quantize(CENT, rounding=ROUND_HALF_UP)


def near_half_cent(value: float) -> bool:
    """Float results this close to x.xx5 cannot tell us which way exact rounding goes."""
    return abs(abs(value) * 100 % 1 - 0.5) < 1e-6


# --- the worked example and numpy_financial references ------------------------------------


def test_worked_example_10000_at_6_percent_over_24_months_costs_443_21_a_month() -> None:
    first = build_schedule(WORKED).installments[0]

    assert (first.total, first.interest, first.principal) == (D("443.21"), D("50.00"), D("393.21"))


@pytest.mark.parametrize("rate", ["0.5", "3", "6", "7.25", "12", "18.5", "35"])
@pytest.mark.parametrize("count", [1, 7, 24, 60, 360])
@pytest.mark.parametrize("frequency", list(Frequency))
def test_annuity_installment_equals_numpy_financial_pmt_rounded_half_up(
    rate: str, count: int, frequency: Frequency
) -> None:
    terms = replace(
        WORKED, principal=D("123456.78"), annual_rate=D(rate), number_of_installments=count, frequency=frequency
    )
    reference = -npf.pmt(float(rate) / 100 / frequency.periods_per_year, count, 123456.78)
    if near_half_cent(reference):
        pytest.skip("float reference too close to a half cent to decide the rounding")

    installments = build_schedule(terms).installments

    assert installments[0].total == cents(reference)
    assert all(i.total == cents(reference) for i in installments[:-1])


@pytest.mark.parametrize("rate, count", [("6", 24), ("4.5", 120), ("11.9", 36)])
def test_interest_and_principal_parts_follow_numpy_financial_ipmt_and_ppmt(rate: str, count: int) -> None:
    terms = replace(WORKED, annual_rate=D(rate), number_of_installments=count)
    periodic = float(rate) / 1200
    installments = build_schedule(terms).installments

    assert installments[0].interest == cents(-npf.ipmt(periodic, 1, count, 10000.0))
    for period, installment in enumerate(installments[:12], start=1):
        # The schedule repays the rounded installment, so later balances may drift from npf's by cents' fractions.
        assert abs(installment.interest - cents(-npf.ipmt(periodic, period, count, 10000.0))) <= CENT
        assert abs(installment.principal - cents(-npf.ppmt(periodic, period, count, 10000.0))) <= CENT


def test_worked_example_totals_and_last_installment_absorb_the_rounding() -> None:
    schedule = build_schedule(WORKED)
    last = schedule.installments[-1]

    assert schedule.total_principal == D("10000.00")
    assert last.balance == D("0.00")
    assert last.total != D("443.21")
    assert schedule.total_interest == sum(i.interest for i in schedule.installments)


# --- amortization kinds -------------------------------------------------------------------


def test_grace_installments_pay_interest_only_then_the_annuity_of_the_full_principal() -> None:
    terms = replace(WORKED, number_of_installments=30, grace_periods=6)
    installments = build_schedule(terms).installments

    assert [(i.principal, i.interest) for i in installments[:6]] == [(D("0.00"), D("50.00"))] * 6
    assert installments[6].total == cents(-npf.pmt(0.005, 24, 10000.0)) == D("443.21")
    assert installments[6].interest == D("50.00")
    assert len(installments) == 30


def test_linear_principal_part_is_principal_over_amortizing_periods_with_interest_on_the_balance() -> None:
    terms = replace(
        WORKED, principal=D("1000.00"), number_of_installments=4, grace_periods=1, amortization=Amortization.LINEAR
    )
    rows = [(i.principal, i.interest, i.balance) for i in build_schedule(terms).installments]

    assert rows == [
        (D("0.00"), D("5.00"), D("1000.00")),
        (D("333.33"), D("5.00"), D("666.67")),
        (D("333.33"), D("3.33"), D("333.34")),
        (D("333.34"), D("1.67"), D("0.00")),
    ]


def test_bullet_pays_interest_every_period_and_the_whole_principal_at_the_end() -> None:
    terms = replace(WORKED, number_of_installments=4, amortization=Amortization.BULLET, grace_periods=2)
    rows = [(i.principal, i.interest) for i in build_schedule(terms).installments]

    assert rows == [(D("0.00"), D("50.00"))] * 3 + [(D("10000.00"), D("50.00"))]


def test_zero_rate_annuity_divides_the_principal_evenly_and_charges_no_interest() -> None:
    terms = replace(WORKED, principal=D("1000.00"), annual_rate=D("0"), number_of_installments=3)
    rows = [(i.principal, i.interest) for i in build_schedule(terms).installments]

    assert rows == [(D("333.33"), D("0.00")), (D("333.33"), D("0.00")), (D("333.34"), D("0.00"))]


def test_zero_rate_installment_is_rounded_to_the_multiple_too() -> None:
    terms = replace(
        WORKED, principal=D("1000.00"), annual_rate=D("0"), number_of_installments=3, installment_multiple=D("10")
    )

    assert [i.total for i in build_schedule(terms).installments] == [D("330.00"), D("330.00"), D("340.00")]


@pytest.mark.parametrize("multiple, installment", [("1", "443.00"), ("10", "440.00"), ("0.05", "443.20")])
def test_annuity_installment_is_rounded_half_up_to_the_multiple(multiple: str, installment: str) -> None:
    schedule = build_schedule(replace(WORKED, installment_multiple=D(multiple)))

    assert {i.total for i in schedule.installments[:-1]} == {D(installment)}
    assert schedule.total_principal == D("10000.00")


def test_a_coarse_multiple_that_rounds_up_ends_the_schedule_once_the_balance_is_repaid() -> None:
    terms = replace(
        WORKED, principal=D("1150.00"), annual_rate=D("0"), number_of_installments=24, installment_multiple=D("10")
    )
    installments = build_schedule(terms).installments

    assert len(installments) == 23
    assert installments[-1].balance == D("0.00")


def test_principal_part_is_never_negative_when_the_rounded_installment_is_below_the_interest() -> None:
    terms = replace(
        WORKED, principal=D("100.00"), annual_rate=D("12"), number_of_installments=24, installment_multiple=D("10")
    )
    installments = build_schedule(terms).installments

    assert installments[0].principal == D("0.00")
    assert installments[-1].principal == D("100.00")


# --- day counts ---------------------------------------------------------------------------------


@pytest.mark.parametrize("day_count, basis", [(DayCount.ACT_365, 365), (DayCount.ACT_360, 360)])
def test_actual_day_counts_charge_interest_for_the_real_days_of_each_period(day_count: DayCount, basis: int) -> None:
    installments = build_schedule(replace(WORKED, day_count=day_count)).installments
    first, second = installments[0], installments[1]

    # Jan 15 -> Feb 15 2024 is 31 days, Feb 15 -> Mar 15 2024 is 29 (a leap year).
    assert first.interest == (D("10000.00") * 6 * 31 / (100 * basis)).quantize(CENT, ROUND_HALF_UP)
    assert second.interest == (first.balance * 6 * 29 / (100 * basis)).quantize(CENT, ROUND_HALF_UP)
    assert first.total == D("443.21")


def test_act_365_gives_the_same_interest_for_a_31_day_and_a_30_day_period_only_under_30_360() -> None:
    act = build_schedule(replace(WORKED, day_count=DayCount.ACT_365)).installments
    thirty = build_schedule(WORKED).installments

    assert act[0].interest == D("50.96")  # 31 days
    assert thirty[0].interest == D("50.00")


# --- due dates -------------------------------------------------------------------------------------


def test_due_dates_clamp_to_month_end_but_always_start_again_from_the_anchor_day() -> None:
    terms = replace(WORKED, disbursement_date=date(2028, 1, 31), number_of_installments=4)

    assert due_dates(terms) == [date(2028, 2, 29), date(2028, 3, 31), date(2028, 4, 30), date(2028, 5, 31)]


def test_add_periods_clamps_quarterly_and_counts_backwards() -> None:
    assert add_periods(date(2026, 11, 30), 1, Frequency.QUARTERLY) == date(2027, 2, 28)
    assert add_periods(date(2026, 11, 30), 2, Frequency.QUARTERLY) == date(2027, 5, 30)
    assert add_periods(date(2027, 3, 31), -1, Frequency.MONTHLY) == date(2027, 2, 28)
    assert add_periods(date(2024, 2, 29), 1, Frequency.ANNUAL) == date(2025, 2, 28)


def test_first_due_date_anchors_the_due_dates() -> None:
    terms = replace(
        WORKED, disbursement_date=date(2024, 1, 10), first_due_date=date(2024, 3, 31), number_of_installments=3
    )

    assert due_dates(terms) == [date(2024, 3, 31), date(2024, 4, 30), date(2024, 5, 31)]


def test_broken_first_period_under_30_360_counts_30e_days() -> None:
    terms = replace(WORKED, disbursement_date=date(2024, 1, 10), first_due_date=date(2024, 2, 1))
    first, second = build_schedule(terms).installments[:2]

    assert days_30e_360(date(2024, 1, 10), date(2024, 2, 1)) == 21
    assert first.interest == D("35.00")  # 10,000 x 6 % x 21 / 360
    assert first.total == D("443.21")
    assert second.interest == (first.balance * D("0.005")).quantize(CENT, ROUND_HALF_UP)


def test_long_broken_first_period_counts_30e_days_too() -> None:
    terms = replace(WORKED, disbursement_date=date(2024, 1, 5), first_due_date=date(2024, 3, 31))

    # 30E/360: Jan 5 -> Mar 30 = 85 days.
    assert build_schedule(terms).installments[0].interest == D("141.67")


def test_first_due_date_exactly_one_period_later_is_a_regular_period() -> None:
    on_time = replace(WORKED, first_due_date=date(2024, 2, 15))

    assert build_schedule(on_time) == build_schedule(WORKED)


def test_month_end_to_month_end_is_one_regular_period() -> None:
    terms = replace(WORKED, disbursement_date=date(2027, 2, 28), first_due_date=date(2027, 3, 31))

    assert is_regular_period(date(2027, 2, 28), date(2027, 3, 31), Frequency.MONTHLY)
    assert not is_regular_period(date(2027, 2, 27), date(2027, 3, 31), Frequency.MONTHLY)
    assert build_schedule(terms).installments[0].interest == D("50.00")


def test_thirty_e_day_count_treats_the_31st_as_the_30th() -> None:
    assert days_30e_360(date(2024, 1, 31), date(2024, 3, 1)) == 31
    assert days_30e_360(date(2024, 1, 30), date(2024, 3, 31)) == 60


# --- validation -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"principal": D("0")}, "principal"),
        ({"principal": D("-5")}, "principal"),
        ({"principal": D("100.001")}, "principal"),
        ({"annual_rate": D("-0.1")}, "annual_interest_rate"),
        ({"annual_rate": D("100.01")}, "annual_interest_rate"),
        ({"number_of_installments": 0}, "number_of_installments"),
        ({"number_of_installments": 601}, "number_of_installments"),
        ({"grace_periods": -1}, "grace_on_principal"),
        ({"grace_periods": 24}, "grace_on_principal"),
        ({"installment_multiple": D("0")}, "installment_multiple"),
        ({"first_due_date": date(2024, 1, 15)}, "first_due_date"),
        ({"frequency": "weekly"}, "frequency"),
        ({"amortization": "balloon"}, "amortization"),
        ({"day_count": "ACT/ACT"}, "day_count"),
    ],
)
def test_validation_names_the_field_of_a_bad_term(changes: dict, field: str) -> None:
    errors = validate_terms(replace(WORKED, **changes))

    assert [e.field for e in errors] == [field]
    assert isinstance(errors[0], ValueError)
    assert str(errors[0]).startswith(f"{field}: ")


def test_build_schedule_raises_every_problem_at_once() -> None:
    bad = replace(WORKED, principal=D("0"), annual_rate=D("101"), grace_periods=30, frequency="weekly")

    with pytest.raises(TermsErrors) as raised:
        build_schedule(bad)

    assert raised.value.fields == ("principal", "annual_interest_rate", "frequency", "grace_on_principal")
    assert all(isinstance(e, TermsError) for e in raised.value.errors)


def test_boundary_terms_are_valid() -> None:
    bullet = replace(WORKED, amortization=Amortization.BULLET, grace_periods=23)
    edges = replace(WORKED, annual_rate=D("100"), number_of_installments=600, principal=D("0.01"))

    assert validate_terms(bullet) == []
    assert validate_terms(edges) == []
    assert validate_terms(replace(WORKED, frequency="quarterly", day_count="ACT/360")) == []


# --- plan_remaining ---------------------------------------------------------------------------------


def test_plan_remaining_with_a_fixed_installment_ends_early_and_the_last_absorbs() -> None:
    dates = [add_periods(date(2024, 1, 15), k, Frequency.MONTHLY) for k in range(1, 25)]
    plan = plan_remaining(
        D("5000.00"),
        date(2024, 1, 15),
        dates,
        D("6"),
        Frequency.MONTHLY,
        Amortization.ANNUITY,
        DayCount.THIRTY_360,
        CENT,
        first_number=4,
        fixed_installment=D("443.21"),
    )

    assert len(plan) == int(npf.nper(0.005, -443.21, 5000.0)) + 1 == 12
    assert plan[0].number == 4
    assert all(i.total == D("443.21") for i in plan[:-1])
    assert plan[-1].total < D("443.21")
    assert sum(i.principal for i in plan) == D("5000.00")


def test_plan_remaining_of_nothing_is_empty() -> None:
    assert (
        plan_remaining(D("0.00"), date(2024, 1, 15), [date(2024, 2, 15)], D("6"), "monthly", "annuity", "30/360", CENT)
        == []
    )


# --- properties -----------------------------------------------------------------------------------------


@st.composite
def valid_terms(draw: st.DrawFn) -> LoanTerms:
    count = draw(st.integers(1, 600))
    disbursed = draw(st.dates(date(2000, 1, 1), date(2060, 12, 31)))
    first_due = draw(st.none() | st.integers(1, 400).map(lambda days: disbursed + timedelta(days=days)))
    return LoanTerms(
        principal=D(draw(st.integers(1, 10**10))) / 100,
        annual_rate=D(draw(st.integers(0, 10000))) / 100,
        disbursement_date=disbursed,
        number_of_installments=count,
        frequency=draw(st.sampled_from(Frequency)),
        amortization=draw(st.sampled_from(Amortization)),
        grace_periods=draw(st.integers(0, count - 1)),
        day_count=draw(st.sampled_from(DayCount)),
        installment_multiple=draw(st.sampled_from([D("0.01"), D("0.05"), D("1"), D("10"), D("100")])),
        first_due_date=first_due,
    )


@settings(max_examples=200, deadline=None)
@given(valid_terms())
def test_every_valid_schedule_repays_exactly_the_principal_with_sound_installments(terms: LoanTerms) -> None:
    assert validate_terms(terms) == []
    schedule = build_schedule(terms)
    installments = schedule.installments
    balances = [terms.principal] + [i.balance for i in installments]

    assert sum(i.principal for i in installments) == terms.principal == schedule.total_principal
    assert installments[-1].balance == D("0.00")
    assert all(i.total == i.principal + i.interest for i in installments)
    assert all(i.principal >= 0 and i.interest >= 0 for i in installments)
    assert all(later <= earlier for earlier, later in pairwise(balances))
    assert [i.number for i in installments] == list(range(1, len(installments) + 1))
    assert [i.due_date for i in installments] == due_dates(terms)[: len(installments)]
    assert all(
        i.principal == i.principal.quantize(CENT) and i.interest == i.interest.quantize(CENT) for i in installments
    )


def test_loan_calculation_modules_import_only_the_standard_library_and_money() -> None:
    allowed = {"__future__", "calendar", "collections", "dataclasses", "datetime", "decimal", "enum", "typing"}
    allowed |= {"fundapp.money", "fundapp.loans.schedule"}
    for module in (schedule_module, servicing_module):
        tree = ast.parse(Path(module.__file__).read_text())
        imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
        imported |= {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
        packages = {name if name.startswith("fundapp") else name.split(".")[0] for name in imported}
        assert packages <= allowed, f"{module.__name__} imports {packages - allowed}"
