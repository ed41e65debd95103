"""Matching a statement's transactions to what they paid, in domain.md's order: end-to-end id, loan reference,
the investee's account with the amount due. Anything ambiguous is left for a person."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from fundapp.banking.matching import amounts_due, normalise_reference
from fundapp.banking.models import BankTransaction, BatchKind, ProposalKind, TransactionStatus
from fundapp.loans import services as loans
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

D = Decimal


def running_loan(session, investee, reference):
    """12 installments of 1,000.00 (no interest) from 15 February 2026: 1,000.00 due on 2 March 2026."""
    return make_loan(
        session,
        investee,
        reference=reference,
        principal=D("12000.00"),
        annual_rate=D("0"),
        number_of_installments=12,
        disbursement_date=date(2026, 1, 15),
    )


@pytest.fixture()
def bank(db_session, world):
    account = fund_account(db_session, world.fund_a)
    loan = running_loan(db_session, world.investee_a, "SIF-2026-0007")
    return account, loan


def imported(session, fund, *entries):
    statement = import_file(session, fund, camt(list(entries)))
    return list(
        session.scalars(
            select(BankTransaction).where(BankTransaction.statement_id == statement.id).order_by(BankTransaction.id)
        )
    )


def proposal(tx):
    return tx.status, tx.proposal_kind, tx.proposal_loan_id, tx.matched_by


def test_references_are_compared_without_case_spaces_or_dashes():
    assert normalise_reference("sif 2026–0007") == normalise_reference("SIF-2026-0007") == "SIF20260007"


def test_a_credit_naming_the_loan_reference_in_any_case_with_spaces_or_dashes_is_its_repayment(db_session, world, bank):
    _account, loan = bank
    (tx,) = imported(db_session, world.fund_a, Entry("1000.00", remittance="aflossing sif 2026 0007 termijn 1"))
    assert proposal(tx) == (TransactionStatus.PROPOSED, ProposalKind.REPAYMENT, loan.id, "reference")


def test_a_reference_that_runs_on_into_more_digits_is_another_reference(db_session, world, bank):
    (tx,) = imported(db_session, world.fund_a, Entry("1000.00", remittance="Factuur SIF-2026-00071"))
    assert proposal(tx) == (TransactionStatus.UNMATCHED, None, None, "")


def test_a_description_naming_two_loans_is_left_for_a_person(db_session, world, bank):
    running_loan(db_session, world.investee_a, "SIF-2026-0008")
    (tx,) = imported(db_session, world.fund_a, Entry("2000.00", remittance="SIF-2026-0007 en SIF-2026-0008"))
    assert tx.status == TransactionStatus.UNMATCHED


def test_the_end_to_end_id_of_our_direct_debit_comes_before_a_reference_in_the_description(db_session, world, bank):
    account, _loan = bank
    other = running_loan(db_session, world.investee_a, "SIF-2026-0008")
    direct_debit_line(db_session, world.fund_a, account, other, "SIF-2026-0008-01", "1000.00")
    entry = Entry("1000.00", remittance="Termijn SIF-2026-0007", end_to_end_id="SIF-2026-0008-01")
    (tx,) = imported(db_session, world.fund_a, entry)
    assert proposal(tx) == (TransactionStatus.PROPOSED, ProposalKind.REPAYMENT, other.id, "end_to_end_id")


def test_the_investees_account_finds_its_one_active_loan_only_for_the_amount_due(db_session, world, bank):
    investee = make_investee(db_session, world.fund_a)
    loan = running_loan(db_session, investee, "SIF-2026-0020")
    investee_account(db_session, investee)
    due, not_due = imported(
        db_session,
        world.fund_a,
        Entry("1000.00", remittance="maart", counterparty_iban=INVESTEE_IBAN),
        Entry("999.00", remittance="maart", counterparty_iban=INVESTEE_IBAN),
    )
    assert proposal(due) == (TransactionStatus.PROPOSED, ProposalKind.REPAYMENT, loan.id, "iban_amount")
    assert not_due.status == TransactionStatus.UNMATCHED


def test_the_investees_account_matches_nothing_when_it_has_two_active_loans(db_session, world, bank):
    investee_account(db_session, world.investee_a)
    # World A's investee has loan A (active since 2024) beside SIF-2026-0007.
    (tx,) = imported(db_session, world.fund_a, Entry("1000.00", counterparty_iban=INVESTEE_IBAN))
    assert tx.status == TransactionStatus.UNMATCHED


def test_a_mandates_account_is_the_investees_account_too(db_session, world, bank):
    from fundapp.banking import services_accounts

    investee = make_investee(db_session, world.fund_a)
    loan = running_loan(db_session, investee, "SIF-2026-0021")
    mandate = {"mandate_id": "M-21", "signed_on": date(2026, 1, 10), "iban": "NL44RABO0123456789"}
    services_accounts.add_mandate(db_session, ACTOR, loan, mandate)
    (tx,) = imported(db_session, world.fund_a, Entry("1000.00", counterparty_iban="NL44 RABO 0123 4567 89"))
    assert proposal(tx) == (TransactionStatus.PROPOSED, ProposalKind.REPAYMENT, loan.id, "iban_amount")


def test_a_credit_for_a_written_off_loan_is_proposed_as_a_recovery(db_session, world, bank):
    _account, loan = bank
    loans.write_off(db_session, ACTOR, loan, date(2026, 2, 20), "Faillissement")
    (tx,) = imported(db_session, world.fund_a, Entry("250.00", remittance="Curator uitkering SIF-2026-0007"))
    assert proposal(tx) == (TransactionStatus.PROPOSED, ProposalKind.RECOVERY, loan.id, "reference")


def test_a_credit_for_a_loan_that_is_still_a_draft_is_unmatched(db_session, world, bank):
    make_loan(db_session, world.investee_a, status="draft", reference="SIF-2026-0099")
    (tx,) = imported(db_session, world.fund_a, Entry("100.00", remittance="SIF-2026-0099"))
    assert tx.status == TransactionStatus.UNMATCHED


def test_what_the_bank_wrote_about_a_counterparty_is_kept_as_written(db_session, world, bank):
    entry = Entry("5.00", counterparty="  Ñandú   & Zn ", counterparty_iban="0123456789 (oud)")
    (tx,) = imported(db_session, world.fund_a, entry)
    assert (tx.counterparty_name, tx.counterparty_iban) == ("Ñandú & Zn", "0123456789 (oud)")


def test_a_debit_paying_a_disbursement_we_sent_is_matched_to_it_by_its_end_to_end_id(db_session, world, bank):
    account, loan = bank
    payment_line(db_session, world.fund_a, account, BatchKind.DISBURSEMENTS, "SIF-UIT-0042", "2500.00", loan_id=loan.id)
    paid, costs = imported(
        db_session,
        world.fund_a,
        Entry("2500.00", direction="debit", end_to_end_id="SIF-UIT-0042"),
        Entry("10.50", direction="debit", remittance="Kosten betalingsverkeer"),
    )
    assert proposal(paid) == (TransactionStatus.PROPOSED, ProposalKind.DISBURSEMENT, loan.id, "end_to_end_id")
    assert costs.status == TransactionStatus.UNMATCHED


def test_a_payment_line_of_another_funds_batch_matches_nothing(db_session, world, bank):
    other = fund_account(db_session, world.fund_b, "NL20INGB0001234567")
    loan_b = make_loan(db_session, world.investee_b, reference="SIF-B-0001")
    direct_debit_line(db_session, world.fund_b, other, loan_b, "SIF-B-0001-01", "100.00")
    (tx,) = imported(db_session, world.fund_a, Entry("100.00", end_to_end_id="SIF-B-0001-01"))
    assert tx.status == TransactionStatus.UNMATCHED


def test_what_is_due_is_the_oldest_open_installment_or_all_that_has_fallen_due():
    unsettled = [(date(2026, 2, 15), D("250.00")), (date(2026, 3, 15), D("1000.00")), (date(2026, 4, 15), D("1000"))]
    assert amounts_due(unsettled, date(2026, 3, 20)) == {D("250.00"), D("1250.00")}
    assert amounts_due(unsettled, date(2026, 2, 1)) == {D("250.00")}
    assert amounts_due([], date(2026, 2, 1)) == set()


def test_a_batch_entry_that_cannot_be_split_is_not_proposed_as_its_first_collection(db_session, world, bank):
    # A direct-debit batch booked as one entry of 1,500.00 whose details give no amounts: the first detail is the
    # collection of 1,000.00 for SIF-2026-0007, but the 1,500.00 is not that collection's repayment.
    account, loan = bank
    direct_debit_line(db_session, world.fund_a, account, loan, "SIF-2026-0007-02", "1000.00")
    detail = (
        "<TxDtls><Refs><EndToEndId>{e2e}</EndToEndId></Refs><RltdPties><Dbtr><Nm>{name}</Nm></Dbtr>"
        "<DbtrAcct><Id><IBAN>{iban}</IBAN></Id></DbtrAcct></RltdPties>"
        "<RmtInf><Ustrd>Termijn {e2e}</Ustrd></RmtInf></TxDtls>"
    )
    details = detail.format(e2e="SIF-2026-0007-02", name="Groene Koffie B.V.", iban=INVESTEE_IBAN) + detail.format(
        e2e="SIF-2026-0030-01", name="Buurtwerk", iban="NL77ABNA0520123456"
    )
    data = camt([Entry("1500.00", end_to_end_id="BATCH")]).decode()
    data = re.sub(r"<NtryDtls>.*?</NtryDtls>", f"<NtryDtls><Btch><NbOfTxs>2</NbOfTxs></Btch>{details}</NtryDtls>", data)
    statement = import_file(db_session, world.fund_a, data.encode())
    (tx,) = db_session.scalars(select(BankTransaction).where(BankTransaction.statement_id == statement.id))
    assert tx.amount == D("1500.00")
    assert proposal(tx) == (TransactionStatus.UNMATCHED, None, None, "")
