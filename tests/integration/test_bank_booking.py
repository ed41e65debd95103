"""Booking bank transactions: each becomes one repayment (recovery, reversal, payment), once, whatever the order in
which statements arrive; the loan's arrears change at once."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select, update

from fundapp.banking import booking
from fundapp.banking.models import BankTransaction, BatchKind, PaymentLine, ProposalKind, TransactionStatus
from fundapp.errors import Conflict, InvalidTransition, ValidationFailed
from fundapp.loans import services as loans
from fundapp.loans.models import EventKind, LoanEvent
from fundapp.loans.portfolio import loan_arrears
from tests.bank_factories import (
    INVESTEE_IBAN,
    Entry,
    camt,
    direct_debit_line,
    fund_account,
    import_file,
    investee_account,
    payment_line,
)
from tests.factories import ACTOR, make_investee, make_loan
from tests.integration.test_bank_matching import running_loan

D = Decimal
MARCH_2, MARCH_10 = date(2026, 3, 2), date(2026, 3, 10)


@pytest.fixture()
def bank(db_session, world):
    account = fund_account(db_session, world.fund_a)
    investee = make_investee(db_session, world.fund_a)
    loan = running_loan(db_session, investee, "SIF-2026-0007")
    return account, loan


def imported(session, fund, *entries, opening="1000.00"):
    statement = import_file(session, fund, camt(list(entries), opening=opening))
    rows = select(BankTransaction).where(BankTransaction.statement_id == statement.id).order_by(BankTransaction.id)
    return statement, list(session.scalars(rows))


def live_repayments(session, loan):
    query = select(func.count()).where(
        LoanEvent.loan_id == loan.id, LoanEvent.kind == EventKind.REPAYMENT, LoanEvent.reversed_at.is_(None)
    )
    return session.scalar(query)


def days_late(session, loan, on=MARCH_10):
    return loan_arrears(session, [loan.id], on)[loan.id].days_past_due


def test_booking_a_proposal_records_the_repayment_with_the_bank_date_amount_and_reference(db_session, world, bank):
    _account, loan = bank
    entry = Entry("1000.00", remittance="SIF-2026-0007 feb", bank_reference="ENT-260302-0001")
    _statement, (tx,) = imported(db_session, world.fund_a, entry)
    assert days_late(db_session, loan) == 23
    booked = booking.book(db_session, ACTOR, tx)
    event = db_session.get(LoanEvent, tx.booked_event_id)
    assert (event.kind, event.on, event.amount, event.reference) == (
        EventKind.REPAYMENT,
        MARCH_2,
        D("1000.00"),
        "ENT-260302-0001",
    )
    assert (booked.kind, booked.id, booked.loan_id, tx.status) == (
        "repayment",
        event.id,
        loan.id,
        TransactionStatus.BOOKED,
    )
    assert days_late(db_session, loan) == 0


def test_a_transaction_is_booked_once(db_session, world, bank):
    _statement, (tx,) = imported(db_session, world.fund_a, Entry("1000.00", remittance="SIF-2026-0007"))
    booking.book(db_session, ACTOR, tx)
    with pytest.raises(InvalidTransition):
        booking.book(db_session, ACTOR, tx)
    assert live_repayments(db_session, bank[1]) == 1


def test_of_two_requests_booking_one_transaction_only_the_first_books_it(db_session, world, bank):
    _statement, (tx,) = imported(db_session, world.fund_a, Entry("1000.00", remittance="SIF-2026-0007"))
    # Another request booked it after this one read it as proposed.
    db_session.execute(
        update(BankTransaction).where(BankTransaction.id == tx.id).values(status=TransactionStatus.BOOKED)
    )
    with pytest.raises(Conflict):
        booking.book(db_session, ACTOR, tx)
    assert live_repayments(db_session, bank[1]) == 0


def test_a_fund_that_chose_so_has_exact_matches_booked_at_import_and_the_rest_proposed(db_session, world, bank):
    _account, loan = bank
    world.fund_a.auto_book_exact_matches = True
    investee_account(db_session, loan.investee)
    _statement, (exact, partly, by_account) = imported(
        db_session,
        world.fund_a,
        Entry("1000.00", remittance="SIF-2026-0007 termijn 1", booked=date(2026, 2, 16)),
        Entry("400.00", remittance="SIF-2026-0007 deel"),
        Entry("1000.00", counterparty_iban=INVESTEE_IBAN, booked=date(2026, 3, 16)),
    )
    assert exact.status == TransactionStatus.BOOKED and exact.booked_event_id is not None
    assert (partly.status, by_account.status) == (TransactionStatus.PROPOSED, TransactionStatus.PROPOSED)
    assert by_account.matched_by == "iban_amount"


def test_a_repayment_booked_by_hand_with_the_bank_reference_is_recognised_at_import(db_session, world, bank):
    _account, loan = bank
    entry = Entry("1000.00", remittance="SIF-2026-0007", bank_reference="ENT-260302-0001")
    by_hand = loans.record_repayment(db_session, ACTOR, loan, MARCH_2, D("1000.00"), "ENT-260302-0001")
    _statement, (tx,) = imported(db_session, world.fund_a, entry)
    assert (tx.status, tx.booked_event_id) == (TransactionStatus.BOOKED, by_hand.id)
    assert live_repayments(db_session, loan) == 1


def test_booking_after_the_repayment_was_typed_in_by_hand_links_it_instead_of_booking_it_again(db_session, world, bank):
    _account, loan = bank
    entry = Entry("1000.00", remittance="SIF-2026-0007", bank_reference="ENT-260302-0001")
    _statement, (tx,) = imported(db_session, world.fund_a, entry)
    by_hand = loans.record_repayment(db_session, ACTOR, loan, MARCH_2, D("1000.00"), "ENT-260302-0001")
    booking.book(db_session, ACTOR, tx)
    assert tx.booked_event_id == by_hand.id
    assert live_repayments(db_session, loan) == 1


def test_a_returned_direct_debit_reverses_the_repayment_it_had_booked_with_the_banks_reason(db_session, world, bank):
    account, loan = bank
    direct_debit_line(db_session, world.fund_a, account, loan, "SIF-2026-0007-01", "1000.00")
    _s, (collected,) = imported(db_session, world.fund_a, Entry("1000.00", end_to_end_id="SIF-2026-0007-01"))
    booking.book(db_session, ACTOR, collected)
    assert days_late(db_session, loan) == 0
    returned = Entry(
        "1000.00", direction="debit", booked=date(2026, 3, 6), end_to_end_id="SIF-2026-0007-01", return_reason="MD06"
    )
    _s, (back,) = imported(db_session, world.fund_a, returned)
    assert (back.status, back.proposal_kind, back.proposal_event_id) == (
        TransactionStatus.PROPOSED,
        ProposalKind.RETURN,
        collected.booked_event_id,
    )
    booking.book(db_session, ACTOR, back)
    event = db_session.get(LoanEvent, collected.booked_event_id)
    assert event.is_reversed and "MD06" in event.reversal_reason
    assert days_late(db_session, loan) == 23
    line = db_session.scalar(select(PaymentLine).where(PaymentLine.end_to_end_id == "SIF-2026-0007-01"))
    assert line.settled_transaction_id == collected.id


def test_a_return_that_arrives_before_its_collection_is_matched_once_the_collection_is_booked(db_session, world, bank):
    account, loan = bank
    direct_debit_line(db_session, world.fund_a, account, loan, "SIF-2026-0007-01", "1000.00")
    returned = Entry(
        "1000.00", direction="debit", end_to_end_id="SIF-2026-0007-01", reversal=True, return_reason="AM04"
    )
    _s, (back,) = imported(db_session, world.fund_a, returned, opening="5000.00")
    assert back.status == TransactionStatus.UNMATCHED
    _s, (collected,) = imported(db_session, world.fund_a, Entry("1000.00", end_to_end_id="SIF-2026-0007-01"))
    booking.book(db_session, ACTOR, collected)
    db_session.refresh(back)
    assert (back.status, back.proposal_event_id) == (TransactionStatus.PROPOSED, collected.booked_event_id)


def test_booking_automatically_a_collection_and_its_return_in_one_statement_leave_the_loan_as_it_was(
    db_session, world, bank
):
    account, loan = bank
    world.fund_a.auto_book_exact_matches = True
    direct_debit_line(db_session, world.fund_a, account, loan, "SIF-2026-0007-01", "1000.00")
    _s, (collected, back) = imported(
        db_session,
        world.fund_a,
        Entry("1000.00", end_to_end_id="SIF-2026-0007-01"),
        Entry("1000.00", direction="debit", end_to_end_id="SIF-2026-0007-01", return_reason="AC04"),
    )
    assert (collected.status, back.status) == (TransactionStatus.BOOKED, TransactionStatus.BOOKED)
    assert db_session.get(LoanEvent, collected.booked_event_id).is_reversed
    assert days_late(db_session, loan) == 23


@pytest.mark.parametrize("order", ["february first", "march first"])
def test_overlapping_statements_book_nothing_twice_whatever_order_they_arrive_in(db_session, world, bank, order):
    _account, loan = bank
    world.fund_a.auto_book_exact_matches = True
    february = Entry("1000.00", remittance="SIF-2026-0007 termijn 1", booked=date(2026, 2, 16))
    march = Entry("1000.00", remittance="SIF-2026-0007 termijn 2", booked=date(2026, 3, 16))
    first, second = camt([february, march]), camt([march, Entry("5.00", booked=date(2026, 3, 17))])
    for data in (first, second) if order == "february first" else (second, first):
        import_file(db_session, world.fund_a, data)
    import_file(db_session, world.fund_a, first)
    assert db_session.scalar(select(func.count()).select_from(BankTransaction)) == 3
    assert live_repayments(db_session, loan) == 2
    assert days_late(db_session, loan) == 0


def test_an_unmatched_credit_is_booked_on_the_loan_the_manager_chooses(db_session, world, bank):
    _account, loan = bank
    _s, (tx,) = imported(db_session, world.fund_a, Entry("1000.00", remittance="van de buurman"))
    booked = booking.book(db_session, ACTOR, tx, loan)
    assert (booked.loan_id, tx.matched_by, tx.proposal_kind) == (loan.id, "manual", ProposalKind.REPAYMENT)


def test_a_credit_is_only_booked_on_a_loan_of_the_fund_whose_account_received_it(db_session, world, bank):
    loan_b = make_loan(db_session, world.investee_b)
    _s, (tx,) = imported(db_session, world.fund_a, Entry("1000.00", remittance="?"))
    with pytest.raises(ValidationFailed):
        booking.book(db_session, ACTOR, tx, loan_b)


def test_a_debit_is_booked_as_what_it_paid_never_on_a_loan(db_session, world, bank):
    _s, (tx,) = imported(db_session, world.fund_a, Entry("10.50", direction="debit", remittance="Kosten"))
    with pytest.raises(ValidationFailed):
        booking.book(db_session, ACTOR, tx, bank[1])
    with pytest.raises(ValidationFailed):
        booking.book(db_session, ACTOR, tx)


def test_set_aside_keeps_the_reason_and_the_transaction_can_still_be_booked_later(db_session, world, bank):
    _s, (tx,) = imported(db_session, world.fund_a, Entry("1000.00", remittance="?"))
    booking.set_aside(db_session, ACTOR, tx, "Onbekend, navragen")
    assert (tx.status, tx.set_aside_reason) == (TransactionStatus.SET_ASIDE, "Onbekend, navragen")
    with pytest.raises(InvalidTransition):
        booking.set_aside(db_session, ACTOR, tx, "nog eens")
    booking.book(db_session, ACTOR, tx, bank[1])
    with pytest.raises(InvalidTransition):
        booking.set_aside(db_session, ACTOR, tx, "te laat")


def test_a_returned_credit_transfer_is_not_booked_as_a_repayment_of_the_loan_its_text_names(db_session, world, bank):
    # fundapp paid out 1,000.00 for SIF-2026-0007; the investee's bank sent it back (AC04, account closed). The
    # money comes in as a credit with the return reason and the disbursement's text: it repays nothing.
    account, loan = bank
    world.fund_a.auto_book_exact_matches = True
    payment_line(db_session, world.fund_a, account, BatchKind.DISBURSEMENTS, "SIF-UIT-0007", "1000.00", loan_id=loan.id)
    returned = Entry(
        "1000.00",
        remittance="Uitbetaling lening SIF-2026-0007",
        end_to_end_id="SIF-UIT-0007",
        counterparty_iban=INVESTEE_IBAN,
        return_reason="AC04",
    )
    _statement, (tx,) = imported(db_session, world.fund_a, returned)
    assert (tx.direction, tx.return_reason) == ("credit", "AC04")
    assert tx.status != TransactionStatus.BOOKED
    assert tx.proposal_kind != ProposalKind.REPAYMENT
    assert live_repayments(db_session, loan) == 0
