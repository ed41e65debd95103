"""The pricing engine's fast path (whole cents) gives the lines of the rules read one result at a time."""

from __future__ import annotations

import gc
from dataclasses import fields
from datetime import date, timedelta
from decimal import Decimal
from unittest.mock import patch

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fundapp.outcomes import pricing_fast
from fundapp.outcomes.pricing import (
    ClaimLine,
    ContractTerms,
    Payer,
    PriceBand,
    PriorUsage,
    RateItem,
    Result,
    _order,
    compute_claim,
    compute_claim_by_rules,
)
from fundapp.outcomes.pricing_fast import column, in_order

D = Decimal
CODES = ("A", "B", "C", "D")
PEOPLE = ("p1", "p2", "p3")
SHARES = ((D("100"),), (D("12.5"), D("87.5")), (D("70"), D("30")), (D("33.33"), D("33.33"), D("33.34")))

amounts = st.decimals(min_value=0, max_value=3000, places=2)
odd_amounts = st.decimals(min_value=0, max_value=3000, places=3)  # a fraction of a cent now and then
optional = st.none() | amounts | odd_amounts


@st.composite
def rate_items(draw: st.DrawFn) -> tuple[RateItem, ...]:
    items = []
    codes = CODES[: draw(st.integers(1, len(CODES)))]
    # A prerequisite is an item earlier in a random order (no cycle): its code may sort before or after.
    chain = draw(st.permutations(codes))
    for code in codes:
        index = chain.index(code)
        bands = ()
        if draw(st.booleans()):
            bands = (PriceBand(0, 5, draw(amounts)), PriceBand(6, None, draw(odd_amounts)))
        items.append(
            RateItem(
                code=code,
                name=code,
                price=draw(amounts | odd_amounts),
                price_bands=bands,
                prerequisite=draw(st.none() | st.sampled_from(chain[:index])) if index else None,
                max_units=draw(st.none() | st.integers(0, 6)),
                max_amount=draw(optional),
            )
        )
    return tuple(items)


@st.composite
def contracts(draw: st.DrawFn) -> tuple[ContractTerms, list[Result], PriorUsage]:
    items = draw(rate_items())
    shares = draw(st.sampled_from(SHARES))
    payers = tuple(Payer(f"payer{n}", share, draw(st.none() | amounts)) for n, share in enumerate(shares))
    terms = ContractTerms(
        items=items,
        payers=payers,
        participant_cap=draw(optional),
        contract_cap=draw(st.none() | st.decimals(min_value=0, max_value=20000, places=2)),
        deadweight_percent=draw(st.decimals(min_value=0, max_value=100, places=1)),
    )
    codes = st.sampled_from([item.code for item in items])
    days = st.integers(0, 5).map(lambda n: date(2026, 1, 1) + timedelta(days=n))
    person = st.builds(
        Result,
        item=codes,
        participant=st.sampled_from(PEOPLE),
        achieved_on=days,
        months_on_benefit=st.none() | st.integers(0, 12),
    )
    cohort = st.builds(Result, item=codes, achieved_on=st.none() | days, units=st.integers(1, 5))
    results = draw(st.lists(person | cohort, max_size=25))
    results = [
        Result(r.item, r.participant, r.achieved_on, r.months_on_benefit, r.units, str(n))
        for n, r in enumerate(results)
    ]
    prior = PriorUsage(
        participant_paid=draw(st.dictionaries(st.sampled_from(PEOPLE), amounts, max_size=2)),
        item_units=draw(st.dictionaries(codes, st.integers(0, 4), max_size=2)),
        item_amount=draw(st.dictionaries(codes, amounts, max_size=2)),
        contract_paid=draw(amounts),
        payer_paid=draw(st.dictionaries(st.sampled_from([p.name for p in payers]), amounts, max_size=2)),
        paid_results=draw(st.dictionaries(st.tuples(st.sampled_from(PEOPLE), codes), days, max_size=2)),
    )
    return terms, results, prior


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(contracts())
def test_the_fast_path_gives_the_same_lines_and_cents_as_the_rules_on_random_contracts(contract):
    terms, results, prior = contract
    fast, by_rules = compute_claim(terms, results, prior), compute_claim_by_rules(terms, results, prior)
    assert fast == by_rules
    assert repr(fast) == repr(by_rules)  # the same Decimals to the exponent: stored and shown alike
    # The fast path keeps its lines as columns: each line read by position is the one read in order.
    lines = fast.lines
    assert [lines[i] for i in range(-len(lines), len(lines))] == list(by_rules.lines) * 2
    assert lines[1:3] == by_rules.lines[1:3] and len(lines) == len(by_rules.lines)
    assert [tuple(column(lines, f.name)) for f in fields(ClaimLine)] == [
        tuple(getattr(line, f.name) for line in by_rules.lines) for f in fields(ClaimLine)
    ]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(contracts(), st.integers(1, 6), st.integers(1, 8))
def test_the_lines_are_handed_on_in_parts_as_they_are_priced_each_once_and_in_order(contract, part, first):
    terms, results, prior = contract
    handed: list[tuple[int, int]] = []
    seen: list[tuple] = []

    def on_lines(lines, start, stop):
        handed.append((start, stop))
        # Read when handed on: a part is final then (the caller stores it while the next part is priced).
        seen.extend(zip(*(column(lines, f.name, slice(start, stop)) for f in fields(ClaimLine)), strict=True))

    with patch.object(pricing_fast, "PART", part), patch.object(pricing_fast, "FIRST_PART", first):
        claim = compute_claim(terms, results, prior, on_lines)
    assert seen == [tuple(getattr(line, f.name) for f in fields(ClaimLine)) for line in claim.lines]
    count = len(claim.lines)
    # The first part is the smaller of the two sizes (the database waits for it), then parts of PART lines.
    head = min(first, part, count)
    assert handed == [(0, head)][:count] + [(start, min(start + part, count)) for start in range(head, count, part)]
    assert claim == compute_claim_by_rules(terms, results, prior)


def test_lines_priced_by_the_rules_are_handed_on_in_one_part():
    terms = ContractTerms(items=(RateItem("A", "A", D("100.00")),), payers=(Payer("city", D("100")),))
    results = [Result("A", f"p{n}", date(2026, 1, 1), key=str(n)) for n in range(3)]
    prior = PriorUsage(participant_paid={"p1": D("0.005")})  # not whole cents: the rules price the claim
    handed = []
    claim = compute_claim(terms, results, prior, lambda lines, start, stop: handed.append((lines, start, stop)))
    assert handed == [(claim.lines, 0, 3)]
    assert type(claim.lines) is tuple  # the rules' lines, not the fast path's columns


def test_a_prerequisite_whose_code_sorts_after_its_item_counts_for_a_result_of_the_same_day():
    # Sorted by item on a day, the result of A comes before the result of B it needs: the fast path looks ahead.
    terms = ContractTerms(
        items=(RateItem("A", "A", D("100.00"), prerequisite="B"), RateItem("B", "B", D("50.00"))),
        payers=(Payer("city", D("100")),),
    )
    day = date(2026, 1, 1)
    results = [Result("B", "p1", day, key="1"), Result("A", "p1", day, key="2"), Result("A", "p2", day, key="3")]
    claim = compute_claim(terms, results)
    assert claim == compute_claim_by_rules(terms, results)
    assert [(line.item, line.participant, line.capped_by) for line in claim.lines] == [
        ("A", "p1", None),
        ("B", "p1", None),
        ("A", "p2", "prerequisite_missing"),
    ]


def test_a_prior_amount_with_a_fraction_of_a_cent_is_priced_by_the_rules():
    terms = ContractTerms(
        items=(RateItem("A", "A", D("100.00")),), payers=(Payer("city", D("100")),), participant_cap=D("150")
    )
    results = [Result("A", "p1", date(2026, 1, 1), key="1")]
    prior = PriorUsage(participant_paid={"p1": D("100.005")})
    claim = compute_claim(terms, results, prior)
    assert claim == compute_claim_by_rules(terms, results, prior)
    assert claim.lines[0].payable == D("49.99")


days = st.none() | st.integers(0, 3).map(lambda n: date(2026, 1, 1) + timedelta(days=n))
results_to_sort = st.lists(
    st.builds(
        Result,
        item=st.sampled_from(CODES),
        participant=st.sampled_from(PEOPLE) | st.none(),
        achieved_on=days,
        months_on_benefit=st.none() | st.integers(0, 3),
        units=st.integers(1, 2),
        key=st.none() | st.sampled_from(("1", "2")),
    ),
    max_size=30,
)


@settings(max_examples=400, deadline=None)
@given(results_to_sort, st.booleans())
def test_the_fast_sort_orders_results_as_the_rules_order_them(results, dated_people_only):
    if dated_people_only:  # the fast sort's own path; a None anywhere sends it to the rules' sort
        results = [r for r in results if r.participant is not None and r.achieved_on is not None]
        results = [r for r in results if r.months_on_benefit is not None and r.key is not None]
    assert in_order(results) == sorted(results, key=_order)


def test_pricing_leaves_no_reference_cycle_for_the_collector_to_find():
    # The engine runs with the collector paused: whatever it made in a cycle would wait for the next full pass.
    terms = ContractTerms(
        items=(RateItem("A", "A", D("100.00")), RateItem("B", "B", D("50.00"), prerequisite="A")),
        payers=(Payer("city", D("100")),),
    )
    results = [Result(code, f"p{n % 7}", date(2026, 1, 1 + n % 9), key=str(n)) for n in range(60) for code in "AB"]
    gc.collect()
    gc.disable()
    try:
        claim = compute_claim(terms, results)
        assert len(claim.lines) == 120
        del claim
        assert gc.collect() == 0
    finally:
        gc.enable()
