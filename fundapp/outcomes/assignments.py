"""A results fund that lends: a provider's outcome payments assigned in part to repay its loan (issue #14, item 15).

Consent (domain.md): the loan's fund manager sets the assignment, which binds the provider, the fund's investee;
it changes where a payer's money goes, so it applies to a payer's payments only once an officer of that payer
accepted it. When a payer's part of a claim is recorded as paid, the share of it is booked as a repayment on
the loan (allocation, journal and arrears follow the loan's own rules), on the payment date and with the
payment's reference, in the same transaction: a booking the loan refuses leaves the claim unpaid.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from fundapp import audit
from fundapp.auth.policy import Scope, can, payer_rows_of
from fundapp.db import utcnow
from fundapp.errors import Conflict, Forbidden, ValidationFailed
from fundapp.loans import services as loans
from fundapp.loans.models import Loan, LoanStatus
from fundapp.messages import N_
from fundapp.money import round_cent
from fundapp.outcomes.models import (
    AssignmentPayer,
    Claim,
    ClaimPayerSplit,
    ContractStatus,
    OutcomeContract,
    PaymentAssignment,
)

HUNDRED = Decimal("100")


def assigned_part(amount: Decimal, share_percent: Decimal) -> Decimal:
    """The share of a payment that repays the loan, rounded half-up to the cent; the provider gets the rest."""
    return round_cent(amount * share_percent / HUNDRED)


def assign(
    session: Session, actor: audit.Who, scope: Scope, contract: OutcomeContract, data: dict[str, Any]
) -> PaymentAssignment:
    if contract.status == ContractStatus.CLOSED:
        raise Conflict("A closed contract pays nothing more: there is nothing to assign.")
    if data["investee_id"] not in contract.provider_ids:
        raise ValidationFailed.field("investee_id", "This investee is not a provider of the contract.")
    loan = session.get(Loan, data["loan_id"])
    if loan is None or loan.investee_id != data["investee_id"]:
        raise ValidationFailed.field("loan_id", "Choose a loan of this provider.")
    if not can(scope, "edit", loan):
        raise Forbidden("Only the loan's fund manager assigns payments to it.")
    taken = session.scalar(
        select(PaymentAssignment.id).where(
            PaymentAssignment.contract_id == contract.id, PaymentAssignment.investee_id == data["investee_id"]
        )
    )
    if taken is not None:
        raise Conflict(
            "This provider's payments under the contract are already assigned.",
            [{"field": "investee_id", "message": N_("Already assigned.")}],
        )
    assignment = PaymentAssignment(
        contract_id=contract.id,
        created_by_id=getattr(actor, "id", None),
        payers=[AssignmentPayer(payer_id=row.payer_id) for row in contract.payers],
        **data,
    )
    session.add(assignment)
    session.flush()
    audit.record(
        session,
        actor,
        "assignment.created",
        assignment,
        {"contract_id": [None, contract.id], **{k: [None, v] for k, v in data.items()}},
    )
    return assignment


def pending_for(scope: Scope, contract: OutcomeContract, assignments: list[PaymentAssignment]) -> list[AssignmentPayer]:
    """The consents the officer still has to give, for the payers they act for."""
    mine = {row.payer_id for row in payer_rows_of(scope, contract)}
    return [row for a in assignments for row in a.payers if row.payer_id in mine and row.accepted_at is None]


def accept(session: Session, actor: audit.Who, scope: Scope, contract: OutcomeContract) -> list[AssignmentPayer]:
    """An officer accepts, for their own payers, to pay the assigned parts to the fund."""
    if not payer_rows_of(scope, contract):
        raise Forbidden("Only an officer of a payer of the contract accepts an assignment of its payments.")
    rows = pending_for(scope, contract, of_contract(session, contract))
    if not rows:
        raise Conflict("There is no assignment left for you to accept in this contract.")
    for row in rows:
        row.accepted_at, row.accepted_by_id = utcnow(), getattr(actor, "id", None)
    session.flush()
    for row in rows:
        audit.record(
            session,
            actor,
            "assignment.accepted",
            row.assignment_id,
            {"payer_id": [None, row.payer_id]},
            entity_type="PaymentAssignment",
        )
    return rows


def contract_query(contract: OutcomeContract) -> Select[Any]:
    query = select(PaymentAssignment).where(PaymentAssignment.contract_id == contract.id)
    return query.order_by(PaymentAssignment.id)


def of_contract(session: Session, contract: OutcomeContract) -> list[PaymentAssignment]:
    return list(session.scalars(contract_query(contract)))


def book_assigned_parts(session: Session, actor: audit.Who, claim: Claim, parts: list[ClaimPayerSplit]) -> None:
    """Book the assigned share of each part just paid as a repayment of the provider's loan."""
    assignment = session.scalar(
        select(PaymentAssignment).where(
            PaymentAssignment.contract_id == claim.contract_id, PaymentAssignment.investee_id == claim.investee_id
        )
    )
    if assignment is None:
        return
    accepted = {row.payer_id for row in assignment.payers if row.accepted_at is not None}
    for split in parts:
        paid_on = split.paid_on
        if split.payer_id not in accepted or paid_on is None or paid_on < assignment.valid_from:
            continue
        amount = assigned_part(split.amount, assignment.share_percent)
        # A correction (a negative part) is settled on the loan page; a repaid or written-off loan takes nothing.
        if amount <= 0 or assignment.loan.status != LoanStatus.ACTIVE:
            continue
        event = loans.record_repayment(session, actor, assignment.loan, paid_on, amount, split.payment_reference)
        split.assigned_amount, split.repayment_id = amount, event.id
        audit.record(
            session,
            actor,
            "claim.assigned_repayment",
            claim,
            {"payer_id": [None, split.payer_id], "loan_id": [None, assignment.loan_id], "amount": [None, amount]},
        )
    session.flush()
