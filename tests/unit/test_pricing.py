"""The pricing engine of result financing: rules by example, then invariants with hypothesis."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fundapp.outcomes.pricing import (
    Claim,
    ContractRuleError,
    ContractTerms,
    Payer,
    PriceBand,
    PriorUsage,
    RateItem,
    Result,
    compute_claim,
    simulate,
    split_by_share,
    validate_contract,
)

D = Decimal
JAN_1 = date(2024, 1, 1)
CITY = Payer("city", D("100"))


def item(code: str, price: str, **options) -> RateItem:
    return RateItem(code=code, name=f"Item {code}", price=D(price), **options)


def contract(*items: RateItem, payers: tuple[Payer, ...] = (CITY,), **options) -> ContractTerms:
    return ContractTerms(items=items, payers=payers, **options)


def person(code: str, participant: str = "p1", on: date = JAN_1, **options) -> Result:
    return Result(item=code, participant=participant, achieved_on=on, **options)


def cohort(code: str, units: int, on: date | None = JAN_1, **options) -> Result:
    return Result(item=code, units=units, achieved_on=on, **options)


def payables(claim: Claim) -> list[Decimal]:
    return [line.payable for line in claim.lines]


def day(n: int) -> date:
    return JAN_1 + timedelta(days=n)


# --- the worked example and deadweight -------------------------------------------------------


def test_a_participant_achieving_a_then_b_under_a_3500_cap_is_paid_1000_then_2500():
    terms = contract(item("A", "1000"), item("B", "3000"), participant_cap=D("3500"))
    claim = simulate(terms, [person("B", on=day(30)), person("A", on=day(0))])

    assert [line.item for line in claim.lines] == ["A", "B"]
    assert payables(claim) == [D("1000.00"), D("2500.00")]
    assert claim.lines[1].capped_by == "participant_cap"
    assert claim.lines[1].deductions == (("participant_cap", D("500.00")),)
    assert claim.total_payable == D("3500.00")
    assert claim.by_payer == (("city", D("3500.00")),)


def test_twenty_percent_deadweight_takes_a_fifth_off_each_line_and_binds_no_cap():
    claim = simulate(contract(item("A", "1000"), deadweight_percent=D("20")), [person("A")])
    line = claim.lines[0]

    assert (line.gross, line.deadweight, line.payable) == (D("1000.00"), D("200.00"), D("800.00"))
    assert line.deductions == (("deadweight", D("200.00")),)
    assert line.capped_by is None
    assert claim.total_gross == D("1000.00")
    assert (claim.total_deadweight, claim.total_payable) == (D("200.00"), D("800.00"))


def test_deadweight_rounds_half_up_to_the_cent_per_line():
    # 333.33 x 12.5 % = 41.66625 -> 41.67
    claim = simulate(contract(item("A", "333.33"), deadweight_percent=D("12.5")), [person("A")])

    assert claim.lines[0].deadweight == D("41.67")
    assert claim.lines[0].payable == D("291.66")


# --- each cap binding in turn -----------------------------------------------------------------


def test_the_participant_cap_counts_what_earlier_claims_paid_that_participant():
    terms = contract(item("A", "1000"), participant_cap=D("3500"))
    prior = PriorUsage(participant_paid={"p1": D("3000")})
    claim = compute_claim(terms, [person("A", "p1"), person("A", "p2")], prior)

    assert payables(claim) == [D("500.00"), D("1000.00")]
    assert [line.capped_by for line in claim.lines] == ["participant_cap", None]


def test_the_item_unit_cap_stops_paying_participants_once_the_units_are_used():
    terms = contract(item("A", "1000", max_units=2))
    claim = simulate(terms, [person("A", "p1"), person("A", "p2"), person("A", "p3")])

    assert payables(claim) == [D("1000.00"), D("1000.00"), D("0.00")]
    assert [line.units_paid for line in claim.lines] == [1, 1, 0]
    assert claim.lines[2].capped_by == "item_units_cap"


def test_a_cohort_result_over_the_unit_cap_is_paid_for_the_remaining_units_only():
    terms = contract(item("C", "100", max_units=10))
    claim = compute_claim(terms, [cohort("C", 10)], PriorUsage(item_units={"C": 6}))
    line = claim.lines[0]

    assert (line.units, line.units_paid) == (10, 4)
    assert line.gross == D("1000.00")
    assert line.payable == D("400.00")
    assert line.capped_by == "item_units_cap"
    assert line.deductions == (("item_units_cap", D("600.00")),)


def test_a_partial_cohort_after_deadweight_pays_the_remaining_units_share_of_the_net_amount():
    terms = contract(item("C", "1000.01", max_units=4), deadweight_percent=D("20"))
    line = simulate(terms, [cohort("C", 10)]).lines[0]

    # net 10000.10 - 2000.02 = 8000.08; 4 of 10 units -> 3200.032 -> 3200.03
    assert (line.units_paid, line.payable) == (4, D("3200.03"))
    assert line.deductions == (("deadweight", D("2000.02")), ("item_units_cap", D("4800.05")))


def test_the_item_amount_cap_pays_the_last_participant_only_what_is_left():
    terms = contract(item("A", "1000", max_amount=D("2500")))
    claim = simulate(terms, [person("A", "p1"), person("A", "p2"), person("A", "p3")])

    assert payables(claim) == [D("1000.00"), D("1000.00"), D("500.00")]
    assert claim.lines[2].capped_by == "item_amount_cap"
    assert claim.lines[2].units_paid == 1  # partly paid is still paid


def test_the_contract_cap_limits_the_whole_claim_across_items():
    terms = contract(item("A", "1000"), item("B", "2000"), contract_cap=D("2500"))
    claim = simulate(terms, [person("A", "p1"), person("B", "p2", on=day(1)), person("A", "p3", on=day(2))])

    assert payables(claim) == [D("1000.00"), D("1500.00"), D("0.00")]
    assert [line.capped_by for line in claim.lines] == [None, "contract_cap", "contract_cap"]
    assert claim.lines[2].units_paid == 0


def test_when_the_60_percent_payer_runs_out_only_the_40_percent_share_is_paid():
    payers = (Payer("city", D("60"), commitment=D("1000")), Payer("province", D("40")))
    terms = contract(item("A", "1000"), payers=payers)
    claim = simulate(terms, [person("A", "p1"), person("A", "p2"), person("A", "p3")])

    assert payables(claim) == [D("1000.00"), D("800.00"), D("400.00")]
    assert [line.by_payer for line in claim.lines] == [
        (("city", D("600.00")), ("province", D("400.00"))),
        (("city", D("400.00")), ("province", D("400.00"))),
        (("city", D("0.00")), ("province", D("400.00"))),
    ]
    assert [line.capped_by for line in claim.lines] == [None, "payer_commitment", "payer_commitment"]
    assert claim.by_payer == (("city", D("1000.00")), ("province", D("1200.00")))
    assert claim.total_payable == D("2200.00")


def test_capped_by_names_the_first_cap_that_bound_and_deductions_list_them_all():
    terms = contract(item("A", "1000"), item("B", "3000"), participant_cap=D("3500"), contract_cap=D("3000"))
    line = simulate(terms, [person("A"), person("B", on=day(1))]).lines[1]

    assert line.capped_by == "participant_cap"
    assert line.deductions == (("participant_cap", D("500.00")), ("contract_cap", D("500.00")))
    assert line.payable == D("2000.00")


def test_prior_usage_reduces_what_remains_under_every_cap():
    payers = (Payer("city", D("50"), commitment=D("10000")), Payer("state", D("50")))
    terms = contract(item("A", "1000", max_amount=D("5000")), payers=payers, contract_cap=D("20000"))
    line_with = lambda prior: compute_claim(terms, [person("A")], prior).lines[0]  # noqa: E731

    assert line_with(PriorUsage(item_amount={"A": D("4700")})).payable == D("300.00")
    assert line_with(PriorUsage(contract_paid=D("19900"))).payable == D("100.00")
    city_nearly_spent = PriorUsage(payer_paid={"city": D("9800")})
    assert line_with(city_nearly_spent).by_payer == (("city", D("200.00")), ("state", D("500.00")))
    assert line_with(PriorUsage(contract_paid=D("25000"))).payable == D("0.00")  # already over: nothing, not negative


# --- price bands ------------------------------------------------------------------------------

BANDED = item(
    "A",
    "500",
    price_bands=(
        PriceBand(0, 11, D("1000")),
        PriceBand(12, 35, D("2000")),
        PriceBand(36, None, D("3000")),
    ),
)


@pytest.mark.parametrize(
    ("months", "price", "band"),
    [
        (0, "1000", "0-11"),
        (11, "1000", "0-11"),
        (12, "2000", "12-35"),
        (35, "2000", "12-35"),
        (36, "3000", "36+"),
        (240, "3000", "36+"),
    ],
)
def test_the_band_for_the_months_on_benefit_sets_the_price(months, price, band):
    line = simulate(contract(BANDED), [person("A", months_on_benefit=months)]).lines[0]

    assert (line.price, line.band, line.payable) == (D(price), band, D(price))


def test_unknown_months_on_benefit_pay_the_items_base_price_without_a_band():
    line = simulate(contract(BANDED), [person("A", months_on_benefit=None)]).lines[0]

    assert (line.price, line.band) == (D("500"), None)


def test_months_that_fall_in_a_gap_between_bands_pay_the_base_price():
    gappy = item("A", "500", price_bands=(PriceBand(0, 11, D("1000")), PriceBand(24, None, D("3000"))))
    line = simulate(contract(gappy), [person("A", months_on_benefit=18)]).lines[0]

    assert (line.price, line.band) == (D("500"), None)


def test_a_cohort_result_with_months_on_benefit_is_priced_by_that_band():
    line = simulate(contract(BANDED), [cohort("A", 3, months_on_benefit=12)]).lines[0]

    assert (line.band, line.gross) == ("12-35", D("6000.00"))


# --- prerequisites ----------------------------------------------------------------------------

START = item("START", "1000")
JOB12 = item("JOB12", "3000", prerequisite="START")


def test_a_result_whose_prerequisite_came_first_is_paid():
    claim = simulate(contract(START, JOB12), [person("JOB12", on=day(365)), person("START", on=day(0))])

    assert payables(claim) == [D("1000.00"), D("3000.00")]


def test_a_result_without_its_prerequisite_pays_nothing():
    claim = simulate(contract(START, JOB12), [person("JOB12"), person("START", "p2")])
    line = next(line for line in claim.lines if line.item == "JOB12")

    assert (line.payable, line.capped_by, line.units_paid) == (D("0.00"), "prerequisite_missing", 0)
    assert line.deductions == (("prerequisite_missing", D("3000.00")),)
    assert line.deadweight == D("0.00")


def test_a_prerequisite_achieved_after_the_result_does_not_count():
    claim = simulate(contract(START, JOB12), [person("JOB12", on=day(0)), person("START", on=day(1))])

    assert [(line.item, line.capped_by) for line in claim.lines] == [("JOB12", "prerequisite_missing"), ("START", None)]


def test_a_prerequisite_achieved_the_same_day_counts_even_when_its_code_sorts_later():
    emp = item("EMP", "3000", prerequisite="START")  # "EMP" sorts before "START"
    claim = simulate(contract(START, emp), [person("START"), person("EMP")])

    assert [(line.item, line.payable) for line in claim.lines] == [("EMP", D("3000.00")), ("START", D("1000.00"))]


def test_a_prerequisite_from_an_earlier_claim_counts_if_achieved_on_or_before():
    terms = contract(START, JOB12)
    first = simulate(terms, [person("START", on=day(0))])
    claim = compute_claim(terms, [person("JOB12", on=day(200))], PriorUsage().including(first))

    assert payables(claim) == [D("3000.00")]
    too_late = PriorUsage(paid_results={("p1", "START"): day(300)})
    assert compute_claim(terms, [person("JOB12", on=day(200))], too_late).lines[0].capped_by == "prerequisite_missing"


def test_a_result_refused_for_a_missing_prerequisite_does_not_block_a_later_valid_one():
    claim = simulate(
        contract(START, JOB12),
        [
            person("JOB12", on=day(0)),
            person("START", on=day(10)),
            person("JOB12", on=day(20)),
        ],
    )

    assert [(line.item, line.capped_by, line.payable) for line in claim.lines] == [
        ("JOB12", "prerequisite_missing", D("0.00")),
        ("START", None, D("1000.00")),
        ("JOB12", None, D("3000.00")),
    ]


def test_a_prerequisite_that_itself_lacked_its_prerequisite_does_not_count():
    job24 = item("JOB24", "2000", prerequisite="JOB12")
    claim = simulate(contract(START, JOB12, job24), [person("JOB12", on=day(0)), person("JOB24", on=day(1))])

    assert [line.capped_by for line in claim.lines] == ["prerequisite_missing", "prerequisite_missing"]


def test_cohort_results_are_not_subject_to_prerequisites_duplicates_or_the_participant_cap():
    terms = contract(START, JOB12, participant_cap=D("100"))
    claim = simulate(terms, [cohort("JOB12", 2), cohort("JOB12", 2)])

    assert payables(claim) == [D("6000.00"), D("6000.00")]


# --- duplicates -------------------------------------------------------------------------------


def test_a_second_result_for_the_same_participant_and_item_is_a_duplicate():
    claim = simulate(contract(item("A", "1000")), [person("A", on=day(5), key="r2"), person("A", on=day(0), key="r1")])

    assert [(line.result_key, line.capped_by, line.payable) for line in claim.lines] == [
        ("r1", None, D("1000.00")),
        ("r2", "duplicate", D("0.00")),
    ]
    assert claim.lines[1].by_payer == (("city", D("0.00")),)


def test_a_result_already_paid_in_an_earlier_claim_is_a_duplicate():
    prior = PriorUsage(paid_results={("p1", "A"): day(-30)})
    claim = compute_claim(contract(item("A", "1000")), [person("A", "p1"), person("A", "p2")], prior)

    assert [line.capped_by for line in claim.lines] == ["duplicate", None]


def test_a_result_capped_to_zero_still_counts_so_a_repeat_is_a_duplicate():
    terms = contract(item("A", "1000"), participant_cap=D("0"))
    claim = simulate(terms, [person("A", on=day(0)), person("A", on=day(1))])

    assert [line.capped_by for line in claim.lines] == ["participant_cap", "duplicate"]


# --- paying by share --------------------------------------------------------------------------

THIRDS = (Payer("a", D("33.33")), Payer("b", D("33.33")), Payer("c", D("33.34")))


def test_an_awkward_amount_splits_over_three_payers_to_the_exact_cent():
    claim = simulate(contract(item("A", "1000.01"), payers=THIRDS), [person("A")])

    # 333.303333 / 333.303333 / 333.403334: the leftover cent goes to the largest remainder, c
    assert claim.lines[0].by_payer == (("a", D("333.30")), ("b", D("333.30")), ("c", D("333.41")))
    assert sum(part for _, part in claim.by_payer) == claim.total_payable == D("1000.01")


def test_many_awkward_lines_still_sum_exactly_per_payer():
    results = [person("A", f"p{n}") for n in range(7)]
    claim = simulate(contract(item("A", "1000.01"), payers=THIRDS, deadweight_percent=D("12.5")), results)

    assert claim.total_payable == 7 * D("875.01")
    assert sum(part for _, part in claim.by_payer) == claim.total_payable


def test_no_payer_part_is_negative_even_when_the_shares_round_up_together():
    # "Last payer takes the remainder" would give d -0.01 here (0.01 + 0.01 + 0.01 of 0.02).
    payers = [Payer(name, D(share)) for name, share in (("a", "33"), ("b", "33"), ("c", "33"), ("d", "1"))]

    assert split_by_share(D("0.02"), payers) == [D("0.01"), D("0.01"), D("0.00"), D("0.00")]


# --- ordering and determinism -----------------------------------------------------------------


def test_undated_cohort_results_come_after_all_dated_results():
    terms = contract(item("A", "1000"), item("C", "100"), contract_cap=D("1000"))
    claim = simulate(terms, [cohort("C", 5, on=None), person("A", on=day(400))])

    assert [(line.item, line.payable) for line in claim.lines] == [("A", D("1000.00")), ("C", D("0.00"))]


def test_the_same_results_in_any_order_give_the_identical_claim():
    terms = contract(START, JOB12, item("C", "250", max_units=3), participant_cap=D("3500"), contract_cap=D("6000"))
    results = [
        person("START", "p1"),
        person("JOB12", "p1", on=day(3)),
        person("START", "p2"),
        cohort("C", 2, key="x"),
        cohort("C", 2, key="y"),
        person("JOB12", "p2", on=day(1)),
    ]

    assert simulate(terms, results) == simulate(terms, list(reversed(results))) == simulate(terms, results)


def test_a_claim_reports_its_contracts_currency():
    assert simulate(contract(item("A", "1"), currency="GBP"), []).currency == "GBP"


# --- validation -------------------------------------------------------------------------------


def fields_of(terms: ContractTerms, results=()) -> set[str]:
    return {name for name, _ in validate_contract(terms, results)}


def test_a_sound_contract_and_results_have_no_problems():
    assert validate_contract(contract(START, JOB12, BANDED), [person("START"), cohort("JOB12", 3, on=None)]) == []


@pytest.mark.parametrize(
    ("terms", "field"),
    [
        (contract(item("A", "1"), payers=(Payer("a", D("60")), Payer("b", D("30")))), "payers"),
        (contract(item("A", "1"), payers=()), "payers"),
        (contract(item("A", "1"), payers=(Payer("a", D("100")), Payer("b", D("0")))), "payers[1].share_percent"),
        (contract(item("A", "1"), payers=(Payer("a", D("110")), Payer("b", D("-10")))), "payers[1].share_percent"),
        (contract(item("A", "1"), payers=(Payer("a", D("50")), Payer("a", D("50")))), "payers[1].name"),
        (contract(item("A", "1"), payers=(Payer("a", D("100"), commitment=D("-1")),)), "payers[0].commitment"),
        (contract(item("A", "1"), item("A", "2")), "items"),
        (contract(item("A", "1", prerequisite="Z")), "items[0].prerequisite"),
        (contract(item("A", "1", prerequisite="A")), "items[0].prerequisite"),
        (contract(item("A", "-1")), "items[0].price"),
        (contract(item("A", "1", max_units=-1)), "items[0].max_units"),
        (contract(item("A", "1", max_amount=D("-1"))), "items[0].max_amount"),
        (contract(item("A", "1"), participant_cap=D("-0.01")), "participant_cap"),
        (contract(item("A", "1"), contract_cap=D("-5")), "contract_cap"),
        (contract(item("A", "1"), deadweight_percent=D("-1")), "deadweight_percent"),
        (contract(item("A", "1"), deadweight_percent=D("100.01")), "deadweight_percent"),
    ],
    ids=lambda value: value if isinstance(value, str) else "",
)
def test_each_contract_problem_is_reported_under_its_field(terms, field):
    assert field in fields_of(terms)


def test_a_circular_prerequisite_chain_is_reported_on_every_item_in_it():
    a_needs_b, b_needs_a = item("A", "1", prerequisite="B"), item("B", "1", prerequisite="A")
    terms = contract(a_needs_b, b_needs_a, item("C", "1", prerequisite="A"))  # C leads into the cycle, is not on it

    assert validate_contract(terms) == [
        ("items[0].prerequisite", "circular prerequisite chain"),
        ("items[1].prerequisite", "circular prerequisite chain"),
    ]


@pytest.mark.parametrize(
    "bands",
    [
        (PriceBand(0, 12, D("1")), PriceBand(12, 35, D("2"))),  # 12 in both
        (PriceBand(0, None, D("1")), PriceBand(36, None, D("2"))),  # open-ended then another
        (PriceBand(12, 11, D("1")),),  # max below min
        (PriceBand(-1, 11, D("1")),),
        (PriceBand(0, 11, D("-1")),),
    ],
    ids=["overlap", "two-open-ended", "max-below-min", "negative-months", "negative-price"],
)
def test_overlapping_or_malformed_price_bands_are_reported(bands):
    assert fields_of(contract(item("A", "1", price_bands=bands))) == {"items[0].price_bands"}


@pytest.mark.parametrize(
    ("result", "field"),
    [
        (Result(item="Z", participant="p1", achieved_on=JAN_1), "results[0].item"),
        (Result(item="A", units=0), "results[0].units"),
        (Result(item="A", participant="p1", achieved_on=JAN_1, units=2), "results[0].units"),
        (Result(item="A", participant="  ", achieved_on=JAN_1), "results[0].participant"),
        (Result(item="A", participant="p1"), "results[0].achieved_on"),
        (Result(item="A", participant="p1", achieved_on=JAN_1, months_on_benefit=-1), "results[0].months_on_benefit"),
    ],
    ids=["unknown-item", "zero-units", "participant-units", "neither", "undated-participant", "negative-months"],
)
def test_each_result_problem_is_reported_under_its_field(result, field):
    assert fields_of(contract(item("A", "1")), [result]) == {field}


def test_a_float_price_is_refused_because_money_must_be_exact():
    assert fields_of(contract(RateItem("A", "a", 1.5))) == {"items[0].price"}  # type: ignore[arg-type]


def test_simulate_and_compute_claim_raise_with_every_problem():
    terms = contract(item("A", "-1"), payers=(Payer("a", D("50")),))

    with pytest.raises(ContractRuleError) as raised:
        simulate(terms, [person("Z")])
    assert {name for name, _ in raised.value.problems} == {"payers", "items[0].price", "results[0].item"}
    with pytest.raises(ContractRuleError):
        compute_claim(terms, [])


# --- invariants -------------------------------------------------------------------------------

CODES = ("A", "B", "C", "D")
PEOPLE = ("p1", "p2", "p3")
money = st.decimals(min_value=0, max_value=5000, places=2, allow_nan=False, allow_infinity=False)
maybe_cap = st.none() | money
BAND_SETS = ((), (PriceBand(0, 11, D("800.50")), PriceBand(12, 35, D("1200")), PriceBand(36, None, D("2000.01"))))


@st.composite
def rate_items(draw) -> tuple[RateItem, ...]:
    codes = CODES[: draw(st.integers(1, len(CODES)))]
    return tuple(
        # a prerequisite only on an earlier code, so chains are never circular
        RateItem(
            code,
            code,
            draw(money),
            draw(st.sampled_from(BAND_SETS)),
            draw(st.none() | st.sampled_from(codes[:index])) if index else None,
            draw(st.none() | st.integers(0, 6)),
            draw(maybe_cap),
        )
        for index, code in enumerate(codes)
    )


@st.composite
def payer_list(draw) -> tuple[Payer, ...]:
    cuts = sorted(draw(st.lists(st.integers(1, 9999), max_size=2, unique=True)))
    basis_points = [high - low for low, high in pairwise([0, *cuts, 10000])]
    return tuple(Payer(f"payer{n}", D(bp) / 100, draw(maybe_cap)) for n, bp in enumerate(basis_points))


@st.composite
def contracts(draw) -> ContractTerms:
    return ContractTerms(
        draw(rate_items()),
        draw(payer_list()),
        draw(maybe_cap),
        draw(maybe_cap),
        draw(st.sampled_from([D("0"), D("12.5"), D("20"), D("33.33"), D("100")])),
    )


@st.composite
def result_lists(draw, terms: ContractTerms) -> list[Result]:
    codes = [item.code for item in terms.items]
    participant = st.builds(
        Result,
        st.sampled_from(codes),
        st.sampled_from(PEOPLE),
        st.integers(0, 4).map(day),
        st.none() | st.sampled_from([0, 11, 12, 35, 36]),
    )
    group = st.builds(
        Result,
        st.sampled_from(codes),
        st.none(),
        st.none() | st.integers(0, 4).map(day),
        units=st.integers(1, 5),
        key=st.none() | st.sampled_from(["k1", "k2"]),
    )
    return draw(st.lists(participant | group, max_size=12))


@st.composite
def prior_usages(draw, terms: ContractTerms) -> PriorUsage:
    codes = [item.code for item in terms.items]
    return PriorUsage(
        participant_paid=draw(st.dictionaries(st.sampled_from(PEOPLE), money)),
        item_units=draw(st.dictionaries(st.sampled_from(codes), st.integers(0, 6))),
        item_amount=draw(st.dictionaries(st.sampled_from(codes), money)),
        contract_paid=draw(money),
        payer_paid=draw(st.dictionaries(st.sampled_from([p.name for p in terms.payers]), money)),
        paid_results=draw(
            st.dictionaries(
                st.tuples(st.sampled_from(PEOPLE), st.sampled_from(codes)), st.integers(-3, 3).map(day), max_size=3
            )
        ),
    )


@st.composite
def scenarios(draw) -> tuple[ContractTerms, list[Result], PriorUsage]:
    terms = draw(contracts())
    prior = draw(st.just(PriorUsage()) | prior_usages(terms))
    return terms, draw(result_lists(terms)), prior


def remaining(cap, used):
    return max(cap - used, 0)


PROPERTY = settings(max_examples=100, deadline=None)  # keeps the whole file well under 20 s


@PROPERTY
@given(scenarios())
def test_no_cap_is_ever_exceeded_counting_prior_usage(scenario):
    terms, results, prior = scenario
    claim = compute_claim(terms, results, prior)

    if terms.participant_cap is not None:
        for who in PEOPLE:
            paid = sum(line.payable for line in claim.lines if line.participant == who)
            assert paid <= remaining(terms.participant_cap, prior.participant_paid.get(who, 0))
    for rate in terms.items:
        lines = [line for line in claim.lines if line.item == rate.code]
        if rate.max_units is not None:
            units_left = remaining(rate.max_units, prior.item_units.get(rate.code, 0))
            assert sum(line.units_paid for line in lines) <= units_left
        if rate.max_amount is not None:
            amount_left = remaining(rate.max_amount, prior.item_amount.get(rate.code, 0))
            assert sum(line.payable for line in lines) <= amount_left
    if terms.contract_cap is not None:
        assert claim.total_payable <= remaining(terms.contract_cap, prior.contract_paid)
    for payer, (name, paid) in zip(terms.payers, claim.by_payer, strict=True):
        assert name == payer.name
        if payer.commitment is not None:
            assert paid <= remaining(payer.commitment, prior.payer_paid.get(name, 0))


@PROPERTY
@given(scenarios())
def test_lines_and_payers_both_sum_exactly_to_the_total_payable(scenario):
    claim = compute_claim(*scenario)

    assert sum(line.payable for line in claim.lines) == claim.total_payable
    assert sum(part for _, part in claim.by_payer) == claim.total_payable
    for line in claim.lines:
        assert sum(part for _, part in line.by_payer) == line.payable


@PROPERTY
@given(scenarios(), st.randoms(use_true_random=False))
def test_any_permutation_of_the_results_gives_the_identical_claim(scenario, rng):
    terms, results, prior = scenario
    shuffled = list(results)
    rng.shuffle(shuffled)

    assert compute_claim(terms, shuffled, prior) == compute_claim(terms, results, prior)


@PROPERTY
@given(scenarios())
def test_a_line_pays_at_most_gross_minus_deadweight_and_never_a_negative_amount(scenario):
    for line in compute_claim(*scenario).lines:
        assert 0 <= line.payable <= line.gross - line.deadweight
        assert 0 <= line.units_paid <= line.units
        assert all(part >= 0 for _, part in line.by_payer)
        assert all(amount > 0 for _, amount in line.deductions)
        assert line.gross - sum(amount for _, amount in line.deductions) == line.payable
        assert line.payable == line.payable.quantize(D("0.01"))


@PROPERTY
@given(scenarios(), st.integers(0, 12))
def test_claiming_in_two_goes_never_pays_a_participant_twice_for_an_item_nor_breaks_a_cap(scenario, cut):
    terms, results, prior = scenario
    first = compute_claim(terms, results[:cut], prior)
    second = compute_claim(terms, results[cut:], prior.including(first))
    counted = [
        (line.participant, line.item)
        for claim in (first, second)
        for line in claim.lines
        if line.participant is not None and line.capped_by not in ("duplicate", "prerequisite_missing")
    ]

    assert len(counted) == len(set(counted))
    assert not set(counted) & set(prior.paid_results)
    if terms.contract_cap is not None:
        assert first.total_payable + second.total_payable <= remaining(terms.contract_cap, prior.contract_paid)


@PROPERTY
@given(money, payer_list())
def test_splitting_by_share_is_exact_and_each_part_within_a_cent_of_its_share(amount, payers):
    parts = split_by_share(amount, payers)

    assert sum(parts) == amount
    for payer, part in zip(payers, parts, strict=True):
        assert part >= 0
        assert abs(part - amount * payer.share_percent / 100) < D("0.01")
