"""The journal events of a fund's grants and guarantees for a period (three queries, whatever their number).

    grant paid          Dr grant expense        Cr bank
    clawback            Dr other receivables    Cr grant expense
    payment received    Dr bank                 Cr other receivables
    guarantee fee paid  Dr bank                 Cr guarantee fee income

A guarantee call is not here: it is the disbursement of the loan it became (``guarantees``), booked with the loans.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from fundapp.banking import journal
from fundapp.banking.journal import EventKind, Posting
from fundapp.instruments.grant_models import Grant, GrantEvent, GrantEventKind
from fundapp.instruments.guarantee_models import Guarantee, GuaranteeEvent, GuaranteeEventKind

GRANT_EVENTS = {
    GrantEventKind.CLAWBACK: (EventKind.GRANT_CLAWBACK, "other_receivables", "grant_expense"),
    GrantEventKind.RECEIPT: (EventKind.RECEIVABLE_PAYMENT, "bank", "other_receivables"),
}


def journal_events(session: Session, fund_id: int, start: dt.date, end: dt.date) -> list[journal.Event]:
    found: list[journal.Event] = []
    for on, amount, reference in session.execute(
        select(Grant.paid_on, Grant.amount, Grant.reference)
        .where(Grant.fund_id == fund_id, Grant.paid_on.between(start, end))
        .order_by(Grant.paid_on, Grant.id)
    ):
        found.append(_posting(EventKind.GRANT_PAYMENT, on, reference, "grant_expense", "bank", amount))
    for kind, on, amount, reference in session.execute(
        select(GrantEvent.kind, GrantEvent.on, GrantEvent.amount, Grant.reference)
        .join(Grant, Grant.id == GrantEvent.grant_id)
        .where(GrantEvent.fund_id == fund_id, GrantEvent.on.between(start, end))
        .order_by(GrantEvent.on, GrantEvent.id)
    ):
        event, debit, credit = GRANT_EVENTS[kind]
        found.append(_posting(event, on, reference, debit, credit, amount))
    for on, amount, reference in session.execute(
        select(GuaranteeEvent.on, GuaranteeEvent.amount, Guarantee.reference)
        .join(Guarantee, Guarantee.id == GuaranteeEvent.guarantee_id)
        .where(
            GuaranteeEvent.fund_id == fund_id,
            GuaranteeEvent.kind == GuaranteeEventKind.FEE_PAYMENT,
            GuaranteeEvent.on.between(start, end),
        )
        .order_by(GuaranteeEvent.on, GuaranteeEvent.id)
    ):
        found.append(_posting(EventKind.GUARANTEE_FEE, on, reference, "bank", "guarantee_fee_income", amount))
    return found


def _posting(kind: EventKind, on: dt.date, reference: str, debit: str, credit: str, amount: Decimal) -> Posting:
    return Posting(kind, on, reference, ((debit, amount),), ((credit, amount),))
