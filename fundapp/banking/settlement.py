"""Settling a batch line from the statement: the money of a line fundapp sent to the bank has moved.

``settle_line(session, actor, line, transaction)`` books what the line stands for, once:

- a disbursement line (debit): the loan is disbursed on the booking date (``loans.services.disburse``);
- an outcome-payment line (debit): the payer's own part of the claim is paid on the booking date; the
  claim is paid once every payer's part is;
- a direct-debit line (credit): the installment's repayment is recorded on the booking date
  (``loans.services.record_repayment``).

The bank's reference (or the end-to-end id) becomes the booking's reference. The statement import matches
a transaction to its line by ``payment_lines.end_to_end_id`` and calls this when it books it.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from fundapp import audit
from fundapp.banking.models import BankTransaction, BatchKind, BatchStatus, PaymentBatch, PaymentLine
from fundapp.errors import Conflict, ValidationFailed
from fundapp.loans import services as loan_services
from fundapp.loans.models import Loan, LoanEvent
from fundapp.messages import BANK_AMOUNT_DIFFERS, BANK_CREDIT_FOR_DEBIT, BANK_DEBIT_FOR_CREDIT
from fundapp.outcomes import payments
from fundapp.outcomes.claims import next_status
from fundapp.outcomes.models import Claim, ClaimPayerSplit

DIRECTION = {BatchKind.DIRECT_DEBIT: "credit", BatchKind.DISBURSEMENTS: "debit", BatchKind.OUTCOME_PAYMENTS: "debit"}
# (the statement's direction, the line's): the page translates the message through its template (fundapp.messages).
WRONG_AMOUNT = {
    ("credit", "credit"): BANK_AMOUNT_DIFFERS,
    ("debit", "debit"): BANK_AMOUNT_DIFFERS,
    ("credit", "debit"): BANK_CREDIT_FOR_DEBIT,
    ("debit", "credit"): BANK_DEBIT_FOR_CREDIT,
}


def settle_line(session: Session, actor: audit.Who, line: PaymentLine, transaction: BankTransaction) -> Any:
    """Book the line's payment from the statement; answers the loan event or the paid claim split."""
    batch = session.get(PaymentBatch, line.batch_id)
    assert batch is not None
    if line.settled_transaction_id is not None:
        raise Conflict("This payment has already been booked from a statement.")
    if batch.status == BatchStatus.CANCELLED:
        raise Conflict("This payment's batch was cancelled; book the transaction by hand if the bank paid it.")
    if transaction.direction != DIRECTION[batch.kind] or transaction.amount != line.amount:
        template = WRONG_AMOUNT[(transaction.direction, DIRECTION[batch.kind])]
        values = {"amount": transaction.amount, "line": line.end_to_end_id, "line_amount": line.amount}
        raise ValidationFailed.field("amount", template % values)
    reference = (transaction.bank_reference or line.end_to_end_id)[:120]
    on = transaction.booking_date
    result: LoanEvent | ClaimPayerSplit
    if batch.kind == BatchKind.OUTCOME_PAYMENTS:
        split = session.get(ClaimPayerSplit, line.split_id)
        if split is None:
            raise Conflict("The claim of this payment no longer exists.")
        result = pay_part(session, actor, split, on, reference)
    else:
        loan = session.get(Loan, line.loan_id)
        if loan is None:
            raise Conflict("The loan of this payment no longer exists.")
        if batch.kind == BatchKind.DISBURSEMENTS:
            # The transfer order was checked by a second person when its batch was made (batches._second_person).
            result = loan_services.disburse(
                session, actor, loan, on, transaction.amount, reference, second_person_checked=True
            )
        else:
            result = loan_services.record_repayment(session, actor, loan, on, transaction.amount, reference)
    line.settled_transaction_id = transaction.id
    session.flush()
    return result


def pay_part(
    session: Session, actor: audit.Who, split: ClaimPayerSplit, paid_on: date, reference: str
) -> ClaimPayerSplit:
    """One payer's part of a claim paid, as the payer's statement shows; the claim is paid once every part is."""
    claim = session.get(Claim, split.claim_id)
    assert claim is not None
    next_status(claim.status, "pay")
    if split.paid_on is not None:
        raise Conflict("This payer's part of the claim has already been recorded as paid.")
    payments.pay_parts(session, actor, claim, [split], paid_on, reference)
    return split
