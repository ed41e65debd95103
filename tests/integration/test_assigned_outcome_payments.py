"""Issue #14 item 15 through the bank: the assigned part of an outcome payment goes to the loan's fund in the
payer's pain.001, the payer's statement records the claim paid and the repayment once, and the fund's statement
credit is that repayment (docs/fund_economics.md, "Results fund that lends", the split through the bank)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from fundapp import clock
from fundapp.auth.policy import Scope
from fundapp.banking import batch_queries, batches, booking, ledger, sepa
from fundapp.banking.models import BankTransaction, ProposalKind, TransactionStatus
from fundapp.errors import ValidationFailed
from fundapp.loans.models import EventKind, LoanEvent
from fundapp.outcomes import assignments, payments
from fundapp.outcomes.models import ClaimStatus
from tests.bank_factories import FUND_IBAN, Entry, camt, import_file
from tests.batch_factories import collecting_fund, investee_account, payer_account
from tests.factories import ACTOR, make_loan
from tests.outcome_factories import item, make_claim, make_contract, make_result

D = Decimal
TODAY = clock.today()
S = TransactionStatus
PROVIDER_IBAN = "NL39RABO0300065264"
PAYER_IBAN = "NL86INGB0002445588"
NS = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"}


@pytest.fixture()
def assigned(db_session, world):
    """Claim of 2,500.00 paid wholly by payer A; 40 % of it assigned (and accepted) to loan A of fund A."""
    loan = make_loan(db_session, world.investee_a, disbursement_date=date(2026, 1, 15))
    contract = make_contract(db_session, [(world.payer_a, "100", None)], [world.investee_a], [item("JOB6", "2500.00")])
    make_result(db_session, contract, world.investee_a, participant="P-1", achieved_on=date(2026, 2, 1))
    claim = make_claim(db_session, contract, world.investee_a, approve_by=[world.user("officer_a")])
    manager = world.user("manager_a")
    data = {"investee_id": world.investee_a.id, "loan_id": loan.id, "share_percent": D("40"), "valid_from": TODAY}
    assignments.assign(db_session, manager, Scope.of_user(manager), contract, data)
    investee_account(db_session, world.investee_a, PROVIDER_IBAN)
    payer_account(db_session, world.payer_a, PAYER_IBAN)
    return claim, loan, contract


def _accept(db_session, world, contract):
    officer = world.user("officer_a")
    assignments.accept(db_session, officer, Scope.of_user(officer), contract)


@pytest.fixture()
def split_batch(db_session, world, assigned):
    """The fund has its account, the payer accepted: the payer's batch holds the provider's and the fund's transfer."""
    claim, loan, contract = assigned
    collecting_fund(db_session, world.fund_a, FUND_IBAN)
    _accept(db_session, world, contract)
    batch = batches.create_outcome_payment_batch(db_session, ACTOR, world.payer_a, TODAY)
    provider, fund = batch.lines
    return claim, loan, batch, provider, fund


def _repayments(session, loan):
    query = select(LoanEvent).where(LoanEvent.loan_id == loan.id, LoanEvent.kind == EventKind.REPAYMENT)
    return list(session.scalars(query))


def _import(session, owner, iban, *entries):
    imported = import_file(session, owner, camt(list(entries), account=iban, opening="90000.00"))
    query = select(BankTransaction).where(BankTransaction.statement_id == imported.id).order_by(BankTransaction.id)
    return list(session.scalars(query))


def _debit(line, reference):
    return Entry(
        str(line.amount), direction="debit", booked=TODAY, end_to_end_id=line.end_to_end_id, bank_reference=reference
    )


def _fund_credit(line, reference="ABN-IN-1"):
    return Entry(
        str(line.amount),
        booked=TODAY,
        end_to_end_id=line.end_to_end_id,
        bank_reference=reference,
        counterparty="Gemeente A",
        counterparty_iban=PAYER_IBAN,
        remittance=line.remittance,
    )


def test_an_assigned_part_is_two_transfers_the_share_to_the_funds_account_and_the_rest_to_the_provider(
    db_session, world, split_batch
):
    claim, loan, batch, provider, fund = split_batch
    base = f"CLAIM-{claim.id}-{world.payer_a.id}"
    split_id = claim.splits[0].id
    assert (provider.end_to_end_id, provider.amount, provider.counterparty_iban, provider.loan_id) == (
        base,
        D("1500.00"),
        PROVIDER_IBAN,
        None,
    )
    assert (fund.end_to_end_id, fund.amount, fund.counterparty_iban, fund.loan_id) == (
        f"{base}-L",
        D("1000.00"),
        FUND_IBAN,
        loan.id,
    )
    assert provider.split_id == fund.split_id == split_id
    assert fund.counterparty_name == world.fund_a.name[:70]
    assert loan.reference in fund.remittance and f"claim {claim.id}" in fund.remittance
    assert (batch.transactions, batch.total) == (2, D("2500.00"))

    document = sepa.validate(batches.payment_file(db_session, batch).xml, sepa.CREDIT_TRANSFER_SCHEMA)
    assert document.findtext(".//p:GrpHdr/p:NbOfTxs", namespaces=NS) == "2"
    assert document.findtext(".//p:GrpHdr/p:CtrlSum", namespaces=NS) == "2500.00"
    transfers = [
        (
            tx.findtext("p:PmtId/p:EndToEndId", namespaces=NS),
            tx.findtext("p:Amt/p:InstdAmt", namespaces=NS),
            tx.findtext("p:CdtrAcct/p:Id/p:IBAN", namespaces=NS),
            tx.findtext("p:RmtInf/p:Ustrd", namespaces=NS),
        )
        for tx in document.iterfind(".//p:CdtTrfTxInf", NS)
    ]
    assert sorted(transfers) == sorted(
        [(base, "1500.00", PROVIDER_IBAN, provider.remittance), (f"{base}-L", "1000.00", FUND_IBAN, fund.remittance)]
    )
    assert batch_queries.outcome_payments(db_session, world.payer_a.id) == []


def test_without_a_fund_account_the_whole_part_waits_listed_with_the_reason(db_session, world, assigned):
    _claim, loan, contract = assigned
    _accept(db_session, world, contract)
    provider, fund = batch_queries.outcome_payments(db_session, world.payer_a.id)
    assert (provider.amount, provider.creditor_iban, provider.held) == (D("1500.00"), PROVIDER_IBAN, True)
    assert (fund.amount, fund.creditor_iban, fund.loan_id) == (D("1000.00"), "", loan.id)
    assert not provider.payable and not fund.payable
    with pytest.raises(ValidationFailed) as refused:
        batches.create_outcome_payment_batch(db_session, ACTOR, world.payer_a, TODAY)
    assert "Nothing to pay" in refused.value.message


def test_an_assignment_not_yet_accepted_or_not_yet_valid_pays_the_whole_part_to_the_provider(
    db_session, world, assigned
):
    _claim, _loan, contract = assigned
    collecting_fund(db_session, world.fund_a, FUND_IBAN)
    (whole,) = batch_queries.outcome_payments(db_session, world.payer_a.id)
    assert (whole.amount, whole.creditor_iban) == (D("2500.00"), PROVIDER_IBAN)
    _accept(db_session, world, contract)
    yesterday = date.fromordinal(TODAY.toordinal() - 1)
    (whole,) = batch_queries.outcome_payments(db_session, world.payer_a.id, on=yesterday)
    assert whole.amount == D("2500.00")


def test_the_payers_statement_records_the_claim_paid_and_the_repayment_once_whichever_transfer_comes_first(
    db_session, world, login_as, split_batch
):
    claim, loan, _batch, provider, fund = split_batch
    debits = _import(db_session, world.payer_a, PAYER_IBAN, _debit(fund, "ING-1"), _debit(provider, "ING-2"))
    assert [(tx.status, tx.proposal_kind, tx.proposal_loan_id) for tx in debits] == [
        (S.PROPOSED, ProposalKind.OUTCOME_PAYMENT, None)
    ] * 2
    for tx in debits:
        booking.book(db_session, ACTOR, tx)

    assert (claim.status, claim.paid_on) == (ClaimStatus.PAID, TODAY)
    assert (fund.settled_transaction_id, provider.settled_transaction_id) == (debits[0].id, debits[1].id)
    (repayment,) = _repayments(db_session, loan)
    assert (repayment.on, repayment.amount, repayment.reference) == (TODAY, D("1000.00"), "ING-1")
    assert (claim.splits[0].assigned_amount, claim.splits[0].repayment_id) == (D("1000.00"), repayment.id)
    (entry,) = ledger.entries(db_session, world.fund_a.id, TODAY, TODAY)
    bank = {line.account.code: line.debit for line in entry.lines if line.debit}
    assert bank == {"1100": D("1000.00")}
    assert sum(line.debit for line in entry.lines) == sum(line.credit for line in entry.lines)
    page = login_as(world.user("officer_a")).get(f"/claims/{claim.id}").get_data(as_text=True)
    assert "waarvan €\xa01.000,00 als aflossing van de lening" in page


def test_the_funds_statement_credit_is_linked_to_the_repayment_already_booked_not_booked_again(
    db_session, world, split_batch
):
    claim, loan, _batch, provider, fund = split_batch
    for tx in _import(db_session, world.payer_a, PAYER_IBAN, _debit(provider, "ING-2"), _debit(fund, "ING-1")):
        booking.book(db_session, ACTOR, tx)

    (credit,) = _import(db_session, world.fund_a, FUND_IBAN, _fund_credit(fund))

    (repayment,) = _repayments(db_session, loan)
    assert (credit.status, credit.booked_event_id, credit.proposal_kind, credit.matched_by) == (
        S.BOOKED,
        repayment.id,
        ProposalKind.REPAYMENT,
        "end_to_end_id",
    )
    assert claim.splits[0].repayment_id == repayment.id
    again = _import(db_session, world.fund_a, FUND_IBAN, _fund_credit(fund, "ABN-IN-2"))
    # A second credit of the transfer is for a person.
    assert [(tx.status, tx.unmatched_reason) for tx in again] == [(S.UNMATCHED, "")]
    assert len(_repayments(db_session, loan)) == 1


def test_a_fund_credit_before_the_payer_records_its_payment_waits_and_is_linked_when_it_does(
    db_session, world, split_batch
):
    claim, loan, _batch, _provider, fund = split_batch
    (credit,) = _import(db_session, world.fund_a, FUND_IBAN, _fund_credit(fund))
    assert (credit.status, credit.unmatched_reason, credit.proposal_kind) == (S.UNMATCHED, "assigned_unpaid", None)
    assert _repayments(db_session, loan) == []

    officer = world.user("officer_a")
    payments.record_payment(db_session, officer, Scope.of_user(officer), claim, TODAY, "NRF-HAND-1")

    (repayment,) = _repayments(db_session, loan)
    assert (repayment.amount, repayment.reference) == (D("1000.00"), "NRF-HAND-1")
    db_session.refresh(credit)
    assert (credit.status, credit.booked_event_id, credit.unmatched_reason) == (S.BOOKED, repayment.id, "")


def test_a_fund_credit_booked_on_the_loan_by_hand_first_is_the_repayment_when_the_payer_records_its_payment(
    db_session, world, split_batch
):
    claim, loan, _batch, _provider, fund = split_batch
    (credit,) = _import(db_session, world.fund_a, FUND_IBAN, _fund_credit(fund))
    booked = booking.book(db_session, ACTOR, credit, loan)
    officer = world.user("officer_a")
    payments.record_payment(db_session, officer, Scope.of_user(officer), claim, TODAY, "NRF-HAND-2")

    (repayment,) = _repayments(db_session, loan)
    assert repayment.id == booked.event.id == claim.splits[0].repayment_id


def test_a_batch_made_before_the_payer_accepted_paid_everything_to_the_provider_and_repays_nothing(
    db_session, world, assigned
):
    claim, loan, contract = assigned
    collecting_fund(db_session, world.fund_a, FUND_IBAN)
    (whole,) = batches.create_outcome_payment_batch(db_session, ACTOR, world.payer_a, TODAY).lines
    _accept(db_session, world, contract)
    (tx,) = _import(db_session, world.payer_a, PAYER_IBAN, _debit(whole, "ING-9"))
    booking.book(db_session, ACTOR, tx)
    assert claim.status == ClaimStatus.PAID
    assert (claim.splits[0].assigned_amount, claim.splits[0].repayment_id) == (None, None)
    assert _repayments(db_session, loan) == []
    assert db_session.scalar(select(func.count()).select_from(BankTransaction)) == 1


def test_the_batch_pages_show_the_split_to_the_payer_without_a_link_to_the_fund_loan(
    db_session, world, login_as, assigned
):
    _claim, loan, contract = assigned
    collecting_fund(db_session, world.fund_a, FUND_IBAN)
    _accept(db_session, world, contract)
    client = login_as(world.user("officer_a"))
    preview = client.get(f"/payers/{world.payer_a.id}/credit-transfer-batches/new").get_data(as_text=True)
    assert FUND_IBAN in preview and PROVIDER_IBAN in preview and loan.reference in preview
    batch = batches.create_outcome_payment_batch(db_session, ACTOR, world.payer_a, TODAY)
    page = client.get(f"/payment-batches/{batch.id}").get_data(as_text=True)
    assert FUND_IBAN in page and PROVIDER_IBAN in page and loan.reference in page
    assert f"/loans/{loan.id}" not in page


def test_a_part_recorded_paid_by_hand_is_linked_to_the_payers_statement_debits_and_repaid_once(
    db_session, world, split_batch
):
    claim, loan, _batch, provider, fund = split_batch
    officer = world.user("officer_a")
    payments.record_payment(db_session, officer, Scope.of_user(officer), claim, TODAY, "NRF-HAND-3")
    debits = _import(db_session, world.payer_a, PAYER_IBAN, _debit(provider, "ING-2"), _debit(fund, "ING-1"))
    for tx in debits:
        booking.book(db_session, ACTOR, tx)

    assert [tx.status for tx in debits] == [S.BOOKED, S.BOOKED]
    assert (provider.settled_transaction_id, fund.settled_transaction_id) == (debits[0].id, debits[1].id)
    (repayment,) = _repayments(db_session, loan)
    assert (repayment.amount, repayment.reference) == (D("1000.00"), "NRF-HAND-3")
    assert claim.payment_reference == "NRF-HAND-3"
