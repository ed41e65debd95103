"""Loan servicing by event replay, checked against numpy_financial and hand-worked figures."""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

import numpy_financial as npf
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fundapp.loans.arrears import amount_overdue, arrears_bucket, days_past_due, lender_cashflows, xirr
from fundapp.loans.schedule import (
    Amortization,
    DayCount,
    Frequency,
    LoanTerms,
    TermsErrors,
    add_periods,
    build_schedule,
)
from fundapp.loans.servicing import (
    Disbursement,
    Payment,
    Prepayment,
    RateChange,
    Recovery,
    Restructure,
    ServicingError,
    Settlement,
    WriteOff,
    canonical_key,
    rate_change_saving,
    replay,
)

D = Decimal
CENT = D("0.01")
START = date(2024, 1, 15)
TERMS = LoanTerms(principal=D("10000.00"), annual_rate=D("6"), disbursement_date=START, number_of_installments=24)
LOAN = Disbursement(START, D("10000.00"))
PLAN = build_schedule(TERMS).installments  # the worked example: 443.21 a month, due on the 15th


def cents(value: float) -> Decimal:
    return D(repr(float(value))).quantize(CENT, rounding=ROUND_HALF_UP)


def due(number: int) -> date:
    return PLAN[number - 1].due_date


def on_time(*numbers: int) -> list[Payment]:
    return [Payment(due(n), PLAN[n - 1].total, f"p{n}") for n in numbers]


# --- allocation ---------------------------------------------------------------------------------


def test_payment_goes_to_oldest_overdue_installment_first_interest_before_principal() -> None:
    position = replay(TERMS, [LOAN, Payment(date(2024, 3, 20), D("600.00"), "late")])
    rows = [(a.installment_number, a.interest, a.principal) for a in position.allocations]

    assert rows == [(1, D("50.00"), D("393.21")), (2, D("48.03"), D("108.76"))]
    assert position.installments[0].fully_paid_on == date(2024, 3, 20)
    assert position.installments[1].fully_paid_on is None


def test_partial_payment_pays_interest_before_principal() -> None:
    position = replay(TERMS, [LOAN, Payment(due(1), D("30.00"))])
    first = position.installments[0]

    assert (first.interest_paid, first.principal_paid) == (D("30.00"), D("0.00"))
    assert position.interest_received == D("30.00")
    assert position.principal_repaid == D("0.00")


def test_payment_on_the_due_date_settles_that_installment_and_is_not_a_prepayment() -> None:
    position = replay(TERMS, [LOAN, *on_time(1, 2)])

    assert [p.prepayment for p in position.payments] == [D("0.00"), D("0.00")]
    assert [i.fully_paid_on for i in position.installments[:2]] == [due(1), due(2)]
    assert position.installments[2:] == replay(TERMS, [LOAN]).installments[2:]


def test_same_day_events_replay_in_canonical_order_not_entry_order() -> None:
    small, large = Payment(due(1), D("10.00"), "b"), Payment(due(1), D("10.00"), "a")

    assert sorted([small, large, LOAN], key=canonical_key) == [LOAN, large, small]


# --- arrears ------------------------------------------------------------------------------------


def test_days_past_due_counts_from_the_oldest_unpaid_installment_on_each_date() -> None:
    position = replay(TERMS, [LOAN, Payment(date(2024, 3, 20), D("600.00"))])

    assert days_past_due(position, date(2024, 2, 15)) == 0  # due today is not overdue
    assert days_past_due(position, date(2024, 2, 16)) == 1
    assert days_past_due(position, date(2024, 3, 19)) == 33
    assert days_past_due(position, date(2024, 3, 20)) == 5  # #1 paid that day, #2 due Mar 15
    assert days_past_due(position, date(2024, 6, 1)) == 78
    assert arrears_bucket(days_past_due(position, date(2024, 3, 19))) == "31-60"
    assert arrears_bucket(days_past_due(position, date(2024, 7, 1))) == "90+"


@pytest.mark.parametrize(
    "dpd, bucket",
    [(0, None), (1, "1-30"), (30, "1-30"), (31, "31-60"), (60, "31-60"), (61, "61-90"), (90, "61-90"), (91, "90+")],
)
def test_arrears_buckets_have_inclusive_upper_bounds(dpd: int, bucket: str | None) -> None:
    assert arrears_bucket(dpd) == bucket


def test_amount_overdue_is_what_remains_unpaid_of_installments_due_before_the_date() -> None:
    position = replay(TERMS, [LOAN, Payment(date(2024, 3, 20), D("600.00"))])

    assert amount_overdue(position, date(2024, 3, 15)) == D("443.21")
    assert amount_overdue(position, date(2024, 3, 19)) == D("886.42")
    assert amount_overdue(position, date(2024, 3, 20)) == D("286.42")
    assert amount_overdue(position, date(2024, 2, 1)) == D("0.00")


def test_a_loan_paid_on_time_is_never_in_arrears() -> None:
    position = replay(TERMS, [LOAN, *on_time(*range(1, 25))])

    assert position.repaid_in_full
    assert all(days_past_due(position, due(n) + timedelta(days=1)) == 0 for n in range(1, 25))


# --- backdating -------------------------------------------------------------------------------------


def test_backdated_payment_gives_the_same_position_as_entering_it_on_time() -> None:
    entered_on_time = [LOAN, *on_time(1, 2, 3), Payment(date(2024, 4, 20), D("2000.00"), "extra")]
    entered_late = [LOAN, *on_time(1, 3), Payment(date(2024, 4, 20), D("2000.00"), "extra"), *on_time(2)]

    late = replay(TERMS, entered_late)

    assert late == replay(TERMS, entered_on_time)
    assert [(a.installment_number, a.payment_reference) for a in late.allocations][:3] == [
        (1, "p1"),
        (2, "p2"),
        (3, "p3"),
    ]
    assert late.payments[-1].prepayment == D("2000.00")


# --- prepayments -------------------------------------------------------------------------------------


def test_prepayment_lowering_installments_recomputes_the_annuity_over_the_same_dates() -> None:
    prepay = Payment(due(3), D("3443.21"), "p3", Prepayment.LOWER_INSTALLMENTS)
    position = replay(TERMS, [LOAN, *on_time(1, 2), prepay])
    rest = position.installments[3:]

    assert position.payments[-1].prepayment == D("3000.00")
    assert len(position.installments) == 24 and rest[-1].due_date == due(24)
    assert {i.total_due for i in rest[:-1]} == {cents(-npf.pmt(0.005, 21, 8814.46 - 3000))}
    assert sum(i.principal_due for i in rest) == D("5814.46")


def test_prepayment_shortening_the_term_keeps_the_installment_and_drops_the_last_ones() -> None:
    prepay = Payment(due(3), D("3443.21"), "p3", Prepayment.SHORTEN_TERM)
    position = replay(TERMS, [LOAN, *on_time(1, 2), prepay])
    rest = position.installments[3:]

    assert len(rest) == math.ceil(npf.nper(0.005, -443.21, 5814.46)) == 14
    assert {i.total_due for i in rest[:-1]} == {D("443.21")}
    assert rest[-1].total_due < D("443.21")
    assert sum(i.principal_due for i in rest) == D("5814.46")


def test_prepayment_between_due_dates_lowers_the_next_interest_for_the_whole_period() -> None:
    position = replay(TERMS, [LOAN, Payment(date(2024, 2, 1), D("1000.00"))])
    first = position.installments[0]

    assert first.interest_due == D("45.00")  # 9,000 x 0.5 % for Jan 15 -> Feb 15
    assert first.total_due == cents(-npf.pmt(0.005, 24, 9000.0))


def test_linear_prepayment_shortening_the_term_keeps_the_principal_part() -> None:
    terms = replace(TERMS, number_of_installments=12, amortization=Amortization.LINEAR)
    first = Payment(due(1), D("100.00") + D("6.00") + D("250.00"), "p1", Prepayment.SHORTEN_TERM)
    position = replay(terms, [Disbursement(START, D("1200.00")), first])

    assert position.payments[0].prepayment == D("250.00")
    assert [i.principal_due for i in position.installments] == [D("100.00")] * 9 + [D("50.00")]


def test_prepayment_of_everything_repays_the_loan_and_the_excess_is_an_overpayment() -> None:
    position = replay(TERMS, [LOAN, Payment(due(2), D("20000.00")), Payment(date(2024, 4, 1), D("100.00"))])
    big, late = position.payments

    assert [(a.installment_number, a.interest + a.principal) for a in big.allocations] == [
        (1, D("443.21")),
        (2, D("443.21")),
    ]
    assert big.prepayment == D("9211.61")
    assert big.overpayment == D("20000.00") - D("886.42") - D("9211.61")
    assert (late.overpayment, late.allocations, late.prepayment) == (D("100.00"), (), D("0.00"))
    assert position.repaid_in_full and position.outstanding_principal == 0
    assert position.overpaid == big.overpayment + D("100.00")


# --- tranches -----------------------------------------------------------------------------------------


def test_tranche_replans_the_remaining_installments_to_the_same_maturity() -> None:
    half = build_schedule(replace(TERMS, principal=D("5000.00"))).installments
    position = replay(TERMS, [Disbursement(START, D("5000.00")), Disbursement(due(3), D("5000.00"))])
    rest = position.installments[3:]

    assert position.installments[:3] == replay(TERMS, [Disbursement(START, D("5000.00"))]).installments[:3]
    assert position.installments[-1].due_date == due(24)
    assert sum(i.principal_due for i in position.installments) == D("10000.00") == position.disbursed
    assert rest[0].total_due == cents(-npf.pmt(0.005, 21, float(half[2].balance + 5000)))


def test_tranches_on_the_start_date_equal_one_disbursement_of_the_sum() -> None:
    split = replay(TERMS, [Disbursement(START, D("4000.00")), Disbursement(START, D("6000.00"))])

    assert split.installments == replay(TERMS, [LOAN]).installments


# --- write-off and recovery ------------------------------------------------------------------------------


def test_write_off_writes_off_outstanding_principal_and_unpaid_interest_then_money_is_recovery() -> None:
    events = [
        LOAN,
        *on_time(1),
        WriteOff(date(2024, 6, 1), "bankrupt"),
        Payment(date(2024, 7, 1), D("500.00"), "after"),
        Recovery(date(2024, 8, 1), D("250.00")),
    ]
    position = replay(TERMS, events)

    assert position.principal_written_off == D("9606.79")
    assert position.interest_written_off == D("48.03") + D("46.06") + D("44.07")
    assert position.outstanding_principal == D("0.00")
    assert position.payments[-1].recovery == D("500.00") and position.payments[-1].allocations == ()
    assert position.recovered == D("750.00")
    assert position.is_written_off and not position.repaid_in_full
    assert [i.settlement for i in position.installments] == [Settlement.PAID] + [Settlement.WRITTEN_OFF] * 3
    assert days_past_due(position, date(2024, 5, 31)) == 77
    assert days_past_due(position, date(2024, 7, 1)) == 0


def test_recovery_without_a_write_off_is_refused() -> None:
    with pytest.raises(ServicingError, match="write-off"):
        replay(TERMS, [LOAN, Recovery(date(2024, 3, 1), D("10.00"))])


def test_nothing_but_money_in_may_follow_a_write_off() -> None:
    with pytest.raises(ServicingError, match="after the write-off"):
        replay(TERMS, [LOAN, WriteOff(date(2024, 3, 1)), Disbursement(date(2024, 4, 1), D("10.00"))])


# --- restructuring --------------------------------------------------------------------------------------


def test_restructure_replans_the_outstanding_balance_and_rolls_arrears_into_the_new_plan() -> None:
    restructure = Restructure(date(2024, 5, 20), number_of_installments=12, annual_rate=D("4"))
    position = replay(TERMS, [LOAN, *on_time(1), restructure])
    old, new = position.installments[:4], position.installments[4:]

    assert [i.settlement for i in old] == [Settlement.PAID] + [Settlement.RESTRUCTURED] * 3
    assert [i.due_date for i in new] == [add_periods(date(2024, 5, 20), k, "monthly") for k in range(1, 13)]
    assert sum(i.principal_due for i in new) == D("9606.79") == position.outstanding_principal
    # First new period: May 15 (last old due date) -> Jun 20 is broken: 35 days 30E/360, plus the rolled arrears interest.
    assert new[0].interest_due == D("37.36") + D("48.03") + D("46.06") + D("44.07")
    assert new[1].total_due == cents(-npf.pmt(4 / 1200, 12, 9606.79))
    assert days_past_due(position, date(2024, 5, 19)) == 65
    assert days_past_due(position, date(2024, 5, 21)) == 0


def test_restructure_with_a_first_due_date_and_a_new_frequency() -> None:
    restructure = Restructure(
        date(2024, 5, 20),
        4,
        frequency=Frequency.QUARTERLY,
        amortization=Amortization.LINEAR,
        grace_periods=1,
        first_due_date=date(2024, 8, 31),
    )
    new = replay(TERMS, [LOAN, *on_time(1, 2, 3, 4), restructure]).installments[4:]

    assert [i.due_date for i in new] == [date(2024, 8, 31), date(2024, 11, 30), date(2025, 2, 28), date(2025, 5, 31)]
    assert [i.principal_due for i in new] == [D("0.00"), D("2805.11"), D("2805.11"), D("2805.10")]


def test_restructure_terms_are_validated_by_field() -> None:
    with pytest.raises(TermsErrors) as raised:
        replay(TERMS, [LOAN, Restructure(date(2024, 5, 20), 0, annual_rate=D("-1"))])

    assert raised.value.fields == ("annual_interest_rate", "number_of_installments")


# --- rate changes -------------------------------------------------------------------------------------------


def test_rate_change_applies_from_the_next_installment_and_saves_interest() -> None:
    events = [LOAN, RateChange(date(2024, 7, 1), D("4"))]
    position = replay(TERMS, events)
    sixth = position.installments[5]  # due Jul 15, the first due after Jul 1

    assert position.installments[:5] == replay(TERMS, [LOAN]).installments[:5]
    assert sixth.interest_due == (PLAN[4].balance * 4 / 1200).quantize(CENT, ROUND_HALF_UP)
    assert sixth.total_due == cents(-npf.pmt(4 / 1200, 19, float(PLAN[4].balance)))
    assert position.installments[-1].due_date == due(24)
    saving = rate_change_saving(TERMS, events)
    assert saving == replay(TERMS, [LOAN]).total_interest - position.total_interest
    assert saving > 0


# --- errors ----------------------------------------------------------------------------------------------------


def test_a_loan_without_a_disbursement_or_with_money_before_it_is_refused() -> None:
    with pytest.raises(ServicingError, match="disbursement"):
        replay(TERMS, [Payment(START, D("1.00"))])
    with pytest.raises(ServicingError, match="before the loan started"):
        replay(TERMS, [LOAN, Payment(START - timedelta(days=1), D("1.00"))])


@pytest.mark.parametrize("amount", [D("0"), D("-1"), D("1.001")])
def test_payment_amounts_must_be_positive_cents(amount: Decimal) -> None:
    with pytest.raises(ServicingError, match="payment"):
        replay(TERMS, [LOAN, Payment(START, amount)])


# --- XIRR -------------------------------------------------------------------------------------------------------


def test_xirr_matches_the_excel_documentation_example() -> None:
    flows = [
        (date(2008, 1, 1), D("-10000")),
        (date(2008, 3, 1), D("2750")),
        (date(2008, 10, 30), D("4250")),
        (date(2009, 2, 15), D("3250")),
        (date(2009, 4, 1), D("2750")),
    ]

    rate = xirr(flows)

    # Excel prints 0.373362535; its own tolerance leaves the 9th decimal uncertain.
    assert abs(rate - D("0.373362535")) < D("0.00000001")
    present_value = sum(float(a) / (1 + float(rate)) ** ((d - date(2008, 1, 1)).days / 365) for d, a in flows)
    assert abs(present_value) < 1e-6


def test_xirr_of_ten_percent_over_one_year_is_exactly_ten_percent() -> None:
    assert xirr([(date(2023, 1, 1), D("-100")), (date(2024, 1, 1), D("110"))]) == D("0.100000000000")


@pytest.mark.parametrize(
    "flows", [[], [(date(2024, 1, 1), D("100"))], [(date(2024, 1, 1), D("-5")), (date(2025, 1, 1), D("-5"))]]
)
def test_xirr_has_no_answer_when_flows_do_not_change_sign(flows: list) -> None:
    assert xirr(flows) is None


def test_xirr_of_a_loan_repaid_on_time_is_close_to_its_effective_rate() -> None:
    position = replay(TERMS, [LOAN, *on_time(*range(1, 25))])

    # 6 % nominal monthly is 6.17 % effective; real days differ slightly from 30/360.
    assert abs(xirr(lender_cashflows(position)) - D("0.0617")) < D("0.001")


# --- properties ------------------------------------------------------------------------------------------------


def _amounts(low: int, high: int) -> st.SearchStrategy[Decimal]:
    return st.integers(low, high).map(lambda c: D(c) / 100)


@st.composite
def loan_histories(draw: st.DrawFn) -> tuple[LoanTerms, list]:
    count = draw(st.integers(1, 24))
    frequency = draw(st.sampled_from(Frequency))
    terms = LoanTerms(
        principal=D("1.00"),
        annual_rate=_pct(draw),
        disbursement_date=START,
        number_of_installments=count,
        frequency=frequency,
        amortization=draw(st.sampled_from(Amortization)),
        grace_periods=draw(st.integers(0, count - 1)),
        day_count=draw(st.sampled_from(DayCount)),
        installment_multiple=draw(st.sampled_from([D("0.01"), D("1"), D("10")])),
    )
    horizon = (add_periods(START, count, frequency) - START).days
    first_period = (add_periods(START, 1, frequency) - START).days
    day = lambda low, high: START + timedelta(days=draw(st.integers(low, high)))  # noqa: E731
    events: list = [Disbursement(START, draw(_amounts(100, 5_000_000)))]
    events += [
        Disbursement(day(0, first_period - 1), draw(_amounts(1, 1_000_000))) for _ in range(draw(st.integers(0, 2)))
    ]
    events += [RateChange(day(0, horizon), _pct(draw)) for _ in range(draw(st.integers(0, 2)))]
    if draw(st.booleans()):
        new_count = draw(st.integers(1, 12))
        events.append(
            Restructure(
                day(0, horizon),
                new_count,
                annual_rate=draw(st.none() | st.just(_pct(draw))),
                grace_periods=draw(st.integers(0, new_count - 1)),
            )
        )
    events += [
        Payment(
            day(0, horizon + 60),
            draw(_amounts(1, 600_000)),
            draw(st.sampled_from(["", "a", "b"])),
            draw(st.sampled_from(Prepayment)),
        )
        for _ in range(draw(st.integers(0, 12)))
    ]
    if draw(st.booleans()):
        written_off = max(e.date for e in events) + timedelta(days=draw(st.integers(0, 90)))
        events += [
            WriteOff(written_off),
            Recovery(written_off + timedelta(days=draw(st.integers(0, 90))), draw(_amounts(1, 10000))),
        ]
    return terms, events


def _pct(draw: st.DrawFn) -> Decimal:
    return D(draw(st.integers(0, 2000))) / 100


@settings(max_examples=200, deadline=None)
@given(loan_histories())
def test_every_payment_is_accounted_for_to_the_cent(history: tuple[LoanTerms, list]) -> None:
    position = replay(*history)

    for payment in position.payments:
        assert payment.accounted == payment.amount
        assert all(a.interest >= 0 and a.principal >= 0 for a in payment.allocations)
        assert min(payment.prepayment, payment.overpayment, payment.recovery) >= 0


@settings(max_examples=100, deadline=None)
@given(loan_histories(), st.randoms(use_true_random=False))
def test_replaying_the_same_events_in_any_order_gives_the_same_position(history: tuple, random) -> None:
    terms, events = history
    shuffled = list(events)
    random.shuffle(shuffled)

    assert replay(terms, shuffled) == replay(terms, events)


@settings(max_examples=200, deadline=None)
@given(loan_histories())
def test_outstanding_principal_is_what_was_lent_less_repaid_and_written_off(history: tuple[LoanTerms, list]) -> None:
    position = replay(*history)

    assert (
        position.outstanding_principal
        == position.disbursed - position.principal_repaid - position.principal_written_off
    )
    assert 0 <= position.principal_repaid <= position.disbursed
    assert all(
        0 <= i.principal_paid <= i.principal_due and 0 <= i.interest_paid <= i.interest_due
        for i in position.installments
    )
    assert all(
        (i.settlement is Settlement.PAID) == (i.unpaid_principal == i.unpaid_interest == 0 and i.settled_on is not None)
        for i in position.installments
        if i.settlement is not Settlement.RESTRUCTURED
    )


@settings(max_examples=200, deadline=None)
@given(loan_histories())
def test_without_restructuring_or_write_off_the_schedule_and_prepayments_repay_exactly_what_was_lent(
    history: tuple[LoanTerms, list],
) -> None:
    terms, events = history
    plain = [e for e in events if not isinstance(e, (Restructure, WriteOff, Recovery))]
    position = replay(terms, plain)
    prepaid = sum((p.prepayment for p in position.payments), D(0))

    assert sum((i.principal_due for i in position.installments), D(0)) + prepaid == position.disbursed
    assert position.interest_received <= position.total_interest


def test_replay_until_a_date_ignores_later_events() -> None:
    events = [LOAN, *on_time(1, 2, 3)]

    assert replay(TERMS, events, until=due(2)) == replay(TERMS, events[:3])
