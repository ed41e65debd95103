"""Guarantees: the verbs. A call is paid to the bank and becomes a loan of the fund to the investee.

That loan is created, approved and disbursed on the call date for the amount called, on the terms entered with
the call; from then on its schedule, arrears, repayments and write-off are a loan's. The journal books the call
once, as that loan's disbursement (Dr loans receivable, Cr bank), so the guarantee's own journal has only fees.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from fundapp import audit
from fundapp.errors import ValidationFailed
from fundapp.instruments import fees
from fundapp.instruments.grants import next_reference, not_in_future, refuse_taken_reference
from fundapp.instruments.guarantee_models import Guarantee, GuaranteeEvent, GuaranteeEventKind
from fundapp.investees.models import Investee
from fundapp.loans import services as loan_services
from fundapp.loans.models import Loan
from fundapp.messages import N_
from fundapp.money import ZERO


def create_guarantee(session: Session, actor: audit.Who, investee: Investee, data: dict[str, Any]) -> Guarantee:
    data = dict(data)
    if data["guaranteed_amount"] > data["bank_loan_amount"]:
        raise ValidationFailed.field("guaranteed_amount", N_("The fund guarantees at most the bank's loan."))
    reference = (data.pop("reference", None) or "").strip() or next_reference(
        session, Guarantee, "GA", investee.fund_id, data["starts_on"].year
    )
    refuse_taken_reference(session, Guarantee, investee.fund_id, reference)
    guarantee = Guarantee(
        fund_id=investee.fund_id,
        investee_id=investee.id,
        reference=reference,
        created_by_id=getattr(actor, "id", None),
        **data,
    )
    session.add(guarantee)
    session.flush()
    audit.record(
        session,
        actor,
        "guarantee.created",
        guarantee,
        {"investee_id": [None, investee.id], "reference": [None, reference], **{k: [None, v] for k, v in data.items()}},
    )
    return guarantee


def fee_schedule(guarantee: Guarantee) -> list[fees.FeeDue]:
    return guarantee.fee_schedule


def _add_event(
    session: Session,
    actor: audit.Who,
    guarantee: Guarantee,
    kind: GuaranteeEventKind,
    on: date,
    amount: Decimal,
    **more: Any,
) -> GuaranteeEvent:
    event = GuaranteeEvent(
        guarantee=guarantee,
        fund_id=guarantee.fund_id,
        kind=kind,
        on=on,
        amount=amount,
        created_by_id=getattr(actor, "id", None),
        **more,
    )
    session.add(event)
    session.flush()
    return event


def record_fee(
    session: Session, actor: audit.Who, guarantee: Guarantee, on: date, amount: Decimal, reference: str = ""
) -> GuaranteeEvent:
    not_in_future(on)
    if on < guarantee.starts_on:
        raise ValidationFailed.field("date", N_("A fee is paid after the guarantee started."))
    unpaid = sum((fee.open for fee in fee_schedule(guarantee)), ZERO)
    if amount > unpaid:
        raise ValidationFailed.field("amount", N_("More than the fees still to pay over the whole guarantee."))
    event = _add_event(session, actor, guarantee, GuaranteeEventKind.FEE_PAYMENT, on, amount, reference=reference)
    before = guarantee.fees_paid
    guarantee.fees_paid += amount
    session.flush()
    audit.record(
        session,
        actor,
        "guarantee.fee_paid",
        guarantee,
        {"event_id": [None, event.id], "on": [None, on], "fees_paid": [before, guarantee.fees_paid]},
    )
    return event


def call(
    session: Session,
    actor: audit.Who,
    guarantee: Guarantee,
    on: date,
    amount: Decimal,
    terms: dict[str, Any],
    reference: str = "",
) -> GuaranteeEvent:
    """The bank calls the guarantee: the fund pays it, and the investee owes the fund that much as a loan."""
    not_in_future(on)
    if not guarantee.starts_on <= on <= guarantee.expires_on:
        raise ValidationFailed.field("date", N_("A guarantee is called between its start and its expiry."))
    if amount > guarantee.uncalled:
        raise ValidationFailed.field("amount", N_("More than the guaranteed amount not yet called."))
    number = 1 + sum(1 for e in guarantee.events if e.kind == GuaranteeEventKind.CALL)
    loan = _loan_of_call(session, actor, guarantee, on, amount, terms, f"{guarantee.reference}-C{number}", reference)
    event = _add_event(
        session, actor, guarantee, GuaranteeEventKind.CALL, on, amount, reference=reference, loan_id=loan.id
    )
    before = guarantee.called
    guarantee.called += amount
    session.flush()
    audit.record(
        session,
        actor,
        "guarantee.called",
        guarantee,
        {
            "event_id": [None, event.id],
            "on": [None, on],
            "loan_id": [None, loan.id],
            "called": [before, guarantee.called],
        },
    )
    return event


def _loan_of_call(
    session: Session,
    actor: audit.Who,
    guarantee: Guarantee,
    on: date,
    amount: Decimal,
    terms: dict[str, Any],
    loan_reference: str,
    bank_reference: str,
) -> Loan:
    data = {
        **terms,
        "reference": loan_reference,
        "principal": amount,
        "disbursement_date": on,
        "installment_multiple": Decimal("0.01"),
        "purpose": f"{guarantee.bank_name} {guarantee.bank_loan_reference}".strip(),
    }
    loan = loan_services.create_loan(session, actor, guarantee.investee, data)
    loan_services.approve(session, actor, loan)
    # The fund owes the bank the call under a guarantee it already approved: paying it is no lending decision, so
    # the maker-checker threshold (a second person for a loan's disbursement) does not hold the payment up.
    loan_services.disburse(session, actor, loan, on, amount, bank_reference, second_person_checked=True)
    return loan
