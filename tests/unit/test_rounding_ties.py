"""Every rounding site rounds an exact tie half-up (fundapp.money), where banker's rounding would round it down.

The running example is the issue's: 1,000.20 x 12.5 % = 125.025, which is 125.03 (half-even gives 125.02).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from fundapp.loans.schedule import Amortization, LoanTerms, build_schedule, period_interest
from fundapp.loans.schemas import PortfolioSchema
from fundapp.outcomes.budget import BudgetRow
from fundapp.outcomes.pricing import ContractTerms, Payer, RateItem, Result, simulate, split_by_share
from fundapp.reports import frames
from fundapp.reports.dashboards import TargetLine
from fundapp.reports.payer_report import ItemRow
from fundapp.reports.social import PersonSpan
from fundapp.reports.social_value import BOUWBLOKKEN_SEED, Person, bouwblok_breakdown, pick_table

D = Decimal


def _terms(price: str, deadweight: str = "0", payers=(Payer("city", D("100")),), **item) -> ContractTerms:
    return ContractTerms(
        items=(RateItem(code="A", name="Item A", price=D(price), **item),),
        payers=payers,
        deadweight_percent=D(deadweight),
    )


# --- deadweight, the pro-rata unit cap and share splits (outcomes/pricing.py) ----------------------


def test_deadweight_of_a_tie_rounds_half_up():
    line = simulate(_terms("1000.20", "12.5"), [Result(item="A", participant="p1", achieved_on=date(2026, 1, 1))])
    assert (line.lines[0].deadweight, line.lines[0].payable) == (D("125.03"), D("875.17"))


def test_the_pro_rata_amount_for_the_units_left_under_a_unit_cap_rounds_a_tie_half_up():
    # 4 x 250.05 = 1000.20, less 12.5 % deadweight (125.03) = 875.17; 2 of 4 units paid: 437.585 -> 437.59
    claim = simulate(_terms("250.05", "12.5", max_units=2), [Result(item="A", units=4, achieved_on=date(2026, 1, 1))])
    assert (claim.lines[0].units_paid, claim.lines[0].payable) == (2, D("437.59"))


def test_a_share_split_gives_a_tied_half_cent_to_the_payer_listed_first():
    payers = (Payer("city", D("12.5")), Payer("province", D("87.5")))
    assert split_by_share(D("1000.20"), payers) == [D("125.03"), D("875.17")]
    claim = simulate(
        _terms("1000.20", payers=payers), [Result(item="A", participant="p1", achieved_on=date(2026, 1, 1))]
    )
    assert claim.by_payer == (("city", D("125.03")), ("province", D("875.17")))


# --- schedules (loans/schedule.py) ------------------------------------------------------------------


def test_interest_of_a_tie_rounds_half_up():
    # 1,000.50 at 12 % for one regular month: 10.005 -> 10.01
    assert period_interest(D("1000.50"), date(2024, 1, 15), date(2024, 2, 15), D("12"), "monthly", "30/360") == D(
        "10.01"
    )
    schedule = build_schedule(LoanTerms(D("1000.50"), D("12"), date(2024, 1, 15), 3))
    assert schedule.installments[0].interest == D("10.01")


def test_an_annuity_installment_of_a_tie_rounds_half_up():
    # 1,000.10 over 4 periods at 0 %: 250.025 -> 250.03, the last installment takes the rest
    schedule = build_schedule(LoanTerms(D("1000.10"), D("0"), date(2024, 1, 15), 4))
    assert [i.total for i in schedule.installments] == [D("250.03")] * 3 + [D("250.01")]


def test_a_linear_principal_part_of_a_tie_rounds_half_up():
    terms = LoanTerms(D("1000.10"), D("0"), date(2024, 1, 15), 4, amortization=Amortization.LINEAR)
    assert [i.principal for i in build_schedule(terms).installments] == [D("250.03")] * 3 + [D("250.01")]


def test_an_installment_rounded_to_a_multiple_rounds_a_tie_half_up():
    # 1,000.00 over 8 periods at 0 %: 125 per period, to a multiple of 10 -> 130 (half-even would give 120)
    schedule = build_schedule(LoanTerms(D("1000.00"), D("0"), date(2024, 1, 15), 8, installment_multiple=D("10")))
    assert schedule.installments[0].total == D("130.00")


# --- report and dashboard figures ---------------------------------------------------------------------


def test_a_payers_cost_per_outcome_rounds_a_tie_half_up():
    assert ItemRow("C-1", "A", "Item A", D("125.00"), units_paid=2, paid=D("250.05")).cost_per_outcome == D("125.03")


def test_the_percentage_of_a_target_reached_rounds_a_tie_half_up():
    assert TargetLine("jobs", "people", actual=D("1"), target=D("16")).achieved == D("6.3")  # 6.25


def test_the_share_of_a_budget_used_rounds_a_tie_half_up():
    row = BudgetRow("C-1", None, committed=D("100000.00"), claimed=D("0"), approved=D("12345.00"), paid=D("0"))
    assert row.used_ratio == D("0.1235")  # 0.12345


def test_a_mean_of_kpi_values_rounds_a_tie_half_up_in_both_steps():
    assert frames.mean([D("0"), D("0.0001")]) == D("0.0001")  # 0.00005
    frame = frames.values_frame([(1, "2026-Q1", 7, D("0")), (1, "2026-Q2", 7, D("0.0001")), (2, "2026-Q1", 7, D("0"))])
    assert frames.per_investee(frame, {7: "average"})[(1, 7)] == D("0.0001")
    # The investees' means 0.0001 and 0: 0.00005 -> 0.0001
    assert frames.totals(frame, {7: "average"}) == {7: (D("0.0001"), 2)}


def test_mean_hours_a_week_of_a_person_round_a_tie_half_up():
    assert PersonSpan(None, hour_months=D("97"), months_with_hours=D("8")).hours == D("12.13")  # 12.125


def test_a_social_value_and_its_hours_factor_round_a_tie_half_up():
    utrecht = pick_table(BOUWBLOKKEN_SEED, "Utrecht", date(2025, 1, 1))
    # 40,000 x 0.0900045 / 36 = 100.005 -> 100.01
    assert bouwblok_breakdown(utrecht, Person("bijstand", D("0.0900045"), D("12"))).value == D("100.01")
    # 4.444434 / 36 = 0.1234565 -> 0.123457
    assert bouwblok_breakdown(utrecht, Person("bijstand", D("4.444434"), D("12"))).hours_factor == D("0.123457")


def test_the_portfolio_api_gives_ratios_and_the_return_half_up_to_six_decimals():
    dumped = PortfolioSchema().dump({"par30": D("0.0000625"), "par90": D("0"), "xirr": D("0.1234565")})
    assert (dumped["par30"], dumped["par90"], dumped["xirr"]) == ("0.000063", "0.000000", "0.123457")
