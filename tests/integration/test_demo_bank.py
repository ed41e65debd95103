"""The demo world holds money through the bank, so a newcomer (and the accessibility crawl) sees every bank page."""

from __future__ import annotations

from sqlalchemy import select

from fundapp.banking.models import (
    BankAccount,
    BankStatement,
    BankTransaction,
    BatchKind,
    Mandate,
    MandateStatus,
    PaymentBatch,
    ProposalKind,
    TransactionStatus,
)
from fundapp.funds.models import Fund
from fundapp.loans.models import Loan, LoanEvent
from fundapp.payers.models import OutcomePayer


def test_the_demo_world_has_a_statement_with_a_proposal_an_unmatched_credit_active_mandates_and_two_batches(
    app, db_session
):
    from fundapp.demo import load_demo

    with app.app_context():
        message = load_demo(db_session)

    assert "1 bank statement" in message
    fund = db_session.scalar(select(Fund).where(Fund.name == "Social Impact Fund Rotterdam"))
    assert fund.creditor_id == "NL06ZZZ987654320000"
    statement = db_session.scalar(select(BankStatement))
    assert statement.account.fund_id == fund.id and statement.account.iban == "NL91ABNA0417164300"
    rows = list(db_session.scalars(select(BankTransaction).where(BankTransaction.statement_id == statement.id)))
    by_status = {tx.status: tx for tx in rows}
    assert set(by_status) == {
        TransactionStatus.PROPOSED,
        TransactionStatus.BOOKED,
        TransactionStatus.UNMATCHED,
        TransactionStatus.SET_ASIDE,
    }
    proposal = by_status[TransactionStatus.PROPOSED]
    assert proposal.proposal_kind == ProposalKind.REPAYMENT and proposal.proposal_loan_id is not None
    assert db_session.get(Loan, proposal.proposal_loan_id).reference in proposal.remittance
    booked = by_status[TransactionStatus.BOOKED]
    assert db_session.get(LoanEvent, booked.booked_event_id).amount == booked.amount
    assert by_status[TransactionStatus.UNMATCHED].direction == "credit"
    assert by_status[TransactionStatus.SET_ASIDE].set_aside_reason
    mandates = list(db_session.scalars(select(Mandate).where(Mandate.status == MandateStatus.ACTIVE)))
    assert len({m.loan_id for m in mandates}) == 2
    assert {b.kind for b in db_session.scalars(select(PaymentBatch))} == {
        BatchKind.DIRECT_DEBIT,
        BatchKind.DISBURSEMENTS,
    }
    rotterdam = db_session.scalar(select(OutcomePayer).where(OutcomePayer.name == "Gemeente Rotterdam"))
    assert db_session.scalar(select(BankAccount).where(BankAccount.payer_id == rotterdam.id)) is not None
