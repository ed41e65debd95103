"""Paying an approved claim: each payer pays its own part and records it; the claim is paid once every part is."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from fundapp import audit, clock
from fundapp.auth.models import User
from fundapp.auth.policy import Scope, payer_rows_of
from fundapp.errors import Conflict, ValidationFailed
from fundapp.money import ZERO
from fundapp.outcomes import assignments, signals
from fundapp.outcomes.claims import next_status, officer_payer
from fundapp.outcomes.models import Claim, ClaimPayerSplit, ClaimStatus


def own_splits(claim: Claim, scope: Scope) -> list[ClaimPayerSplit]:
    """The parts of the claim the officer's payers pay (an officer may serve two payers of one contract)."""
    mine = {row.payer_id for row in payer_rows_of(scope, claim.contract) if row.accepted_at is not None}
    return [split for split in claim.splits if split.payer_id in mine]


def outstanding(claim: Claim) -> list[ClaimPayerSplit]:
    """The parts still to be paid; a payer whose part is nothing has nothing to pay."""
    return [split for split in claim.splits if split.paid_on is None and split.amount != 0]


def record_payment(session: Session, actor: User, scope: Scope, claim: Claim, paid_on: date, reference: str) -> Claim:
    """The officer's payer paid its part (date, reference); the claim is paid once every payer's part is.

    Each part is recorded once: recording it again, or paying a paid claim, is a 409. Every part touches
    the claim, so its version guards two officers recording at the same moment (one of them is told 409).
    """
    next_status(claim.status, "pay")
    officer_payer(claim, scope)
    if paid_on > clock.today():
        raise ValidationFailed.field("paid_on", "A payment is recorded once it has been made, not in advance.")
    parts = [split for split in own_splits(claim, scope) if split.paid_on is None]
    if not parts:
        raise Conflict("Your part of this claim has already been recorded as paid.")
    return pay_parts(session, actor, claim, parts, paid_on, reference)


def pay_parts(
    session: Session, actor: audit.Who, claim: Claim, parts: list[ClaimPayerSplit], paid_on: date, reference: str
) -> Claim:
    """Records the parts as paid (by an officer, or by the bank statement that shows the money leave)."""
    before = claim.status
    next_status(claim.status, "pay")
    for split in parts:
        split.paid_on, split.payment_reference = paid_on, reference
    flag_modified(claim, "payment_reference")
    assignments.book_assigned_parts(session, actor, claim, parts)
    if not outstanding(claim):
        paid = [split for split in claim.splits if split.paid_on is not None]
        claim.status = ClaimStatus.PAID
        claim.paid_on = max(split.paid_on for split in paid if split.paid_on is not None)
        claim.payment_reference = "; ".join(split.payment_reference for split in paid)[:120]
    session.flush()
    audit.record(
        session,
        actor,
        "claim.paid",
        claim,
        {
            "status": [before, claim.status],
            "payers": [None, [split.payer_id for split in parts]],
            "paid_on": [None, paid_on],
            "reference": [None, reference],
            "amount": [None, sum((split.amount for split in parts), ZERO)],
        },
    )
    if claim.status == ClaimStatus.PAID:
        signals.claim_paid.send(claim, session=session)
    return claim
