"""A convertible loan: its conversion terms, the interest it has accrued, and the conversion into shares.

Accrued interest on a date = the interest of installments due on or before it and not paid, plus the interest on
the outstanding principal from the last due date before it (the first disbursement if none has passed) to the
date, by the loan's day count, half-up to the cent. A full conversion turns the outstanding principal and that
interest into shares and ends the loan (status ``converted``); a partial one (a principal amount less than what
is outstanding) converts that principal only and the loan runs on, re-planned on what is left.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from fundapp import audit, clock
from fundapp.errors import ValidationFailed
from fundapp.instruments.equity import EquityError, conversion_price, shares_for
from fundapp.instruments.models import ConversionTerms, EquityParticipation
from fundapp.loans import engine
from fundapp.loans import services as loan_services
from fundapp.loans.models import EventKind, Loan, LoanStatus
from fundapp.loans.schedule import period_interest
from fundapp.money import ZERO

TERM_FIELDS = ("price_per_share", "discount_percent", "cap", "trigger", "trigger_text")


def terms_of(session: Session, loan: Loan) -> ConversionTerms | None:
    return session.scalar(select(ConversionTerms).where(ConversionTerms.loan_id == loan.id))


def set_terms(session: Session, actor: audit.Who, loan: Loan, data: dict[str, Any]) -> ConversionTerms:
    if loan.status not in (LoanStatus.DRAFT, LoanStatus.APPROVED, LoanStatus.ACTIVE):
        raise ValidationFailed.field("trigger", "This loan has ended: its conversion terms can no longer change.")
    if data.get("price_per_share") is None and data.get("discount_percent") is None:
        raise ValidationFailed(
            "Give a price per share, a discount on the round's price, or both.",
            [
                {"field": "price_per_share", "message": "Give a price per share or a discount."},
                {"field": "discount_percent", "message": "Give a price per share or a discount."},
            ],
        )
    terms = terms_of(session, loan)
    before = {name: getattr(terms, name) for name in TERM_FIELDS} if terms else dict.fromkeys(TERM_FIELDS)
    terms = terms or ConversionTerms(loan_id=loan.id)
    for name in TERM_FIELDS:
        setattr(terms, name, data.get(name) if name != "trigger_text" else (data.get(name) or ""))
    session.add(terms)
    session.flush()
    changes = {name: [before[name], getattr(terms, name)] for name in TERM_FIELDS}
    audit.record(session, actor, "loan.conversion_terms", loan, changes)
    return terms


def accrued_interest(loan: Loan, on: date) -> Decimal:
    passed = [i for i in loan.installments if i.due_date <= on]
    unpaid = sum((i.interest_due - i.interest_paid for i in passed), ZERO)
    disbursed = [e.on for e in engine.live_events(loan) if e.kind == EventKind.DISBURSEMENT]
    start = max((i.due_date for i in passed), default=min(disbursed, default=loan.disbursement_date))
    rate = _rate_on(loan, on)
    since = period_interest(loan.outstanding_principal, start, on, rate, loan.frequency, loan.day_count)
    return unpaid + since


def _rate_on(loan: Loan, on: date) -> Decimal:
    changes = [e for e in engine.live_events(loan) if e.kind == EventKind.RATE_CHANGE and e.on <= on]
    return Decimal(str((changes[-1].terms or {})["annual_rate"])) if changes else loan.annual_rate


def convert(session: Session, actor: audit.Who, loan: Loan, data: dict[str, Any]) -> EquityParticipation:
    """Outstanding principal (and, converting all of it, accrued interest) into an equity participation."""
    on: date = data["date"]
    loan_services.next_status(loan.status, "convert")
    terms = terms_of(session, loan)
    if terms is None:
        raise ValidationFailed.field("date", "This loan has no conversion terms: set them first.")
    last = max((e.on for e in engine.live_events(loan)), default=loan.disbursement_date)
    if on < last:
        raise ValidationFailed.field("date", "A conversion cannot come before the loan's last booking.")
    if on > clock.today():
        raise ValidationFailed.field("date", "This date is still to come.")
    outstanding = loan.outstanding_principal
    principal = data.get("principal") or outstanding
    if principal > outstanding:
        raise ValidationFailed.field("principal", "This is more than the loan's outstanding principal.")
    full = principal == outstanding
    interest = accrued_interest(loan, on) if full else ZERO
    try:
        price = conversion_price(terms.price_per_share, terms.discount_percent, terms.cap, data.get("round_price"))
    except EquityError as exc:
        raise ValidationFailed.field("round_price", str(exc)) from exc
    amount = principal + interest
    shares = shares_for(amount, price)
    if shares < 1:
        raise ValidationFailed.field("principal", "This amount buys not even one share at the conversion price.")
    before = loan.status
    if full:
        loan.status = loan_services.next_status(loan.status, "convert")
        loan.outstanding_principal = ZERO
    else:
        loan_services.take_off_converted(session, actor, loan, on, principal)
    participation = EquityParticipation(
        fund_id=loan.fund_id,
        investee_id=loan.investee_id,
        on=on,
        shares=shares,
        price_per_share=price,
        cost=amount,
        loan_id=loan.id,
        converted_principal=principal,
        converted_interest=interest,
        round_price=data.get("round_price"),
        ends_loan=full,
        created_by_id=getattr(actor, "id", None),
    )
    session.add(participation)
    session.flush()
    audit.record(
        session,
        actor,
        "loan.converted",
        loan,
        {
            "status": [before, loan.status],
            "on": [None, on],
            "principal": [None, principal],
            "interest": [None, interest],
            "price_per_share": [None, price],
            "shares": [None, shares],
            "participation_id": [None, participation.id],
        },
    )
    return participation
