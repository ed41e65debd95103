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
from fundapp.auth.policy import Scope, can, load, never, payer_rows_of, visible
from fundapp.banking import assigned as assigned_transfers
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
    # A loan the caller may not see is 404, as one that does not exist: assigning tells no one which loans are whose.
    loan = load(session, Loan, data["loan_id"], scope)
    if loan.investee_id != data["investee_id"]:
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
    rows = pending_for(scope, contract, of_contract(session, contract, scope))
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


def contract_query(contract: OutcomeContract, scope: Scope, clause: Any = None) -> Select[Any]:
    """The contract's assignments the user may see (policy: PaymentAssignment.view; ``clause``: that policy's
    clause, when the caller built it already)."""
    seen = visible(scope, PaymentAssignment) if clause is None else clause
    query = select(PaymentAssignment).where(PaymentAssignment.contract_id == contract.id, seen)
    return query.order_by(PaymentAssignment.id)


def of_contract(session: Session, contract: OutcomeContract, scope: Scope) -> list[PaymentAssignment]:
    clause = visible(scope, PaymentAssignment)
    if never(clause):
        return []
    return list(session.scalars(contract_query(contract, scope, clause)))


def book_assigned_parts(session: Session, actor: audit.Who, claim: Claim, parts: list[ClaimPayerSplit]) -> None:
    """Book the assigned share of each part just paid as a repayment of the provider's loan.

    A part in a live outcome-payment batch repays what the batch sends to the fund (nothing, when the batch
    was made before the payer accepted): the fund's statement then shows exactly the repayment booked.
    """
    assignment = session.scalar(
        select(PaymentAssignment).where(
            PaymentAssignment.contract_id == claim.contract_id, PaymentAssignment.investee_id == claim.investee_id
        )
    )
    if assignment is None:
        return
    accepted = {row.payer_id for row in assignment.payers if row.accepted_at is not None}
    sent = assigned_transfers.sent_to_fund(session, [split.id for split in parts])
    for split in parts:
        paid_on = split.paid_on
        if paid_on is None:
            continue
        loan: Loan | None = assignment.loan
        if split.id in sent:
            loan_id, amount = sent[split.id]
            loan = session.get(Loan, loan_id) if loan_id is not None else None
        elif split.payer_id not in accepted or paid_on < assignment.valid_from:
            continue
        else:
            amount = assigned_part(split.amount, assignment.share_percent)
        # A correction (a negative part) is settled on the loan page; a repaid or written-off loan takes nothing.
        if loan is None or amount <= 0 or loan.status != LoanStatus.ACTIVE:
            continue
        event = assigned_transfers.booked_by_hand(session, split.id, loan, amount)
        if event is None:
            event = loans.record_repayment(session, actor, loan, paid_on, amount, split.payment_reference)
        split.assigned_amount, split.repayment_id = amount, event.id
        assigned_transfers.link_waiting_credits(session, actor, split.id, loan, event)
        audit.record(
            session,
            actor,
            "claim.assigned_repayment",
            claim,
            {"payer_id": [None, split.payer_id], "loan_id": [None, loan.id], "amount": [None, amount]},
        )
    session.flush()
