"""The loan ledger balances to the cent: for every loan of a fund with a mix of servicing (partial, exact, late and
double payments, prepayments in both modes, reversals, tranches, restructuring, write-offs with recoveries,
an overpayment, other amortizations and day counts), the stored events, allocations, installments and loan
totals agree with each other, and the fund's portfolio totals are the sums of its loans, on any date.
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from fundapp.loans import portfolio as book
from fundapp.loans import services
from fundapp.loans.models import AllocationKind, EventKind, Loan, LoanAllocation, LoanEvent, LoanInstallment, LoanStatus
from fundapp.loans.schedule import Amortization, DayCount, Frequency
from fundapp.loans.servicing import Prepayment
from tests.factories import ACTOR, make_fund, make_investee, make_loan

ZERO = Decimal("0.00")
D = Decimal


def _due(session, loan: Loan, number: int) -> LoanInstallment:
    session.flush()
    session.expire(loan, ["installments"])
    return next(i for i in loan.installments if i.number == number)


def _pay_due(session, loan: Loan, numbers, late_days: int = 0) -> None:
    for n in numbers:
        inst = _due(session, loan, n)
        owed = inst.principal_due + inst.interest_due - inst.principal_paid - inst.interest_paid
        services.record_repayment(session, ACTOR, loan, inst.due_date + timedelta(days=late_days), owed, f"due {n}")


def _repay(session, loan, on, amount, mode=None):
    return services.record_repayment(session, ACTOR, loan, on, D(amount), f"{on} {amount}", mode)


def _build_fund(session):
    fund = make_fund(session, name="Ledger Fund")
    investees = [make_investee(session, fund) for _ in range(4)]
    inv = iter(investees * 10)
    loans: dict[str, Loan] = {}

    loans["exact"] = loan = make_loan(session, next(inv))
    _pay_due(session, loan, range(1, 9))

    loans["partial"] = loan = make_loan(session, next(inv))
    for month in range(2, 12):
        _repay(session, loan, date(2024, month, 20), "300.00")

    loans["late and double"] = loan = make_loan(session, next(inv))
    _pay_due(session, loan, range(1, 4), late_days=20)
    _repay(session, loan, date(2024, 6, 15), "886.42")

    loans["prepay lower"] = loan = make_loan(session, next(inv))
    _pay_due(session, loan, range(1, 3))
    _repay(session, loan, date(2024, 4, 15), "3443.21", Prepayment.LOWER_INSTALLMENTS)
    _pay_due(session, loan, range(4, 7))

    loans["prepay shorten"] = loan = make_loan(session, next(inv))
    _pay_due(session, loan, range(1, 4))
    _repay(session, loan, date(2024, 5, 15), "2943.21", Prepayment.SHORTEN_TERM)
    _repay(session, loan, date(2024, 5, 28), "100.00", Prepayment.SHORTEN_TERM)  # early: a prepayment as well
    _pay_due(session, loan, range(5, 8))

    loans["reversed"] = loan = make_loan(session, next(inv))
    payments = [_repay(session, loan, date(2024, m, 15), "443.21") for m in range(2, 7)]
    services.reverse_event(session, ACTOR, payments[1], "bounced")
    services.reverse_event(session, ACTOR, payments[3], "entered on the wrong loan")

    loans["written off"] = loan = make_loan(session, next(inv))
    _pay_due(session, loan, range(1, 3))
    _repay(session, loan, date(2024, 5, 2), "120.00")
    services.write_off(session, ACTOR, loan, date(2024, 7, 1), "Bankrupt")
    services.record_recovery(session, ACTOR, loan, date(2024, 8, 1), D("500.00"), "curator 1")
    wrong = services.record_recovery(session, ACTOR, loan, date(2024, 8, 20), D("75.00"), "typo")
    services.record_recovery(session, ACTOR, loan, date(2024, 9, 1), D("250.35"), "curator 2")
    services.reverse_event(session, ACTOR, wrong, "typo")

    loans["overpaid"] = loan = make_loan(
        session, next(inv), principal=D("2000.00"), annual_rate=D("5"), number_of_installments=4
    )
    _repay(session, loan, date(2024, 5, 15), "2050.00")  # every installment and 20-odd euro too much

    loans["repaid early"] = loan = make_loan(session, next(inv), principal=D("3000.00"), number_of_installments=12)
    _pay_due(session, loan, range(1, 3))
    _repay(session, loan, date(2024, 3, 15), "2700.00")  # pays installment 2... and all the rest

    loans["tranches"] = loan = make_loan(session, next(inv), principal=D("20000.00"), status="approved")
    services.disburse(session, ACTOR, loan, date(2024, 1, 15), D("12000.00"))
    _pay_due(session, loan, range(1, 3))
    services.disburse(session, ACTOR, loan, date(2024, 3, 20), D("8000.00"))
    _pay_due(session, loan, range(3, 6))

    loans["restructured"] = loan = make_loan(session, next(inv))
    _pay_due(session, loan, range(1, 3))
    _repay(session, loan, date(2024, 6, 1), "100.00")
    services.restructure(
        session, ACTOR, loan, date(2024, 8, 1), {"number_of_installments": 30, "annual_rate": D("4")}, "cash flow"
    )
    _pay_due(session, loan, range(6, 9))

    loans["linear quarterly act365"] = loan = make_loan(
        session,
        next(inv),
        principal=D("8000.00"),
        annual_rate=D("7.25"),
        number_of_installments=8,
        frequency=Frequency.QUARTERLY,
        amortization=Amortization.LINEAR,
        day_count=DayCount.ACT_365,
        disbursement_date=date(2024, 1, 31),
    )
    _pay_due(session, loan, range(1, 3))
    _repay(session, loan, date(2024, 11, 5), "700.00")

    loans["bullet with grace"] = loan = make_loan(
        session,
        next(inv),
        principal=D("15000.00"),
        amortization=Amortization.BULLET,
        number_of_installments=6,
        grace_periods=2,
    )
    _pay_due(session, loan, range(1, 5))

    loans["write-off before a payment"] = loan = make_loan(session, next(inv))
    _pay_due(session, loan, range(1, 3))
    _repay(session, loan, date(2024, 6, 20), "200.00")
    services.write_off(session, ACTOR, loan, date(2024, 5, 1), "found out late")  # backdated: the June money recovers

    rng = random.Random(20240115)
    for k in range(6):
        loan = make_loan(
            session,
            next(inv),
            principal=D(rng.choice(["5000.00", "12500.00", "7333.33"])),
            annual_rate=D(rng.choice(["0", "3.5", "8"])),
            number_of_installments=rng.choice([6, 12, 18]),
        )
        loans[f"random {k}"] = loan
        on = date(2024, 1, 15)
        events = []
        for _ in range(rng.randint(2, 8)):
            on += timedelta(days=rng.randint(5, 50))
            mode = rng.choice(list(Prepayment))
            events.append(_repay(session, loan, on, f"{rng.randint(50, 1500)}.{rng.randint(0, 99):02d}", mode))
            if loan.status != LoanStatus.ACTIVE:
                break
        if len(events) > 2 and rng.random() < 0.6:
            services.reverse_event(session, ACTOR, events[rng.randrange(len(events))], "random reversal")

    make_loan(session, next(inv), status="draft")
    make_loan(session, next(inv), status="approved")
    session.flush()
    session.expire_all()
    return fund, loans


@pytest.fixture()
def ledger(db_session):
    return _build_fund(db_session)


def _rows(session, model, loan_id):
    return list(session.scalars(select(model).where(model.loan_id == loan_id).order_by(model.id)))


def test_for_every_loan_the_payments_received_equal_the_allocations_to_the_cent(db_session, ledger):
    _fund, loans = ledger
    # the scenarios really give the mix
    statuses = {name: loan.status for name, loan in loans.items()}
    assert statuses["exact"] == statuses["partial"] == statuses["restructured"] == LoanStatus.ACTIVE
    assert statuses["written off"] == statuses["write-off before a payment"] == LoanStatus.WRITTEN_OFF
    assert statuses["overpaid"] == statuses["repaid early"] == LoanStatus.REPAID
    ids = [loan.id for loan in loans.values()]
    kinds = {a.kind for a in db_session.scalars(select(LoanAllocation).where(LoanAllocation.loan_id.in_(ids)))}
    assert kinds == set(AllocationKind)
    reversed_events = [e for loan in loans.values() for e in loan.events if e.reversed_at is not None]
    assert len(reversed_events) >= 3
    assert loans["written off"].recovered == D("750.35")  # 500.00 + 250.35; the 75.00 typo was reversed
    assert loans["write-off before a payment"].recovered == D("200.00")  # paid after the (backdated) write-off date
    assert loans["tranches"].disbursed == D("20000.00")
    assert any(e.kind == EventKind.RESTRUCTURE for e in loans["restructured"].events)

    for name, loan in loans.items():
        events = _rows(db_session, LoanEvent, loan.id)
        allocations = _rows(db_session, LoanAllocation, loan.id)
        money_in = [e for e in events if e.kind in (EventKind.REPAYMENT, EventKind.RECOVERY)]
        live = [e for e in money_in if e.reversed_at is None]
        assert sum((e.amount for e in live), ZERO) == sum((a.amount for a in allocations), ZERO), name
        by_event = defaultdict(lambda: ZERO)
        for a in allocations:
            by_event[a.event_id] += a.amount
            if a.kind in (AllocationKind.INSTALLMENT, AllocationKind.PREPAYMENT):
                assert a.amount == a.interest + a.principal, name
        for e in money_in:
            assert by_event.get(e.id, ZERO) == (ZERO if e.reversed_at else e.amount), (name, e.on, e.amount)
        assert set(by_event) <= {e.id for e in live}, name  # nothing is allocated from a reversed payment


def test_for_every_loan_disbursed_less_repaid_less_written_off_is_the_unpaid_principal_of_its_open_installments(
    db_session, ledger
):
    _fund, loans = ledger
    _check_installments(db_session, loans)
    for name, loan in loans.items():
        stored = db_session.get(Loan, loan.id)
        events = _rows(db_session, LoanEvent, loan.id)
        installments = _rows(db_session, LoanInstallment, loan.id)
        allocations = _rows(db_session, LoanAllocation, loan.id)
        disbursed = sum((e.amount for e in events if e.kind == EventKind.DISBURSEMENT and e.reversed_at is None), ZERO)
        open_principal = sum((i.principal_due - i.principal_paid for i in installments if i.settled_on is None), ZERO)
        assert stored.disbursed == disbursed, name
        assert stored.disbursed - stored.principal_repaid - stored.written_off == stored.outstanding_principal, name
        assert stored.outstanding_principal == open_principal, name
        assert stored.principal_repaid == sum((a.principal for a in allocations), ZERO), name
        assert stored.interest_received == sum((a.interest for a in allocations), ZERO), name
        assert stored.recovered == sum((a.amount for a in allocations if a.kind == AllocationKind.RECOVERY), ZERO), name
        if stored.status == LoanStatus.WRITTEN_OFF:
            assert stored.outstanding_principal == ZERO and stored.written_off > ZERO, name
        if stored.status == LoanStatus.REPAID:
            assert stored.outstanding_principal == ZERO and stored.written_off == ZERO, name
            assert all(i.settled_on is not None for i in installments), name


def _check_installments(db_session, loans) -> None:
    """What each installment shows as paid is what was allocated to it, never more than due."""
    for name, loan in loans.items():
        paid = defaultdict(lambda: [ZERO, ZERO])
        for a in _rows(db_session, LoanAllocation, loan.id):
            if a.kind == AllocationKind.INSTALLMENT:
                paid[a.installment_number][0] += a.principal
                paid[a.installment_number][1] += a.interest
        installments = _rows(db_session, LoanInstallment, loan.id)
        assert set(paid) <= {i.number for i in installments}, name
        for i in installments:
            assert [i.principal_paid, i.interest_paid] == paid.get(i.number, [ZERO, ZERO]), (name, i.number)
            assert ZERO <= i.principal_paid <= i.principal_due and ZERO <= i.interest_paid <= i.interest_due, (
                name,
                i.number,
            )
            if i.settlement == "paid":
                assert (i.principal_paid, i.interest_paid) == (i.principal_due, i.interest_due), (name, i.number)
        numbers = [i.number for i in installments]
        assert numbers == list(range(1, len(numbers) + 1)), name
        assert [i.due_date for i in installments] == sorted(i.due_date for i in installments), name


def _as_of_by_hand(session, loans, as_of: date) -> dict[str, Decimal]:
    """The fund's figures on a date, summed loan by loan in Python from the stored rows."""
    totals = defaultdict(lambda: ZERO)
    totals["active_loans"] = 0
    for loan in loans:
        events = [e for e in _rows(session, LoanEvent, loan.id) if e.reversed_at is None and e.on <= as_of]
        allocations = [a for a in _rows(session, LoanAllocation, loan.id) if a.paid_on <= as_of]
        disbursed = sum((e.amount for e in events if e.kind == EventKind.DISBURSEMENT), ZERO)
        principal = sum((a.principal for a in allocations), ZERO)
        written_off = loan.written_off if loan.written_off_on and loan.written_off_on <= as_of else ZERO
        totals["disbursed"] += disbursed
        totals["principal_received"] += principal
        totals["interest_received"] += sum((a.interest for a in allocations), ZERO)
        totals["recoveries"] += sum((a.amount for a in allocations if a.kind == AllocationKind.RECOVERY), ZERO)
        totals["written_off"] += written_off
        if disbursed and not written_off:
            totals["outstanding_principal"] += disbursed - principal
            totals["active_loans"] += 1 if disbursed - principal > 0 else 0
    return dict(totals)


def test_the_funds_portfolio_totals_are_the_sums_of_its_loans_on_any_date(db_session, ledger):
    fund, loans = ledger
    stored = [db_session.get(Loan, loan.id) for loan in loans.values()]
    dates = (
        date(2024, 1, 15),
        date(2024, 3, 1),
        date(2024, 3, 31),
        date(2024, 5, 1),
        date(2024, 6, 30),
        date(2024, 9, 30),
    )
    for as_of in dates:  # 2024-03-01 falls between the two tranches, 2024-05-01 is the backdated write-off
        result = book.portfolio(db_session, fund.id, as_of)
        expected = _as_of_by_hand(db_session, stored, as_of)
        active = expected.pop("active_loans")
        assert {key: getattr(result, key) for key in expected} == expected, as_of
        assert result.active_loans == active, as_of
        assert result.disbursed - result.principal_received - result.written_off == result.outstanding_principal, as_of
        assert sum((b["outstanding"] for b in result.buckets.values()), ZERO) == result.outstanding_principal, as_of

    result = book.portfolio(db_session, fund.id, date(2030, 1, 1))  # after everything: the stored loan totals
    assert result.disbursed == sum((loan.disbursed for loan in stored), ZERO)
    assert result.principal_received == sum((loan.principal_repaid for loan in stored), ZERO)
    assert result.interest_received == sum((loan.interest_received for loan in stored), ZERO)
    assert result.written_off == sum((loan.written_off for loan in stored), ZERO)
    assert result.recoveries == sum((loan.recovered for loan in stored), ZERO)
    assert result.outstanding_principal == sum((loan.outstanding_principal for loan in stored), ZERO)
    active = [loan for loan in stored if loan.status == LoanStatus.ACTIVE]
    assert result.active_loans == len(active)
    assert result.loans == len([loan for loan in stored if loan.disbursed > 0])
