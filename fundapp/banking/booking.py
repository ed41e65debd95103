"""Booking a bank transaction: it becomes the repayment (recovery, reversal, payment) it paid, once.

A transaction books at most one event: claiming it is one conditional UPDATE of its
status, so two clicks (or two requests) cannot both book it. A credit becomes a
repayment (a recovery on a written-off loan) through ``loans.services`` with the
booking date, the amount and the bank's reference, so the loan's arrears change at
once and the duplicate-repayment guard applies; a repayment booked by hand with the
same reference is linked, not booked again. A returned direct debit reverses the
repayment its collection was booked as, with the bank's reason. The money of a payment
line fundapp sent to the bank (a collected installment, a disbursement, an outcome payment)
is booked through ``settlement.settle_line``, which settles the line once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from fundapp import audit
from fundapp.banking.matching import MANUAL, Match, Matcher, booking_reference, end_to_end_id, references_of
from fundapp.banking.models import (
    BankAccount,
    BankStatement,
    BankTransaction,
    BatchKind,
    BatchStatus,
    PaymentBatch,
    PaymentLine,
    ProposalKind,
    TransactionStatus,
)
from fundapp.banking.returns import return_reason_text
from fundapp.banking.settlement import settle_line
from fundapp.banking.transactions import fund_of_account
from fundapp.db import utcnow
from fundapp.errors import AppError, Conflict, InvalidTransition, ValidationFailed
from fundapp.funds.models import Fund
from fundapp.i18n import gettext
from fundapp.loans import services as loans
from fundapp.loans.models import EventKind, Loan, LoanEvent, LoanStatus
from fundapp.messages import N_

S = TransactionStatus
# The credit transfers fundapp sends: a statement debit with one of their end-to-end ids paid it.
DEBIT_BATCHES = {
    ProposalKind.DISBURSEMENT: BatchKind.DISBURSEMENTS,
    ProposalKind.OUTCOME_PAYMENT: BatchKind.OUTCOME_PAYMENTS,
}
TRANSITIONS: dict[tuple[TransactionStatus, str], TransactionStatus] = {
    (S.PROPOSED, "book"): S.BOOKED,
    (S.UNMATCHED, "book"): S.BOOKED,
    (S.SET_ASIDE, "book"): S.BOOKED,
    (S.PROPOSED, "set_aside"): S.SET_ASIDE,
    (S.UNMATCHED, "set_aside"): S.SET_ASIDE,
}
REFUSALS = {
    "book": N_("This transaction is already booked."),
    "set_aside": N_("Only a transaction that is neither booked nor set aside can be set aside."),
}


def next_status(current: TransactionStatus, action: str) -> TransactionStatus:
    try:
        return TRANSITIONS[(current, action)]
    except KeyError:
        raise InvalidTransition(
            REFUSALS[action], [{"field": "status", "message": N_("Not possible in the transaction's status.")}]
        ) from None


@dataclass
class Booked:
    """What a booked transaction became, shaped like a loan event for the API."""

    transaction: BankTransaction
    kind: str
    event: LoanEvent | None = None
    split_id: int | None = None

    def __getattr__(self, name: str) -> Any:
        # The event's own fields (date, amount, allocations ...), or none for a payment without one.
        event = self.__dict__.get("event")
        if event is None:
            return {"allocations": [], "is_reversed": False, "reversal_reason": "", "reason": ""}.get(name)
        return getattr(event, name)

    @property
    def transaction_id(self) -> int:
        return self.transaction.id

    @property
    def loan_id(self) -> int | None:
        return self.event.loan_id if self.event is not None else self.transaction.proposal_loan_id

    @property
    def on(self) -> date:
        return self.event.on if self.event is not None else self.transaction.booking_date

    @property
    def amount(self) -> Decimal:
        return self.event.amount if self.event is not None and self.event.amount else self.transaction.amount

    @property
    def reference(self) -> str:
        return self.event.reference if self.event is not None else booking_reference(self.transaction)


def fund_of(session: Session, tx: BankTransaction) -> Fund:
    fund = session.get(Fund, fund_of_account(tx.account))
    if fund is None:
        raise LookupError(f"the fund of bank transaction {tx.id} is gone")
    return fund


def book(session: Session, actor: audit.Who, tx: BankTransaction, loan: Loan | None = None) -> Booked:
    """Book the transaction as proposed, or (a credit) on the loan given; refused if it was booked already."""
    before = tx.status
    status = next_status(before, "book")
    if tx.direction == "credit":
        loan = _credit_loan(session, tx, loan)
    elif loan is not None:
        raise ValidationFailed.field("loan_id", "A debit is booked as what it paid; it cannot be put on a loan.")
    elif tx.proposal_kind not in DEBIT_BATCHES and tx.proposal_kind != ProposalKind.RETURN:
        raise ValidationFailed(
            "This debit matches nothing fundapp sent to the bank; set it aside with a reason instead.",
            [{"field": "loan_id", "message": "a debit is not booked on a loan"}],
        )
    _claim(session, tx, status)
    booked = _book_credit(session, actor, tx, loan) if loan is not None else _book_debit(session, actor, tx)
    tx.status, tx.booked_at, tx.booked_by_id = S.BOOKED, utcnow(), getattr(actor, "id", None)
    tx.booked_event_id = booked.event.id if booked.event is not None else None
    tx.booked_split_id = booked.split_id
    session.flush()
    audit.record(
        session,
        actor,
        "bank_transaction.booked",
        tx,
        {"status": [before, S.BOOKED], "kind": [None, booked.kind], "event_id": [None, tx.booked_event_id]},
    )
    if booked.kind == ProposalKind.REPAYMENT.value:
        _rematch_returns(session, actor, tx)
    return booked


def _claim(session: Session, tx: BankTransaction, status: TransactionStatus) -> None:
    """One request books a transaction: the status changes only if it is still what this request read."""
    claimed: Any = session.execute(
        update(BankTransaction)
        .where(BankTransaction.id == tx.id, BankTransaction.status == tx.status)
        .values(status=status)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        raise Conflict("Someone else booked or set aside this transaction at the same moment.")


def _credit_loan(session: Session, tx: BankTransaction, loan: Loan | None) -> Loan:
    """The loan a credit is booked on: the one given, else the proposal's."""
    proposed = tx.proposal_kind in (ProposalKind.REPAYMENT, ProposalKind.RECOVERY)
    if loan is None and proposed and tx.proposal_loan_id is not None:
        loan = session.get(Loan, tx.proposal_loan_id)
    if loan is None:
        raise ValidationFailed.field("loan_id", "Choose the loan this money is for.")
    if loan.fund_id != tx.account.fund_id:
        raise ValidationFailed.field("loan_id", "Choose a loan of the fund whose account received the money.")
    return loan


def _book_credit(session: Session, actor: audit.Who, tx: BankTransaction, loan: Loan) -> Booked:
    proposed = tx.proposal_kind in (ProposalKind.REPAYMENT, ProposalKind.RECOVERY)
    if not (proposed and loan.id == tx.proposal_loan_id):
        tx.matched_by = MANUAL
    written_off = loan.status == LoanStatus.WRITTEN_OFF
    kind = ProposalKind.RECOVERY if written_off else ProposalKind.REPAYMENT
    event = _booked_by_hand(session, loan, EventKind.RECOVERY if written_off else EventKind.REPAYMENT, tx)
    line = _payment_line(session, tx, BatchKind.DIRECT_DEBIT)
    if (
        event is None
        and line is not None
        and line.loan_id == loan.id
        and not written_off
        and _settles(session, line, tx)
    ):
        event = settle_line(session, actor, line, tx)
    elif event is None:
        record = loans.record_recovery if written_off else loans.record_repayment
        event = record(session, actor, loan, tx.booking_date, tx.amount, booking_reference(tx))
    else:
        _mark_settled(line, tx)
    tx.proposal_kind, tx.proposal_loan_id = kind, loan.id
    return Booked(tx, kind.value, event)


def _booked_by_hand(session: Session, loan: Loan, kind: EventKind, tx: BankTransaction) -> LoanEvent | None:
    """The same payment booked on the loan already (same date, amount and bank reference), by no other transaction."""
    refs = references_of(tx)
    if not refs:
        return None
    linked = select(BankTransaction.booked_event_id).where(BankTransaction.booked_event_id.is_not(None))
    return session.scalar(
        select(LoanEvent)
        .where(
            LoanEvent.loan_id == loan.id,
            LoanEvent.kind == kind,
            LoanEvent.on == tx.booking_date,
            LoanEvent.amount == tx.amount,
            LoanEvent.reference.in_(refs),
            LoanEvent.reversed_at.is_(None),
            LoanEvent.id.not_in(linked),
        )
        .order_by(LoanEvent.id)
        .limit(1)
    )


def _book_debit(session: Session, actor: audit.Who, tx: BankTransaction) -> Booked:
    if tx.proposal_kind == ProposalKind.RETURN:
        event = session.get(LoanEvent, tx.proposal_event_id) if tx.proposal_event_id else None
        if event is None:
            raise Conflict("The repayment this return would reverse is no longer there.")
        loans.reverse_event(session, actor, event, return_reason_text(tx.return_reason, gettext))
        return Booked(tx, ProposalKind.RETURN.value, event)
    assert tx.proposal_kind in DEBIT_BATCHES, "checked before the transaction was claimed"
    line = _payment_line(session, tx, DEBIT_BATCHES[tx.proposal_kind])
    if line is None:
        raise Conflict("The payment this debit was matched to is no longer in a batch.")
    paid = settle_line(session, actor, line, tx)
    return Booked(tx, tx.proposal_kind.value, paid if isinstance(paid, LoanEvent) else None, line.split_id)


def _payment_line(session: Session, tx: BankTransaction, kind: BatchKind) -> PaymentLine | None:
    e2e = end_to_end_id(tx)
    if not e2e:
        return None
    return session.scalar(
        select(PaymentLine)
        .join(PaymentBatch, PaymentBatch.id == PaymentLine.batch_id)
        .where(
            PaymentLine.end_to_end_id == e2e,
            PaymentBatch.kind == kind,
            PaymentBatch.bank_account_id == tx.bank_account_id,
        )
    )


def _settles(session: Session, line: PaymentLine, tx: BankTransaction) -> bool:
    """The credit is the collection's money: its batch is live, the line not settled yet, the amount the line's.
    Any other credit with its end-to-end id is booked as a plain repayment."""
    batch = session.get(PaymentBatch, line.batch_id)
    live = batch is not None and batch.status != BatchStatus.CANCELLED
    return live and line.settled_transaction_id is None and tx.amount == line.amount


def _mark_settled(line: PaymentLine | None, tx: BankTransaction) -> None:
    """A collection typed in by hand before the statement came: its line is settled by the statement's credit."""
    if line is not None and line.settled_transaction_id is None:
        line.settled_transaction_id = tx.id


def set_aside(session: Session, actor: audit.Who, tx: BankTransaction, reason: str) -> BankTransaction:
    """Not the fund's business to book (bank costs, a payment for someone else): kept, with the reason."""
    if not reason.strip():
        raise ValidationFailed.field("reason", "Give the reason for setting it aside.")
    before = tx.status
    _claim(session, tx, next_status(before, "set_aside"))
    tx.status, tx.set_aside_reason = S.SET_ASIDE, reason.strip()
    session.flush()
    audit.record(
        session, actor, "bank_transaction.set_aside", tx, {"status": [before, S.SET_ASIDE], "reason": [None, reason]}
    )
    return tx


def apply_match(tx: BankTransaction, match: Match) -> None:
    tx.status, tx.proposal_kind, tx.proposal_loan_id = match.status, match.kind, match.loan_id
    tx.proposal_event_id, tx.proposal_split_id, tx.matched_by = match.event_id, match.split_id, match.matched_by
    tx.unmatched_reason = match.unmatched_reason


def book_unasked(session: Session, actor: audit.Who, transactions: Iterable[BankTransaction]) -> int:
    """Book exact matches for a fund that chose so; one that cannot be booked stays a proposal. The number booked."""
    done = 0
    for tx in sorted(transactions, key=lambda t: (t.booking_date, t.id)):
        try:
            with session.begin_nested():
                book(session, actor, tx)
            done += 1
        except AppError:
            session.refresh(tx)
    return done


def after_import(session: Session, actor: audit.Who, fund: Fund, statement: BankStatement, exact: list[str]) -> None:
    """What follows an import: lines of collections recognised as booked by hand are settled; exact matches are
    booked when the fund chose so."""
    for tx in session.scalars(
        select(BankTransaction).where(
            BankTransaction.statement_id == statement.id,
            BankTransaction.status == S.BOOKED,
            BankTransaction.direction == "credit",
        )
    ):
        _mark_settled(_payment_line(session, tx, BatchKind.DIRECT_DEBIT), tx)
    if not (fund.auto_book_exact_matches and exact):
        return
    wanted = set(exact)
    rows = session.scalars(
        select(BankTransaction).where(
            BankTransaction.statement_id == statement.id, BankTransaction.status == S.PROPOSED
        )
    )
    book_unasked(session, actor, [tx for tx in rows if tx.identity_key in wanted])


def _rematch_returns(session: Session, actor: audit.Who, collected: BankTransaction) -> None:
    """A return that arrived before its collection was booked can be matched now, whatever order statements came in."""
    e2e = end_to_end_id(collected)
    if not e2e:
        return
    accounts = select(BankAccount.id).where(BankAccount.fund_id == collected.account.fund_id)
    waiting = list(
        session.scalars(
            select(BankTransaction).where(
                BankTransaction.bank_account_id.in_(accounts),
                BankTransaction.direction == "debit",
                BankTransaction.end_to_end_id == e2e,
                BankTransaction.status == S.UNMATCHED,
            )
        )
    )
    if not waiting:
        return
    fund = fund_of(session, collected)
    matches = Matcher(session, fund.id, waiting, collected.bank_account_id).match_all(waiting)
    for tx, match in zip(waiting, matches, strict=True):
        apply_match(tx, match)
    session.flush()
    if fund.auto_book_exact_matches:
        book_unasked(session, actor, [tx for tx, match in zip(waiting, matches, strict=True) if match.exact])
