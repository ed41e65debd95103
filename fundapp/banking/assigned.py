"""An assigned outcome payment through the bank (issue #14, item 15).

The payer's outcome-payment batch sends the assigned part of a claim part to the loan's fund in a transfer of
its own: a payment line with the loan's id beside the provider's line (``batch_queries.outcome_payments``).
When the part is recorded paid, by hand or from the payer's statement, the repayment booked is what that line
sends, once (``outcomes.assignments.book_assigned_parts``). On the fund's statement the credit with the line's
end-to-end id is that repayment: matching links it (``matching.Matcher``); a credit that arrived before the
payer recorded its payment waits and is linked when it does (``link_waiting_credits``); a credit a person
booked on the loan by hand before then is the repayment (``booked_by_hand``), not a second one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import Select, and_, exists, select
from sqlalchemy.orm import Session

from fundapp import audit
from fundapp.banking.models import (
    BankAccount,
    BankTransaction,
    BatchKind,
    BatchStatus,
    PaymentBatch,
    PaymentLine,
    ProposalKind,
    TransactionStatus,
)
from fundapp.db import utcnow
from fundapp.loans.models import EventKind, Loan, LoanEvent
from fundapp.money import ZERO
from fundapp.outcomes.models import ClaimPayerSplit

# Why a fund's credit was not booked at once (``BankTransaction.unmatched_reason``, labels.py).
ASSIGNED_UNPAID = "assigned_unpaid"
END_TO_END = "end_to_end_id"


def _fund_lines(split_ids: Iterable[int]) -> Select[PaymentLine]:
    return (
        select(PaymentLine)
        .join(PaymentBatch, PaymentBatch.id == PaymentLine.batch_id)
        .where(
            PaymentLine.split_id.in_(sorted(set(split_ids))),
            PaymentBatch.kind == BatchKind.OUTCOME_PAYMENTS,
            PaymentBatch.status != BatchStatus.CANCELLED,
        )
    )


def sent_to_fund(session: Session, split_ids: Iterable[int]) -> dict[int, tuple[int | None, Decimal]]:
    """Per claim part in a live outcome-payment batch: the loan its assigned transfer repays and that transfer's
    amount; (None, 0) when the batch pays the whole part to the provider (made before the payer accepted)."""
    found: dict[int, tuple[int | None, Decimal]] = {}
    for line in session.scalars(_fund_lines(split_ids)):
        assert line.split_id is not None
        if line.loan_id is not None:
            found[line.split_id] = (line.loan_id, line.amount)
        else:
            found.setdefault(line.split_id, (None, ZERO))
    return found


@dataclass(frozen=True)
class TransferToFund:
    """A payer's transfer of an assigned part to one of the fund's loans, and the repayment booked for it."""

    loan_id: int
    amount: Decimal
    recorded: bool  # the payer recorded its part paid
    event_id: int | None  # the repayment booked, live and not yet linked to a bank transaction


def transfers_to_fund(session: Session, fund_id: int | None, end_to_end_ids: list[str]) -> dict[str, TransferToFund]:
    """Per end-to-end id: the payers' transfers of assigned parts to the fund's loans (one query)."""
    linked = exists().where(BankTransaction.booked_event_id == LoanEvent.id)
    live = and_(LoanEvent.id == ClaimPayerSplit.repayment_id, LoanEvent.reversed_at.is_(None), ~linked)
    rows = session.execute(
        select(PaymentLine.end_to_end_id, PaymentLine.loan_id, PaymentLine.amount, ClaimPayerSplit.paid_on)
        .add_columns(LoanEvent.id)
        .join(PaymentBatch, PaymentBatch.id == PaymentLine.batch_id)
        .join(Loan, Loan.id == PaymentLine.loan_id)
        .join(ClaimPayerSplit, ClaimPayerSplit.id == PaymentLine.split_id)
        .outerjoin(LoanEvent, live)
        .where(
            PaymentBatch.kind == BatchKind.OUTCOME_PAYMENTS,
            PaymentBatch.status != BatchStatus.CANCELLED,
            Loan.fund_id == fund_id,
            PaymentLine.end_to_end_id.in_(end_to_end_ids),
        )
    )
    return {
        e2e: TransferToFund(loan_id, amount, paid_on is not None, event_id)
        for e2e, loan_id, amount, paid_on, event_id in rows
    }


def _credits(
    session: Session, split_id: int, loan: Loan, amount: Decimal, status: TransactionStatus
) -> Select[BankTransaction]:
    """The fund's statement credits of the assigned transfer: its end-to-end id, the loan's fund, its amount."""
    lines = _fund_lines([split_id]).where(PaymentLine.loan_id == loan.id)
    ids = [line.end_to_end_id for line in session.scalars(lines)]
    return (
        select(BankTransaction)
        .join(BankAccount, BankAccount.id == BankTransaction.bank_account_id)
        .where(
            BankAccount.fund_id == loan.fund_id,
            BankTransaction.direction == "credit",
            BankTransaction.status == status,
            BankTransaction.end_to_end_id.in_(ids),
            BankTransaction.amount == amount,
        )
        .order_by(BankTransaction.booking_date, BankTransaction.id)
    )


def booked_by_hand(session: Session, split_id: int, loan: Loan, amount: Decimal) -> LoanEvent | None:
    """The live repayment a person booked the fund's credit of this transfer as, before the payer recorded it."""
    for tx in session.scalars(_credits(session, split_id, loan, amount, TransactionStatus.BOOKED)):
        event = session.get(LoanEvent, tx.booked_event_id) if tx.booked_event_id else None
        if event is None or (event.loan_id, event.kind, event.amount) != (loan.id, EventKind.REPAYMENT, amount):
            continue
        if event.reversed_at is None:
            return event
    return None


def link_waiting_credits(session: Session, actor: audit.Who, split_id: int, loan: Loan, event: LoanEvent) -> None:
    """The fund's credit that waited for the payer's payment is the repayment just booked: linked, not booked."""
    assert event.amount is not None
    waiting = session.scalars(_credits(session, split_id, loan, event.amount, TransactionStatus.UNMATCHED))
    tx = next(iter(waiting), None)
    if tx is None:
        return
    before = tx.status
    tx.status, tx.booked_at, tx.booked_by_id = TransactionStatus.BOOKED, utcnow(), getattr(actor, "id", None)
    tx.booked_event_id, tx.proposal_kind, tx.proposal_loan_id = event.id, ProposalKind.REPAYMENT, loan.id
    tx.matched_by, tx.unmatched_reason = END_TO_END, ""
    session.flush()
    audit.record(
        session,
        actor,
        "bank_transaction.booked",
        tx,
        {"status": [before, tx.status], "kind": [None, ProposalKind.REPAYMENT.value], "event_id": [None, event.id]},
    )
